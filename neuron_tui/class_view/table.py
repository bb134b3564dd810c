"""The cells of the class table: one row per learner, fitting 80 columns.

A stuck learner's name and activity are bold red and the activity says why
("! idle 4m"), so the row stands out in colour and without it; a learner who
left is dim.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from neuron_tui.class_view.model import Learner
from neuron_tui.class_view.summary import (
    SEPARATOR,
    ago,
    fit_line,
    page_label,
    quiz_text,
    stuck_reason,
)
from neuron_tui.i18n import N_, _
from neuron_tui.lesson.registry import LESSON, Lesson

#: (heading, key, width) of each column; the widths add up to fit 80 columns. The
#: headings are English here and translated where the table is built.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    (N_("Name"), "name", 13),
    (N_("Seen"), "seen", 7),
    (N_("Part"), "part", 5),
    (N_("For"), "for", 5),
    (N_("Checks"), "checks", 6),
    (N_("Quiz"), "quiz", 5),
    (N_("Missed"), "missed", 9),
    (N_("Active"), "active", 12),
)

STUCK = "bold red"
AWAY = "dim"
#: How much of a key's fingerprint the detail line keeps when the whole does not fit
#: beside the name ("SHA256:" and 17 characters of the digest, then "…").
SHORT_FINGERPRINT = 24


def row_cells(learner: Learner, now: float, questions: int,
              lesson: Lesson = LESSON) -> list[Text]:
    """The cells of `learner`'s row at time `now`, in the order of :data:`COLUMNS`."""
    stuck = stuck_reason(learner, now, lesson)
    style = STUCK if stuck else "" if learner.connected else AWAY
    seen = _("here") if learner.connected else (
        _("{time} ago").format(time=ago(now - learner.last_seen))
        if learner.last_seen is not None else "–")
    on_part = ago(now - learner.page_since) if learner.connected and learner.page_since else "–"
    active = f"! {stuck}" if stuck else (
        ago(now - learner.last_activity) if learner.last_activity is not None else "–")
    plain = "" if learner.connected else AWAY
    return [
        Text(learner.name, style=style, no_wrap=True, overflow="ellipsis"),
        Text(seen, style=plain),
        Text(page_label(learner.page, lesson) if learner.page else "–", style=plain),
        Text(on_part, style=plain),
        Text(str(len(learner.self_checks)), style=plain),
        Text(quiz_text(learner, questions), style=plain),
        Text(" ".join(learner.missed) or "–", style=plain, no_wrap=True, overflow="ellipsis"),
        Text(active, style=style or plain, no_wrap=True, overflow="ellipsis"),
    ]


def named_key(name: str, fingerprint: str, width: int) -> str:
    """"name · key SHA256:…" in `width` columns: the whole fingerprint when it fits;
    else its start (enough to tell keys apart), and the name cut if even that is too long.
    """
    whole = f"{name}{SEPARATOR}" + _("key {fingerprint}").format(fingerprint=fingerprint)
    if cell_len(whole) <= width:
        return whole
    short = fingerprint if len(fingerprint) <= SHORT_FINGERPRINT else (
        fingerprint[:SHORT_FINGERPRINT] + "…")
    key = SEPARATOR + _("key {fingerprint}").format(fingerprint=short)
    room = width - cell_len(key)
    if cell_len(name) > room:
        name = set_cell_size(name, max(room - 1, 1)).rstrip() + "…"
    return name + key


def detail_text(learner: Learner, now: float, lesson: Lesson = LESSON, width: int = 80) -> str:
    """One line of `width` columns about the highlighted learner: the key they logged in
    with (the issue asks the view to show it, so it comes first), the node they are on (for
    one who left, the node that last saw them, if it is known), first seen, parts done;
    what does not fit is left out."""
    done = " ".join(page_label(key, lesson) for key in lesson.order if key in learner.parts_done)
    head = named_key(learner.name, learner.fingerprint, width) if learner.fingerprint else (
        learner.name)
    return fit_line((
        head,
        _("on {node}").format(node=learner.node) if learner.node else "",
        _("first seen {time} ago").format(time=ago(now - learner.first_seen))
        if learner.first_seen is not None else "",
        _("done: {parts}").format(parts=done) if done else _("no part done yet"),
    ), width)
