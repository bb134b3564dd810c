"""AnimatedRun: the one way a page animates a training run.

A run calls its page's `frame` function on a timer until the frame says the run is
over; any key stops it, and so does leaving the page. While it runs the footer shows
only what the learner can do now ("any key stop"), and the page's own hints come
back afterwards. Tests and snapshots use `run_to_end` to skip the animation.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Protocol

from textual.timer import Timer

from neuron_tui.widgets.keybar import KeyBar, KeyHint


class RunPage(Protocol):
    """What a run needs of its page (a LessonScreen): its timer, footer and mount state."""

    @property
    def is_mounted(self) -> bool: ...

    def set_animation(self, seconds: float, frame: Callable[[], None]) -> Timer: ...
    def key_hints(self) -> list[KeyHint]: ...
    def query_one(self, selector: Any) -> Any: ...


#: The footer while a run animates.
RUNNING_HINTS: list[KeyHint] = [("any key", "stop")]
#: At most 20 frames a second: smooth locally, cheap over SSH.
DEFAULT_FRAME_SECONDS = 1 / 20


class StopReason(enum.Enum):
    """Why an animated run stopped."""

    FINISHED = "finished"  # the frame function said the run is over
    KEY = "key"  # the learner pressed a key
    LEFT = "left"  # the learner left the page
    ASKED = "asked"  # the page stopped it (reset, new data, …)


class AnimatedRun:
    """Calls `frame` every `frame_seconds` while running.

    Args:
        screen: the page that shows the run (its timer, footer and key handling).
        frame: advances the run by one frame and redraws; returns True when the run
            is over.
        on_stop: told once why the run stopped: FINISHED when `frame` said it is
            over (that frame has already drawn the end), else KEY, LEFT or ASKED.
        frame_seconds: time between frames; low-bandwidth mode stretches it.
    """

    def __init__(
        self,
        screen: RunPage,
        frame: Callable[[], bool],
        on_stop: Callable[[StopReason], None],
        frame_seconds: float = DEFAULT_FRAME_SECONDS,
    ) -> None:
        self.screen = screen
        self.frame = frame
        self.on_stop = on_stop
        self.frame_seconds = frame_seconds
        self._timer: Timer | None = None

    @property
    def running(self) -> bool:
        """Whether frames are being drawn now."""
        return self._timer is not None

    def start(self) -> None:
        """Start drawing frames (nothing happens if already running)."""
        if self.running:
            return
        self._timer = self.screen.set_animation(self.frame_seconds, self._tick)
        self._show_hints(RUNNING_HINTS)

    def stop(self, reason: StopReason = StopReason.ASKED) -> None:
        """Stop where it is and tell `on_stop` why (only if it was running)."""
        if self._timer is None:
            return
        self._timer.stop()
        self._timer = None
        self._show_hints(self.screen.key_hints())
        self.on_stop(reason)

    def run_to_end(self, max_frames: int = 100_000) -> None:
        """Draw every remaining frame at once, without the timer (tests, snapshots)."""
        self.start()
        frames = 0
        while self.running and frames < max_frames:
            self._tick()
            frames += 1
        self.stop()

    def _tick(self) -> None:
        if self._timer is not None and self.frame():
            self.stop(StopReason.FINISHED)

    def _show_hints(self, hints: list[KeyHint]) -> None:
        if self.screen.is_mounted:
            self.screen.query_one(KeyBar).set_hints(hints)
