"""The completion screen: what the learner did, and what comes next."""

from __future__ import annotations

from neuron_tui.screens.base import LessonScreen


class CompletionScreen(LessonScreen):
    """Closes the module: the learner's summary and Module 07 up next."""

    PAGE_KEY = "completion"
    PART = None
    GUIDANCE = "You reached the end of the module. p goes back to any part you want to revisit."
    KEY_HINTS = [("↑/↓", "scroll"), ("p", "previous"), ("1–6", "revisit a part"), ("q", "quit")]
