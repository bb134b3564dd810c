"""An Input whose cursor never blinks, and which holds a bounded number of characters.

Over SSH a blinking cursor costs about 1.8 KB/s per learner even when nobody
types, so every text entry in the lesson uses this class instead of Input. Its
length is bounded too: Input redraws its whole value on every key, so 100 KB
typed into one grew a lesson to 2.95 GiB.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

#: Characters a lesson entry takes unless told otherwise.
DEFAULT_MAX_LENGTH = 64


class StillInput(Input):
    """A Textual Input with cursor blinking off and at most `max_length` characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", DEFAULT_MAX_LENGTH)
        super().__init__(*args, **kwargs)
        self.set_reactive(Input.cursor_blink, False)
