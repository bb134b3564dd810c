"""Part 01 · The atom: sliders drive the neuron; the screen shows the model's numbers."""

from __future__ import annotations

import math

import pytest

from neuron_tui.model.activations import get_activation
from neuron_tui.screens.dialogs.value_entry import ValueEntryScreen
from neuron_tui.screens.parts.part01 import AtomScreen
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.slider import Slider
from tests.functional.ui.screen_text import shown

SIZE = (80, 24)


def slider(app, key: str) -> Slider:  # type: ignore[no-untyped-def]
    return app.screen.query_one(f"#{key}", Slider)


async def test_starts_with_the_wireframe_numbers(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AtomScreen)
        assert screen.state.inputs == (1.0, -0.5, 0.8, 0.4, 0.0)
        assert screen.state.steps.z == pytest.approx(0.6)
        assert screen.state.steps.y == pytest.approx(1 / (1 + math.exp(-0.6)))
        diagram = shown(app, "#diagram")
        assert "z = 0.60" in diagram and "y = 0.646" in diagram
        steps = shown(app, "#steps")
        assert "= 0.80" in steps and "= -0.20" in steps and "σ(0.60) = 0.646" in steps


async def test_right_and_left_step_the_focused_slider(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is slider(app, "x1")
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert slider(app, "x1").value == pytest.approx(1.3)
        # z = 0.8·1.3 + 0.4·(−0.5) + 0 = 0.84
        assert app.screen.state.steps.z == pytest.approx(0.84)
        assert "z = 0.84" in shown(app, "#diagram")
        await pilot.press("left")
        await pilot.pause()
        assert slider(app, "x1").value == pytest.approx(1.2)


async def test_down_moves_focus_and_shift_takes_ten_steps(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down")  # x1 → x2 → w1
        await pilot.pause()
        assert app.focused is slider(app, "w1")
        await pilot.press("shift+right")
        await pilot.pause()
        assert slider(app, "w1").value == pytest.approx(1.8)
        await pilot.press("up")
        assert app.focused is slider(app, "x2")
        await pilot.press("tab")
        assert app.focused is slider(app, "w1")


async def test_values_clamp_at_the_range_and_home_resets(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["shift+right"] * 10)
        await pilot.pause()
        assert slider(app, "x1").value == 3.0
        assert "3.0" in shown(app, "#x1")
        await pilot.press("home")
        await pilot.pause()
        assert slider(app, "x1").value == 1.0


async def test_a_cycles_activation_and_the_curve_follows(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        plot = app.screen.query_one(PlotView)
        curves = {"sigmoid": list(plot.text_lines)}
        for name, label in (("relu", "ReLU"), ("tanh", "tanh"), ("sigmoid", "σ")):
            await pilot.press("a")
            await pilot.pause()
            screen = app.screen
            assert screen.state.activation == name
            assert screen.state.steps.y == pytest.approx(float(get_activation(name).fn(0.6)))
            assert f"{label}(0.60)" in shown(app, "#steps")
            assert f"{get_activation(name).label}(z)" in str(screen.query_one("#curve-box")
                                                              .border_title)
            curves.setdefault(name, list(plot.text_lines))
        # Each activation draws its own curve, and sigmoid's comes back as it was.
        assert curves["relu"] != curves["sigmoid"] != curves["tanh"] != curves["relu"]
        assert list(plot.text_lines) == curves["sigmoid"]
        assert any("0.50" in line or "1.00" in line for line in plot.text_lines)


async def test_relu_zeroes_a_negative_sum(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")  # ReLU
        await pilot.press("down", "down", "down", "down")  # focus b
        await pilot.press("shift+left")  # b = -1.0 → z = -0.4
        await pilot.pause()
        assert app.screen.state.steps.z == pytest.approx(-0.4)
        assert app.screen.state.steps.y == 0.0
        assert "y = 0.000" in shown(app, "#diagram")


async def test_enter_types_an_exact_value_and_refuses_bad_text(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ValueEntryScreen)
        from textual.widgets import Input

        entry = app.screen.query_one(Input)
        assert entry.cursor_blink is False
        entry.value = "abc"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ValueEntryScreen)
        assert "not a number" in shown(app, "#why")
        entry.value = "99"
        await pilot.press("enter")
        await pilot.pause()
        assert "from -3 to 3" in shown(app, "#why")
        entry.value = "-2.5"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ValueEntryScreen)
        assert slider(app, "x1").value == -2.5
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert slider(app, "x1").value == -2.5


async def test_at_60_columns_the_diagram_and_steps_fit_at_any_values(make_app) -> None:  # type: ignore[no-untyped-def]
    """Every slider at its far end, tanh: y moves below the activation, the multiply
    line keeps the numbers; every line fits the box (nothing wraps or is cut)."""
    app = make_app("part01")
    async with app.run_test(size=(60, 20)) as pilot:
        for key, direction in (("x1", "right"), ("x2", "right"), ("w1", "left"),
                               ("w2", "left"), ("b", "left")):
            slider(app, key).focus()
            await pilot.press(*[f"shift+{direction}"] * 10)  # z = -35: the widest numbers
        await pilot.press("a", "a")
        await pilot.pause()
        diagram, steps = shown(app, "#diagram"), shown(app, "#steps")
        width = app.screen.query_one("#diagram").content_region.width
        assert len(diagram.splitlines()) == 3 and len(steps.splitlines()) == 3
        assert max(len(line) for line in [*diagram.splitlines(), *steps.splitlines()]) <= width
        assert "y = -1.000" in diagram.splitlines()[2]
        assert "-5.0·3.0 = -15.00" in steps and "= -35.00" in steps
