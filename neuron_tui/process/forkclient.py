"""Ask a running fork server for a program on this process's own terminal or pipes.

A launcher (e.g. the command `serve web` runs for each browser tab) calls
:func:`run_forked`: it passes its standard descriptors to the fork server named
in ``$NEURON_TUI_FORKSERVER_SOCKET`` (``SCM_RIGHTS``), which forks the program
from its preloaded state onto them. The launcher stays as the program's stand-in:
signals it receives are passed on, and it learns the program's exit code to
end with. Standard library only; cheap to import.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
from collections.abc import Mapping, Sequence

__all__ = ["SOCKET_VARIABLE", "exit_like", "run_forked"]

#: The environment variable that names the fork server's socket.
SOCKET_VARIABLE = "NEURON_TUI_FORKSERVER_SOCKET"
#: How long to wait for the fork server to start the program.
ANSWER_TIMEOUT = 5.0
_FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


def run_forked(
    request: Mapping[str, object], env: Mapping[str, str], fds: Sequence[int] = (0, 1, 2)
) -> int | None:
    """Have the fork server run `request` on `fds`; its exit code once it ends.

    None when there is no fork server to ask or it would not start the program
    (the caller then runs it itself). An exit code below 0 is the signal that
    ended the program.
    """
    path = env.get(SOCKET_VARIABLE)
    if not path:
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        sock.settimeout(ANSWER_TIMEOUT)
        sock.connect(path)
        socket.send_fds(sock, [json.dumps(request).encode()], list(fds))
        pid = int(json.loads(sock.recv(4096))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        sock.close()
        return None

    def forward(number: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, number)

    for number in _FORWARDED:
        signal.signal(number, forward)
    sock.settimeout(None)
    with sock:
        try:
            answer = sock.recv(4096)
        except OSError:
            answer = b""
    try:
        return int(json.loads(answer)["exit"])
    except (ValueError, KeyError, TypeError):
        pass
    # The fork server went away: the program still runs on our streams, so stand in for
    # it until it ends (it cannot say how, any more).
    with contextlib.suppress(OSError):
        handle = os.pidfd_open(pid)
        try:
            select.select([handle], [], [])
        finally:
            os.close(handle)
    return 1


def exit_like(code: int) -> int:
    """End as a program that ended with `code` would (a signal by that signal)."""
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        return 128 - code  # only if the signal did not end this process
    return code
