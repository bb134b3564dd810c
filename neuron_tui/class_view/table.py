"""The cells of the class table: one row per learner, fitting 80 columns.

A stuck learner's name and activity are bold red and the activity says why
("! idle 4m"), so the row stands out in colour and without it; a learner who
left is dim.
"""

from __future__ import annotations

from rich.text import Text

from neuron_tui.class_view.model import Learner
from neuron_tui.class_view.summary import ago, page_label, quiz_text, stuck_reason
from neuron_tui.lesson.registry import LESSON, Lesson

#: (heading, key, width) of each column; the widths add up to fit 80 columns.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("Name", "name", 13),
    ("Seen", "seen", 7),
    ("Part", "part", 5),
    ("For", "for", 5),
    ("Checks", "checks", 6),
    ("Quiz", "quiz", 5),
    ("Missed", "missed", 9),
    ("Active", "active", 12),
)

STUCK = "bold red"
AWAY = "dim"


def row_cells(learner: Learner, now: float, questions: int,
              lesson: Lesson = LESSON) -> list[Text]:
    """The cells of `learner`'s row at time `now`, in the order of :data:`COLUMNS`."""
    stuck = stuck_reason(learner, now, lesson)
    style = STUCK if stuck else "" if learner.connected else AWAY
    seen = "here" if learner.connected else (
        f"{ago(now - learner.last_seen)} ago" if learner.last_seen is not None else "–")
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


def detail_text(learner: Learner, now: float, lesson: Lesson = LESSON) -> str:
    """One line about the highlighted learner: node, first seen, parts done, key."""
    done = " ".join(page_label(key, lesson) for key in lesson.order if key in learner.parts_done)
    parts = [learner.name]
    if learner.node:
        parts.append(f"on {learner.node}")
    if learner.first_seen is not None:
        parts.append(f"first seen {ago(now - learner.first_seen)} ago")
    parts.append(f"done: {done}" if done else "no part done yet")
    if learner.fingerprint:  # last: a fingerprint is long, and the line is cut at the edge
        parts.append(f"key {learner.fingerprint}")
    return " · ".join(parts)
