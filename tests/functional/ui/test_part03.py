"""Part 03 · Gradient descent: every control, a diverging run, and nothing NaN plotted."""

from __future__ import annotations

import math

import pytest

from neuron_tui.screens.parts.part03 import PRESETS, START, GradientDescentScreen
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.slider import Slider

SIZE = (80, 24)


def status(screen: GradientDescentScreen) -> str:
    return str(screen.query_one("#status").render())


async def test_starts_high_on_the_bowl(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GradientDescentScreen)
        assert screen.last.epoch == 0
        assert screen.last.params == START
        assert screen.learning_rate == PRESETS["d"].rate
        assert screen.query_one("#rate", Slider).has_focus
        bowl = "\n".join(screen.query_one("#bowl", PlotView).text_lines)
        assert "░" in bowl and "●" in bowl
        assert "epoch" in "\n".join(screen.query_one("#curve", PlotView).text_lines)


async def test_space_takes_one_epoch(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("space", "space", "space")
        assert screen.last.epoch == 3
        assert len(screen.path) == 4
        losses = [step.loss for step in screen.history]
        assert losses == sorted(losses, reverse=True)  # downhill at a good rate
        assert "epoch 3" in str(screen.query_one("#readout").render())


async def test_t_runs_and_any_key_pauses(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(GradientDescentScreen, "FRAME_SECONDS", 0.5)  # slow: no race
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("t")
        assert screen.running
        screen.run_frame()
        screen.run_frame()
        epoch = screen.last.epoch
        assert epoch >= 2
        await pilot.press("right")  # any key stops, and does not move the slider
        assert not screen.running
        assert screen.learning_rate == PRESETS["d"].rate
        assert "Paused" in status(screen)
        stopped_at = screen.last.epoch
        await pilot.pause(0.2)
        assert screen.last.epoch == stopped_at  # nothing runs after the key
        await pilot.press("t")
        assert screen.running
        await pilot.press("t")  # t pauses as well (the key stops the run)
        assert not screen.running


async def test_good_preset_reaches_the_bottom(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("d")
        screen.run_to_end()
        await pilot.pause()
        assert screen.converged and not screen.diverged
        assert screen.last.loss == pytest.approx(0.268, abs=0.002)
        assert 100 < screen.last.epoch < 300
        assert "At the bottom" in status(screen)
        await pilot.press("space")  # nothing more to do there
        assert "Already at the bottom" in status(screen)


async def test_too_small_crawls(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("s")
        assert screen.learning_rate == PRESETS["s"].rate
        assert screen.query_one("#rate", Slider).value == pytest.approx(PRESETS["s"].rate)
        assert "crawls" in status(screen)
        for _ in range(10):
            await pilot.press("space")
        assert screen.last.loss > 2.0  # ten epochs barely moved it


async def test_too_big_overshoots(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("f")
        assert screen.learning_rate == 10.0
        await pilot.press("space")
        # One step leaps from w1 = -4 right past the bottom (w1 ≈ 1.2) to the far side.
        assert screen.last.w1 > 4.0 and screen.last.w2 > 6.0
        assert "leaps" in status(screen)


async def test_diverging_run_is_taught_not_crashed(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        screen.set_learning_rate(1e308)  # beyond the slider: the weights overflow
        await pilot.press("space")
        assert screen.diverged and not screen.running
        text = status(screen)
        assert "Diverged" in text and "too large" in text and "Press r" in text
        for step in screen.history:
            assert all(math.isfinite(v) for v in (*step.params, step.loss))
        for view in screen.query(PlotView):
            assert not any("nan" in line.lower() for line in view.text_lines)
        await pilot.press("space")
        assert "blew up" in status(screen)
        await pilot.press("r")
        assert not screen.diverged
        assert screen.last.params == START and screen.last.epoch == 0


async def test_reset_keeps_the_rate(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("left", "left", "space", "space")
        rate = screen.learning_rate
        assert rate == pytest.approx(10 ** -0.2)
        await pilot.press("r")
        assert screen.last.epoch == 0 and screen.learning_rate == rate


async def test_slider_is_logarithmic_from_0_001_to_10(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press(*["shift+left"] * 5)
        assert screen.learning_rate == pytest.approx(0.001)
        await pilot.press(*["shift+right"] * 5)
        assert screen.learning_rate == pytest.approx(10.0)


async def test_glossary_is_one_key_away(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        glossary = screen.query_one("#glossary")
        assert not glossary.display
        await pilot.press("g")
        assert glossary.display
        text = str(glossary.render())
        for word in ("Learning rate", "Epoch", "Local minimum"):
            assert word in text
        await pilot.press("g")
        assert not glossary.display


async def test_leaving_the_screen_stops_the_run(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("t")
        assert screen.running
        screen.on_screen_suspend()
        assert not screen.running and screen._timer is None


async def test_bowl_recomputed_only_when_b_moves(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part03")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        first = screen._surface
        screen.update_view()
        assert screen._surface is first  # cached
        await pilot.press("f", "space", "space")
        assert screen._surface is not first  # b moved by more than the tolerance
