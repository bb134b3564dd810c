"""A last line of defence for ASCII terminals: every character out is ASCII.

The glyph sets already draw ASCII where the lesson chooses characters; this
Textual line filter catches the rest (Textual's own toasts and scrollbars, lesson
text with Greek letters) and maps each character to exactly one ASCII character,
so no cell moves and nothing is printed as a \\u escape.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

ONE_FOR_ONE = str.maketrans({
    "·": "-", "–": "-", "—": "-", "−": "-", "━": "-", "─": "-", "═": "=",
    "│": "|", "┃": "|", "║": "|", "▌": "|", "▐": "|", "▏": "|", "▕": "|",
    "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+", "┬": "+", "┴": "+",
    "┼": "+", "╭": "+", "╮": "+", "╯": "+", "╰": "+", "╷": "|", "╵": "|", "╴": "-", "╶": "-",
    "█": "#", "▀": "#", "▄": "#", "■": "#", "□": ".", "▪": "#",
    "▁": "_", "▂": "_", "▃": "_", "▅": "#", "▆": "#", "▇": "#",
    "░": ":", "▒": "+", "▓": "#", "●": "O", "○": "o", "◐": "~", "•": "*", "∙": "*",
    "✓": "v", "✔": "v", "✗": "x", "✘": "x", "←": "<", "→": ">", "↑": "^", "↓": "v",
    "▶": ">", "◀": "<", "▲": "^", "▼": "v", "σ": "s", "Σ": "S", "η": "n", "×": "x",
    "≈": "~", "…": ".", "‘": "'", "’": "'", "“": '"', "”": '"', "≤": "<", "≥": ">",
})


@lru_cache(maxsize=4096)
def to_ascii(text: str) -> str:
    """`text` with each non-ASCII character replaced by one ASCII character."""
    if text.isascii():
        return text
    text = text.translate(ONE_FOR_ONE)
    if text.isascii():
        return text
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
        elif 0x2800 <= ord(char) <= 0x28FF:
            out.append(".")  # braille dots: a plotted line
        else:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(base[:1] or "?")
    return "".join(out)


class AsciiFilter(LineFilter):
    """Maps every segment's text to ASCII, one character for one."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            segment if segment.text.isascii() else Segment(
                to_ascii(segment.text), segment.style, segment.control
            )
            for segment in segments
        ]
