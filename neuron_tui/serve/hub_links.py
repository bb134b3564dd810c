"""The hub's connections and the work it starts: all of it kept, so closing ends all of it.

:class:`Links` tracks every connection to the hub's sockets (hello said or not) with
the task serving it, and every job the hub starts on its loop (store reads, events);
:meth:`Links.close` closes the connections, lets their tasks finish and cancels the jobs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from neuron_tui.serve.hub_wire import Peer, read_message

__all__ = ["HELLO_TIMEOUT", "Links"]

#: A connection that says nothing for this long after connecting is closed.
HELLO_TIMEOUT = 10.0


class Links:
    """Every open connection and every job of one hub, until they end or it closes."""

    def __init__(self) -> None:
        #: Every open connection (hello said or not), closed when the hub closes.
        self._peers: set[Peer] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        #: Work the hub started itself (store reads, events), cancelled when it closes.
        self._jobs: set[asyncio.Task[Any]] = set()

    def track(self, writer: asyncio.StreamWriter) -> Peer:
        """A new connection's peer, kept (with its task) until the connection ends."""
        peer = Peer(writer)
        self._peers.add(peer)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)  # type: ignore[arg-type]
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(lambda _task: self._peers.discard(peer))
        return peer

    async def hello(self, reader: asyncio.StreamReader) -> dict[str, Any] | None:
        """A connection's first message; None if it says nothing in HELLO_TIMEOUT."""
        try:
            return await asyncio.wait_for(read_message(reader), HELLO_TIMEOUT)
        except TimeoutError:
            return None

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `work` on the loop, kept until done (cancelled when the hub closes)."""
        task = asyncio.get_running_loop().create_task(work)
        self._jobs.add(task)
        task.add_done_callback(self._jobs.discard)
        return task

    async def close(self) -> None:
        """Close every connection, give their tasks two seconds to end, cancel the jobs."""
        # Closing a connection ends its reader at once: no task needs cancelling.
        for peer in list(self._peers):
            peer.close()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)
        for job in list(self._jobs):
            job.cancel()
