"""The class's pacing on one node's hub: held here, kept in the store, shared with the nodes.

:class:`Pacer` holds the pacing (hold, quiz, start part) and the last message in force
on this node. A change the teacher makes on this node (:meth:`Pacer.change`,
:meth:`Pacer.say`, :meth:`Pacer.bring`) reaches this node's lessons at once, then is
written to the store and announced to the other nodes, in the store worker's order. An
event another node announced (:meth:`Pacer.heard`, from the store's listener thread) is
applied to this node's lessons as if this node's view had sent it: a bring is an event
(its lessons go to the part); hold, quiz and message are state, reread from the store.
A store read queued before the teacher's latest change on this node is never applied:
that change is on its way to the store and will be announced.

How the events travel: :mod:`neuron_tui.serve.store_events`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from neuron_tui.serve.roster import STORE_ERRORS
from neuron_tui.serve.store_records import Pacing

if TYPE_CHECKING:
    from neuron_tui.serve.store_records import ClassStore
    from neuron_tui.serve.store_worker import StoreWorker

__all__ = ["Pacer", "goto"]

log = logging.getLogger("neuron_tui.serve.hub")


def goto(number: int) -> dict[str, Any]:
    """The lesson message that moves a learner to Part `number`, saying why."""
    return {"t": "goto", "part": number,
            "why": f"Your teacher brought everyone to Part {number:02d}."}


class Pacer:
    """The pacing and the last message on one hub; see the module docstring.

    Args:
        store, worker: the class store and the hub's store worker (every call goes there).
        send: sends one message to every lesson connected to this node.
        changed: tells the hub that what its class views show has changed.
        spawn: runs a coroutine on the hub's loop (cancelled when the hub closes).
        part_number: a part number from an event, or None if it is not one.
    """

    def __init__(
        self,
        store: ClassStore,
        worker: StoreWorker,
        send: Callable[[dict[str, Any]], None],
        changed: Callable[[], None],
        spawn: Callable[[Coroutine[Any, Any, Any]], Any],
        part_number: Callable[[Any], int | None],
    ) -> None:
        self.store = store
        self.worker = worker
        self.send = send
        self.changed = changed
        self.spawn = spawn
        self.part_number = part_number
        self.pace = Pacing()
        self.said: str | None = None
        #: Counts the teacher's changes made here (see the module docstring).
        self.edits = 0
        #: This hub's mark on the events it announces (it skips its own when they return).
        self.id = secrets.token_hex(8)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closed = False

    # ------------------------------------------------------------------ the teacher, here

    def change(self, pace: Pacing) -> None:
        """The teacher's new pacing: to this node's lessons now, then kept and announced."""
        self.edits += 1
        self.apply(pace)
        event = {"t": "pacing", "from": self.id}

        def keep() -> None:
            self.store.set_pacing(pace.hold, pace.quiz_open)
            self.store.set_start(pace.start)
            self.store.announce(event)

        self.worker.write("keep the pacing", keep, slot="pacing")

    def bring(self, number: int) -> None:
        """Bring this node's lessons to Part `number` now and announce it to the others
        (the pacing that opens the way there is the caller's :meth:`change`)."""
        self.bring_here(number)
        event = {"t": "bring", "part": number, "from": self.id}
        self.worker.write("announce a bring", lambda: self.store.announce(event))

    def say(self, line: str) -> None:
        """One line to this node's lessons now, then kept (for later arrivals) and announced."""
        self.edits += 1
        self.say_here(line)
        event = {"t": "message", "from": self.id}

        def keep() -> None:
            self.store.set_message(line)
            self.store.announce(event)

        self.worker.write("keep the message", keep, slot="message")

    # ------------------------------------------------------------------ this node's lessons

    def bring_here(self, number: int) -> None:
        self.send(goto(number))
        self.changed()

    def say_here(self, line: str) -> None:
        self.said = line
        self.send({"t": "message", "text": line})
        self.changed()

    def apply(self, pace: Pacing) -> None:
        """Hold `pace`; this node's lessons hear of it when their part of it changed."""
        old, self.pace = self.pace, pace
        if old.to_dict() != pace.to_dict():
            self.send({"t": "pacing", **pace.to_dict()})
        if old != pace:
            self.changed()

    def take(self, pace: Pacing, said: str | None, announced: bool) -> None:
        """Apply the pacing and message read from the store; a message someone `announced`
        (or one this hub had not heard) goes to this node's lessons."""
        self.apply(pace)
        if said and (announced or said != self.said):
            self.say_here(said)
        elif said != self.said:
            self.said = said
            self.changed()

    async def reread(self, announced: bool = False, starting: bool = False) -> None:
        """Read the pacing and the message from the store and apply them."""
        edits = self.edits
        try:
            pace, said = await self.worker.read(
                "read the pacing", lambda: (self.store.pacing(), self.store.message()))
        except STORE_ERRORS as error:
            log.error("cannot read the pacing from the class store: %s", error)
            return
        if starting:  # nobody to tell yet
            self.pace, self.said = pace, said
        elif edits == self.edits:  # else a newer change of ours is on its way to the store
            self.take(pace, said, announced)

    # ------------------------------------------------------------------ the other nodes

    def heard(self, event: dict[str, Any]) -> None:
        """An event from the store's listener (its own thread): handed to the hub's loop."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop has just stopped
                loop.call_soon_threadsafe(self.on_event, event)

    def on_event(self, event: dict[str, Any]) -> None:
        """Apply another node's pacing to this node's lessons (on the hub's loop)."""
        if self.closed:
            return
        kind, own = event["t"], event.get("from") == self.id
        if kind == "bring" and not own:
            number = self.part_number(event.get("part"))
            if number is not None:
                self.spawn(self._follow_bring(number))
        elif kind in ("pacing", "resync"):
            self.spawn(self.reread())
        elif kind == "message" and not own:
            self.spawn(self.reread(announced=True))

    async def _follow_bring(self, number: int) -> None:
        await self.reread()  # the bring's hold and quiz first, or lessons would refuse it
        self.bring_here(number)
        log.info("the teacher (on another node) brought everyone to Part %02d", number)
