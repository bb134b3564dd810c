"""A slider step is one frame: Parts 01 and 02 follow a slider in the slider's own handler.

Through the slider's Changed message the page would answer only after the slider had
been painted alone: two compositor passes a step, and each costs CPU whatever it shows
(a class server pays it for every learner).
"""

from __future__ import annotations

import pytest

from neuron_tui.screens.parts.part01 import AtomScreen
from neuron_tui.screens.parts.part02 import BuildNeuronScreen
from neuron_tui.widgets.metrics import Metrics
from neuron_tui.widgets.slider import Slider

SIZE = (80, 24)


async def test_part01_follows_a_slider_before_any_message_is_handled(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AtomScreen)
        screen.query_one("#w1", Slider).value = 2.0
        # No await: no message has been handled yet, and the page already follows.
        assert screen.state.values["w1"] == pytest.approx(2.0)
        assert screen.state.steps.z == pytest.approx(2.0 * 1.0 + 0.4 * -0.5)


async def test_part02_follows_a_slider_at_once_but_not_its_own_moves(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part02")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BuildNeuronScreen)
        metrics = screen.query_one(Metrics)
        before = metrics.render_text()
        screen.query_one("#w2", Slider).value = 1.5
        # No await: the numbers are already the new ones (painted with the slider).
        assert screen.state.params == (0.0, 1.5, 0.0)
        assert metrics.render_text() != before
        await pilot.pause()
        # Moving the sliders to the state's weights (as a run's frame does) is not a
        # learner's move: nothing is set back, and the run's status line stays.
        screen.state.neuron.set_params(0.7, -0.2, 0.1)
        screen.state.status = "Training… any key stops it."
        screen.show_params()
        assert screen.query_one("#w1", Slider).value == pytest.approx(0.7)
        assert screen.state.status == "Training… any key stops it."
        screen.state.status = ""
        await pilot.press("right")
        await pilot.pause()
        assert screen.state.params == pytest.approx((0.8, -0.2, 0.1))
