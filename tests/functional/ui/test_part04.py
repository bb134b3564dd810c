"""Part 04 · Why depth wins: data keys, hidden units, training, and the XOR failure."""

from __future__ import annotations

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.part04 import EPOCHS, MAX_HIDDEN, MIN_HIDDEN
from neuron_tui.lesson.registry import LESSON
from neuron_tui.model.run import FrameSchedule
from neuron_tui.screens.parts.part04 import DepthScreen
from neuron_tui.widgets.keybar import KeyBar
from neuron_tui.widgets.plot_view import PlotView
from tests.functional.ui.screen_text import shown

SIZE = (80, 24)
#: One epoch a frame at 8 frames a second: a run far longer than any test.
SLOW = LESSON.with_options("part04", schedule=FrameSchedule(first=1, most=1))


def slow_app(content) -> NeuronApp:  # type: ignore[no-untyped-def]
    return NeuronApp(content, start_page="part04", lesson=SLOW)


def footer(app: NeuronApp) -> str:
    return str(app.screen.query_one(KeyBar).render())


async def test_starts_untrained_on_and(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DepthScreen)
        assert "one neuron · AND" in str(screen.query_one("#neuron-box").border_title)
        assert "network · 2 hidden" in str(screen.query_one("#network-box").border_title)
        assert shown(app, "#verdict").startswith("AND, untrained.")
        assert "Universal approximation" in shown(app, "#universal")
        plots = [view.text_lines for view in screen.query(PlotView)]
        assert len(plots) == 2
        for lines in plots:  # the four corners, each as o, x or ✗ (wrong)
            assert sum(line.count(g) for line in lines for g in "ox✗") >= 4


async def test_data_keys_switch_and_reset(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        for key, name, labels in (("o", "OR", [0, 1, 1, 1]), ("x", "XOR", [0, 1, 1, 0]),
                                  ("a", "AND", [0, 0, 0, 1])):
            await pilot.press(key)
            assert screen.state.y.tolist() == labels
            assert name in str(screen.query_one("#neuron-box").border_title)
            assert "epoch 0" in str(screen.query_one("#neuron-box").border_subtitle)
            assert shown(app, "#verdict").startswith(f"{name}, untrained.")


async def test_neuron_and_network_solve_and_and_or(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        for key in ("a", "o"):
            await pilot.press(key)
            screen.run_to_end()
            await pilot.pause()
            for box in ("#neuron-box", "#network-box"):
                subtitle = str(screen.query_one(box).border_subtitle)
                assert subtitle == f"100 % · epoch {EPOCHS}"
            assert "the neuron gets 100 %" in shown(app, "#verdict")
            assert f"Trained both for {EPOCHS} epochs." in shown(app, "#verdict")


async def test_xor_the_neuron_is_stuck_the_network_solves_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("x")
        screen.run_to_end()
        await pilot.pause()
        state = screen.state
        assert state.best_neuron_accuracy <= 0.75 and state.neuron_accuracy <= 0.75
        assert state.network_accuracy == 1.0
        assert f"epoch {EPOCHS}" in str(screen.query_one("#neuron-box").border_subtitle)
        text = shown(app, "#verdict")
        assert "cannot split XOR" in text and "100 % with 2 hidden units" in text


async def test_fewer_hidden_units_retrain_at_once(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("x", "minus")
        assert "any key" in footer(app)  # retraining at once
        assert shown(app, "#verdict") == "Training both… any key stops."
        screen.run_to_end()
        await pilot.pause()
        assert "network · 1 hidden" in str(screen.query_one("#network-box").border_title)
        assert screen.state.network_accuracy <= 0.75
        assert "still one line" in shown(app, "#verdict")
        await pilot.press("minus")
        assert screen.state.hidden_units == MIN_HIDDEN
        assert "The network has 1 to 8 hidden units here." in shown(app, "#verdict")


async def test_plus_retrains_and_a_key_during_a_run_only_stops_it(content) -> None:  # type: ignore[no-untyped-def]
    app = slow_app(content)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        # From 2 hidden units: each + starts a run, the next + only stops it.
        for _ in range(MAX_HIDDEN - 2):
            await pilot.press("plus")
            assert screen.state.training
            await pilot.press("plus")
            assert not screen.state.training
        assert screen.state.hidden_units == MAX_HIDDEN
        await pilot.press("plus")
        assert screen.state.hidden_units == MAX_HIDDEN and not screen.state.training
        assert "8 hidden" in str(screen.query_one("#network-box").border_title)
        assert "The network has 1 to 8 hidden units here." in shown(app, "#verdict")


async def wait_for_an_epoch(pilot, screen: DepthScreen) -> None:  # type: ignore[no-untyped-def]
    for _ in range(50):  # frames come every 1/8 s; a busy machine may delay a few
        await pilot.pause(0.1)
        if screen.state.network_epoch > 0:
            return
    raise AssertionError("no frame came in 5 seconds")


async def test_t_trains_and_any_key_stops(content) -> None:  # type: ignore[no-untyped-def]
    app = slow_app(content)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        hints = footer(app)
        await pilot.press("t")
        assert footer(app).strip().startswith("any key stop")
        assert shown(app, "#verdict") == "Training both… any key stops."
        await wait_for_an_epoch(pilot, screen)
        await pilot.press("z")
        stopped = screen.state.network_epoch
        assert f"Stopped at epoch {stopped}. Press t to train again." in shown(app, "#verdict")
        assert footer(app) == hints
        await pilot.pause(0.3)
        assert screen.state.network_epoch == stopped
        assert 0 < stopped < EPOCHS
        assert f"epoch {stopped}" in str(screen.query_one("#network-box").border_subtitle)


async def test_a_key_that_stops_a_run_is_not_also_a_command(content) -> None:  # type: ignore[no-untyped-def]
    app = slow_app(content)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "x")
        assert not app.screen.state.training
        assert "one neuron · AND" in str(app.screen.query_one("#neuron-box").border_title)


async def test_a_window_too_small_stops_training(content) -> None:  # type: ignore[no-untyped-def]
    app = slow_app(content)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("t")
        await pilot.resize_terminal(40, 12)  # the too-small notice covers the part
        await pilot.pause()
        assert app.screen is not screen
        assert not screen.state.training
        assert screen.state.status.startswith("Stopped at epoch")
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert app.screen is screen
        assert "Stopped at epoch" in shown(app, "#verdict")
