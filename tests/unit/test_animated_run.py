"""AnimatedRun's pacing by wall time, with a fake clock and a fake page: a late tick
takes every frame due by now and draws once, the end is always drawn, a run lasts
about its unloaded time however late the ticks come, and a tick with nothing due
(low-bandwidth mode's repeats) takes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from neuron_tui.screens.animated_run import (
    BUSY_SHARE,
    REST_FRAMES,
    AnimatedRun,
    FramePacer,
    StopReason,
)

FRAME = 0.05


class FakeClock:
    """Monotonic seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeTimer:
    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


class FakePage:
    """A page that never mounts: AnimatedRun asks it only for a timer."""

    is_mounted = False

    def __init__(self) -> None:
        self.tick: Callable[[], None] | None = None

    def set_animation(self, seconds: float, frame: Callable[[], None]) -> FakeTimer:
        self.tick = frame
        return FakeTimer()

    def key_hints(self) -> list[Any]:
        return []

    def query_one(self, selector: Any) -> Any:
        raise AssertionError("an unmounted page is never queried")


class Run:
    """A run of `frames` frames that records what was advanced and what was drawn."""

    def __init__(self, frames: int) -> None:
        self.frames = frames
        self.position = 0
        self.drawn: list[int] = []
        self.stops: list[StopReason] = []

    def skip(self) -> bool:
        self.position += 1
        return self.position >= self.frames

    def draw(self) -> None:
        self.drawn.append(self.position)

    def frame(self) -> bool:
        over = self.skip()
        self.draw()
        return over


def no_pressure() -> float | None:
    """A machine that says nothing of its contention (as without PSI)."""
    return None


def animated(run: Run, clock: FakeClock, *, split: bool = True) -> tuple[AnimatedRun, FakePage]:
    page = FakePage()
    options: dict[str, Any] = {"skip": run.skip, "draw": run.draw} if split else {}
    animation = AnimatedRun(page, run.frame, run.stops.append, FRAME, clock=clock,
                            pressure=no_pressure, **options)
    animation.start()
    return animation, page


def tick_at(page: FakePage, clock: FakeClock, seconds: float) -> None:
    clock.now += seconds
    assert page.tick is not None
    page.tick()


def test_on_time_ticks_take_one_frame_each_and_drop_none() -> None:
    clock, run = FakeClock(), Run(5)
    animation, page = animated(run, clock)
    for _ in range(5):
        tick_at(page, clock, FRAME * 1.02)
    assert run.drawn == [1, 2, 3, 4, 5]
    assert animation.dropped == 0
    assert run.stops == [StopReason.FINISHED] and not animation.running


def test_an_early_tick_from_timer_jitter_still_takes_its_frame() -> None:
    clock, run = FakeClock(), Run(10)
    _, page = animated(run, clock)
    tick_at(page, clock, FRAME * 0.9)
    tick_at(page, clock, FRAME * 1.0)
    assert run.drawn == [1, 2]


def test_a_late_tick_takes_every_frame_due_and_draws_only_the_last() -> None:
    clock, run = FakeClock(), Run(20)
    animation, page = animated(run, clock)
    tick_at(page, clock, FRAME * 4.1)  # three ticks were lost to a busy machine
    assert run.position == 4
    assert run.drawn == [4]
    assert animation.dropped == 3


def test_the_end_is_drawn_even_when_it_falls_in_dropped_frames() -> None:
    clock, run = FakeClock(), Run(6)
    animation, page = animated(run, clock)
    tick_at(page, clock, FRAME)
    tick_at(page, clock, FRAME * 30)  # far behind: the run ends among the skipped frames
    assert run.position == 6
    assert run.drawn == [1, 6]
    assert run.stops == [StopReason.FINISHED]
    assert not animation.running


def test_without_skip_the_dropped_frames_call_frame() -> None:
    clock, run = FakeClock(), Run(10)
    _, page = animated(run, clock, split=False)
    tick_at(page, clock, FRAME * 3)
    assert run.position == 3 and run.drawn == [1, 2, 3]


def test_a_repeat_with_nothing_due_takes_nothing() -> None:
    clock, run = FakeClock(), Run(20)
    _, page = animated(run, clock)
    tick_at(page, clock, FRAME * 2)  # a low-bandwidth tick: two frames' time
    tick_at(page, clock, 0.0)  # ... and the repeat set_animation makes of it
    assert run.position == 2 and run.drawn == [2]


@pytest.mark.parametrize("tick_every", [1.0, 2.5, 7.0, 13.0])
def test_a_busy_machine_never_makes_a_run_much_longer(tick_every: float) -> None:
    """Ticks that come only every `tick_every` frames still end the run on time."""
    frames = 40
    clock, run = FakeClock(), Run(frames)
    animation, page = animated(run, clock)
    start = clock.now
    while animation.running:
        tick_at(page, clock, FRAME * tick_every)
    took = clock.now - start
    assert run.position == frames and run.drawn[-1] == frames
    assert took <= frames * FRAME + tick_every * FRAME + 1e-9
    assert len(run.drawn) <= frames / tick_every + 1  # frames were dropped, not queued


def test_run_to_end_draws_every_frame_without_the_clock() -> None:
    clock, run = FakeClock(), Run(7)
    animation = AnimatedRun(FakePage(), run.frame, run.stops.append, FRAME, clock=clock,
                            pressure=no_pressure)
    animation.run_to_end()
    assert run.drawn == list(range(1, 8))
    assert run.stops == [StopReason.FINISHED]


def test_skip_needs_draw() -> None:
    run = Run(1)
    with pytest.raises(ValueError, match="both"):
        AnimatedRun(FakePage(), run.frame, run.stops.append, skip=run.skip)


def test_the_pacer_counts_from_its_start() -> None:
    clock = FakeClock()
    pacer = FramePacer(0.1, clock)
    pacer.start()
    clock.now += 0.31
    assert pacer.owed() == 3
    pacer.taken = 3
    clock.now += 0.01
    assert pacer.owed() == 0


def busy(share: float) -> Callable[[], float | None]:
    """A machine whose CPUs are always this contended."""
    return lambda: share


def rested(run: Run, clock: FakeClock, share: float) -> tuple[AnimatedRun, FakePage]:
    page = FakePage()
    animation = AnimatedRun(page, run.frame, run.stops.append, FRAME, clock=clock,
                            skip=run.skip, draw=run.draw, pressure=busy(share))
    animation.start()
    return animation, page


def test_a_contended_machine_gets_fewer_frames_and_the_run_still_ends_on_time() -> None:
    frames = 60
    clock, run = FakeClock(), Run(frames)
    animation, page = rested(run, clock, 1.0)
    start = clock.now
    while animation.running:
        tick_at(page, clock, FRAME)
    took = clock.now - start
    assert run.position == frames and run.drawn[-1] == frames  # the true end, drawn
    # One frame drawn, then about REST_FRAMES ticks of rest: a sixth of the frames.
    assert len(run.drawn) <= frames / (1 + REST_FRAMES) + 2
    assert took <= frames * FRAME + (REST_FRAMES + 1) * FRAME + 1e-9


def test_a_lightly_contended_machine_rests_in_proportion() -> None:
    drawn = {}
    for share in (0.3, 0.9):
        clock, run = FakeClock(), Run(60)
        animation, page = rested(run, clock, share)
        while animation.running:
            tick_at(page, clock, FRAME)
        drawn[share] = len(run.drawn)
    assert 60 / (1 + REST_FRAMES) < drawn[0.9] < drawn[0.3] < 60


@pytest.mark.parametrize("share", [0.0, BUSY_SHARE / 2, None])
def test_a_quiet_machine_or_one_without_pressure_information_draws_every_frame(
        share: float | None) -> None:
    clock, run = FakeClock(), Run(12)
    animation, page = rested(run, clock, share)  # type: ignore[arg-type]
    while animation.running:
        tick_at(page, clock, FRAME)
    assert run.drawn == list(range(1, 13))
