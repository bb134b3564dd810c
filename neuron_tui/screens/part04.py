"""Part 04 · Why depth wins: the lesson text of this part, in full, scrollable."""

from __future__ import annotations

from neuron_tui.screens.base import LessonScreen


class DepthScreen(LessonScreen):
    """Part 04: reads the lesson text for this part."""

    PAGE_KEY = "part04"
    PART = 4
    GUIDANCE = "Read on with ↑/↓ or PgUp/PgDn; n takes you to the next part."
    KEY_HINTS = [("↑/↓", "scroll"), ("n", "next"), ("p", "previous"), ("?", "help"), ("q", "quit")]
