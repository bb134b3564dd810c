"""Pacing events between lesson nodes: PostgreSQL NOTIFY out, LISTEN in a thread of its own.

A hub that changes the class's pacing (bring, hold, quiz, message) writes it to the store
and then announces it with ``NOTIFY neuron_tui_class, '<the event as JSON>'``
(:func:`notify`). Every node's hub runs a :class:`Listener`: its own connection, in its
own thread, blocked in LISTEN; each notification is handed to the hub's event loop as a
dict. When the connection is lost the listener reconnects (backing off up to
:data:`MAX_BACKOFF` seconds) and hands the hub ``{"t": "resync"}``, so the hub re-reads
the pacing it may have missed meanwhile; the first connection does the same.

Nothing here blocks the hub's event loop: the listener's thread does all its waiting.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg

__all__ = ["CHANNEL", "RESYNC", "Listener", "notify"]

log = logging.getLogger("neuron_tui.serve.hub")

#: The NOTIFY channel every node of one database listens on.
CHANNEL = "neuron_tui_class"
#: What the listener hands the hub after each (re)connection: re-read the pacing.
RESYNC: dict[str, Any] = {"t": "resync"}
#: The longest wait between two attempts to reconnect (seconds).
MAX_BACKOFF = 2.0
#: How often the listener's thread looks whether it should stop (seconds).
POLL_SECONDS = 0.25
#: PostgreSQL's limit on a payload is 8000 bytes; events are far smaller.
MAX_PAYLOAD = 7900


def notify(db: psycopg.Connection[Any], event: dict[str, Any]) -> None:
    """Announce `event` to every listening node (delivered when the transaction commits)."""
    payload = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    if len(payload.encode()) > MAX_PAYLOAD:
        raise ValueError("an event too long to announce")
    db.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))


class Listener:
    """LISTEN on the store's database in a thread; `on_event` gets each event as a dict.

    Args:
        connect: opens a new autocommit connection (raises on failure).
        on_event: called in the listener's thread with each event (and :data:`RESYNC`
            after each connection); it must hand the event over, not work on it.
    """

    def __init__(
        self,
        connect: Callable[[], psycopg.Connection[Any]],
        on_event: Callable[[dict[str, Any]], None],
    ) -> None:
        self._connect = connect
        self._on_event = on_event
        self._stopping = threading.Event()
        #: Set while the listener is connected and listening (tests wait on it).
        self.listening = threading.Event()
        #: How many times the listener has connected.
        self.connections = 0
        self._thread = threading.Thread(target=self._run, name="neuron-tui-listen", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            try:
                db = self._connect()
            except Exception as error:  # any failure to connect: wait and try again
                log.warning("cannot listen for the other nodes' pacing: %s", _one_line(error))
                self._stopping.wait(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
                continue
            try:
                db.execute(f"LISTEN {CHANNEL}")
                self.connections += 1
                self.listening.set()
                backoff = 0.1
                self._on_event(dict(RESYNC))  # whatever was said while we were not listening
                while not self._stopping.is_set():
                    for note in db.notifies(timeout=POLL_SECONDS):
                        self._deliver(note.payload)
            except psycopg.Error as error:
                if not self._stopping.is_set():
                    log.warning("lost the other nodes' pacing, reconnecting: %s",
                                _one_line(error))
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    db.close()

    def _deliver(self, payload: str) -> None:
        try:
            event = json.loads(payload)
        except ValueError:
            return  # not ours
        if isinstance(event, dict) and isinstance(event.get("t"), str):
            self._on_event(event)

    def close(self, timeout: float = 2.0) -> None:
        """Stop listening and wait for the thread (at most `timeout` seconds)."""
        self._stopping.set()
        self._thread.join(timeout)


def _one_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
