"""AnimatedRun: the one way a page animates a training run.

A run calls its page's `frame` function on a timer until the frame says the run is
over; any key stops it, and so does leaving the page. While it runs the footer shows
only what the learner can do now ("any key stop"), and the page's own hints come
back afterwards. Tests and snapshots use `run_to_end` to skip the animation.

A run is paced by wall time, not by ticks: frame k is due `k × frame_seconds` after
the start (a monotonic clock). When the machine is busy and a tick comes late, the
tick takes every frame that is due by now and draws only the last of them, so a run
lasts about as long as it would unloaded and its last frame always shows the end.

A run also yields to a busy machine: after each frame it reads how contended the CPUs
were since the last one (`neuron_tui.process.pressure`, Linux PSI) and, when tasks
were waiting, rests up to `REST_FRAMES` frames before it draws again (the frames due
meanwhile are dropped). Under `serve` a class of animating lessons then leaves CPU for
the learners pressing keys; alone on a quiet machine, nothing changes.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from typing import Any, Protocol

from textual.timer import Timer

from neuron_tui.i18n import N_
from neuron_tui.process.pressure import CpuPressure
from neuron_tui.widgets.keybar import KeyBar, KeyHint


class RunPage(Protocol):
    """What a run needs of its page (a LessonScreen): its timer, footer and mount state."""

    @property
    def is_mounted(self) -> bool: ...

    def set_animation(self, seconds: float, frame: Callable[[], None]) -> Timer: ...
    def key_hints(self) -> list[KeyHint]: ...
    def query_one(self, selector: Any) -> Any: ...


#: The footer while a run animates (the key bar translates it).
RUNNING_HINTS: list[KeyHint] = [(N_("any key"), N_("stop"))]
#: At most 20 frames a second: smooth locally, cheap over SSH.
DEFAULT_FRAME_SECONDS = 1 / 20
#: Below this CPU contention (share of time some task waited) a run never rests.
BUSY_SHARE = 0.1
#: At full contention a run rests this many frames after each frame it draws (so at
#: 20 frames a second it draws about 3.3 a second), a little less the less contended.
REST_FRAMES = 5.0

#: Contention since the last reading, 0 to 1, or None when unknown.
Pressure = Callable[[], float | None]


class StopReason(enum.Enum):
    """Why an animated run stopped."""

    FINISHED = "finished"  # the frame function said the run is over
    KEY = "key"  # the learner pressed a key
    LEFT = "left"  # the learner left the page
    ASKED = "asked"  # the page stopped it (reset, new data, …)


class FramePacer:
    """Which frame of a run is due now: frame k (from 1) at `k × frame_seconds` after
    `start`, by `clock` (monotonic seconds; tests give a fake one)."""

    def __init__(self, frame_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.frame_seconds = max(frame_seconds, 1e-6)
        self.clock = clock
        self.started = 0.0
        #: Frames taken since `start`.
        self.taken = 0

    def start(self) -> None:
        """Frame 0 is now."""
        self.started = self.clock()
        self.taken = 0

    def owed(self) -> int:
        """How many frames are due now and not yet taken (0 when ahead of time).

        Rounded to the nearest frame: a timer that fires a little early or late still
        takes exactly one frame a tick when the machine keeps up."""
        due = round((self.clock() - self.started) / self.frame_seconds)
        return max(0, due - self.taken)


class AnimatedRun:
    """Calls `frame` every `frame_seconds` while running, catching up when late.

    Args:
        screen: the page that shows the run (its timer, footer and key handling).
        frame: advances the run by one frame and redraws; returns True when the run
            is over.
        on_stop: told once why the run stopped: FINISHED when `frame` said it is
            over (that frame has already drawn the end), else KEY, LEFT or ASKED.
        frame_seconds: time between frames; low-bandwidth mode stretches the timer's
            interval, and each tick then takes the frames it replaces.
        skip: advances the run by one frame without drawing; True when the run is
            over. A late tick uses it for the frames it drops, then draws once with
            `draw`. Without it, dropped frames call `frame` (whose drawing the plots
            coalesce into one rebuild a refresh).
        draw: redraws the run as it is now (required with `skip`).
        clock: monotonic seconds (tests give a fake clock).
        pressure: the machine's CPU contention since the last call (default: Linux PSI;
            tests give their own, or `lambda: None` for none).
    """

    def __init__(
        self,
        screen: RunPage,
        frame: Callable[[], bool],
        on_stop: Callable[[StopReason], None],
        frame_seconds: float = DEFAULT_FRAME_SECONDS,
        *,
        skip: Callable[[], bool] | None = None,
        draw: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        pressure: Pressure | None = None,
    ) -> None:
        if (skip is None) != (draw is None):
            raise ValueError("AnimatedRun needs both `skip` and `draw`, or neither")
        self.screen = screen
        self.frame = frame
        self.on_stop = on_stop
        self.frame_seconds = frame_seconds
        self.skip = skip
        self.draw = draw
        self.pacer = FramePacer(frame_seconds, clock)
        self.pressure: Pressure = pressure or CpuPressure(clock=clock).share
        #: Frames dropped (taken without being drawn) since the run started.
        self.dropped = 0
        #: No frame is drawn before this time (the run rests for a busy machine).
        self.resting_until = 0.0
        self._timer: Timer | None = None

    @property
    def running(self) -> bool:
        """Whether frames are being drawn now."""
        return self._timer is not None

    def start(self) -> None:
        """Start drawing frames (nothing happens if already running)."""
        if self.running:
            return
        self.pacer.start()
        self.dropped = 0
        self.resting_until = 0.0
        self.pressure()  # the first reading only marks where the next one counts from
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
            if self.frame():
                self.stop(StopReason.FINISHED)
            frames += 1
        self.stop()

    def _tick(self) -> None:
        """Take every frame due by now; draw only the last (the end, if it came)."""
        if self._timer is None or self.pacer.clock() < self.resting_until:
            return  # resting: the frames due meanwhile are dropped at the next drawn tick
        owed = self.pacer.owed()
        if owed == 0:
            return  # ahead of time (a low-bandwidth tick's repeat): nothing is due yet
        self.pacer.taken += owed
        over = False
        for _ in range(owed - 1):
            over = self.skip() if self.skip is not None else self.frame()
            self.dropped += 1
            if over:
                break
        if over:
            if self.draw is not None:
                self.draw()  # the true end state, drawn once
        else:
            over = self.frame()
        if over:
            self.stop(StopReason.FINISHED)
        else:
            self._rest_if_busy()

    def _rest_if_busy(self) -> None:
        """After a frame: rest in proportion to how contended the CPUs were lately."""
        share = self.pressure()
        if share is None or share < BUSY_SHARE:
            self.resting_until = 0.0
            return
        self.resting_until = self.pacer.clock() + self.frame_seconds * REST_FRAMES * share

    def _show_hints(self, hints: list[KeyHint]) -> None:
        if self.screen.is_mounted:
            self.screen.query_one(KeyBar).set_hints(hints)
