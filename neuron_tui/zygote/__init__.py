"""The lesson fork server: one preloaded process that forks a lesson for each learner.

`serve ssh` starts it once as ``python -I -m neuron_tui.zygote --fd N``
(:mod:`neuron_tui.serve.forkserver`), `serve web` as ``... --listen PATH``
(:mod:`neuron_tui.serve.web_forkserver`); its command line says what it is, so
tools that count lessons tell it apart (:func:`neuron_tui.process.identity.is_lesson`).
It imports Python's start-up, NumPy, Textual, the app and every page of the
lesson (:mod:`.preload`; never scikit-learn: under `serve` that lives in the one
training worker), freezes the garbage collector's view of all of it
(``gc.freeze()``, so no collection ever writes to those pages), and then waits:
on the SSH server's socket (:mod:`.requests`) or for browser tabs' launchers
(:mod:`.launchers`). Each forked lesson makes itself what an exec would have
made it (:mod:`.become`). The code pages, NumPy and Textual stay shared
copy-on-write among all lessons, and a learner's first screen costs no import.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import socket
import sys
import threading

from neuron_tui.process.identity import IdentityError, show_as
from neuron_tui.zygote.launchers import serve_launchers
from neuron_tui.zygote.preload import preload
from neuron_tui.zygote.requests import serve

__all__ = ["MODULE", "main", "preload"]

#: The module the fork server runs as (``python -I -m MODULE``).
MODULE = "neuron_tui.zygote"


def _listen(path: str) -> socket.socket:
    """A socket at `path` for launchers, the server's user's alone (0600)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # a dead predecessor's
    old_mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old_mask)
    listener.listen(64)
    return listener


def main(argv: list[str] | None = None) -> int:
    """Preload, tell the server it is ready, and fork lessons; in a lesson, run it."""
    parser = argparse.ArgumentParser(prog=MODULE)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--fd", type=int, help="the SSH server's socket (SEQPACKET pair)")
    where.add_argument("--listen", help="a socket path for launchers (serve web)")
    args = parser.parse_args(argv)
    sock = socket.socket(fileno=args.fd) if args.fd is not None else None
    try:
        # What /proc shows stays as it is; this only proves the kernel lets a forked
        # lesson show its own command line (else the server starts lessons itself).
        show_as(sys.orig_argv)
        identity = True
    except IdentityError:
        identity = False
    failed = preload()
    if threading.active_count() != 1:  # forking a process with threads copies a broken lock
        raise RuntimeError("the fork server started a thread while preloading")
    gc.collect()
    gc.freeze()
    if sock is not None:
        sock.send(json.dumps({"ready": identity, "failed": failed}).encode())
        job = serve(sock)
    elif not identity:
        return 1  # launchers find no socket and run their lessons themselves
    else:
        job = serve_launchers(_listen(args.listen))
    if job is None:
        return 0
    return job()
