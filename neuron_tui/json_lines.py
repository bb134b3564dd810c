"""One JSON object a line: how the class server's hub, the lessons, the class views and
the shared trainer frame every message they exchange over their Unix sockets.

Standard library only, so the server (which never imports the UI) and the lesson speak
it the same way. Each side keeps its own line cap (what the other side may send it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["encode_line", "decode_line"]


def encode_line(message: Mapping[str, Any]) -> bytes:
    """One message as one compact line of UTF-8 JSON, newline included."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def decode_line(line: bytes | str) -> dict[str, Any]:
    """One line of JSON as a message (a dict); ValueError when it is not one.

    Not JSON, not UTF-8 (UnicodeDecodeError is a ValueError) or not an object all raise
    the same, so a reader skips a bad line with one ``except ValueError``.
    """
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ValueError("a message must be a JSON object")
    return message
