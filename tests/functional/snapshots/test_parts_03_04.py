"""Parts 03 and 04 at 80×24: as a learner first sees them, and after a run."""

from __future__ import annotations

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.content import load_content

SIZE = (80, 24)


def test_part03_start(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = NeuronApp(load_content(), start_page="part03")
    assert snap_compare(app, terminal_size=SIZE)


def test_part03_after_too_big_run(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Preset f, then ten epochs: the leap past the bottom and the way back."""
    app = NeuronApp(load_content(), start_page="part03")
    assert snap_compare(app, press=["f", *["space"] * 10], terminal_size=SIZE)


def test_part03_after_good_run(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Preset d run to the bottom, synchronously."""
    app = NeuronApp(load_content(), start_page="part03")

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("d")
        pilot.app.screen.run_to_end()
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_part04_start(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = NeuronApp(load_content(), start_page="part04")
    assert snap_compare(app, terminal_size=SIZE)


def test_part04_after_xor_run(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """XOR trained: the neuron stuck, the network's curved regions at 100 %."""
    app = NeuronApp(load_content(), start_page="part04")

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("x")
        pilot.app.screen.run_to_end()
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
