"""What the class store keeps, as plain records, and the interface every store offers.

The records are what the hub, the class view's command line and the results export
read; :class:`ClassStore` is the protocol the SQLite and PostgreSQL stores implement
(presence and events between nodes: :mod:`neuron_tui.serve.store_presence`). Open a
store with :func:`neuron_tui.serve.store.open_store`.

A learner is keyed by :func:`neuron_tui.serve.names.learner_key` of their name (NFC,
case-folded). A learner imported from a progress file whose exact name cannot be read
back from the file name (names with spaces, accents, …: the file stem ends in a hash)
is kept under :data:`UNCLAIMED_PREFIX` + file stem until a learner whose name gives
that file stem logs in and claims it; no learner key can start with the prefix, since
keys are case-folded and the prefix is upper case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from neuron_tui.lesson.progress import Progress

if TYPE_CHECKING:
    from neuron_tui.serve.store_presence import NodeRecord, Presence, PresenceRecord

__all__ = [
    "UNCLAIMED_PREFIX",
    "AnswerRow",
    "ClassStore",
    "EventListener",
    "LearnerRecord",
    "Pacing",
    "StoreError",
]

#: The key prefix of an imported learner not yet claimed by a login (never a learner key).
UNCLAIMED_PREFIX = "FILE:"


class StoreError(Exception):
    """The class store cannot be opened or used; the message is one line for a person."""


@dataclass(frozen=True)
class Pacing:
    """The teacher's pacing: hold at a part (None: no hold), whether the quiz is open,
    and the part new learners start at after "bring everyone to Part N" (None: their own)."""

    hold: int | None = None
    quiz_open: bool = True
    start: int | None = None

    def to_dict(self) -> dict[str, int | bool | None]:
        """PACE of the class protocol: ``{"hold": N or None, "quiz_open": bool}``."""
        return {"hold": self.hold, "quiz_open": self.quiz_open}


@dataclass(frozen=True)
class LearnerRecord:
    """One learner as the store keeps them (the hub adds who is connected right now)."""

    key: str
    #: The name as the learner last typed it (the folded name for an import).
    name: str
    progress: Progress = field(default_factory=Progress)
    #: The page the learner last saved on (a registry key), None before any save.
    page: str | None = None
    first_seen: float = 0.0
    last_seen: float = 0.0
    #: When the learner last pressed a key (None: not since this store kept them).
    last_activity: float | None = None
    #: The SSH key bound to this name (``SHA256:…``), None with passwords.
    fingerprint: str | None = None

    @property
    def claimed(self) -> bool:
        """False for an imported progress file no login has claimed yet."""
        return not self.key.startswith(UNCLAIMED_PREFIX)


@dataclass(frozen=True)
class AnswerRow:
    """One quiz answer of the current attempt: `option` is the 0-based option index."""

    key: str
    name: str
    question: str
    option: int
    #: When it was given (None: saved before times were kept).
    answered_at: float | None


class EventListener(Protocol):
    """What :meth:`ClassStore.listen` returns: a listener running until closed."""

    def close(self, timeout: float = ...) -> None:
        """Stop listening."""


class ClassStore(Protocol):
    """A served class's progress store (the hub is its only writer while serving)."""

    def learner(self, key: str) -> LearnerRecord | None:
        """The learner keyed `key`, or None (an unclaimed import of theirs counts)."""

    def learners(self) -> list[LearnerRecord]:
        """Every learner, by name (unclaimed imports included)."""

    def save_progress(
        self, key: str, name: str, progress: dict[str, object], page: str, at: float
    ) -> None:
        """Merge `progress` (``Progress.to_dict()``) into the learner's; idempotent."""

    def touch(self, key: str, at: float) -> None:
        """The learner pressed a key at `at`."""

    def bind_fingerprint(
        self, key: str, name: str, fingerprint: str, at: float | None = None
    ) -> bool:
        """Bind the name to the first SSH key that used it; False: it is another key's."""

    def pacing(self) -> Pacing:
        """The pacing in force (defaults: no hold, quiz open)."""

    def set_pacing(self, hold: int | None, quiz_open: bool) -> None:
        """Keep a new hold and quiz state (the start part stays)."""

    def set_start(self, part: int | None) -> None:
        """Keep the part new learners start at (after "bring everyone")."""

    def message(self) -> str | None:
        """The last message to everyone, or None."""

    def set_message(self, text: str | None) -> None:
        """Keep the message later arrivals see (None: no message)."""

    def answers(self) -> list[AnswerRow]:
        """Every learner's current answers, by name then question."""

    def forget(self, name: str) -> bool:
        """Remove one learner's data (store and progress file); False if none was kept."""

    def publish_presence(
        self, node: NodeRecord, changed: list[PresenceRecord], gone: list[str],
        reset: bool = False,
    ) -> None:
        """Keep `node`'s row and its connected learners (store_presence)."""

    def presence(self, now: float | None = None) -> Presence:
        """Every node heard from lately and the learners connected to each."""

    def remove_node(self, name: str) -> None:
        """The node `name` stops: its row and its learners' go."""

    def announce(self, event: dict[str, Any]) -> None:
        """Tell every other node of `event` (a pacing change); nothing on a one-node store."""

    def listen(self, on_event: Callable[[dict[str, Any]], None]) -> EventListener | None:
        """Hear the other nodes' events (None: no other node can share this store)."""

    def close(self) -> None:
        """Release the database."""
