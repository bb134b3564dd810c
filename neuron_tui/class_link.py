"""The lesson's end of the class channel: JSON lines to and from the class server's hub.

Under `serve`, a lesson process finds the hub's socket in NEURON_TUI_CLASS_SOCKET and
its own token in NEURON_TUI_CLASS_TOKEN (docs/class-protocol.md). `ClassLink` talks
to the hub from background threads so the lesson never waits on it: one connects,
says hello and reads what the hub sends; one writes what the lesson reports. Reports
are coalesced (progress is the whole record, so only the latest one matters), so a
slow hub costs memory for two lines at most, never the learner's keys.

Messages from the hub go to a listener as plain dictionaries, in order; those that
arrive before a listener is set are kept for it. When the channel ends (the hub is
gone, refused the token or sent a line too long) the listener hears it once, and
from then on the link says nothing and sends nothing: the lesson saves locally.
No reconnection: the server starts a new lesson process for a new connection.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from neuron_tui.json_lines import decode_line, encode_line

#: Where the server tells a lesson the hub's socket is, and the lesson's own token.
SOCKET_VARIABLE = "NEURON_TUI_CLASS_SOCKET"
TOKEN_VARIABLE = "NEURON_TUI_CLASS_TOKEN"

#: The protocol's longest line; a longer one from the hub ends the channel.
MAX_LINE_BYTES = 64 * 1024
#: At most one activity report in this many seconds (the protocol's limit).
ACTIVITY_INTERVAL = 2.0
#: How long connecting to the hub may take before the lesson goes on alone.
CONNECT_TIMEOUT = 3.0

Message = dict[str, Any]
MessageListener = Callable[[Message], None]
LostListener = Callable[[str], None]


class ClassLink:
    """A lesson's channel to the hub: send reports, hear pacing, never block the lesson."""

    def __init__(self, socket_path: Path | str, token: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """`clock` times the activity reports (tests pass their own)."""
        self.socket_path = str(socket_path)
        self.token = token
        self._clock = clock
        self._sock: socket.socket | None = None
        self._lock = threading.Condition()
        #: Outgoing lines by message type, latest only, in first-queued order.
        self._pending: dict[str, bytes] = {}
        self._closing = False
        #: Whether the writer is sending lines it took from `_pending`.
        self._in_flight = False
        self._lost: str | None = None
        self._welcome: Message | None = None
        self._welcome_seen = threading.Event()
        self._last_activity: float | None = None
        #: Listener calls are made one at a time, in order, under this lock.
        self._deliver = threading.RLock()
        self._on_message: MessageListener | None = None
        self._on_lost: LostListener | None = None
        self._backlog: list[Message] = []
        self._lost_told = False
        self._reader = threading.Thread(target=self._run, name="class-link", daemon=True)
        self._writer = threading.Thread(target=self._write_loop, name="class-link-writer",
                                        daemon=True)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> ClassLink | None:
        """A link to the hub the server named, or None when the lesson is not served."""
        path = environ.get(SOCKET_VARIABLE, "")
        token = environ.get(TOKEN_VARIABLE, "")
        if not path or not token:
            return None
        return cls(path, token)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> ClassLink:
        """Connect and listen in the background; returns the link itself."""
        self._reader.start()
        return self

    @property
    def alive(self) -> bool:
        """Whether the channel still works (or is still connecting)."""
        return self._lost is None

    @property
    def lost_reason(self) -> str | None:
        """Why the channel ended, or None while it works."""
        return self._lost

    def welcome(self, timeout: float) -> Message | None:
        """The hub's welcome, waiting at most `timeout` seconds; None if none came."""
        self._welcome_seen.wait(timeout)
        return self._welcome

    def listen(self, on_message: MessageListener, on_lost: LostListener) -> None:
        """Hand every hub message to `on_message`, and the channel's end to `on_lost`.

        Both are called from the link's thread (or from here, for what arrived
        before), so a UI hands them on to its own loop. The welcome is among the
        messages too: a lesson that stopped waiting for it still gets it.
        """
        with self._deliver:
            self._on_message, self._on_lost = on_message, on_lost
            backlog, self._backlog = self._backlog, []
            for message in backlog:
                on_message(message)
            if self._lost is not None:
                self._tell_lost()

    def close(self, flush_timeout: float = 1.0) -> None:
        """Send what is queued (waiting at most `flush_timeout` s), then hang up."""
        with self._lock:
            self._closing = True
            self._lock.notify_all()
            deadline = time.monotonic() + flush_timeout
            while ((self._pending or self._in_flight) and self._lost is None
                   and self._writer.is_alive()):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
            sock = self._sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._lose("the lesson ended", tell=False)

    # -------------------------------------------------------------------- sending
    def send_progress(self, progress: Mapping[str, Any], page: str,
                      at: float | None = None) -> None:
        """Queue the learner's whole progress (sent after every save)."""
        self._queue("progress", {"t": "progress", "progress": dict(progress), "page": page,
                                 "at": time.time() if at is None else at})

    def send_activity(self, page: str, at: float | None = None) -> bool:
        """Report that the learner pressed keys; at most one every 2 s. True if queued."""
        now = self._clock()
        if self._last_activity is not None and now - self._last_activity < ACTIVITY_INTERVAL:
            return False
        if self._lost is not None:
            return False
        self._last_activity = now
        self._queue("activity", {"t": "activity", "page": page,
                                 "at": time.time() if at is None else at})
        return True

    def _queue(self, kind: str, message: Message) -> None:
        if self._lost is not None or self._closing:
            return
        with self._lock:
            self._pending.pop(kind, None)  # the latest one goes last, after the others
            self._pending[kind] = encode_line(message)
            self._lock.notify_all()

    # ------------------------------------------------------------------- threads
    def _run(self) -> None:
        """Connect, say hello, start the writer, then read until the channel ends."""
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(CONNECT_TIMEOUT)
            sock.connect(self.socket_path)
            sock.settimeout(None)
            hello = {"t": "hello", "token": self.token}
            sock.sendall(encode_line(hello))
        except OSError as error:
            self._lose(f"cannot reach the class server ({error.strerror or error})")
            return
        with self._lock:
            self._sock = sock
            closing = self._closing
        if closing:  # the lesson ended while connecting
            sock.close()
            return
        self._writer.start()
        try:
            self._read_loop(sock.makefile("rb"))
        except OSError as error:
            self._lose(f"the class server's channel failed ({error.strerror or error})")
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def _read_loop(self, stream: Any) -> None:
        while self._lost is None:
            line = stream.readline(MAX_LINE_BYTES + 1)
            if not line:
                self._lose("the class server closed the channel")
                return
            if len(line) > MAX_LINE_BYTES:
                self._lose("the class server sent a line longer than 64 KiB")
                return
            try:
                message = decode_line(line)
            except ValueError:  # also UnicodeDecodeError: not a line of the protocol
                continue
            if not isinstance(message.get("t"), str):
                continue
            if message["t"] == "refused":
                why = message.get("why")
                self._lose(f"the class server refused this lesson ({why})" if isinstance(
                    why, str) and why else "the class server refused this lesson")
                return
            if message["t"] == "welcome" and self._welcome is None:
                self._welcome = message
                self._welcome_seen.set()
            self._hand_on(message)

    def _write_loop(self) -> None:
        while True:
            with self._lock:
                while not self._pending and not self._closing and self._lost is None:
                    self._lock.wait()
                if self._lost is not None or (self._closing and not self._pending):
                    return
                lines, self._pending = list(self._pending.values()), {}
                self._in_flight = True
                sock = self._sock
            try:
                assert sock is not None  # the writer starts only once connected
                sock.sendall(b"".join(lines))
            except OSError as error:
                self._lose(f"the class server's channel failed ({error.strerror or error})")
                return
            with self._lock:
                self._in_flight = False
                self._lock.notify_all()  # close() may be waiting for the queue to empty

    # ------------------------------------------------------------------ delivery
    def _hand_on(self, message: Message) -> None:
        with self._deliver:
            if self._on_message is None:
                self._backlog.append(message)
            else:
                self._on_message(message)

    def _lose(self, why: str, tell: bool = True) -> None:
        """End the channel once: stop sending, wake every waiter, tell the listener."""
        with self._lock:
            if self._lost is not None:
                return
            self._lost = why
            self._lost_told = self._lost_told or not tell
            self._pending.clear()
            self._lock.notify_all()
        self._welcome_seen.set()
        if tell:
            with self._deliver:
                if self._on_lost is not None:
                    self._tell_lost()

    def _tell_lost(self) -> None:
        if not self._lost_told and self._on_lost is not None and self._lost is not None:
            self._lost_told = True
            self._on_lost(self._lost)
