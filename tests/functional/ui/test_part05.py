"""Part 05: both models train in a worker on a small, fast setting; keys change and cancel."""

from __future__ import annotations

import pytest

from neuron_tui.model.moons import MoonsSettings
from neuron_tui.screens.parts.part05 import ProofScreen
from neuron_tui.widgets.keybar import KeyBar
from neuron_tui.widgets.plot_view import PlotView

SIZE = (80, 24)
FAST = MoonsSettings(n_samples=60, neuron_epochs=60, mlp_epochs=20, report_every=5)


@pytest.fixture(autouse=True)
def fast_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ProofScreen, "SETTINGS", FAST)


async def trained(app, pilot) -> ProofScreen:  # type: ignore[no-untyped-def]
    """Wait until the current training run has finished and its result is shown."""
    screen = app.screen
    assert isinstance(screen, ProofScreen)
    for _ in range(400):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not screen.training:
            break
    assert not screen.training
    return screen


def text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector).render())


async def test_both_models_train_and_show_real_scores(  # type: ignore[no-untyped-def]
    make_app,
) -> None:
    app = make_app("part05")
    async with app.run_test(size=SIZE) as pilot:
        screen = await trained(app, pilot)
        result = screen.result
        assert result is not None and result.settings == FAST
        neuron_score = text(screen, "#neuron-score")
        mlp_score = text(screen, "#mlp-score")
        assert f"train {100 * result.neuron.train_accuracy:.1f} %" in neuron_score
        assert f"test {100 * result.neuron.test_accuracy:.1f} %" in neuron_score
        assert f"train {100 * result.mlp.train_accuracy:.1f} %" in mlp_score
        assert "moon A" in text(screen, "#status")
        for plot in screen.query(PlotView):
            assert any("o" in line for line in plot.text_lines)
        assert screen.query_one("#mlp-box").border_title == "MLP · 16 hidden units"


async def test_noise_and_hidden_units_keys_retrain(  # type: ignore[no-untyped-def]
    make_app,
) -> None:
    app = make_app("part05")
    async with app.run_test(size=SIZE) as pilot:
        screen = await trained(app, pilot)
        await pilot.press("right_square_bracket")
        screen = await trained(app, pilot)
        assert screen.settings.noise == pytest.approx(0.25)
        assert screen.result is not None and screen.result.settings.noise == pytest.approx(0.25)
        assert "noise 0.25" in text(screen, "#settings-line")
        await pilot.press("minus")
        screen = await trained(app, pilot)
        assert screen.result is not None and screen.result.settings.hidden_units == 12
        await pilot.press("plus", "plus")
        screen = await trained(app, pilot)
        assert screen.settings.hidden_units == 24
        for _ in range(10):
            await pilot.press("left_square_bracket")
        screen = await trained(app, pilot)
        assert screen.settings.noise == pytest.approx(0.05)


async def test_escape_cancels_a_run_and_t_trains_again(  # type: ignore[no-untyped-def]
    make_app,
) -> None:
    ProofScreen.SETTINGS = MoonsSettings(n_samples=60, mlp_epochs=1_000_000, report_every=1)
    app = make_app("part05")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ProofScreen)
        for _ in range(400):  # until the first progress line arrives
            await pilot.pause(0.01)
            if "iteration" in text(screen, "#status"):
                break
        assert screen.training
        assert "loss" in text(screen, "#status")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.training
        assert screen.result is None
        assert "cancelled" in text(screen, "#status")
        screen.settings = FAST
        await pilot.press("t")
        screen = await trained(app, pilot)
        assert screen.result is not None


async def test_ui_answers_keys_while_training(make_app) -> None:  # type: ignore[no-untyped-def]
    ProofScreen.SETTINGS = MoonsSettings(n_samples=60, mlp_epochs=1_000_000, report_every=1)
    app = make_app("part05")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")  # the help overlay opens mid-training
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("escape")  # and Escape on the part cancels
        await app.workers.wait_for_complete()
        assert not app.get_screen("part05").training


async def test_footer_fits_80_columns(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part05")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rendered = str(app.screen.query_one(KeyBar).render())
        for key, action in ProofScreen.KEY_HINTS:
            assert f"{key} {action}" in rendered
        await app.workers.wait_for_complete()
