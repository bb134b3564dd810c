"""Where the classroom servers keep their files (learner names: :mod:`neuron_tui.serve.names`).

The state folder is ``$NEURON_TUI_STATE_DIR`` when set, else the user's state
folder from platformdirs (``~/.local/state/neuron-tui`` on Linux). The SSH
server keeps its host key there and each learner's progress under
``learners/<name>.json``.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

__all__ = ["STATE_DIR_VARIABLE", "default_state_dir", "is_loopback"]

#: The same variable the lesson reads (neuron_tui.lesson.progress.STATE_DIR_VARIABLE).
STATE_DIR_VARIABLE = "NEURON_TUI_STATE_DIR"


def default_state_dir() -> Path:
    """``$NEURON_TUI_STATE_DIR``, else platformdirs' user state path for neuron-tui."""
    folder = os.environ.get(STATE_DIR_VARIABLE)
    if folder:
        return Path(folder)
    from platformdirs import user_state_path

    return user_state_path("neuron-tui")


def is_loopback(host: str) -> bool:
    """True for an address only this computer can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
