"""What the learner's terminal can show: Unicode or only ASCII, braille, colour.

Decided once at start-up from the flags, the environment and the output
encoding, so a terminal that cannot encode Unicode gets ASCII instead of \\u
escapes, and the Linux console (whose fonts lack braille) gets plots without it.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

#: Every non-ASCII character the Unicode glyph set may draw, in one string.
UNICODE_PROBE = "━●σΣ₁₂✓✗◐■□─│┌┐└┘├┤┬┴┼╭╮╯╰▶░▒·→←↑↓–"
BRAILLE_PROBE = "⣿"
#: Below this size the lesson asks for a larger window instead of drawing badly.
MIN_COLUMNS = 60
MIN_ROWS = 20


@dataclass(frozen=True)
class TerminalProfile:
    """How the lesson should draw on this terminal."""

    ascii: bool = False
    braille: bool = True
    no_color: bool = False
    low_bandwidth: bool = False
    reason: str = ""


def can_encode(text: str, encoding: str | None) -> bool:
    """Whether `encoding` can encode every character of `text`."""
    if not encoding:
        return False
    try:
        codecs.lookup(encoding)
        text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in ("", "0", "no", "false", "off")


def detect_profile(
    *,
    ascii_flag: bool = False,
    no_color_flag: bool = False,
    low_bandwidth_flag: bool = False,
    environ: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> TerminalProfile:
    """Decide the profile from flags, environment variables and the output encoding."""
    env = os.environ if environ is None else environ
    if encoding is None:
        # Textual writes its UI to stderr; its encoding is what the terminal gets.
        encoding = getattr(sys.__stderr__, "encoding", None)
    reasons = []
    ascii_only = ascii_flag or _truthy(env.get("NEURON_TUI_ASCII"))
    if ascii_only:
        reasons.append("ASCII requested")
    elif not can_encode(UNICODE_PROBE, encoding):
        ascii_only = True
        reasons.append(f"the terminal's encoding ({encoding or 'unknown'}) has no Unicode")
    braille = not ascii_only and env.get("TERM", "") != "linux"
    if not ascii_only and not braille:
        reasons.append("the Linux console has no braille")
    no_color = no_color_flag or "NO_COLOR" in env
    low_bandwidth = low_bandwidth_flag or _truthy(env.get("NEURON_TUI_LOW_BANDWIDTH"))
    return TerminalProfile(
        ascii=ascii_only,
        braille=braille,
        no_color=no_color,
        low_bandwidth=low_bandwidth,
        reason="; ".join(reasons),
    )


def too_small(columns: int, rows: int) -> bool:
    """Whether a window of this size is below what the lesson can lay out."""
    return columns < MIN_COLUMNS or rows < MIN_ROWS
