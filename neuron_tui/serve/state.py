"""Where the classroom servers keep their files (learner names: :mod:`neuron_tui.serve.names`).

The state folder is :func:`neuron_tui.paths.default_state_dir` unless
``--state-dir`` says otherwise. The SSH server keeps its host key there and each
learner's progress under ``learners/<name>.json``.
"""

from __future__ import annotations

import ipaddress

__all__ = ["is_loopback"]


def is_loopback(host: str) -> bool:
    """True for an address only this computer can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
