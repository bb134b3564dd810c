"""Part 05: both models train in a worker on a small, fast setting; keys change and cancel."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.proof_training import MoonsSettings
from neuron_tui.lesson.registry import LESSON
from neuron_tui.screens.parts.part05 import ProofScreen
from neuron_tui.widgets.keybar import KeyBar
from neuron_tui.widgets.plot_view import PlotView

SIZE = (80, 24)
FAST = MoonsSettings(n_samples=60, neuron_epochs=60, mlp_epochs=20, report_every=5)
#: A run that would go on for minutes: there is time to see it train and cancel it.
ENDLESS = MoonsSettings(n_samples=60, mlp_epochs=1_000_000, report_every=1)


@pytest.fixture
def part05(content) -> Callable[[MoonsSettings], NeuronApp]:  # type: ignore[no-untyped-def]
    """Build the app on Part 05 with the experiment's settings given through the registry."""

    def factory(settings: MoonsSettings = FAST) -> NeuronApp:
        lesson = LESSON.with_options("part05", settings=settings)
        return NeuronApp(content, start_page="part05", lesson=lesson)

    return factory


async def trained(app, pilot) -> ProofScreen:  # type: ignore[no-untyped-def]
    """Wait until the current training run has finished and its result is shown."""
    screen = app.screen
    assert isinstance(screen, ProofScreen)
    for _ in range(400):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not screen.state.training:
            break
    assert not screen.state.training
    return screen


async def training(app, pilot) -> ProofScreen:  # type: ignore[no-untyped-def]
    """Wait until a run's first progress line is on screen."""
    screen = app.screen
    assert isinstance(screen, ProofScreen)
    for _ in range(400):
        await pilot.pause(0.01)
        if "epoch" in text(screen, "#status"):
            break
    assert screen.state.training
    return screen


def text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector).render())


async def test_both_models_train_and_show_real_scores(part05) -> None:  # type: ignore[no-untyped-def]
    app = part05()
    async with app.run_test(size=SIZE) as pilot:
        screen = await trained(app, pilot)
        result = screen.state.result
        assert result is not None and result.settings == FAST
        neuron_score = text(screen, "#neuron-score")
        mlp_score = text(screen, "#mlp-score")
        assert f"train {100 * result.neuron.train_accuracy:.1f} %" in neuron_score
        assert f"test {100 * result.neuron.test_accuracy:.1f} %" in neuron_score
        assert f"train {100 * result.mlp.train_accuracy:.1f} %" in mlp_score
        status = text(screen, "#status")
        assert f"neuron loss {result.neuron.loss:.3f} · MLP loss {result.mlp.loss:.3f}" in status
        # One legend under both plots: the classes, the wrong points and the shading.
        legend = text(screen, "#legend")
        assert legend.startswith("moons: o A  x B") and "wrong" in legend and "░" in legend
        for plot in screen.query(PlotView):
            assert any("o" in line for line in plot.text_lines)
        assert screen.query_one("#mlp-box").border_title == "MLP · 16 hidden units"


async def test_noise_and_hidden_units_keys_retrain(part05) -> None:  # type: ignore[no-untyped-def]
    app = part05()
    async with app.run_test(size=SIZE) as pilot:
        screen = await trained(app, pilot)
        await pilot.press("right_square_bracket")
        screen = await trained(app, pilot)
        result = screen.state.result
        assert result is not None and result.settings.noise == pytest.approx(0.25)
        assert "noise 0.25" in text(screen, "#settings-line")
        await pilot.press("minus")
        screen = await trained(app, pilot)
        assert screen.state.result is not None
        assert screen.state.result.settings.hidden_units == 12
        await pilot.press("plus", "plus")
        screen = await trained(app, pilot)
        assert screen.state.settings.hidden_units == 24
        assert "hidden units 24" in text(screen, "#settings-line")
        assert screen.query_one("#mlp-box").border_title == "MLP · 24 hidden units"
        for _ in range(10):
            await pilot.press("left_square_bracket")
        screen = await trained(app, pilot)
        assert screen.state.settings.noise == pytest.approx(0.05)
        assert "noise 0.05" in text(screen, "#settings-line")


async def test_escape_cancels_a_run_and_t_trains_again(part05) -> None:  # type: ignore[no-untyped-def]
    app = part05(ENDLESS)
    async with app.run_test(size=SIZE) as pilot:
        screen = await training(app, pilot)
        assert "loss" in text(screen, "#status")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.state.training
        assert screen.state.result is None
        assert "cancelled" in text(screen, "#status")
        await pilot.press("t")
        screen = await training(app, pilot)
        assert "cancelled" not in text(screen, "#status")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert not screen.state.training


async def test_ui_answers_keys_while_training(part05) -> None:  # type: ignore[no-untyped-def]
    app = part05(ENDLESS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")  # the help overlay opens mid-training
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("escape")  # and Escape on the part cancels
        await app.workers.wait_for_complete()
        screen = app.get_screen("part05")
        assert isinstance(screen, ProofScreen)
        assert not screen.state.training


async def test_footer_fits_80_columns(part05) -> None:  # type: ignore[no-untyped-def]
    app = part05()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rendered = str(app.screen.query_one(KeyBar).render())
        for key, action in ProofScreen.KEY_HINTS:
            assert f"{key} {action}" in rendered
        await app.workers.wait_for_complete()


async def test_keys_at_their_limits_say_so(part05) -> None:  # type: ignore[no-untyped-def]
    app = part05(FAST.with_hidden_units(1).with_noise(0.4))
    async with app.run_test(size=SIZE) as pilot:
        screen = await trained(app, pilot)
        await pilot.press("minus")
        assert not screen.state.training  # nothing to retrain...
        assert "1 hidden unit is the fewest; + adds more." in text(screen, "#status")
        assert "hidden units 1 (fewest)" in text(screen, "#settings-line")
        await pilot.press("right_square_bracket")
        assert "Noise 0.40 is the most here; [ lowers it." in text(screen, "#status")
        assert "noise 0.40 (most)" in text(screen, "#settings-line")
        await pilot.press("plus")  # a key that changes something clears the notice
        screen = await trained(app, pilot)
        assert "most here" not in text(screen, "#status")


async def test_few_hidden_units_are_explained(part05) -> None:  # type: ignore[no-untyped-def]
    app = part05(MoonsSettings().with_hidden_units(4))
    async with app.run_test(size=SIZE) as pilot:
        screen = await trained(app, pilot)
        status = text(screen, "#status")
        assert "4 hidden units are too few to bend" in status
        assert "Test beats train by chance: only 50 test points" in status
