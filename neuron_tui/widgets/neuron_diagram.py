"""Part 01's diagram: inputs and weights flowing into Σ, then the activation, then y."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from neuron_tui.glyphs import glyphs
from neuron_tui.model.steps import NeuronSteps

ACTIVATION_SYMBOLS = {"sigmoid": "σ", "relu": "ReLU", "tanh": "tanh"}


def _num(value: float, width: int = 5, decimals: int = 1) -> str:
    return f"{value:{width}.{decimals}f}"


class NeuronDiagram(Widget):
    """Draws x₁, x₂ and 1 times w₁, w₂ and b into Σ, z, the activation and y."""

    DEFAULT_CSS = """
    NeuronDiagram {
        height: 3;
        width: 1fr;
    }
    """

    def __init__(self, inputs: tuple[float, float, float, float, float], steps: NeuronSteps,
                 **kwargs: str) -> None:
        super().__init__(**kwargs)
        self.inputs = inputs
        self.steps = steps

    def update_values(
        self, inputs: tuple[float, float, float, float, float], steps: NeuronSteps
    ) -> None:
        """Show new numbers."""
        self.inputs = inputs
        self.steps = steps
        self.refresh()

    def render(self) -> Content:
        chars = glyphs()
        unicode = chars.unicode
        arrow = "──▶" if unicode else "-->"
        top, mid, bottom = ("──╮", "──┼", "──╯") if unicode else ("--+", "--+", "--+")
        symbol = ACTIVATION_SYMBOLS[self.steps.activation] if unicode else self.steps.activation
        x1, x2, w1, w2, b = self.inputs
        in_style, w_style, out_style = "$secondary", "$accent", "bold $success"
        return Content.assemble(
            (f"{chars.x1:<2} {_num(x1)}", in_style), f" {arrow} × ",
            (f"{chars.w1:<2} {_num(w1)}", w_style), f" {top}\n",
            (f"{chars.x2:<2} {_num(x2)}", in_style), f" {arrow} × ",
            (f"{chars.w2:<2} {_num(w2)}", w_style), f" {mid}{arrow} {chars.big_sigma}  ",
            (f"z = {self.steps.z:.2f}", "bold"), f" {arrow} {symbol} {arrow} ",
            (f"y = {self.steps.y:.3f}", out_style), "\n",
            (f"{'1':<2} {'':>5}", in_style), f" {arrow} × ",
            (f"{'b':<2} {_num(b)}", w_style), f" {bottom}",
        )


def steps_text(inputs: tuple[float, float, float, float, float], steps: NeuronSteps) -> Content:
    """The three steps written out with the live numbers."""
    chars = glyphs()
    x1, x2, w1, w2, b = inputs
    dot = chars.times
    label = ACTIVATION_SYMBOLS[steps.activation] if chars.unicode else steps.activation

    def paren(value: float, decimals: int = 1) -> str:
        text = f"{value:.{decimals}f}"
        return f"({text})" if value < 0 else text

    return Content.assemble(
        ("1 multiply  ", "bold"),
        f"{chars.w1}{dot}{chars.x1} = {w1:.1f}{dot}{paren(x1)} = {steps.product1:.2f}    "
        f"{chars.w2}{dot}{chars.x2} = {w2:.1f}{dot}{paren(x2)} = {steps.product2:.2f}\n",
        ("2 add       ", "bold"),
        f"z = {steps.product1:.2f} + {paren(steps.product2, 2)} + {paren(b)} = ",
        (f"{steps.z:.2f}", "bold"),
        "\n",
        ("3 squash    ", "bold"),
        f"y = {label}({steps.z:.2f}) = ",
        (f"{steps.y:.3f}", "bold $success"),
    )
