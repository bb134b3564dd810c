"""Every screen of the lesson at 80×24, as a learner first sees it."""

from __future__ import annotations

import pytest

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.content import load_content

SIZE = (80, 24)
# Part 05 starts training as it opens, so its snapshot (after training) lives in
# test_parts_05_06.py, where it waits for the run to end.
PAGES = ["opening", "part01", "part02", "part03", "part04", "part06", "completion"]


@pytest.mark.parametrize("page", PAGES)
def test_screen_at_80x24(snap_compare, page: str) -> None:  # type: ignore[no-untyped-def]
    app = NeuronApp(load_content(), start_page=page)
    assert snap_compare(app, terminal_size=SIZE)


def test_part01_after_keys(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """ReLU chosen, w₁ raised by ten steps, b lowered: the diagram and curve follow."""
    app = NeuronApp(load_content(), start_page="part01")
    keys = ["a", "down", "down", "shift+right", "down", "down", "shift+left"]
    assert snap_compare(app, press=keys, terminal_size=SIZE)


def test_help_overlay(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = NeuronApp(load_content(), start_page="part01")
    assert snap_compare(app, press=["question_mark"], terminal_size=SIZE)


def test_lesson_text_overlay(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = NeuronApp(load_content(), start_page="part01")
    assert snap_compare(app, press=["l"], terminal_size=SIZE)


def test_part02_by_hand(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """w₁ = 0.5, w₂ = 1.0: the line splits the classes, 3 wrong, the self-check met."""
    app = NeuronApp(load_content(), start_page="part02")
    keys = ["right"] * 5 + ["down"] + ["right"] * 10
    assert snap_compare(app, press=keys, terminal_size=SIZE)


def test_part02_after_training(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """`t` run to the end: the optimum line, its loss and the epoch it converged at."""
    app = NeuronApp(load_content(), start_page="part02")

    async def train(pilot) -> None:  # type: ignore[no-untyped-def]
        app.screen.run_to_end()
        await pilot.pause()

    assert snap_compare(app, run_before=train, terminal_size=SIZE)


def test_part02_shading(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Shading on behind a hand-made line: five probability bands, by glyph and colour."""
    app = NeuronApp(load_content(), start_page="part02")
    keys = ["right"] * 5 + ["down"] + ["right"] * 10 + ["g"]
    assert snap_compare(app, press=keys, terminal_size=SIZE)


WIDE = (120, 40)


@pytest.mark.parametrize("page", PAGES)
def test_screen_at_120x40(snap_compare, page: str) -> None:  # type: ignore[no-untyped-def]
    """At 120×40 the plots grow and the lesson text sits beside the work."""
    app = NeuronApp(load_content(), start_page=page)
    assert snap_compare(app, terminal_size=WIDE)


def test_part05_at_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    from tests.functional.snapshots.test_parts_05_06 import wait_for_training

    app = NeuronApp(load_content(), start_page="part05")
    assert snap_compare(app, run_before=wait_for_training, terminal_size=WIDE)
