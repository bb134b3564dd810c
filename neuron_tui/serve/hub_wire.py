"""The hub's wire: newline-delimited JSON over Unix stream sockets (docs/class-protocol.md).

:func:`read_message` reads one object a line (at most :data:`MAX_LINE` bytes; a
longer line ends the connection, malformed lines are skipped), :class:`Peer`
writes them and drops a reader that falls more than :data:`MAX_BACKLOG` behind. The
sockets (only this user may connect) are opened by :mod:`neuron_tui.serve.run_sockets`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from neuron_tui.json_lines import decode_line, encode_line
from neuron_tui.serve.run_sockets import RunSocketError

__all__ = [
    "MAX_BACKLOG",
    "MAX_LINE",
    "HubSocketError",
    "Peer",
    "read_message",
]

#: The longest line either side may send (bytes, newline included).
MAX_LINE = 64 * 1024
#: Output waiting for one reader beyond this many bytes drops that reader.
MAX_BACKLOG = 1024 * 1024
#: A hub socket that cannot be opened (the name the class server catches).
HubSocketError = RunSocketError


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """The next JSON object with a string ``"t"``; None at the end or on an overlong line."""
    while True:
        try:
            line = await reader.readline()
        except (ValueError, ConnectionError):  # longer than the reader's limit, or reset
            return None
        if not line.endswith(b"\n"):
            return None  # the end (a half line at the end is dropped)
        try:
            message = decode_line(line)
        except ValueError:  # not a JSON object, or not UTF-8: skipped, as unknown types are
            continue
        if isinstance(message.get("t"), str):
            return message


class Peer:
    """One connection's writing side: whole lines, never blocking, bounded backlog."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.closed = False

    def send(self, message: dict[str, Any]) -> bool:
        """Queue one line; False (and the connection closed) when it cannot be sent."""
        if self.closed or self.writer.is_closing():
            self.closed = True
            return False
        data = encode_line(message)
        # A reader that stopped reading must not make the hub hold the class in memory.
        if self.writer.transport.get_write_buffer_size() + len(data) > MAX_BACKLOG:
            self.close()
            return False
        try:
            self.writer.write(data)
        except (ConnectionError, RuntimeError):
            self.close()
            return False
        return True

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self.closed = True
        with contextlib.suppress(Exception):
            self.writer.close()
