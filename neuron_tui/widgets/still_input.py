"""An Input whose cursor never blinks.

Over SSH a blinking cursor costs about 1.8 KB/s per learner even when nobody
types, so every text entry in the lesson uses this class instead of Input.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input


class StillInput(Input):
    """A Textual Input with cursor blinking switched off from the start."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_reactive(Input.cursor_blink, False)
