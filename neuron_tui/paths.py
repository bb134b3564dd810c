"""Where neuron-tui keeps its files: the one state folder the lesson and the servers share.

``$NEURON_TUI_STATE_DIR`` when set (tests, a classroom server's lessons), else the
user's state folder from platformdirs (``~/.local/state/neuron-tui`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["APP_NAME", "STATE_DIR_VARIABLE", "default_state_dir"]

#: The environment variable that overrides the state folder.
STATE_DIR_VARIABLE = "NEURON_TUI_STATE_DIR"
#: The name platformdirs files neuron-tui's folders under.
APP_NAME = "neuron-tui"


def default_state_dir() -> Path:
    """``$NEURON_TUI_STATE_DIR`` (``~`` expanded), else platformdirs' user state path."""
    folder = os.environ.get(STATE_DIR_VARIABLE)
    if folder:
        return Path(folder).expanduser()
    # Imported here: the lesson's start-up does not pay for it unless it is needed.
    from platformdirs import user_state_path

    return user_state_path(APP_NAME)
