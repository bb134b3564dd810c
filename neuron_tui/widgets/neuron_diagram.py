"""Part 01's diagram: inputs and weights flowing into Σ, then the activation, then y."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import _, number
from neuron_tui.model.steps import NeuronSteps

ACTIVATION_SYMBOLS = {"sigmoid": "σ", "relu": "ReLU", "tanh": "tanh"}


def _num(value: float, width: int = 5, decimals: int = 1) -> str:
    return number(value, decimals, width=width)


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
        wide = self._diagram(compact=False)
        if self.size.width and _widest(wide) > self.size.width:
            return self._diagram(compact=True)
        return wide

    def _diagram(self, compact: bool) -> Content:
        """The three lines; `compact` ones fit 56 columns (a 60-column terminal) at any
        values: shorter arrows, and y on the third line, below the activation."""
        chars = glyphs()
        unicode = chars.unicode
        arrow = ("─▶" if compact else "──▶") if unicode else ("->" if compact else "-->")
        shaft = arrow[:-1]
        top, mid, bottom = ("╮", "┼", "╯") if unicode else ("+", "+", "+")
        turn = "╰" if unicode else "+"
        symbol = ACTIVATION_SYMBOLS[self.steps.activation] if unicode else self.steps.activation
        x1, x2, w1, w2, b = self.inputs
        width = 4 if compact else 5
        in_style, w_style, out_style = "$text-primary", "$accent", "bold $success"
        gap = " " if compact else "  "
        inputs = [
            ((f"{chars.x1:<2} {_num(x1, width)}", in_style), (f"{chars.w1:<2} {_num(w1, width)}",
                                                           w_style), shaft + top),
            ((f"{chars.x2:<2} {_num(x2, width)}", in_style), (f"{chars.w2:<2} {_num(w2, width)}",
                                                           w_style), shaft + mid),
            ((f"{'1':<2} {'':>{width}}", in_style), (f"{'b':<2} {_num(b, width)}", w_style),
             shaft + bottom),
        ]
        lines = [Content.assemble(value, f" {arrow} × ", weight, f" {join}")
                 for value, weight, join in inputs]
        head = Content.assemble(f"{arrow} {chars.big_sigma}{gap}",
                                (f"z = {number(self.steps.z, 2)}", "bold"), f" {arrow} {symbol}")
        output = (f"y = {number(self.steps.y, 3)}", out_style)
        if compact:
            lines[1] = Content.assemble(lines[1], head)
            # y hangs below the activation: the line turns down from its first letter.
            indent = lines[1].cell_length - len(symbol) - lines[2].cell_length
            lines[2] = Content.assemble(lines[2], " " * max(1, indent), f"{turn}{arrow} ",
                                        output)
        else:
            lines[1] = Content.assemble(lines[1], head, f" {arrow} ", output)
        return Content("\n").join(lines)


def _widest(content: Content) -> int:
    """The cell width of the widest line of `content`."""
    return max(line.cell_length for line in content.split("\n"))


def steps_text(inputs: tuple[float, float, float, float, float], steps: NeuronSteps,
               width: int | None = None) -> Content:
    """The three steps written out with the live numbers, in `width` columns if given.

    When the full products (w₁·x₁ = 0.8·1.0 = 0.80) do not fit, the multiply line
    drops the names and keeps the numbers (0.8·1.0 = 0.80), as the diagram above
    names them; every line then fits 56 columns at any values.
    """
    full = _steps(inputs, steps, compact=False)
    if width and _widest(full) > width:
        return _steps(inputs, steps, compact=True)
    return full


def _steps(inputs: tuple[float, float, float, float, float], steps: NeuronSteps,
           compact: bool) -> Content:
    chars = glyphs()
    x1, x2, w1, w2, b = inputs
    dot = chars.times
    label = ACTIVATION_SYMBOLS[steps.activation] if chars.unicode else steps.activation

    def paren(value: float, decimals: int = 1) -> str:
        text = number(value, decimals)
        return f"({text})" if value < 0 else text

    first = f"{number(w1, 1)}{dot}{paren(x1)} = {number(steps.product1, 2)}"
    second = f"{number(w2, 1)}{dot}{paren(x2)} = {number(steps.product2, 2)}"
    if compact:
        multiply = f"{first}   {second}\n"
    else:
        multiply = f"{chars.w1}{dot}{chars.x1} = {first}    {chars.w2}{dot}{chars.x2} = {second}\n"
    # The step names in one column, as wide as the longest in this language and a gap.
    names = [_("1 multiply"), _("2 add"), _("3 squash")]
    column = max(len(name) for name in names) + 2
    multiply_name, add_name, squash_name = (name.ljust(column) for name in names)
    z = number(steps.z, 2)
    return Content.assemble(
        (multiply_name, "bold"),
        multiply,
        (add_name, "bold"),
        f"z = {number(steps.product1, 2)} + {paren(steps.product2, 2)} + {paren(b)} = ",
        (z, "bold"),
        "\n",
        (squash_name, "bold"),
        f"y = {label}({z}) = ",
        (number(steps.y, 3), "bold $success"),
    )
