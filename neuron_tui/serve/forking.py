"""What the two fork-server front ends share (:mod:`.forkserver`, :mod:`.web_forkserver`).

The fork server's command line (``python -I -m neuron_tui.zygote ...``), making
the server a child subreaper (so lessons forked by the zygote become its own
children), and reading the server's own lesson command line into what the
zygote needs to become that lesson.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["GIVE_UP_AFTER", "RESTART_PAUSE", "become_subreaper", "lesson_plan", "zygote_argv"]

#: Shortest pause between restarts of a zygote that keeps dying.
RESTART_PAUSE = 5.0
#: Zygotes in a row that die before they are ready, after which the server gives up.
GIVE_UP_AFTER = 3
_PR_SET_CHILD_SUBREAPER = 36
_LIMITS_MODULE = ["-I", "-m", "neuron_tui.serve.limits"]
_LIMIT_FLAGS = ("--memory", "--nice", "--open-files", "--processes")
_LESSON_MODULE = ["-I", "-m", "neuron_tui"]


def zygote_argv(python: str, *args: str) -> list[str]:
    """The fork server's command line: it names its module, as any tool sees it."""
    return [python, "-I", "-m", "neuron_tui.zygote", *args]


def become_subreaper() -> bool:
    """Adopt orphaned descendants (the zygote's lessons); False where Linux cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def lesson_plan(argv: Sequence[str], python: str = sys.executable) -> dict[str, Any] | None:
    """What the zygote needs to become the lesson `argv` starts; None if it cannot.

    Understands ``[python -I -m neuron_tui.serve.limits FLAGS --] python -I -m
    neuron_tui ARGS`` with this server's interpreter, as the server builds it.
    """
    rest = list(argv)
    limits: list[int] | None = None
    if rest[:1] == [python] and rest[1:4] == _LIMITS_MODULE:
        end = rest.index("--") if "--" in rest else -1
        flags = rest[4:end]
        if end < 0 or len(flags) != 2 * len(_LIMIT_FLAGS) or tuple(flags[::2]) != _LIMIT_FLAGS:
            return None
        try:
            limits = [int(value) for value in flags[1::2]]
        except ValueError:
            return None
        rest = rest[end + 1 :]
    if rest[:1] != [python] or rest[1:4] != _LESSON_MODULE:
        return None
    return {"argv": rest, "args": rest[4:], "limits": limits}
