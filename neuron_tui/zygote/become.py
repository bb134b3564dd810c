"""In a process just forked from the fork server: become the lesson, as exec would have.

:func:`become_lesson` gives the forked process what an exec of ``python -I -m
MODULE`` would have: its terminal (or pipes) as standard streams, the server's
working folder, resource limits and nice value, exactly the requested
environment (Textual's settings read again from it), fresh standard streams, and
the command line /proc shows (:mod:`neuron_tui.process.identity`). It returns
the job that runs the lesson's main module.
"""

from __future__ import annotations

import fcntl
import io
import os
import sys
import termios
from collections.abc import Callable
from typing import Any

from neuron_tui.process.forkclient import SOCKET_VARIABLE
from neuron_tui.process.identity import show_as
from neuron_tui.serve.limits import LessonLimits, apply_limits

__all__ = ["Job", "become_lesson"]

#: What runs the lesson once the process has become it; its exit code.
Job = Callable[[], int]
#: The modules a lesson may be run as, and the module holding each one's main code.
_MODULES = {"neuron_tui": "neuron_tui.__main__", "neuron_tui.web_lesson": "neuron_tui.web_lesson"}
#: Textual settings the lesson may set in its environment after it has started.
_SET_BY_THE_LESSON = ("TEXTUAL_ANIMATIONS", "COLOR_SYSTEM")


def _read_textual_settings_again() -> None:
    """Have ``textual.constants`` hold what importing it now, in this lesson, would give.

    Textual reads its TEXTUAL_* settings once, when ``textual.constants`` is
    imported: in the fork server that was before any lesson's environment existed.
    So they are read again from the lesson's environment; and the two the lesson
    itself may still set before it creates the app (low bandwidth sets
    TEXTUAL_ANIMATIONS and TEXTUAL_COLOR_SYSTEM, as a lesson run as a program does
    before it imports Textual) are read whenever Textual asks for them (only when
    an app is created: never on a hot path).
    """
    import runpy

    import textual.constants as constants

    fresh = runpy.run_path(constants.__file__ or "")
    for name, value in fresh.items():
        if name.isupper() and hasattr(constants, name):
            setattr(constants, name, value)

    def __getattr__(name: str) -> Any:
        if name not in _SET_BY_THE_LESSON:
            raise AttributeError(f"module 'textual.constants' has no attribute {name!r}")
        return runpy.run_path(constants.__file__ or "")[name]

    for name in _SET_BY_THE_LESSON:
        delattr(constants, name)
    constants.__getattr__ = __getattr__  # type: ignore[attr-defined]


def _fresh_stdio() -> None:
    """Standard streams on the new fds 0-2, made as Python makes them at start-up."""
    encoding, errors = sys.__stdout__.encoding if sys.__stdout__ else "utf-8", "strict"
    if sys.__stdout__ is not None:
        errors = sys.__stdout__.errors or errors

    def stream(fd: int, write: bool, line_buffering: bool, errs: str) -> io.TextIOWrapper:
        raw = io.FileIO(fd, "wb" if write else "rb", closefd=False)
        buffered = io.BufferedWriter(raw) if write else io.BufferedReader(raw)
        text = io.TextIOWrapper(buffered, encoding, errs, line_buffering=line_buffering)
        text.mode = "w" if write else "r"  # type: ignore[misc]
        return text

    sys.stdin = sys.__stdin__ = stream(0, False, False, errors)
    sys.stdout = sys.__stdout__ = stream(1, True, os.isatty(1), errors)
    sys.stderr = sys.__stderr__ = stream(2, True, True, "backslashreplace")


def become_lesson(request: dict[str, Any], fds: list[int]) -> Job:
    """In the forked lesson: take on what exec would have set; the job that runs it.

    One fd is a terminal to be the controlling one (the lesson already leads its
    own session); three are the standard streams as the launcher had them.
    """
    module = request.get("module", "neuron_tui")
    if module not in _MODULES:
        raise ValueError(f"no such lesson module: {module}")
    if len(fds) == 1:
        fcntl.ioctl(fds[0], termios.TIOCSCTTY, 0)
        fds = fds * 3
    for fd, source in enumerate(fds):
        os.dup2(source, fd)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    os.chdir(request["cwd"])
    if request.get("limits") is not None:
        apply_limits(LessonLimits(*request["limits"]))
    env = {key: value for key, value in request["env"].items() if key != SOCKET_VARIABLE}
    os.environ.clear()
    os.environ.update(env)
    _fresh_stdio()
    _read_textual_settings_again()
    show_as(request["argv"], env)
    import runpy

    # As `python -m MODULE` runs it: the module's code as the main module (a preloaded
    # copy under its own name would not be the main module), early handlers first.
    preloaded = sys.modules.pop(_MODULES[module], None)
    sys.argv = [getattr(preloaded, "__file__", None) or "-m", *request["args"]]
    sys.orig_argv = list(request["argv"])

    def run() -> int:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0

    return run
