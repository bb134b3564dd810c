"""The three steps of one neuron on one input, kept apart so Part 01 can show each."""

from __future__ import annotations

from dataclasses import dataclass

from neuron_tui.model.activations import get_activation


@dataclass(frozen=True)
class NeuronSteps:
    """multiply (w₁·x₁, w₂·x₂), add (z), squash (y) for one input point."""

    product1: float
    product2: float
    z: float
    y: float
    activation: str


def neuron_steps(
    x1: float, x2: float, w1: float, w2: float, b: float, activation: str = "sigmoid"
) -> NeuronSteps:
    """Compute a neuron's output step by step: products, their sum plus bias, activation."""
    product1 = w1 * x1
    product2 = w2 * x2
    z = product1 + product2 + b
    y = float(get_activation(activation).fn(z))
    return NeuronSteps(product1, product2, z, y, activation)
