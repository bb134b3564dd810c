"""`serve web`'s mode: fork a lesson for each browser tab's launcher that connects.

A launcher (:func:`neuron_tui.process.forkclient.run_forked`) passes its
standard streams; the lesson is the fork server's child, reaped here, and its
exit code goes back to the launcher, which ends with it. A launcher that goes
away hangs its lesson up; SIGTERM hangs every lesson up and ends the loop.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
from typing import Any

from neuron_tui.zygote.become import Job, become_lesson
from neuron_tui.zygote.requests import MAX_REQUEST

__all__ = ["serve_launchers"]


def _ended_children() -> list[tuple[int, int]]:
    """Reap every child that has ended: (pid, wait status) each."""
    ended: list[tuple[int, int]] = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return ended
        if pid == 0:
            return ended
        ended.append((pid, status))


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]] | None:
    """A launcher's request and its three streams; None (after saying why) if it is bad."""
    conn.settimeout(2.0)  # only the server's user can connect; still, never hang
    try:
        message, fds, _flags, _addr = socket.recv_fds(conn, MAX_REQUEST, 3)
        request = json.loads(message)
        if len(fds) != 3:
            raise ValueError("three standard streams must come with the request")
    except (OSError, ValueError) as error:
        with contextlib.suppress(OSError):
            conn.send(json.dumps({"error": str(error)}).encode())
        conn.close()
        return None
    return request, fds


def serve_launchers(listener: socket.socket) -> Job | None:
    """Fork a lesson for each launcher that connects; in a forked lesson, its job."""
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    stopping: list[int] = []
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda number, _frame: stopping.append(number))
    signal.set_wakeup_fd(wake_write)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    lessons: dict[int, socket.socket] = {}

    while not stopping:
        for key, _events in selector.select():
            if key.fileobj is listener:
                conn = listener.accept()[0]
                received = _receive(conn)
                if received is None:
                    continue
                request, fds = received
                pid = os.fork()
                if pid == 0:
                    signal.set_wakeup_fd(-1)
                    for number in (signal.SIGCHLD, signal.SIGTERM):
                        signal.signal(number, signal.SIG_DFL)
                    for other in lessons.values():
                        other.close()
                    selector.close()
                    listener.close()
                    conn.close()
                    os.close(wake_read)
                    os.close(wake_write)
                    try:
                        return become_lesson(request, fds)
                    except BaseException as error:  # noqa: BLE001 - never back into the loop
                        try:
                            note = f"neuron-tui: the lesson could not start: {error}\n"
                            os.write(fds[2], note.encode())
                        finally:
                            os._exit(1)
                for fd in fds:
                    os.close(fd)
                conn.settimeout(None)
                conn.send(json.dumps({"pid": pid}).encode())
                lessons[pid] = conn
                selector.register(conn, selectors.EVENT_READ, pid)
            elif key.fileobj == wake_read:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_read, 4096)
                for pid, status in _ended_children():
                    conn = lessons.pop(pid, None)
                    if conn is not None:
                        with contextlib.suppress(OSError):
                            code = os.waitstatus_to_exitcode(status)
                            conn.send(json.dumps({"exit": code}).encode())
                        with contextlib.suppress(KeyError, ValueError):
                            selector.unregister(conn)
                        conn.close()
            else:  # a launcher's connection says something only when it goes away
                with contextlib.suppress(ProcessLookupError):
                    os.kill(key.data, signal.SIGHUP)
                with contextlib.suppress(KeyError, ValueError):
                    selector.unregister(key.fileobj)
    for pid in lessons:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGHUP)
    return None
