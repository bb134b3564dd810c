"""Part 03 · Gradient descent: every control, the four rates, a diverging run, and nothing
NaN plotted; keys, help, legend and glossary as the learner reads them."""

from __future__ import annotations

import math

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Static

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.part03 import EPOCH_CAP, PRESETS, START
from neuron_tui.lesson.registry import LESSON
from neuron_tui.screens.parts.part03 import GradientDescentScreen
from neuron_tui.widgets.keybar import KeyBar
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.slider import Slider
from tests.functional.ui.screen_text import shown

SIZE = (80, 24)
#: Two frames a second: slow enough that a test sees a run between frames.
SLOW = LESSON.with_options("part03", frame_seconds=0.5)


def slow_app(content) -> NeuronApp:  # type: ignore[no-untyped-def]
    return NeuronApp(content, start_page="part03", lesson=SLOW)


def footer(app: NeuronApp) -> str:
    return str(app.screen.query_one(KeyBar).render())


def bowl_subtitle(app: NeuronApp) -> str:
    return str(app.screen.query_one("#bowl-box").border_subtitle)


async def wait_for_epochs(pilot, screen: GradientDescentScreen, epochs: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(100):  # a frame every 1/2 s; a busy machine may delay a few
        await pilot.pause(0.1)
        if screen.state.last.epoch >= epochs:
            return
    raise AssertionError(f"epoch {epochs} did not come in 10 seconds")


async def test_starts_high_on_the_bowl(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GradientDescentScreen)
        assert screen.state.last.epoch == 0
        assert screen.state.last.params == START
        assert screen.query_one("#rate", Slider).value == pytest.approx(PRESETS["d"].rate)
        assert screen.query_one("#rate", Slider).has_focus
        assert shown(app, "#status") == PRESETS["d"].watch
        assert bowl_subtitle(app) == "map at b = 0.00"
        bowl = "\n".join(screen.query_one("#bowl", PlotView).text_lines)
        assert "░" in bowl and "●" in bowl
        assert "epoch" in "\n".join(screen.query_one("#curve", PlotView).text_lines)


async def test_space_takes_one_epoch(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("space", "space", "space")
        assert screen.state.last.epoch == 3
        assert len(screen.state.path) == 4
        losses = list(screen.state.losses)
        assert losses == sorted(losses, reverse=True)  # downhill at a good rate
        readout = shown(app, "#readout")
        assert "epoch 3" in readout and f"loss {losses[-1]:.3f}" in readout


async def test_t_runs_and_any_key_pauses(content) -> None:  # type: ignore[no-untyped-def]
    app = slow_app(content)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        hints = footer(app)
        await pilot.press("t")
        assert footer(app).strip().startswith("any key stop")
        # A frame every 1/2 s: on a busy machine the first may come before this look.
        running = "Running… any key pauses." if screen.state.frame == 0 else (
            screen.state.watch_message())
        assert shown(app, "#status") == running
        await wait_for_epochs(pilot, screen, 2)
        await pilot.press("right")  # any key stops, and does not move the slider
        stopped_at = screen.state.last.epoch
        assert footer(app) == hints
        assert screen.query_one("#rate", Slider).value == pytest.approx(PRESETS["d"].rate)
        assert shown(app, "#status") == (f"Paused at epoch {stopped_at}. "
                                          "t runs on, space steps.")
        assert f"epoch {stopped_at}" in shown(app, "#readout")
        await pilot.pause(0.8)
        assert screen.state.last.epoch == stopped_at  # nothing runs after the key
        await pilot.press("t")  # t runs on from there
        assert "any key stop" in footer(app)
        await wait_for_epochs(pilot, screen, stopped_at + 1)
        await pilot.press("t")  # t pauses as well (the key stops the run)
        assert footer(app) == hints
        assert shown(app, "#status").startswith("Paused at epoch")


async def test_good_preset_reaches_the_bottom(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("d")
        assert shown(app, "#status") == f"{PRESETS['d'].watch} Press t to run."
        screen.run_to_end()
        await pilot.pause()
        last = screen.state.last
        assert last.loss == pytest.approx(0.268, abs=0.002)
        assert 100 < last.epoch < 300
        assert shown(app, "#status") == (f"At the bottom after {last.epoch} epochs: loss "
                                         f"{last.loss:.3f} cannot go lower. r starts again.")
        assert f"epoch {last.epoch}" in shown(app, "#readout")
        await pilot.press("space")  # nothing more to do there
        assert shown(app, "#status") == "Already at the bottom. Press r to roll down again."
        await pilot.press("t")
        assert "any key stop" not in footer(app)


async def test_too_small_crawls(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("s")
        assert screen.query_one("#rate", Slider).value == pytest.approx(PRESETS["s"].rate)
        assert "crawls" in shown(app, "#status")
        for _ in range(10):
            await pilot.press("space")
        assert screen.state.last.epoch == 10
        assert screen.state.last.loss > 2.0  # ten epochs barely moved it


async def test_too_big_overshoots_and_the_map_follows_b(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("f")
        assert screen.query_one("#rate", Slider).value == pytest.approx(PRESETS["f"].rate)
        await pilot.press("space")
        # One step leaps from w1 = -4 right past the bottom (w1 ≈ 1.2) to the far wall,
        # off the near map: the map zooms out to keep it in view.
        assert screen.state.last.w1 > 10.0 and screen.state.last.w2 > 10.0
        assert "overshoots" in shown(app, "#status")
        assert "zoomed out" in shown(app, "#bowl-legend")
        bowl = screen.query_one("#bowl", PlotView).text_lines
        assert any("24" in line for line in bowl)  # the far view's axis
        b = screen.state.last.b
        assert abs(b) > 2.0  # the map was drawn again, at the b of the leap
        assert bowl_subtitle(app) == f"map at b = {b:.2f}"
        await pilot.press("r")
        assert bowl_subtitle(app) == "map at b = 0.00"  # back near, at the start's b
        assert "zoomed out" not in shown(app, "#bowl-legend")


async def test_a_small_move_of_b_keeps_the_map(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("space")
        assert 0 < abs(screen.state.last.b) < 0.25
        assert bowl_subtitle(app) == "map at b = 0.00"  # the bowl barely changes: not redrawn


async def test_diverging_run_is_taught_not_crashed(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        screen.set_learning_rate(1e308)  # beyond the slider: the weights overflow
        await pilot.press("space")
        text = shown(app, "#status")
        assert "Diverged" in text and "far too big" in text and "Press r" in text
        assert screen.state.diverged
        for step in screen.state.history:
            assert all(math.isfinite(v) for v in (*step.params, step.loss))
        for view in screen.query(PlotView):
            assert not any("nan" in line.lower() for line in view.text_lines)
        await pilot.press("space")
        assert "diverged" in shown(app, "#status")
        await pilot.press("t")
        assert "diverged" in shown(app, "#status") and "any key stop" not in footer(app)
        await pilot.press("r")
        assert shown(app, "#status") == "Back at the start, high on the side of the bowl."
        assert screen.state.last.params == START and screen.state.last.epoch == 0


async def test_reset_keeps_the_rate(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("left", "left", "space", "space")
        rate = screen.state.learning_rate
        assert rate == pytest.approx(10 ** -0.2)
        assert "Learning rate η = 0.631: watch the path" in shown(app, "#status")
        await pilot.press("r")
        assert screen.state.last.epoch == 0 and screen.state.learning_rate == rate
        assert screen.query_one("#rate", Slider).value == pytest.approx(rate)


async def test_slider_is_logarithmic_from_0_001_to_1000(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press(*["shift+left"] * 4)
        assert screen.state.learning_rate == pytest.approx(0.001)
        await pilot.press(*["shift+right"] * 3)
        assert screen.state.learning_rate == pytest.approx(1.0)  # a decade a press
        await pilot.press(*["shift+right"] * 4)
        assert screen.state.learning_rate == pytest.approx(1000.0)
        assert "1000" in str(screen.query_one("#rate", Slider).render())


@pytest.mark.parametrize("size", [SIZE, (60, 20)])
async def test_glossary_is_w_and_fits_or_scrolls(make_app, size) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        glossary = screen.query_one("#glossary", VerticalScroll)
        assert not glossary.display
        await pilot.press("g")  # g is Part 02's shading: nothing here
        assert not glossary.display
        await pilot.press("w")
        await pilot.pause()
        assert glossary.display and glossary.has_focus
        text = str(glossary.query_one(Static).render())
        for word in ("Learning rate", "Epoch", "Local minimum", "mostly fine."):
            assert word in text
        if size == SIZE:
            assert glossary.max_scroll_y == 0  # all of it shows at 80×24
        else:
            assert glossary.max_scroll_y > 0  # at 60×20 it scrolls, from the keyboard
            await pilot.press("end")
            assert glossary.scroll_y == glossary.max_scroll_y
        await pilot.press("w")
        assert not glossary.display
        assert screen.query_one("#rate", Slider).has_focus  # ←/→ move the rate again


async def test_leaving_the_screen_stops_the_run(content) -> None:  # type: ignore[no-untyped-def]
    app = slow_app(content)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("t")
        await pilot.resize_terminal(40, 12)  # the too-small notice covers the part
        await pilot.pause()
        assert app.screen is not screen
        stopped_at = screen.state.last.epoch
        await pilot.pause(0.8)
        assert screen.state.last.epoch == stopped_at  # no frame after leaving
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert app.screen is screen
        assert shown(app, "#status") == (f"Paused at epoch {stopped_at}. "
                                          "t runs on, space steps.")
        assert "any key stop" not in footer(app)


@pytest.mark.parametrize("size", [SIZE, (60, 20)])
async def test_footer_keeps_help_lesson_and_next(make_app, size) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = footer(app)
        for hint in ("? help", "l lesson", "n next", "s/d/f/e η", "space epoch", "t run"):
            assert hint in text


async def test_help_lists_each_key_once_and_every_preset(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        keys = [key for key, _ in screen.help_entries()]
        assert len(keys) == len(set(keys))
        assert "s/d/f/e" not in keys and "g" not in keys
        help_text = dict(screen.help_entries())
        assert "crawls" in help_text["s"] and "settles" in help_text["d"]
        assert "oscillates" in help_text["f"] and "diverges" in help_text["e"]
        assert "glossary" in help_text["w"]
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is not screen


async def test_diverge_key_runs_to_a_blow_up_says_why_and_r_recovers(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("e")
        assert screen.query_one("#rate", Slider).value == pytest.approx(PRESETS["e"].rate)
        assert "diverges" in shown(app, "#status")
        screen.run_to_end()
        await pilot.pause()
        start = screen.state.history[0].loss
        last = screen.state.last
        assert screen.state.diverged and last.loss > 2 * start
        status = shown(app, "#status")
        assert status.startswith(f"Diverged at epoch {last.epoch}: η = 100 is far too big.")
        assert "shot up" in status and "Press r, then a smaller rate." in status
        curve = "\n".join(screen.query_one("#curve", PlotView).text_lines)
        assert "9.1" in curve  # the loss axis reaches the blow-up
        await pilot.press("r")
        assert screen.state.last.epoch == 0 and not screen.state.diverged
        assert str(screen.query_one("#curve-box").border_subtitle) == "faint: η 100"


async def test_runs_are_compared_faintly_on_one_curve(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("s")
        screen.run_to_end()
        await pilot.pause()
        assert screen.state.last.epoch == EPOCH_CAP
        status = shown(app, "#status")
        assert status.startswith(f"Stopped at epoch {EPOCH_CAP}: loss")
        assert "above the bottom" in status
        await pilot.press("d")
        screen.run_to_end()
        await pilot.pause()
        assert str(screen.query_one("#curve-box").border_subtitle) == "faint: η 0.01"
        curve = "\n".join(screen.query_one("#curve", PlotView).text_lines)
        assert str(EPOCH_CAP) in curve  # the axis holds the crawl's 500 epochs


async def test_legend_names_every_mark_and_the_map_says_its_b(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        legend = shown(app, "#bowl-legend")
        assert "blank <0.35" in legend  # the bottom band has its label
        assert "■ start" in legend and "● now" in legend
        bowl = "\n".join(screen.query_one("#bowl", PlotView).text_lines)
        assert "●" in bowl
        for _ in range(3):
            await pilot.press("space")
        bowl = "\n".join(screen.query_one("#bowl", PlotView).text_lines)
        assert "■" in bowl and "●" in bowl  # start and now, apart
        assert bowl_subtitle(app).startswith("map at b = ")
