"""Part 04 · Why depth wins: data keys, hidden units, training, and the XOR failure."""

from __future__ import annotations

from neuron_tui.screens.parts.part04 import EPOCHS, MAX_HIDDEN, MIN_HIDDEN, DepthScreen
from neuron_tui.widgets.plot_view import PlotView

SIZE = (80, 24)


def verdict(screen: DepthScreen) -> str:
    return str(screen.query_one("#verdict").render())


async def test_starts_untrained_on_and(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DepthScreen)
        assert screen.dataset_name == "AND" and screen.hidden_units == 2
        assert "untrained" in verdict(screen)
        assert "Universal approximation" in str(screen.query_one("#universal").render())
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
            assert screen.dataset_name == name
            assert screen.y.tolist() == labels
            assert screen.neuron_epoch == 0 and not screen.trained
            assert name in str(screen.query_one("#neuron-box").border_title)


async def test_neuron_and_network_solve_and_and_or(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        for key in ("a", "o"):
            await pilot.press(key)
            screen.train_to_end()
            await pilot.pause()
            assert screen.neuron_epoch == EPOCHS
            assert screen.neuron_accuracy == 1.0 and screen.network_accuracy == 1.0
            assert "the neuron gets 100 %" in verdict(screen)


async def test_xor_the_neuron_is_stuck_the_network_solves_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("x")
        screen.train_to_end()
        await pilot.pause()
        assert screen.best_neuron_accuracy <= 0.75
        assert screen.neuron_accuracy <= 0.75
        assert screen.network_accuracy == 1.0
        text = verdict(screen)
        assert "cannot split XOR" in text and "100 %" in text


async def test_hidden_units_change_and_retrain(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("x", "minus")
        assert screen.hidden_units == 1 and screen.running  # retrains at once
        screen.train_to_end()
        await pilot.pause()
        assert screen.network_accuracy <= 0.75
        assert "still one line" in verdict(screen)
        await pilot.press("minus")
        assert screen.hidden_units == MIN_HIDDEN
        for _ in range(MAX_HIDDEN + 2):
            await pilot.press("plus")
            screen.stop_training()  # while a run goes, a key only stops it
        assert screen.hidden_units == MAX_HIDDEN
        assert "8 hidden" in str(screen.query_one("#network-box").border_title)


async def test_t_trains_and_any_key_stops(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(DepthScreen, "EPOCHS_PER_FRAME", 1)  # a run far longer than the test
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("t")
        assert screen.running
        screen.train_frame()
        await pilot.press("z")
        assert not screen.running
        assert "Stopped at epoch" in verdict(screen)
        stopped = screen.network_epoch
        await pilot.pause(0.2)
        assert screen.network_epoch == stopped
        assert 0 < stopped < EPOCHS


async def test_leaving_the_screen_stops_training(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("t")
        screen.on_screen_suspend()
        assert not screen.running and screen._timer is None
