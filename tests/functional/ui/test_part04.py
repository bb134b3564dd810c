"""Part 04 · Why depth wins: data keys, hidden units, training, and the XOR failure."""

from __future__ import annotations

import re

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.part04 import EPOCHS, MAX_HIDDEN, MIN_HIDDEN, SCHEDULE
from neuron_tui.lesson.registry import LESSON
from neuron_tui.model.run import FrameSchedule
from neuron_tui.screens.dialogs.help import HelpScreen, keys_of
from neuron_tui.screens.parts.part04 import DepthScreen
from neuron_tui.widgets.keybar import KeyBar
from neuron_tui.widgets.plot_view import PlotView
from tests.functional.ui.screen_text import shown

SIZE = (80, 24)
#: One epoch a frame at 8 frames a second: a run far longer than any test.
SLOW = LESSON.with_options("part04", schedule=FrameSchedule(first=1, most=1))


def slow_app(content) -> NeuronApp:  # type: ignore[no-untyped-def]
    return NeuronApp(content, start_page="part04", lesson=SLOW)


def corner_marks(lines: list[str]) -> int:
    """The class marks on a plot (o, x; O, X when wrong), outside the note's words."""
    return sum(line.count(glyph) for line in lines
               if not any(word in line for word in ("output", "no line", "no boundary", "unsure"))
               for glyph in "oxOX")


def footer(app: NeuronApp) -> str:
    return str(app.screen.query_one(KeyBar).render())


def hold_the_clock(screen: DepthScreen) -> None:
    """No frame of a run falls due after the first (taken on the key): a run paced by
    wall time would otherwise end while a busy test machine handles the key press."""
    screen.animated_run.pacer.clock = lambda: 0.0


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
        for lines in plots:  # the four corners, each as o or x (wrong: O or X)
            assert corner_marks(lines) == 4
        # Untrained, both are unsure everywhere: no band, no line, so they say so.
        neuron, network = ("\n".join(lines) for lines in plots)
        assert "every output is 0.50:" in neuron and "no line" in neuron
        assert "unsure everywhere" in network
        legend = shown(app, "#legend")
        assert "wrong" in legend and "blank unsure" in legend


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
            assert f"Trained both for {EPOCHS} epochs" in shown(app, "#status")
            assert "line" in shown(app, "#legend")  # the neuron's line is drawn: explained


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
        assert "No line splits XOR (the best gets 3 of 4 corners, 75 %)" in text
        assert "the neuron ends at 50 %" in text and "100 % with 2 hidden units" in text
        assert f"Trained both for {EPOCHS} epochs" in shown(app, "#status")
        # The neuron's plot is blank (0.50 everywhere) yet shows its corners and says why.
        neuron = screen.query_one("#neuron-plot", PlotView).text_lines
        assert sum("every output is 0.50:" in line or "no line" in line for line in neuron) == 2
        assert corner_marks(neuron) == 4
        assert not any("every output" in line
                       for line in screen.query_one("#network-plot", PlotView).text_lines)


async def test_fewer_hidden_units_retrain_at_once(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        hold_the_clock(screen)
        await pilot.press("x", "minus")
        assert "any key" in footer(app)  # retraining at once
        assert shown(app, "#verdict").startswith("Training both on XOR: epoch")
        screen.run_to_end()
        await pilot.pause()
        assert "network · 1 hidden" in str(screen.query_one("#network-box").border_title)
        assert screen.state.network_accuracy <= 0.75
        assert "still one line" in shown(app, "#verdict") and "is luck" in shown(app, "#verdict")
        network = "\n".join(screen.query_one("#network-plot", PlotView).text_lines)
        assert "every output is 0.50:" in network and "no boundary" in network
        await pilot.press("minus")
        assert screen.state.hidden_units == MIN_HIDDEN
        assert shown(app, "#status") == "1 hidden unit is the fewest; + adds one."


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
        assert shown(app, "#status") == "8 hidden units is the most here; - takes one away."


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
        # Paced by wall time: a busy machine may show a later epoch of the run by now.
        started = re.match(r"Training both on AND: epoch (\d+) of (\d+)\. Any key stops\.",
                           shown(app, "#verdict"))
        assert started is not None, shown(app, "#verdict")
        assert 1 <= int(started[1]) < int(started[2]) == EPOCHS
        await wait_for_an_epoch(pilot, screen)
        await pilot.press("z")
        stopped = screen.state.network_epoch
        assert shown(app, "#status") == f"Stopped at epoch {stopped}. Press t to train again."
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
        assert "Stopped at epoch" in shown(app, "#status")


async def test_the_first_frame_shows_on_the_key_press(make_app) -> None:  # type: ignore[no-untyped-def]
    """No wait for a timer tick: `t` itself trains and draws the first (small) frame."""
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        hold_the_clock(screen)
        await pilot.press("t")
        first = SCHEDULE.epochs(0)
        assert screen.state.network_epoch == first and screen.state.training
        assert str(screen.query_one("#network-box").border_subtitle).endswith(f"epoch {first}")
        assert f"epoch {first} of {EPOCHS}" in shown(app, "#verdict")


async def test_footer_keeps_help_lesson_and_next_and_help_lists_each_key_once(  # type: ignore[no-untyped-def]
        make_app) -> None:
    app = make_app("part04")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        for hint in ("? help", "l lesson", "n next", "t train both"):
            assert hint in footer(app)
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        listed = [key for label, _ in help_screen.screen_keys + help_screen.global_keys
                  for key in keys_of(label)]
        assert len(listed) == len(set(listed))
        assert {"t", "a", "o", "x", "-", "+"} <= set(listed)
