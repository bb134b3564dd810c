"""Where the classroom servers keep their files, and how learner names become file names.

The state folder is :func:`neuron_tui.paths.default_state_dir` unless
``--state-dir`` says otherwise. The SSH server keeps its host key there and each
learner's progress under ``learners/<name>.json``.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = ["is_loopback", "learner_file_name"]

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
MAX_NAME_LENGTH = 32


def learner_file_name(username: str) -> str:
    """A safe file stem for an SSH user name: lower case, ``[a-z0-9._-]``, at most 32.

    Anything else becomes ``_``; leading and trailing dots, dashes and
    underscores are dropped (so no ``..`` or hidden files); an empty result is
    ``learner``. Case is folded so ``Ada`` and ``ada`` resume the same progress.
    """
    name = _UNSAFE.sub("_", username.lower()).strip("._-")[:MAX_NAME_LENGTH].strip("._-")
    return name or "learner"


def is_loopback(host: str) -> bool:
    """True for an address only this computer can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
