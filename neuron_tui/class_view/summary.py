"""What the teacher's room makes of the class: how times and pages read, who is stuck,
the orders of the table, and the summary lines (parts, quiz, pacing).

All of it without Textual, so the rules are tested on their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len

from neuron_tui.class_view.model import Learner, Node, Snapshot
from neuron_tui.i18n import N_, _, number
from neuron_tui.lesson.part06 import LETTERS
from neuron_tui.lesson.registry import LESSON, Lesson

#: A connected learner with no key for this long stands out (seconds).
IDLE_SECONDS = 180.0
#: A connected learner this long on one part stands out (seconds).
SLOW_SECONDS = 300.0
#: The orders the table can be sorted in, cycled by the sort key.
SORT_ORDERS = ("name", "part", "activity")
#: How the title line names each order (translated where it is drawn).
SORTED_BY = {
    "name": N_("sorted by name"),
    "part": N_("sorted by part"),
    "activity": N_("sorted by activity"),
}
#: What separates the pieces of the title and detail lines.
SEPARATOR = " · "


# ------------------------------------------------------------------ how things read


def ago(seconds: float | None) -> str:
    """A short duration: "12s", "4m", "1h05", "3d"; "–" when unknown.

    The unit letters are the same in every shipped language (they read as symbols).
    """
    if seconds is None:
        return "–"
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}"
    return f"{seconds // 86400}d"


def in_table(message: str) -> str:
    """A "table|word" message translated, or the word itself when it is not.

    The prefix (GLib's Q_ convention) keeps these table words apart in the catalog from
    the same English words elsewhere: "start" is also the bowl's starting point, whose
    Spanish ("inicio") is one letter too wide for the table's Part column.
    """
    translated = _(message)
    return message.partition("|")[2] if translated == message else translated


def page_label(page: str, lesson: Lesson = LESSON) -> str:
    """How a page reads in the table: "02" for a part, "start" and "end" for the others."""
    if not lesson.has_page(page):
        return "–"
    spec = lesson.page(page)
    if spec.is_part:
        return spec.number_text
    return in_table(N_("table|start") if page == lesson.first else N_("table|end"))


def option_letter(index: int) -> str:
    """The letter of an option (0 → "a"), as the quiz shows it."""
    return LETTERS[index] if 0 <= index < len(LETTERS) else str(index + 1)


def quiz_text(learner: Learner, questions: int) -> str:
    """The quiz column: "4/5" once scored, "3 ans" while answering, "–" before."""
    if learner.quiz_score is not None:
        return f"{learner.quiz_score}/{questions}"
    if learner.quiz_answered:
        return _("{n} ans").format(n=learner.quiz_answered)
    return "–"


def stuck_reason(learner: Learner, now: float, lesson: Lesson = LESSON) -> str:
    """Why a connected learner may need the teacher ("idle 4m", "9m on 03"), or ""."""
    if not learner.connected:
        return ""
    if learner.last_activity is not None and now - learner.last_activity >= IDLE_SECONDS:
        return _("idle {time}").format(time=ago(now - learner.last_activity))
    on_a_part = lesson.has_page(learner.page) and lesson.page(learner.page).is_part
    if on_a_part and learner.page_since is not None and now - learner.page_since >= SLOW_SECONDS:
        return _("{time} on {part}").format(time=ago(now - learner.page_since),
                                            part=page_label(learner.page, lesson))
    return ""


def sort_learners(learners: tuple[Learner, ...] | list[Learner], order: str,
                  lesson: Lesson = LESSON) -> list[Learner]:
    """Learners by name, by part (furthest behind first) or by activity (idlest first).

    Ties go by name, so the table never shuffles between two snapshots.
    """
    by_name = sorted(learners, key=lambda learner: (learner.name.casefold(), learner.name))
    if order == "part":
        where = {key: index for index, key in enumerate(lesson.order)}
        return sorted(by_name, key=lambda learner: where.get(learner.page, -1))
    if order == "activity":
        return sorted(by_name, key=lambda learner: (
            not learner.connected, learner.last_activity or 0.0))
    return by_name


def fit_line(pieces: Iterable[str], width: int) -> str:
    """`pieces` joined by " · ", as many as fit in `width` columns (the first always).

    The title and detail lines are one row high: a piece that would be cut at the
    edge is left out whole, with those after it, so the line never ends mid-word.
    """
    line = ""
    for piece in pieces:
        if not piece:
            continue
        longer = f"{line}{SEPARATOR}{piece}" if line else piece
        if line and cell_len(longer) > width:
            break
        line = longer
    return line


def title_line(snapshot: Snapshot, order: str, width: int) -> str:
    """The top line: the view's name, how learners join (it covers the server's banner),
    then, as far as they fit, the table's order, the class's size and the node (or how
    many nodes: each has a summary line of its own then)."""
    nodes = " ".join(f"{node.name} {node.sessions}/{node.max_sessions}"
                     for node in snapshot.nodes)
    if len(snapshot.nodes) > 1:
        nodes = f"{len(snapshot.nodes)} nodes"
    return fit_line((
        _("neuron-tui · the class"),
        _("join: {command}").format(command=snapshot.serving) if snapshot.serving else "",
        _(SORTED_BY.get(order, order)),
        # One form for every count (English has always said "1 learners" here).
        _("{n} learners").format(n=len(snapshot.learners)),
        nodes,
    ), width)


# ------------------------------------------------------------------ the summary


@dataclass(frozen=True)
class QuestionSummary:
    """How the class did on one question: answers, misses, the most chosen wrong option."""

    id: str
    answered: int
    missed: int
    worst: int | None  # the most chosen wrong option's index, None when nobody missed


def question_summaries(snapshot: Snapshot) -> list[QuestionSummary]:
    """Per question of the quiz: how many answered, how many missed, which wrong option won."""
    summaries = []
    for question in snapshot.quiz:
        chosen = [learner.answers[question.id] for learner in snapshot.learners
                  if question.id in learner.answers]
        wrong = Counter(option for option in chosen if option != question.answer)
        # most_common keeps first-seen order on ties: take the lowest option instead.
        top = max(wrong.values(), default=0)
        worst = min((option for option, count in wrong.items() if count == top), default=None)
        summaries.append(QuestionSummary(question.id, len(chosen), sum(wrong.values()), worst))
    return summaries


def parts_line(snapshot: Snapshot, lesson: Lesson = LESSON) -> str:
    """How many connected learners are on each page, and how many are away."""
    here = Counter(learner.page for learner in snapshot.learners if learner.connected)
    away = sum(1 for learner in snapshot.learners if not learner.connected)
    counts = " ".join(f"{page_label(key, lesson)}:{here[key]}" for key in lesson.order
                      if here[key])
    line = _("{here} here, {away} away").format(here=sum(here.values()), away=away)
    return line + (f" │ {counts}" if counts else "")


def quiz_line(snapshot: Snapshot) -> str:
    """The quiz's average and, per question, how many missed it and the most chosen wrong."""
    scores = [learner.quiz_score for learner in snapshot.learners
              if learner.quiz_score is not None]
    total = len(snapshot.quiz)
    average = _("quiz avg {average}/{total} ({done} done)").format(
        average=number(sum(scores) / len(scores), 1), total=total, done=len(scores),
    ) if scores else _("quiz: nobody done yet")
    parts = []
    for summary in question_summaries(snapshot):
        worst = f"({option_letter(summary.worst)})" if summary.worst is not None else ""
        parts.append(_("Q{question} {missed}{worst}").format(
            question=summary.id, missed=summary.missed, worst=worst))
    return average + (" │ " + _("missed {questions}").format(questions=" ".join(parts))
                      if parts else "")


def pacing_line(snapshot: Snapshot) -> str:
    """What the teacher holds: the part, the quiz, the last message."""
    pacing = snapshot.pacing
    hold = _("held at Part {part:02d}").format(part=pacing.hold) if pacing.hold else _(
        "no hold")
    quiz = _("quiz open") if pacing.quiz_open else _("quiz closed")
    line = f"{hold}{SEPARATOR}{quiz}"
    said = _("said: {message}").format(message=snapshot.message) if snapshot.message else ""
    return line + (f"{SEPARATOR}{said}" if said else "")


# ------------------------------------------------------------------ the nodes

#: The most summary lines the nodes take; more nodes share the last one.
MAX_NODE_LINES = 3


def node_text(node: Node, snapshot: Snapshot, now: float) -> str:
    """One node: "n1 12/40 load 0.82", or "n2 gone 45s · 8 last seen" once it is silent."""
    if node.gone:
        silent = f" {ago(now - node.heartbeat)}" if node.heartbeat is not None else ""
        left = sum(1 for learner in snapshot.learners
                   if learner.node == node.name and not learner.connected)
        gone = _("{node} gone").format(node=node.name) + silent
        return gone + (_(" · {n} last seen").format(n=left) if left else "")
    load = _(" load {load}").format(load=number(node.load)) if node.load is not None else ""
    return f"{node.name} {node.sessions}/{node.max_sessions}{load}"


def node_lines(snapshot: Snapshot, now: float, width: int) -> list[str]:
    """A line per node (sessions/max and load, or gone) when the class runs on more than
    one; nothing for one node (the title names it). Past :data:`MAX_NODE_LINES`, the
    last line holds the rest, as many as fit."""
    nodes = snapshot.nodes
    if len(nodes) < 2 and not any(node.gone for node in nodes):
        return []
    texts = [_("node {node}").format(node=node_text(node, snapshot, now)) for node in nodes]
    if len(texts) <= MAX_NODE_LINES:
        return texts
    rest = [node_text(node, snapshot, now) for node in nodes[MAX_NODE_LINES - 1:]]
    first = _("+{n} nodes: {node}").format(n=len(rest), node=rest[0])
    return [*texts[:MAX_NODE_LINES - 1], fit_line((first, *rest[1:]), width)]


def summary_lines(snapshot: Snapshot, now: float, width: int,
                  lesson: Lesson = LESSON) -> list[str]:
    """The lines under the title: parts, quiz, pacing, then the nodes (if several)."""
    return [parts_line(snapshot, lesson), quiz_line(snapshot), pacing_line(snapshot),
            *node_lines(snapshot, now, width)]
