"""Loopback ports for tests that start real servers, from each test file's own range.

A port is free when nothing is bound to it right now; a server started after the probe
may still lose a race to another process, which is why each file keeps its own range.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

__all__ = ["free_port", "free_ports", "unbound_ports"]


def unbound_ports(ports: range) -> Iterator[int]:
    """The ports of `ports` nothing on 127.0.0.1 is bound to right now, in order."""
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        yield port


def free_ports(count: int, ports: range) -> list[int]:
    """`count` free ports of `ports`; the test is skipped, saying why, if there are fewer."""
    found: list[int] = []
    for port in unbound_ports(ports):
        found.append(port)
        if len(found) == count:
            return found
    pytest.skip(f"fewer than {count} free ports in {ports.start}–{ports.stop - 1}")


def free_port(ports: range) -> int:
    """One free port of `ports` (see :func:`free_ports`)."""
    return free_ports(1, ports)[0]
