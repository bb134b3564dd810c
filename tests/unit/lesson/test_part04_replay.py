"""Part 04's runs replayed from frames trained elsewhere (the class server's shared
trainer) show exactly the weights, epochs and verdicts of a run trained here, whether
the frames come at once, part-way through the run, or never."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from neuron_tui.lesson.depth_runs import ListSchedule, Snapshot, Trajectory, forget_runs
from neuron_tui.lesson.part04 import DepthLesson
from neuron_tui.lesson.shared_depth import (
    PendingDepth,
    depth_fetch,
    depth_settings,
    snapshot,
    snapshot_message,
)
from neuron_tui.lesson.training_protocol import SOCKET_ENV
from neuron_tui.serve.training_service import TrainingService, socket_path_in


@pytest.fixture(autouse=True)
def train_afresh() -> None:
    forget_runs()


def local_run(dataset: str, hidden: int) -> list[tuple[Snapshot, str]]:
    """Every frame of a run trained here: both models, and the verdict shown."""
    forget_runs()
    lesson = DepthLesson()
    lesson.hidden_units = hidden
    lesson.choose_dataset(dataset)
    lesson.start_training()
    frames = []
    while True:
        done = lesson.advance()
        frames.append((lesson.snapshot(), lesson.verdict()))
        if done:
            return frames


class Pending:
    """Frames that arrive after `late` polls (never, for None)."""

    def __init__(self, frames: Trajectory, late: int | None) -> None:
        self.frames, self.late, self.closed = frames, late, False

    def poll(self) -> Trajectory | None:
        if self.late is None or self.late > 0:
            self.late = None if self.late is None else self.late - 1
            return None
        return self.frames

    def close(self) -> None:
        self.closed = True


def replayed(dataset: str, hidden: int, late: int | None) -> tuple[list[tuple[Snapshot, str]],
                                                                    Pending]:
    trained = [shot for shot, _ in local_run(dataset, hidden)]
    forget_runs()
    pending = Pending(trained, late)
    lesson = DepthLesson(fetch=lambda key, units, frames: pending)
    lesson.hidden_units = hidden
    lesson.choose_dataset(dataset)
    lesson.start_training()
    frames = []
    while True:
        done = lesson.advance()
        frames.append((lesson.snapshot(), lesson.verdict()))
        if done:
            return frames, pending


@pytest.mark.parametrize("late", [0, 3, None])
def test_a_replayed_run_shows_what_a_trained_one_does(late: int | None) -> None:
    frames, pending = replayed("x", 3, late)
    assert frames == local_run("x", 3)
    assert pending.closed  # the lesson stops waiting once the run is over


def test_frames_round_trip_through_json_exactly() -> None:
    for shot, _ in local_run("o", 2):
        assert snapshot(json.loads(json.dumps(snapshot_message(shot))), 2) == shot


def test_frames_of_the_wrong_shape_are_refused() -> None:
    shot = snapshot_message(local_run("a", 2)[-1][0])
    with pytest.raises(ValueError, match="malformed"):
        snapshot(shot, 3)


@pytest.mark.parametrize("request_", [
    {"dataset": "z", "hidden": 2, "frames": [2000]},
    {"dataset": "x", "hidden": 9, "frames": [2000]},
    {"dataset": "x", "hidden": 2, "frames": [1000]},  # not a whole run
    {"dataset": "x", "hidden": 2, "frames": [1] * 2000},  # too many frames to send
])
def test_runs_the_lesson_cannot_make_are_refused(request_: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        depth_settings(request_)


def test_without_a_service_nothing_is_fetched(tmp_path: Path) -> None:
    assert depth_fetch({}) is None
    fetch = depth_fetch({SOCKET_ENV: str(tmp_path / "none.sock")})
    assert fetch is not None
    pending = fetch("x", 2, DepthLesson().frame_epochs())
    assert pending is not None and pending.poll() is None  # the lesson trains itself


async def test_the_shared_trainer_replays_part_04(tmp_path: Path) -> None:
    service = TrainingService(socket_path_in(tmp_path))
    await service.start()
    try:
        frames = DepthLesson(ListSchedule(frames=(500, 1500))).frame_epochs()
        pending = PendingDepth(str(service.socket_path), "x", 4, frames)
        deadline = time.monotonic() + 30
        got = None
        while got is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            got = pending.poll()
    finally:
        await service.close()
    lesson = DepthLesson(ListSchedule(frames=(500, 1500)))
    lesson.hidden_units = 4
    lesson.choose_dataset("x")
    lesson.start_training()
    expected = []
    while not lesson.advance():
        expected.append(lesson.snapshot())
    expected.append(lesson.snapshot())
    assert got == expected


def test_a_run_shown_once_is_replayed_without_training(monkeypatch: pytest.MonkeyPatch) -> None:
    first = local_run("x", 2)
    lesson = DepthLesson()
    lesson.choose_dataset("x")
    monkeypatch.setattr(DepthLesson, "_train_frame", lambda *_: pytest.fail("trained again"))
    lesson.start_training()
    frames = []
    while True:
        done = lesson.advance()
        frames.append((lesson.snapshot(), lesson.verdict()))
        if done:
            break
    assert frames == first


def test_a_stopped_run_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    lesson = DepthLesson()
    lesson.start_training()
    lesson.advance()
    lesson.stop_training()
    trained = []
    monkeypatch.setattr(DepthLesson, "_train_frame",
                        lambda self, runs: trained.append(1) or len(trained) >= 8)
    lesson.start_training()
    lesson.advance()
    assert trained == [1]
