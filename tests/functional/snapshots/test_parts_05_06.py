"""Snapshots of Part 05 after training, a wrong quiz answer, and the completion screen."""

from __future__ import annotations

from pathlib import Path

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.content import load_content
from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.lesson.proof_training import MoonsSettings
from neuron_tui.lesson.registry import LESSON
from neuron_tui.screens.parts.part05 import ProofScreen

SIZE = (80, 24)


async def wait_for_training(pilot) -> None:  # type: ignore[no-untyped-def]
    """Until both models are trained and drawn (default settings: the real numbers)."""
    app = pilot.app
    for _ in range(400):
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        if (isinstance(screen, ProofScreen) and screen.state.result is not None
                and not screen.state.training):
            break
    await pilot.pause()


def test_part05_after_training(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = NeuronApp(load_content(), start_page="part05")
    assert snap_compare(app, run_before=wait_for_training, terminal_size=SIZE)


def test_part05_four_hidden_units(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """4 hidden units: the MLP no better than the neuron, and test above train, both
    explained under the legend."""
    lesson = LESSON.with_options("part05", settings=MoonsSettings().with_hidden_units(4))
    app = NeuronApp(load_content(), start_page="part05", lesson=lesson)
    assert snap_compare(app, run_before=wait_for_training, terminal_size=SIZE)


def test_quiz_wrong_answer(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Question 1 answered with a: its explanation and the right answer, b."""
    app = NeuronApp(load_content(), start_page="part06")
    assert snap_compare(app, press=["down", "up", "a"], terminal_size=SIZE)


def test_completion(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = ProgressStore(tmp_path / "progress.json")
    store.save(Progress(
        visited={"part01", "part02", "part03", "part04", "part05", "part06"},
        done={"part01", "part02", "part03", "part05", "part06"},
        self_checks={"part02-90"}, resume_page="completion", quiz_best=4,
    ))
    app = NeuronApp(load_content(), start_page="completion", store=store)
    assert snap_compare(app, terminal_size=SIZE)
