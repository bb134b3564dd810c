"""Part 01 · The atom, as plain Python: one neuron on one input, step by step.

Two inputs, two weights and a bias feed one neuron; its three steps (multiply,
add, squash) and its activation follow every change. This object owns those five
numbers and the activation's name; the screen shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from neuron_tui.i18n import N_
from neuron_tui.model.activations import ACTIVATIONS, Activation, get_activation
from neuron_tui.model.steps import NeuronSteps, neuron_steps


@dataclass(frozen=True)
class Knob:
    """One number the learner sets: its range and where it starts.

    `glyph` names the character set's symbol for its label (None: the plain key).
    """

    key: str
    glyph: str | None
    minimum: float
    maximum: float
    start: float

    def clamp(self, value: float) -> float:
        """`value` kept within the range."""
        return min(self.maximum, max(self.minimum, value))


#: x₁, x₂, w₁, w₂ and b, in the order the neuron takes them and the sliders show them.
KNOBS = (
    Knob("x1", "x1", -3.0, 3.0, 1.0),
    Knob("x2", "x2", -3.0, 3.0, -0.5),
    Knob("w1", "w1", -5.0, 5.0, 0.8),
    Knob("w2", "w2", -5.0, 5.0, 0.4),
    Knob("b", None, -5.0, 5.0, 0.0),
)
#: The activations `a` cycles through, starting with the first.
ACTIVATION_ORDER = tuple(ACTIVATIONS)
#: The activations' labels (the model's English names), for the catalog: the screen
#: shows them through `_()` ("sigmoide" in Spanish).
ACTIVATION_LABELS = (N_("sigmoid"), N_("ReLU"), N_("tanh"))

#: Short enough for one line at the 60-column minimum (English: the screen shows it
#: through `_()`).
GUIDANCE = N_("Change a number and follow it through the three steps.")

Inputs = tuple[float, float, float, float, float]


def formula_lines(formula: str, width: int) -> str:
    """`formula` in lines of at most `width` characters, broken at its division.

    tanh's formula is 41 characters, wider than its place at 80 columns: it is
    written as a fraction over two lines, the divisor under the numerator,
    rather than broken wherever a word ends. A formula that fits stays one line.
    """
    head, division, tail = formula.partition(" / ")
    if width <= 0 or len(formula) <= width or not division or len(head) > width:
        return formula
    indent = formula.find("= ") + 2 if "= " in formula else 0
    if indent + 2 + len(tail) > width:
        indent = 0
    return f"{head}\n{' ' * indent}/ {tail}"


class AtomState:
    """Part 01's state: the five numbers and the activation of one neuron."""

    def __init__(self) -> None:
        self.values = {knob.key: knob.start for knob in KNOBS}
        self.activation = ACTIVATION_ORDER[0]

    @property
    def inputs(self) -> Inputs:
        """x₁, x₂, w₁, w₂, b as they are now."""
        x1, x2, w1, w2, b = (self.values[knob.key] for knob in KNOBS)
        return x1, x2, w1, w2, b

    @property
    def steps(self) -> NeuronSteps:
        """The neuron's three steps on the current numbers."""
        return neuron_steps(*self.inputs, activation=self.activation)

    @property
    def activation_info(self) -> Activation:
        """The current activation: its label, formula and function."""
        return get_activation(self.activation)

    def set_value(self, key: str, value: float) -> None:
        """The learner set `key` ("x1", "x2", "w1", "w2" or "b"), kept within its range."""
        knob = next((knob for knob in KNOBS if knob.key == key), None)
        if knob is None:
            raise ValueError(f"unknown number {key!r}: choose one of "
                             f"{', '.join(knob.key for knob in KNOBS)}")
        self.values[key] = knob.clamp(float(value))

    def cycle_activation(self) -> str:
        """sigmoid → ReLU → tanh → sigmoid; the activation now in use."""
        index = ACTIVATION_ORDER.index(self.activation)
        self.activation = ACTIVATION_ORDER[(index + 1) % len(ACTIVATION_ORDER)]
        return self.activation
