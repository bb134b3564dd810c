"""`serve ssh --proxy-protocol`: a node behind a balancer that sends a PROXY v2 header first.

asyncssh's own listener would read the header as a (bad) SSH version line, and an
asyncio stream would buffer the SSH bytes after it; so :class:`ProxyAcceptor` accepts
TCP itself, reads exactly the header's bytes from the socket
(:func:`neuron_tui.serve.proxy_protocol.read_header`, within
:data:`HEADER_TIMEOUT_SECONDS` and at most :data:`MAX_HEADER_BYTES`), and hands the
socket, the SSH stream untouched, to :func:`asyncssh.run_server` with the server's
usual options. Then:

- a PROXY header: the connection is the learner's, at the address the header names
  (the caps, the log and the class see it, not the balancer);
- a LOCAL header (HAProxy's health check with ``check-send-proxy``): it gets the SSH
  version line and is closed, never counted as a learner;
- no header, or a wrong one: one log line, and the connection is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable
from typing import cast

import asyncssh

from neuron_tui.serve.auth import Throttle
from neuron_tui.serve.proxy_protocol import ProxyHeader, ProxyHeaderError, read_header

__all__ = ["HEADER_TIMEOUT_SECONDS", "MAX_HEADER_BYTES", "ProxyAcceptor", "SSH_VERSION_LINE"]

log = logging.getLogger("neuron_tui.serve.ssh")

#: How long the balancer may take to send the whole header.
HEADER_TIMEOUT_SECONDS = 5.0
#: The longest header read (HAProxy's are 16–28 bytes plus TLVs of a few hundred).
MAX_HEADER_BYTES = 4096
#: What a health check gets: the version line asyncssh itself sends first.
SSH_VERSION_LINE = f"SSH-2.0-AsyncSSH_{asyncssh.__version__}\r\n".encode()
#: How long a health check may take to hang up after the version line.
CHECK_LINGER_SECONDS = 2.0

#: Makes the SSH side of one connection, given the learner's address (None: the peer's).
ConnectionFactory = Callable[[str | None], asyncssh.SSHServer]


class _SocketReader:
    """``readexactly`` straight from a socket: never a byte past what is asked for.

    The bytes after the header are the client's SSH stream and must stay in the socket
    for asyncssh; an asyncio stream would read ahead and keep them.
    """

    def __init__(self, sock: socket.socket, limit: int) -> None:
        self._sock = sock
        self._left = limit

    async def readexactly(self, count: int) -> bytes:
        if count > self._left:
            raise ProxyHeaderError(f"a PROXY header longer than {MAX_HEADER_BYTES} bytes")
        self._left -= count
        loop = asyncio.get_running_loop()
        data = b""
        while len(data) < count:
            chunk = await loop.sock_recv(self._sock, count - len(data))
            if not chunk:
                raise asyncio.IncompleteReadError(data, count)
            data += chunk
        return data


class ProxyAcceptor:
    """Accepts connections on `sock`, reads each PROXY header, then runs SSH on it.

    Offers what the server needs of asyncssh's acceptor: :meth:`get_port`,
    :meth:`close` and :meth:`wait_closed`. At most `max_pending` connections may be
    between accept and login at once (the rest are closed at once, as asyncssh's
    login bound would).
    """

    def __init__(
        self,
        sock: socket.socket,
        options: asyncssh.SSHServerConnectionOptions,
        factory: ConnectionFactory,
        *,
        max_pending: int = 64,
        header_timeout: float = HEADER_TIMEOUT_SECONDS,
    ) -> None:
        self.sock = sock
        self.options = options
        self.factory = factory
        self.max_pending = max_pending
        self.header_timeout = header_timeout
        #: Health checks answered so far (LOCAL headers).
        self.checks = 0
        self._pending: set[asyncio.Task[None]] = set()
        self._accepting: asyncio.Task[None] | None = None
        self._throttle = Throttle()

    def start(self) -> None:
        """Start accepting (on the running loop)."""
        self.sock.setblocking(False)
        self._accepting = asyncio.get_running_loop().create_task(self._accept())

    def get_port(self) -> int:
        """The port listened on."""
        return int(self.sock.getsockname()[1])

    def close(self) -> None:
        """Stop accepting; drop connections that have not logged in yet."""
        if self._accepting is not None:
            self._accepting.cancel()
        for task in list(self._pending):
            task.cancel()
        self.sock.close()

    async def wait_closed(self) -> None:
        """Wait until the accept loop and every dropped connection have ended."""
        tasks = [task for task in (self._accepting, *self._pending) if task is not None]
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _accept(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                conn, peer = await loop.sock_accept(self.sock)
            except OSError as error:  # e.g. out of file descriptors: wait, then go on
                if self._throttle.allow("accept"):
                    log.warning("cannot accept a connection: %s", error.strerror or error)
                await asyncio.sleep(0.1)
                continue
            if len(self._pending) >= self.max_pending:
                if self._throttle.allow("busy"):
                    log.info("too many connections logging in; closing new ones")
                conn.close()
                continue
            task = loop.create_task(self._serve(conn, str(peer[0])))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _serve(self, conn: socket.socket, peer: str) -> None:
        """One connection: the header, then SSH (until logged in, while this task runs)."""
        conn.setblocking(False)
        try:
            # read_header only calls readexactly, which _SocketReader has.
            reader = cast(asyncio.StreamReader, _SocketReader(conn, MAX_HEADER_BYTES))
            header = await read_header(reader, self.header_timeout)
        except (ProxyHeaderError, OSError) as error:
            if self._throttle.allow("header " + peer):
                log.info("refused a connection from %s: %s", peer, error)
            conn.close()
            return
        if header.command == "LOCAL":
            await self._answer_check(conn)
            return
        await self._run_ssh(conn, _learner_address(header))

    async def _answer_check(self, conn: socket.socket) -> None:
        """A health check: the SSH version line, then close once the checker hangs up."""
        self.checks += 1
        loop = asyncio.get_running_loop()
        with contextlib.suppress(OSError, TimeoutError):
            await loop.sock_sendall(conn, SSH_VERSION_LINE)
            async with asyncio.timeout(CHECK_LINGER_SECONDS):
                await loop.sock_recv(conn, 256)
        conn.close()

    async def _run_ssh(self, conn: socket.socket, address: str | None) -> None:
        try:
            await asyncssh.run_server(
                conn, options=self.options, server_factory=lambda: self.factory(address)
            )
        except (asyncssh.Error, OSError, TimeoutError):
            # Failed before logging in: asyncssh has closed it; the server logged why.
            pass


def _learner_address(header: ProxyHeader) -> str | None:
    """The learner's address from a PROXY header (None for UNSPEC: the peer's stands)."""
    return header.source[0] if header.source is not None else None
