"""Part 02 · Build a neuron: the lesson text of this part, in full, scrollable."""

from __future__ import annotations

from neuron_tui.screens.base import LessonScreen


class BuildNeuronScreen(LessonScreen):
    """Part 02: reads the lesson text for this part."""

    PAGE_KEY = "part02"
    PART = 2
    GUIDANCE = "Read on with ↑/↓ or PgUp/PgDn; n takes you to the next part."
    KEY_HINTS = [("↑/↓", "scroll"), ("n", "next"), ("p", "previous"), ("?", "help"), ("q", "quit")]
