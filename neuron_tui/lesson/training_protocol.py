"""The wire between a lesson and the class server's shared trainer: lines of JSON over
a Unix socket whose path is in ``NEURON_TUI_TRAINING_SOCKET``.

Standard library only, so the server (which never imports NumPy) and the lesson
(:mod:`neuron_tui.lesson.shared_training`) speak it the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: The environment variable that names the service's socket.
SOCKET_ENV = "NEURON_TUI_TRAINING_SOCKET"
#: The longest line either side accepts (a 64-unit network's result is ~30 KB).
MAX_LINE = 1 << 20


def encode(message: Mapping[str, Any]) -> bytes:
    """One message as one line of JSON."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    """One line of JSON as a message (a dict); ValueError when it is not one."""
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ValueError("a message must be a JSON object")
    return message
