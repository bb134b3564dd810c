"""`serve ssh --proxy-protocol`: the PROXY v2 header, then SSH, on real loopback sockets.

The server runs in the test's loop (:func:`neuron_tui.serve.ssh.start_ssh_server`, no
lessons are started: the tests stop at logging in, where the caps count). The client
writes the header a balancer would, then speaks SSH with asyncssh on the same socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest

from neuron_tui.serve.proxy_protocol import SIGNATURE
from neuron_tui.serve.ssh import Classroom, SSHServeConfig, listen_socket, start_ssh_server
from neuron_tui.serve.ssh_proxy import SSH_VERSION_LINE, ProxyAcceptor
from tests.ports import free_port as any_free_port

#: This engineer's share of the machine's ports.
PORTS = range(24200, 24240)


def free_port() -> int:
    return any_free_port(PORTS)


def proxy_header(source: str, source_port: int = 40000) -> bytes:
    """A PROXY v2 header for a TCP/IPv4 connection from `source` (as HAProxy writes it)."""
    block = socket.inet_aton(source) + socket.inet_aton("127.0.0.1") + struct.pack(
        "!HH", source_port, 22
    )
    return SIGNATURE + bytes([0x21, 0x11]) + struct.pack("!H", len(block)) + block


LOCAL_HEADER = SIGNATURE + bytes([0x20, 0x00]) + struct.pack("!H", 0)


class Node:
    """A server on 127.0.0.1 and what the tests look at: its classroom and acceptor."""

    def __init__(self, acceptor: object, classroom: Classroom, port: int) -> None:
        self.acceptor = acceptor
        self.classroom = classroom
        self.port = port

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)


@contextlib.asynccontextmanager
async def running(tmp_path: Path, **settings: object) -> AsyncIterator[Node]:
    port = free_port()
    config = SSHServeConfig(state_dir=tmp_path, port=port, prefork=False, **settings)  # type: ignore[arg-type]
    acceptor, classroom, _ = await start_ssh_server(config, None, listen_socket("127.0.0.1", port))
    try:
        yield Node(acceptor, classroom, port)
    finally:
        acceptor.close()
        await classroom.close()
        await acceptor.wait_closed()


class Ending(asyncssh.SSHClient):
    """Remembers why the server closed the connection."""

    def __init__(self) -> None:
        self.lost: asyncio.Future[Exception | None] = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(exc)


async def ssh_over(sock: socket.socket, name: str) -> tuple[asyncssh.SSHClientConnection, Ending]:
    sock.setblocking(False)
    client = Ending()
    conn = await asyncssh.connect(
        sock=sock, username=name, known_hosts=None, client_factory=lambda: client,
        compression_algs=["zlib@openssh.com"], preferred_auth="none",
    )
    return conn, client


async def refusal(sock: socket.socket, name: str) -> str:
    """Why the server ends this login: its disconnect reason."""
    try:
        conn, client = await ssh_over(sock, name)
    except asyncssh.DisconnectError as error:
        return error.reason
    async with asyncio.timeout(5):
        lost = await client.lost
    conn.close()
    assert isinstance(lost, asyncssh.DisconnectError), lost
    return lost.reason


async def test_the_headers_address_is_the_learners_and_the_per_address_cap_counts_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "neuron_tui.serve.ssh")
    async with running(tmp_path, proxy_protocol=True, max_per_address=1) as node:
        first = node.connect()
        first.sendall(proxy_header("10.9.8.7"))
        ada, _ = await ssh_over(first, "ada")
        assert node.classroom.per_address == {"10.9.8.7": 1}
        # A second learner from that address is over the cap, though the balancer's
        # address (127.0.0.1) is the TCP peer of every connection.
        second = node.connect()
        second.sendall(proxy_header("10.9.8.7", 40001))
        assert "too many sessions from your address" in await refusal(second, "bob")
        third = node.connect()
        third.sendall(proxy_header("10.9.8.8"))
        cy, _ = await ssh_over(third, "cy")
        assert node.classroom.per_address == {"10.9.8.7": 1, "10.9.8.8": 1}
        ada.close()
        cy.close()
    assert "turned away 'bob' from 10.9.8.7" in caplog.text


async def test_the_bytes_after_the_header_reach_ssh_untouched(tmp_path: Path) -> None:
    # Header and version line in one packet, as a fast client behind HAProxy sends them.
    # An SSH 1.5 line makes asyncssh hang up at once; had the header's reader kept it,
    # the server would wait for a version line until the login timeout instead.
    async with running(tmp_path, proxy_protocol=True) as node:
        sock = node.connect()
        sock.sendall(proxy_header("192.0.2.1") + b"SSH-1.5-OldClient\r\n")

        def read_to_end() -> bytes:
            data = b""
            while chunk := sock.recv(4096):
                data += chunk
            return data

        received = await asyncio.get_running_loop().run_in_executor(None, read_to_end)
        sock.close()
        assert received.startswith(SSH_VERSION_LINE)


async def test_a_connection_without_a_header_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "neuron_tui.serve.ssh")
    async with running(tmp_path, proxy_protocol=True) as node:
        with pytest.raises((asyncssh.Error, OSError)):
            await ssh_over(node.connect(), "ada")
        assert node.classroom.per_address == {}
    assert "refused a connection from 127.0.0.1: no PROXY header: an SSH client " \
        "connected around the balancer" in caplog.text


async def test_a_header_is_refused_without_the_flag(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "neuron_tui.serve.ssh")
    async with running(tmp_path) as node:
        sock = node.connect()
        sock.sendall(proxy_header("10.9.8.7"))
        with pytest.raises((asyncssh.Error, OSError)):
            await ssh_over(sock, "ada")
        assert node.classroom.per_address == {}
    assert "refused a connection from 127.0.0.1: it did not start as SSH (a PROXY " \
        "protocol header?" in caplog.text


async def test_a_health_check_gets_the_version_line_and_is_never_a_learner(
    tmp_path: Path,
) -> None:
    async with running(tmp_path, proxy_protocol=True) as node:
        assert isinstance(node.acceptor, ProxyAcceptor)
        sock = node.connect()
        sock.sendall(LOCAL_HEADER)
        line = await asyncio.get_running_loop().run_in_executor(None, sock.recv, 256)
        assert line == SSH_VERSION_LINE
        sock.close()
        async with asyncio.timeout(5):
            while node.acceptor.checks != 1:
                await asyncio.sleep(0.01)
        assert node.classroom.per_address == {} and not node.classroom.connections


@pytest.mark.parametrize(
    ("sent", "why"),
    [
        (b"PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n", "version 1 (text) header"),
        (SIGNATURE + bytes([0x21, 0x11]) + struct.pack("!H", 5000), "longer than 4096 bytes"),
        (SIGNATURE[:8], "no complete PROXY header within 0.3 s"),
    ],
)
async def test_a_wrong_or_slow_header_is_one_log_line_and_a_closed_connection(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, sent: bytes, why: str
) -> None:
    caplog.set_level(logging.INFO, "neuron_tui.serve.ssh")
    async with running(tmp_path, proxy_protocol=True) as node:
        assert isinstance(node.acceptor, ProxyAcceptor)
        node.acceptor.header_timeout = 0.3
        sock = node.connect()
        sock.sendall(sent)
        # The server closes it: the read ends (no bytes, or a reset for unread bytes).
        with contextlib.suppress(ConnectionResetError):
            assert await asyncio.get_running_loop().run_in_executor(None, sock.recv, 256) == b""
        sock.close()
    refused = [r.getMessage() for r in caplog.records if "refused a connection" in r.getMessage()]
    assert len(refused) == 1 and why in refused[0], refused
