"""A program on its own pseudo-terminal: start it, size its window, end its process group.

:func:`start_on_pty` opens a pty of the requested size and spawns the program as
the leader of a new session whose controlling terminal is the pty (``posix_spawn``
with ``setsid``, then the slave is opened as fd 0, which makes it the controlling
terminal on Linux), so window changes (:func:`set_window_size` on the master: the
kernel sends ``SIGWINCH``) and hang-ups reach it. The program's pid is also its
process group and session id, so :func:`signal_group` reaches everything it
started. :func:`end_group` ends such a group (SIGHUP, SIGTERM, SIGKILL) for a
blocking caller; an asyncio caller walks :func:`ending_signals` itself.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import resource
import shutil
import signal
import struct
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence

from neuron_tui.process.procfs import group_has_members, processes

__all__ = [
    "READ_SIZE",
    "end_group",
    "ending_signals",
    "kill_group_leftovers",
    "read_pty",
    "reap_adopted",
    "reap_within",
    "set_window_size",
    "signal_group",
    "spawn_in_session",
    "start_on_pty",
    "try_reap",
]

#: Bytes asked for by one read of a pty master.
READ_SIZE = 65536
#: Seconds to wait after SIGKILL: the kernel needs no grace, only time to schedule.
_KILL_WAIT = 10.0

# Python ignores SIGPIPE and SIGXFSZ; the program starts with their defaults, as a
# shell (and subprocess) would start it.
_DEFAULT_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ)

# posix_spawn has no working-directory argument before Python 3.13: the caller's
# directory is changed around the call, one spawn at a time.
_cwd_lock = threading.Lock()


def set_window_size(
    fd: int, cols: int, rows: int, xpixels: int = 0, ypixels: int = 0
) -> None:
    """Set the window size of the pty behind `fd` (master or slave)."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, xpixels, ypixels))


def _executable(argv0: str, env: Mapping[str, str]) -> str:
    """`argv0` as a path posix_spawn can run, looked up in the program's own PATH."""
    if os.sep in argv0:
        return argv0
    found = shutil.which(argv0, path=env.get("PATH", os.defpath))
    if found is None:
        raise FileNotFoundError(errno.ENOENT, "no such program on PATH", argv0)
    return found


def spawn_in_session(
    argv: Sequence[str],
    env: Mapping[str, str],
    tty_path: str,
    *,
    cwd: str | os.PathLike[str] | None = None,
) -> int:
    """Start `argv` as the leader of a new session on the terminal `tty_path`; its pid.

    The terminal becomes the program's stdin, stdout, stderr and controlling
    terminal. Only descriptors marked inheritable are passed on (none, by
    Python's default). A bare program name is looked up in ``env``'s PATH.
    Raises :class:`OSError` if the program cannot be started.
    """
    file_actions = [
        # Opening the tty as a session leader without one makes it the
        # controlling terminal (the child has just called setsid).
        (os.POSIX_SPAWN_OPEN, 0, tty_path, os.O_RDWR, 0),
        (os.POSIX_SPAWN_DUP2, 0, 1),
        (os.POSIX_SPAWN_DUP2, 0, 2),
    ]
    path = _executable(argv[0], env)

    def spawn() -> int:
        return os.posix_spawn(
            path,
            list(argv),
            dict(env),
            file_actions=file_actions,
            setsid=True,
            setsigdef=_DEFAULT_SIGNALS,
        )

    if cwd is None:
        return spawn()
    with _cwd_lock:
        old_cwd = os.getcwd()
        os.chdir(cwd)
        try:
            return spawn()
        finally:
            os.chdir(old_cwd)


def start_on_pty(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    cols: int,
    rows: int,
    cwd: str | os.PathLike[str] | None = None,
) -> tuple[int, int]:
    """Open a pty of `cols` × `rows`, start `argv` on it (see :func:`spawn_in_session`).

    Returns ``(pid, master)``: the program's pid (also its process group) and the
    master side of its terminal, a blocking, close-on-exec descriptor the caller
    owns. The slave side is closed here, so reading the master ends (``EIO``)
    once the program and everything it started have let go of the terminal.
    """
    master, slave = os.openpty()  # both close-on-exec (PEP 446)
    try:
        set_window_size(slave, cols, rows)
        pid = spawn_in_session(argv, env, os.ttyname(slave), cwd=cwd)
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)
    return pid, master


def read_pty(master: int, size: int = READ_SIZE) -> bytes | None:
    """One read from a pty master: the bytes, ``b""`` at the end, None if nothing is ready.

    Linux reports the end (every writer closed the slave) as ``EIO``; a
    non-blocking master with nothing to read gives None. Other errors propagate.
    """
    try:
        return os.read(master, size)
    except BlockingIOError:
        return None
    except OSError as error:
        if error.errno == errno.EIO:
            return b""
        raise


def signal_group(pgid: int, sig: signal.Signals) -> None:
    """Send `sig` to process group `pgid`; a group that is gone is not an error."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def kill_group_leftovers(pgid: int) -> None:
    """SIGKILL whatever is left of group `pgid` after its leader was reaped.

    Linux does not reuse a pid while it names a living process group, so the
    group is signalled only while it has members: this hits only ours.
    """
    if group_has_members(pgid):
        signal_group(pgid, signal.SIGKILL)


def reap_adopted(pgid: int) -> int:
    """Reap the ended members of group `pgid` that this process adopted; how many.

    A server that is a child subreaper adopts what a lesson left behind when the
    lesson ends; once :func:`kill_group_leftovers` has killed them they are this
    process's zombies. The group's leader is left to whoever started it.
    """
    me = os.getpid()
    reaped = 0
    for stat in processes(zombies=True):
        if stat.ended and stat.ppid == me and stat.pgid == pgid and stat.pid != pgid:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(stat.pid, os.WNOHANG)[0]:
                    reaped += 1
    return reaped


def ending_signals(grace: float) -> tuple[tuple[signal.Signals, float], ...]:
    """How a group is ended: each signal, and the seconds to wait for the leader after it.

    SIGHUP first (what a hang-up sends), then SIGTERM, then SIGKILL.
    """
    return ((signal.SIGHUP, grace), (signal.SIGTERM, grace), (signal.SIGKILL, _KILL_WAIT))


def try_reap(pid: int) -> tuple[int, resource.struct_rusage | None] | None:
    """Reap child `pid` if it has ended, without blocking: ``(wait status, rusage)``.

    None while it runs. A child someone else reaped reads as ended with status 0
    and no rusage.
    """
    try:
        reaped, status, rusage = os.wait4(pid, os.WNOHANG)
    except ChildProcessError:
        return 0, None
    if reaped == 0:
        return None
    return status, rusage


def end_group(pid: int, reaped: Callable[[float], bool], grace: float = 1.0) -> None:
    """End the session led by child `pid` and everything in its group, blocking.

    `reaped(timeout)` must reap the leader if it ends within `timeout` seconds
    and say whether it has been reaped (so the caller keeps its exit status).
    Follows :func:`ending_signals`, then kills any leftovers of the group.
    """
    if not reaped(0):
        for sig, wait in ending_signals(grace):
            signal_group(pid, sig)
            if reaped(wait):
                break
    kill_group_leftovers(pid)


def reap_within(
    pid: int, timeout: float, *, while_waiting: Callable[[], None] | None = None
) -> tuple[int, resource.struct_rusage | None] | None:
    """Reap child `pid` if it ends within `timeout` seconds (see :func:`try_reap`).

    Polls with a short, growing pause (2 to 20 ms) and calls `while_waiting`
    in each pause (e.g. to sample the program's memory). None if it still runs.
    """
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        result = try_reap(pid)
        if result is not None or time.monotonic() >= deadline:
            return result
        if while_waiting is not None:
            while_waiting()
        time.sleep(delay)
        delay = min(delay * 2, 0.02)
