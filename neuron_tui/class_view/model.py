"""The class as the hub describes it: typed records read from its snapshot.

The hub sends the whole class as one JSON object (`"t": "class"`, see
docs/class-protocol.md). :func:`read_snapshot` turns it into these records, keeping
what is well-formed and dropping what is not (a newer hub may send more, a broken
one less). What the view makes of them is `summary`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Learner:
    """One learner of the class, as the hub last described them."""

    key: str
    name: str
    connected: bool = False
    first_seen: float | None = None
    last_seen: float | None = None
    page: str = ""
    page_since: float | None = None
    last_activity: float | None = None
    parts_done: tuple[str, ...] = ()
    self_checks: tuple[str, ...] = ()
    quiz_score: int | None = None
    quiz_answered: int = 0
    answers: dict[str, int] = field(default_factory=dict)
    missed: tuple[str, ...] = ()
    fingerprint: str | None = None
    node: str = ""


@dataclass(frozen=True)
class Question:
    """A quiz question: its id, its options' text and the index of the right one."""

    id: str
    options: tuple[str, ...]
    answer: int


@dataclass(frozen=True)
class Pacing:
    """What the teacher holds: the highest part learners may reach, and the quiz."""

    hold: int | None = None
    quiz_open: bool = True


@dataclass(frozen=True)
class Node:
    """A lesson node the class runs on: its sessions, its load, and whether it has gone
    silent (killed, cut off: its learners are last seen there)."""

    name: str
    sessions: int
    max_sessions: int
    #: The node's one-minute load average (None when it does not say).
    load: float | None = None
    gone: bool = False
    #: When the node was last heard from (None when the hub does not say).
    heartbeat: float | None = None


@dataclass(frozen=True)
class Snapshot:
    """The whole class at one moment."""

    at: float = 0.0
    learners: tuple[Learner, ...] = ()
    pacing: Pacing = Pacing()
    message: str | None = None
    nodes: tuple[Node, ...] = ()
    quiz: tuple[Question, ...] = ()
    #: How learners connect (e.g. ``ssh -p 2222 NAME@host``); "" when the hub does not say.
    serving: str = ""


# ------------------------------------------------------------------ reading the hub


def _time(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok and math.isfinite(value) and value >= 0 else None


def _count(value: Any) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if ok else None


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(
        value, list) else ()


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def read_learner(data: Any) -> Learner | None:
    """A learner from the hub's JSON, or None without a usable name."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return None
    answers = data.get("answers")
    fingerprint = data.get("fingerprint")
    return Learner(
        key=_text(data.get("key"), data["name"]),
        name=data["name"],
        connected=data.get("connected") is True,
        first_seen=_time(data.get("first_seen")),
        last_seen=_time(data.get("last_seen")),
        page=_text(data.get("page")),
        page_since=_time(data.get("page_since")),
        last_activity=_time(data.get("last_activity")),
        parts_done=_texts(data.get("parts_done")),
        self_checks=_texts(data.get("self_checks")),
        quiz_score=_count(data.get("quiz_score")),
        quiz_answered=_count(data.get("quiz_answered")) or 0,
        answers={str(qid): option for qid, option in answers.items()
                 if _count(option) is not None} if isinstance(answers, dict) else {},
        missed=_texts(data.get("missed")),
        fingerprint=fingerprint if isinstance(fingerprint, str) else None,
        node=_text(data.get("node")),
    )


def read_question(data: Any) -> Question | None:
    """A quiz question from the hub's JSON, or None when malformed."""
    if not isinstance(data, dict) or _count(data.get("answer")) is None:
        return None
    qid = data.get("id")
    if not isinstance(qid, str | int) or isinstance(qid, bool):
        return None
    return Question(str(qid), _texts(data.get("options")), data["answer"])


def read_snapshot(data: dict[str, Any]) -> Snapshot:
    """The class from a `"t": "class"` message; anything malformed is left out."""
    pacing = data.get("pacing") if isinstance(data.get("pacing"), dict) else {}
    hold = _count(pacing.get("hold"))
    learners = [read_learner(item) for item in data.get("learners") or []] if isinstance(
        data.get("learners"), list) else []
    questions = [read_question(item) for item in data.get("quiz") or []] if isinstance(
        data.get("quiz"), list) else []
    nodes = data.get("nodes") if isinstance(data.get("nodes"), list) else []
    message = data.get("message")
    return Snapshot(
        at=_time(data.get("at")) or 0.0,
        learners=tuple(learner for learner in learners if learner is not None),
        pacing=Pacing(hold=hold or None, quiz_open=pacing.get("quiz_open") is not False),
        message=message if isinstance(message, str) and message else None,
        nodes=tuple(
            Node(node["name"], _count(node.get("sessions")) or 0,
                 _count(node.get("max_sessions")) or 0, _time(node.get("load")),
                 node.get("gone") is True, _time(node.get("heartbeat")))
            for node in nodes if isinstance(node, dict) and isinstance(node.get("name"), str)
        ),
        quiz=tuple(question for question in questions if question is not None),
        serving=" ".join(_text(data.get("serving")).split()),
    )
