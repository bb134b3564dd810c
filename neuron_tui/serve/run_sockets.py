"""The server's private Unix sockets (STATE/run): only this user may connect to them.

Both the class hub (``lessons.sock``, ``teacher.sock``) and the shared trainer
(``training.sock``) listen through :func:`listen_private`: the folder is made 0700 and
must be this user's, the socket is born 0600 (no moment where others may connect), a
socket left by a server that was killed is replaced, and one a live server still
listens on is refused. :func:`peer_is_this_user` checks each connection's user too,
where the system tells it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path

__all__ = [
    "MAX_SOCKET_PATH",
    "RunSocketError",
    "fits",
    "listen_private",
    "peer_is_this_user",
]

#: The longest path a Unix socket can be bound to on Linux (sun_path less its NUL).
MAX_SOCKET_PATH = 107

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RunSocketError(OSError):
    """A private socket that cannot be opened; the message is one line for the teacher.

    An OSError, so a caller that already gives up on a socket it cannot bind (the
    trainer: lessons then train by themselves) gives up on this one the same way.
    """


def fits(path: Path) -> bool:
    """Whether a Unix socket can be bound at `path` (its length in bytes)."""
    return len(os.fsencode(path)) <= MAX_SOCKET_PATH


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
        raise RunSocketError(f"{folder} is not a folder of this user")
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


def _clear(path: Path) -> None:
    """Remove a stale socket at `path`; refuse anything else found there."""
    if not (path.exists() or path.is_symlink()):
        return
    if not stat.S_ISSOCK(os.lstat(path).st_mode):
        raise RunSocketError(f"{path} exists and is not a socket")
    if _listening(path):
        raise RunSocketError(f"another neuron-tui server already uses this state folder ({path})")
    path.unlink()  # left by a server that stopped without cleaning up


async def listen_private(path: Path, handler: Handler, *, limit: int) -> asyncio.AbstractServer:
    """Listen at `path` (mode 0600 in a 0700 folder), reading lines of at most `limit`
    bytes; RunSocketError with a one-line reason when it cannot be done."""
    if not fits(path):
        raise RunSocketError(
            f"the state folder's path is too long for a socket ({path}); "
            "give a shorter --state-dir"
        )
    try:
        _private_folder(path.parent)
        _clear(path)
        old_mask = os.umask(0o177)  # the socket is born 0600: no moment where others may connect
        try:
            server = await asyncio.start_unix_server(handler, path=str(path), limit=limit)
        finally:
            os.umask(old_mask)
        os.chmod(path, 0o600)
    except RunSocketError:
        raise
    except OSError as error:
        raise RunSocketError(f"cannot open {path}: {error.strerror or error}") from None
    return server
