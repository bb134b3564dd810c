"""Make ``/proc`` show a forked process's own command line and environment.

A process forked from a preloaded parent (:mod:`neuron_tui.zygote`) was never
exec'ed, so ``/proc/PID/cmdline`` and ``/proc/PID/environ`` still show its
parent's. :func:`show_as` points the kernel's record of both at a new block of
memory holding the given argv and environment (``prctl(PR_SET_MM,
PR_SET_MM_MAP)``, which an unprivileged process may use on itself as long as it
leaves its executable alone), so ``ps``, a teacher's tools and the tests see what
an exec would have shown. Linux only, on kernels built with checkpoint/restore
support (as the common distributions' are); elsewhere it raises and the server
spawns lessons itself.

:func:`module_run` and :func:`is_lesson` say what a process is from the command
line /proc shows: a lesson runs the lesson's module (``python -I -m neuron_tui``,
or a browser tab's ``neuron_tui.web_lesson``); the fork server
(``neuron_tui.zygote``) and the class's training worker
(``neuron_tui.serve.training_worker``) run modules of their own.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Mapping, Sequence

__all__ = ["LESSON_MODULES", "IdentityError", "is_lesson", "module_run", "show_as"]

#: The modules a lesson runs as (``python -m MODULE``): the terminal lesson, a tab's.
LESSON_MODULES = ("neuron_tui", "neuron_tui.web_lesson")
#: Interpreter options that take the next word as their value.
_OPTIONS_WITH_VALUE = ("-W", "-X")

_PR_SET_MM = 35
_PR_SET_MM_MAP = 14
#: exe_fd value meaning: keep the executable as it is (no privilege needed then).
_KEEP_EXE = 0xFFFFFFFF
# 1-based field numbers in /proc/self/stat (proc(5)).
_START_CODE, _END_CODE, _START_STACK = 26, 27, 28
_START_DATA, _END_DATA, _START_BRK = 45, 46, 47
_ENV_START, _ENV_END = 50, 51

#: The blocks in use: the kernel reads them whenever /proc is read, so they live forever.
_kept: list[ctypes.Array[ctypes.c_char]] = []


class IdentityError(OSError):
    """The kernel refused to change what /proc shows."""


class _MMMap(ctypes.Structure):
    """``struct prctl_mm_map`` from ``<linux/prctl.h>``."""

    _fields_ = [
        (name, ctypes.c_uint64)
        for name in (
            "start_code", "end_code", "start_data", "end_data", "start_brk", "brk",
            "start_stack", "arg_start", "arg_end", "env_start", "env_end", "auxv",
        )
    ] + [("auxv_size", ctypes.c_uint32), ("exe_fd", ctypes.c_uint32)]  # fmt: skip


def _stat_fields() -> list[bytes]:
    with open("/proc/self/stat", "rb") as fh:
        stat = fh.read()
    # Field 2 (comm) may hold spaces: fields from 3 on follow the last ')'.
    return [b"", b"", b"", *stat[stat.rindex(b")") + 2 :].split()]


def _block(parts: Sequence[bytes]) -> bytes:
    return b"".join(part + b"\0" for part in parts)


def show_as(argv: Sequence[str], env: Mapping[str, str] | None = None) -> None:
    """Make ``/proc/self/cmdline`` (and ``environ`` when `env` is given) show these.

    Only what /proc shows changes: ``os.environ`` and ``sys.argv`` are the
    caller's to set. Raises :class:`IdentityError` if the kernel refuses.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.sbrk.restype = ctypes.c_void_p
    libc.sbrk.argtypes = [ctypes.c_ssize_t]
    fields = _stat_fields()
    args = _block([arg.encode(errors="surrogateescape") for arg in argv])
    block = args
    if env is not None:
        block += _block([f"{key}={value}".encode(errors="surrogateescape") for key, value in
                         env.items()])  # fmt: skip
    memory = ctypes.create_string_buffer(block, len(block))
    base = ctypes.addressof(memory)
    env_start, env_end = (
        (base + len(args), base + len(block))
        if env is not None
        else (int(fields[_ENV_START]), int(fields[_ENV_END]))
    )
    mm = _MMMap(
        start_code=int(fields[_START_CODE]),
        end_code=int(fields[_END_CODE]),
        start_data=int(fields[_START_DATA]),
        end_data=int(fields[_END_DATA]),
        start_brk=int(fields[_START_BRK]),
        # The current program break: the kernel records what is passed, so it must be true.
        brk=libc.sbrk(0) or 0,
        start_stack=int(fields[_START_STACK]),
        arg_start=base,
        arg_end=base + len(args),
        env_start=env_start,
        env_end=env_end,
        auxv=0,
        auxv_size=0,
        exe_fd=_KEEP_EXE,
    )
    if libc.prctl(_PR_SET_MM, _PR_SET_MM_MAP, ctypes.byref(mm), ctypes.sizeof(mm), 0) != 0:
        error = ctypes.get_errno()
        raise IdentityError(error, f"cannot set the command line /proc shows: {os.strerror(error)}")
    _kept.append(memory)



def module_run(argv: Sequence[str]) -> str | None:
    """The module a Python command line runs with ``-m``; None if it runs none.

    Reads the interpreter's options up to the program: ``-m MODULE`` (or
    ``-mMODULE``) names it; a script, ``-c`` or ``-`` (stdin) means no module.
    """
    words = iter(argv[1:])
    for word in words:
        if word == "-m":
            return next(words, None)
        if word.startswith("-m"):
            return word[2:]
        if word in _OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-") or word in ("-", "-c", "--") or word.startswith("-c"):
            return None
        elif "m" in word[1:] or "c" in word[1:]:  # grouped flags such as -Im MODULE
            return next(words, None) if word.endswith("m") else None
    return None


def is_lesson(argv: Sequence[str]) -> bool:
    """Whether a command line (as /proc shows it) is a lesson's, not a helper's."""
    return module_run(argv) in LESSON_MODULES
