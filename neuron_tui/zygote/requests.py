"""`serve ssh`'s mode: fork a lesson for each request on the server's socket.

Each request is one SEQPACKET message (JSON) with the lesson's terminal as a
passed descriptor. The fork server forks twice: the middle process exits at
once, so the lesson is handed to the server (a child subreaper) exactly as if
the server had spawned it. Requests are answered in the order they came, one
message each: ``{"pid": N}`` or ``{"error": "..."}``.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

from neuron_tui.zygote.become import Job, become_lesson

__all__ = ["MAX_REQUEST", "serve"]

#: The largest request (argv, environment and folder of one lesson) accepted.
MAX_REQUEST = 64 * 1024


def _fork_lesson(sock: socket.socket, request: dict[str, Any], tty: int) -> Job | None:
    """Fork the lesson (twice, so the server adopts it); the lesson's job in it, else None."""
    read_end, write_end = os.pipe()
    middle = os.fork()
    if middle == 0:  # the middle process: fork the lesson, then leave at once
        try:
            lesson = os.fork()
        except OSError:
            os._exit(1)
        if lesson != 0:
            os._exit(0)
        try:  # the lesson: a session of its own first, so the server can signal its group
            os.setsid()
            os.close(read_end)
            sock.close()
            os.write(write_end, str(os.getpid()).encode())
            os.close(write_end)
            return become_lesson(request, [tty])
        except BaseException as error:  # noqa: BLE001 - nothing may return into the loop
            try:
                os.write(tty, f"neuron-tui: the lesson could not start: {error}\r\n".encode())
            finally:
                os._exit(1)
    os.close(write_end)
    pid_text = b""
    while chunk := os.read(read_end, 32):
        pid_text += chunk
    os.close(read_end)
    os.waitpid(middle, 0)  # once it is reaped, the lesson's parent is the server
    reply = {"pid": int(pid_text)} if pid_text.isdigit() else {"error": "the lesson did not start"}
    sock.send(json.dumps(reply).encode())
    return None


def serve(sock: socket.socket) -> Job | None:
    """Answer requests until the server goes away; in a forked lesson, its job."""
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(sock, MAX_REQUEST, 1)
        except OSError:
            return None
        if not message:
            return None  # the server has gone: so does the fork server
        try:
            request = json.loads(message)
            if len(fds) != 1:
                raise ValueError("one terminal must come with the request")
            job = _fork_lesson(sock, request, fds[0])
        except (ValueError, KeyError, TypeError, OSError) as error:
            sock.send(json.dumps({"error": str(error)}).encode())
            job = None
        if job is not None:
            return job
        for fd in fds:
            os.close(fd)
