"""The server's private sockets (the hub's and the trainer's): a 0700 folder of this user,
a 0600 socket, a stale socket replaced, a live one refused, a path too long refused in
one line, and only this user's connections let in."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from neuron_tui.serve.run_sockets import (
    MAX_SOCKET_PATH,
    RunSocketError,
    fits,
    listen_private,
    peer_is_this_user,
)
from neuron_tui.serve.training_service import TrainingService, socket_path_in


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Say whether the other end is this user, then hang up."""
    writer.write(b"mine\n" if peer_is_this_user(writer) else b"stranger\n")
    await writer.drain()
    writer.close()


async def ask(path: Path) -> bytes:
    reader, writer = await asyncio.open_unix_connection(str(path))
    line = await reader.readline()
    writer.close()
    return line


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[asyncio.AbstractServer]:
    live = await listen_private(tmp_path / "run" / "x.sock", answer, limit=1024)
    yield live
    live.close()
    await live.wait_closed()


def stale_socket(path: Path) -> None:
    """A socket file nobody listens on, as a server killed with SIGKILL leaves it."""
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()


async def test_the_folder_is_0700_and_the_socket_0600(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir(mode=0o755)  # made by someone careless: tightened, as it is ours
    server = await listen_private(run / "x.sock", answer, limit=1024)
    try:
        assert stat.S_IMODE(os.stat(run).st_mode) == 0o700
        info = os.stat(run / "x.sock")
        assert stat.S_ISSOCK(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
        assert await ask(run / "x.sock") == b"mine\n"
    finally:
        server.close()
        await server.wait_closed()


async def test_a_stale_socket_is_replaced(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    stale_socket(run / "x.sock")
    server = await listen_private(run / "x.sock", answer, limit=1024)
    try:
        assert await ask(run / "x.sock") == b"mine\n"
    finally:
        server.close()
        await server.wait_closed()


async def test_a_live_socket_is_refused_and_left_alone(
    server: asyncio.AbstractServer, tmp_path: Path
) -> None:
    path = tmp_path / "run" / "x.sock"
    with pytest.raises(RunSocketError, match="another neuron-tui server already uses"):
        await listen_private(path, answer, limit=1024)
    assert await ask(path) == b"mine\n"  # the first server still answers


async def test_a_path_too_long_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / ("d" * MAX_SOCKET_PATH)
    path = folder / "x.sock"
    assert not fits(path)
    with pytest.raises(RunSocketError, match="too long") as caught:
        await listen_private(path, answer, limit=1024)
    assert "\n" not in str(caught.value) and not folder.exists()
    # An OSError: the trainer's callers give up on it as on any socket they cannot bind.
    assert isinstance(caught.value, OSError)


def test_fits_counts_bytes_up_to_the_linux_limit(tmp_path: Path) -> None:
    assert fits(Path("/" + "a" * (MAX_SOCKET_PATH - 1)))
    assert not fits(Path("/" + "a" * MAX_SOCKET_PATH))
    # Bytes, not characters: "é" is two bytes in UTF-8.
    assert not fits(Path("/" + "é" * ((MAX_SOCKET_PATH + 1) // 2)))


async def test_a_file_that_is_not_a_socket_is_never_removed(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    (run / "x.sock").write_text("notes")
    with pytest.raises(RunSocketError, match="exists and is not a socket"):
        await listen_private(run / "x.sock", answer, limit=1024)
    assert (run / "x.sock").read_text() == "notes"


async def test_a_run_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "run").symlink_to(elsewhere)
    with pytest.raises(RunSocketError, match="is not a folder of this user"):
        await listen_private(tmp_path / "run" / "x.sock", answer, limit=1024)
    assert list(elsewhere.iterdir()) == []



async def test_the_trainer_opens_its_socket_so_too(tmp_path: Path) -> None:
    """The shared trainer shares these checks: private modes, and a live trainer on the
    same state folder is not taken over by a second one."""
    first = TrainingService(socket_path_in(tmp_path), [sys.executable, "-c", "pass"])
    await first.start()
    try:
        assert stat.S_IMODE(os.stat(tmp_path / "run").st_mode) == 0o700
        assert stat.S_IMODE(os.stat(first.socket_path).st_mode) == 0o600
        second = TrainingService(socket_path_in(tmp_path), [sys.executable, "-c", "pass"])
        with pytest.raises(RunSocketError, match="another neuron-tui server already uses"):
            await second.start()
        assert first.socket_path.exists()
    finally:
        await first.close()
