"""neuron-tui: a terminal lesson on the artificial neuron, gradient descent and depth."""

__version__ = "0.1.0"
