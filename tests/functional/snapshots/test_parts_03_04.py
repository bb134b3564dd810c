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


def run_presets(*keys: str):  # type: ignore[no-untyped-def]
    """A run_before that runs each preset in `keys` to its end, in turn."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        for key in keys:
            await pilot.press(key)
            pilot.app.screen.run_to_end()
            await pilot.pause()

    return run_before


def test_part03_overshoot_run(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Preset f run to its end: zoomed out, zig-zag across the valley, the loss jumping."""
    app = NeuronApp(load_content(), start_page="part03")
    assert snap_compare(app, run_before=run_presets("f"), terminal_size=SIZE)


def test_part03_diverged_run(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Preset e run to its end: flung far out, the loss shot up, stopped with why and r."""
    app = NeuronApp(load_content(), start_page="part03")
    assert snap_compare(app, run_before=run_presets("e"), terminal_size=SIZE)


def test_part03_runs_compared(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """s, then f, then d: the crawl and the oscillation stay faint behind the good run."""
    app = NeuronApp(load_content(), start_page="part03")
    assert snap_compare(app, run_before=run_presets("s", "f", "d"), terminal_size=SIZE)


def test_part03_glossary_at_60x20(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """w at the smallest size: the words in place of the curve, scrollable."""
    app = NeuronApp(load_content(), start_page="part03")
    assert snap_compare(app, press=["w"], terminal_size=(60, 20))


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


def test_part04_xor_one_hidden_unit(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """XOR with 1 hidden unit, trained: both plots blank (every output 0.50) and saying
    so, the corners still shown, and the verdict on the network's lucky 75 %."""
    app = NeuronApp(load_content(), start_page="part04")

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("x", "minus")
        pilot.app.screen.run_to_end()
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
