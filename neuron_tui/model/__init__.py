"""The lesson's mathematics in pure NumPy: no Textual, no Rich, no plotting.

- :mod:`~neuron_tui.model.activations`: sigmoid (numerically stable), ReLU, tanh.
- :mod:`~neuron_tui.model.neuron`: the single neuron (forward, predict, loss, gradients).
- :mod:`~neuron_tui.model.training`: gradient descent as a generator of steps.
- :mod:`~neuron_tui.model.run`: the training-run engine (convergence, divergence, frames).
- :mod:`~neuron_tui.model.mlp`: a tiny one-hidden-layer network that solves XOR.
- :mod:`~neuron_tui.model.datasets`: the seeded 40 points, AND, OR, XOR.
- :mod:`~neuron_tui.model.geometry`: the decision line clipped to the plot.
- :mod:`~neuron_tui.model.losses`: log loss computed stably from ``z``.

scikit-learn is never imported here: Part 05's training lives in neuron_tui.lesson.
"""

from neuron_tui.model.activations import (
    ACTIVATIONS,
    Activation,
    get_activation,
    relu,
    sigmoid,
    tanh,
)
from neuron_tui.model.datasets import (
    CLASS_NAMES,
    and_gate,
    forty_points,
    or_gate,
    train_test_split_indices,
    xor,
)
from neuron_tui.model.geometry import decision_line_segment
from neuron_tui.model.losses import log_loss_from_logits
from neuron_tui.model.mlp import MLP, MLPStep
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.training import (
    TrainingStep,
    gradient_descent,
    loss_surface,
    train_to_convergence,
)

__all__ = [
    "ACTIVATIONS",
    "CLASS_NAMES",
    "MLP",
    "Activation",
    "MLPStep",
    "Neuron",
    "TrainingStep",
    "and_gate",
    "decision_line_segment",
    "forty_points",
    "get_activation",
    "gradient_descent",
    "log_loss_from_logits",
    "loss_surface",
    "or_gate",
    "relu",
    "sigmoid",
    "tanh",
    "train_test_split_indices",
    "train_to_convergence",
    "xor",
]
