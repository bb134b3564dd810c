"""The class view's line to the hub: JSON lines over the teacher socket (asyncio).

:class:`HubLink` connects to ``teacher.sock``, says hello as the teacher, hands
every message it reads to a callback and sends the teacher's requests. When the
connection cannot be made or is lost it says why (one plain sentence, through
another callback) and tries again every few seconds: a server restarted under the
view is picked up again without the teacher doing anything.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from neuron_tui.i18n import _
from neuron_tui.json_lines import decode_line, encode_line

#: Longest line the protocol allows (docs/class-protocol.md).
MAX_LINE = 64 * 1024
#: Seconds between attempts to reach the hub again.
RETRY_SECONDS = 2.0


def connect_problem(error: OSError, socket_path: Path) -> str:
    """A plain sentence for why the hub at `socket_path` cannot be reached."""
    if isinstance(error, FileNotFoundError | ConnectionRefusedError):
        return _("no class server is running at {path}").format(path=socket_path)
    if isinstance(error, PermissionError):
        return _("{path} belongs to another user (only the server's user may open it)"
                 ).format(path=socket_path)
    return _("cannot reach the class server at {path}: {error}").format(
        path=socket_path, error=error.strerror or error)


class HubLink:
    """A teacher's connection to the hub, kept up for as long as :meth:`run` runs."""

    def __init__(
        self,
        socket_path: Path,
        on_message: Callable[[dict[str, Any]], None],
        on_status: Callable[[str], None],
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        """`on_message` gets each object the hub sends; `on_status` "" once connected,
        else why the view is not connected."""
        self.socket_path = socket_path
        self.on_message = on_message
        self.on_status = on_status
        self.retry_seconds = retry_seconds
        self._writer: asyncio.StreamWriter | None = None

    @property
    def connected(self) -> bool:
        """Whether requests reach the hub now."""
        return self._writer is not None and not self._writer.is_closing()

    def send(self, message: dict[str, Any]) -> bool:
        """Send one request; False (nothing sent) when not connected."""
        if not self.connected:
            return False
        assert self._writer is not None
        self._writer.write(encode_line(message))
        return True

    async def run(self) -> None:
        """Connect, read until the line drops, say why, try again; until cancelled."""
        while True:
            why = await self._session()
            self.on_status(why)
            await asyncio.sleep(self.retry_seconds)

    async def _session(self) -> str:
        """One connection, from hello to its end; returns why it ended."""
        try:
            reader, writer = await asyncio.open_unix_connection(
                str(self.socket_path), limit=MAX_LINE + 1)
        except OSError as error:
            return connect_problem(error, self.socket_path)
        self._writer = writer
        try:
            writer.write(encode_line({"t": "hello", "role": "teacher"}))
            await writer.drain()
            self.on_status("")
            while True:
                try:
                    line = await reader.readuntil(b"\n")
                except asyncio.IncompleteReadError:
                    return _("the class server closed the connection")
                except asyncio.LimitOverrunError:
                    return _("the class server sent a line too long to read")
                with contextlib.suppress(ValueError):
                    self.on_message(decode_line(line))
        except OSError as error:
            return _("the connection to the class server broke ({error})").format(
                error=error.strerror or error)
        finally:
            self._writer = None
            writer.close()
