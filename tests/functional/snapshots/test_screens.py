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


def test_part02_one_slider(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """w₁ = 1 alone: 92.5 %, 3 wrong points amber in their own o and x; the self-check
    not met, the loss row shows the gap ("0.360 → 0.30"), the guidance asks for all three."""
    app = NeuronApp(load_content(), start_page="part02")
    assert snap_compare(app, press=["shift+right"], terminal_size=SIZE)


def test_part02_by_hand(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """w₁ = 1, w₂ = 1, b = -1: 95 % at loss 0.276, 2 wrong, the self-check met (green, in
    the side panel: no notice over the guidance or the boxes)."""
    app = NeuronApp(load_content(), start_page="part02")
    keys = ["shift+right", "down", "shift+right", "down", "shift+left"]
    assert snap_compare(app, press=keys, terminal_size=SIZE)


def test_part02_shading_at_60x20(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The smallest screen with shading on: the legend names every mark and band, wrapped
    between entries, and nothing is cut."""
    app = NeuronApp(load_content(), start_page="part02")
    keys = ["shift+right", "down", "shift+right", "down", "shift+left", "g"]
    assert snap_compare(app, press=keys, terminal_size=(60, 20))


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


SMALLEST = (60, 20)


def test_part01_tanh_at_60x20(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The smallest window: the diagram's y below tanh, the multiply line by numbers,
    tanh's formula as a fraction over two lines; nothing cut."""
    app = NeuronApp(load_content(), start_page="part01")
    assert snap_compare(app, press=["a", "a"], terminal_size=SMALLEST)


def test_completion_up_next(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Enter on the last screen: what Module 07 covers (filters and pooling)."""
    app = NeuronApp(load_content(), start_page="completion")
    assert snap_compare(app, press=["enter"], terminal_size=SIZE)


def test_quiz_answered_at_60x20(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """A wrong answer at the smallest window: the quiz scrolls to its feedback."""
    app = NeuronApp(load_content(), start_page="part06")
    assert snap_compare(app, press=["a"], terminal_size=SMALLEST)
