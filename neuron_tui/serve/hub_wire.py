"""The hub's wire: newline-delimited JSON over Unix stream sockets (docs/class-protocol.md).

:func:`read_message` reads one object a line (at most :data:`MAX_LINE` bytes; a
longer line ends the connection, malformed lines are skipped), :class:`Peer`
writes them and drops a reader that falls more than :data:`MAX_BACKLOG` behind,
and :func:`listen_unix` opens a socket only this user can use (folder 0700,
socket 0600) after making sure no other server still listens there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import stat
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_BACKLOG",
    "MAX_LINE",
    "HubSocketError",
    "Peer",
    "listen_unix",
    "peer_is_this_user",
    "read_message",
]

#: The longest line either side may send (bytes, newline included).
MAX_LINE = 64 * 1024
#: Output waiting for one reader beyond this many bytes drops that reader.
MAX_BACKLOG = 1024 * 1024
#: The longest path a Unix socket can be bound to on Linux (sun_path less its NUL).
MAX_SOCKET_PATH = 107


class HubSocketError(Exception):
    """A hub socket that cannot be opened; the message is one line for the teacher."""


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """The next JSON object with a string ``"t"``; None at the end or on an overlong line."""
    while True:
        try:
            line = await reader.readline()
        except (ValueError, ConnectionError):  # longer than the reader's limit, or reset
            return None
        if not line.endswith(b"\n"):
            return None  # the end (a half line at the end is dropped)
        try:
            message = json.loads(line)
        except ValueError:  # not JSON, or not UTF-8: skipped, as unknown types are
            continue
        if isinstance(message, dict) and isinstance(message.get("t"), str):
            return message


class Peer:
    """One connection's writing side: whole lines, never blocking, bounded backlog."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.closed = False

    def send(self, message: dict[str, Any]) -> bool:
        """Queue one line; False (and the connection closed) when it cannot be sent."""
        if self.closed or self.writer.is_closing():
            self.closed = True
            return False
        data = (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        # A reader that stopped reading must not make the hub hold the class in memory.
        if self.writer.transport.get_write_buffer_size() + len(data) > MAX_BACKLOG:
            self.close()
            return False
        try:
            self.writer.write(data)
        except (ConnectionError, RuntimeError):
            self.close()
            return False
        return True

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self.closed = True
        with contextlib.suppress(Exception):
            self.writer.close()


def peer_is_this_user(writer: asyncio.StreamWriter) -> bool:
    """Whether the process at the other end runs as this server's user (SO_PEERCRED)."""
    sock = writer.get_extra_info("socket")
    if sock is None or not hasattr(socket, "SO_PEERCRED"):
        return True  # the socket's 0600 mode is the guard where credentials are not told
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return False
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def _private_folder(folder: Path) -> None:
    """Make `folder` (mode 0700, ours); refuse a folder someone else could write into."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise HubSocketError(f"{folder} is not a folder of this user")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(folder, 0o700)


def _listening(path: Path) -> bool:
    """Whether a server still accepts connections at `path`."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.settimeout(1.0)
        probe.connect(str(path))
    except OSError:
        return False
    finally:
        probe.close()
    return True


async def listen_unix(
    path: Path, handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
) -> asyncio.AbstractServer:
    """Listen at `path` (mode 0600 in a 0700 folder); HubSocketError with a reason if not."""
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise HubSocketError(
            f"the state folder's path is too long for a socket ({path}); "
            "give a shorter --state-dir"
        )
    try:
        _private_folder(path.parent)
        if path.exists() or path.is_symlink():
            if not stat.S_ISSOCK(os.lstat(path).st_mode):
                raise HubSocketError(f"{path} exists and is not a socket")
            if _listening(path):
                raise HubSocketError(
                    f"another neuron-tui server already uses this state folder ({path})"
                )
            path.unlink()  # left by a server that stopped without cleaning up
        old_mask = os.umask(0o177)  # the socket is born 0600: no moment where others may connect
        try:
            server = await asyncio.start_unix_server(handler, path=str(path), limit=MAX_LINE)
        finally:
            os.umask(old_mask)
        os.chmod(path, 0o600)
    except OSError as error:
        raise HubSocketError(f"cannot open {path}: {error.strerror or error}") from None
    return server
