"""A stand-in for the class server's hub, as lessons see it: a real Unix socket, JSON lines.

It speaks the lesson side of docs/class-protocol.md from plain threads (so it works
beside any event loop): a lesson's hello with a known token gets a welcome, an
unknown token gets "refused"; everything lessons send is kept for the test to read;
`send` reaches every connected lesson; `stop` is the hub dying.
"""

from __future__ import annotations

import contextlib
import json
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Message = dict[str, Any]

#: The longest path a Unix socket may have on Linux, less its terminating NUL.
MAX_SOCKET_PATH = 107


def socket_path_in(folder: Path) -> Path:
    """STATE/run/lessons.sock in `folder`, or in a short temporary folder if too long."""
    path = folder / "run" / "lessons.sock"
    if len(str(path)) > MAX_SOCKET_PATH:
        path = Path(tempfile.mkdtemp(prefix="hub-")) / "lessons.sock"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class FakeLessonHub:
    """Accepts lessons on a Unix socket, welcomes known tokens, records what they send."""

    def __init__(self, path: Path, tokens: dict[str, str] | None = None) -> None:
        #: token -> learner name.
        self.tokens = dict(tokens or {"t0ken": "ada"})
        self.path = path
        #: What the welcome carries (tests change these before a lesson connects).
        self.progress: Message = {}
        self.pacing: Message = {"hold": None, "quiz_open": True}
        self.message: str | None = None
        #: Seconds to wait before answering a hello (a slow hub).
        self.welcome_delay = 0.0
        self.received: list[Message] = []
        self._changed = threading.Condition()
        self._connections: list[socket.socket] = []
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen()
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self._running:
            try:
                connection, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection, connection.makefile("rb") as stream:
            for line in stream:
                message = json.loads(line)
                with self._changed:
                    self.received.append(message)
                    self._changed.notify_all()
                if message.get("t") == "hello":
                    if not self._hello(connection, message):
                        return

    def _hello(self, connection: socket.socket, message: Message) -> bool:
        name = self.tokens.get(message.get("token", ""))
        if name is None:
            self._send_to(connection, {"t": "refused", "why": "unknown token"})
            return False
        time.sleep(self.welcome_delay)
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        self._send_to(connection, {"t": "welcome", "name": name, "progress": self.progress,
                                   "pacing": self.pacing, "message": self.message})
        return True

    @staticmethod
    def _send_to(connection: socket.socket, message: Message) -> None:
        with contextlib.suppress(OSError):
            connection.sendall((json.dumps(message) + "\n").encode("utf-8"))

    def send(self, message: Message) -> None:
        """Send `message` to every lesson connected now."""
        with self._changed:
            connections = list(self._connections)
        for connection in connections:
            self._send_to(connection, message)

    def send_raw(self, data: bytes) -> None:
        """Send bytes as they are (a broken or overlong line)."""
        with self._changed:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.sendall(data)

    def of_type(self, kind: str) -> list[Message]:
        """Every message of type `kind` received so far, in order."""
        with self._changed:
            return [message for message in self.received if message.get("t") == kind]

    def wait_for(self, matches: Callable[[Message], bool], timeout: float = 10.0) -> Message:
        """The first received message that `matches`, waiting for it; AssertionError if none."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for message in self.received:
                    if matches(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such message; received {self.received}")
                self._changed.wait(left)

    def wait_connected(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until `count` lessons have been welcomed."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._connections) < count:
                left = deadline - time.monotonic()
                assert left > 0, "no lesson connected"
                self._changed.wait(left)

    def stop(self) -> None:
        """The hub dies: its socket and every connection close."""
        self._running = False
        with contextlib.suppress(OSError):
            self._server.close()
        with self._changed:
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                connection.close()
        with contextlib.suppress(OSError):
            self.path.unlink()
