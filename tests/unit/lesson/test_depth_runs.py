"""Part 04's quiet runs (only a frame's last epoch scored) show what full runs show."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_tui.lesson.depth_runs import NetworkRun, NeuronRun
from neuron_tui.lesson.part04 import DATASETS, EPOCHS, NETWORK_RATE, NEURON_RATE, SCHEDULE, SEED
from neuron_tui.model.mlp import MLP
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import FrameSchedule, TrainingRun
from neuron_tui.model.training import gradient_descent


@pytest.mark.parametrize("key", sorted(DATASETS))
@pytest.mark.parametrize("hidden", [1, 3])
def test_each_frame_ends_where_a_training_run_ends_it(key: str, hidden: int) -> None:
    X, y = DATASETS[key][1]()
    neuron, network = Neuron(), MLP(hidden, "tanh", seed=SEED)
    quiet_neuron = NeuronRun(neuron, X, y, NEURON_RATE, EPOCHS, SCHEDULE)
    quiet_network = NetworkRun(network, X, y, NETWORK_RATE, EPOCHS, SCHEDULE)
    other_neuron, other_network = Neuron(), MLP(hidden, "tanh", seed=SEED)
    full_neuron = TrainingRun(gradient_descent(other_neuron, X, y, NEURON_RATE, EPOCHS),
                              SCHEDULE, tolerance=None)
    full_network = TrainingRun(other_network.train(X, y, NETWORK_RATE, EPOCHS), SCHEDULE,
                               tolerance=None)
    best, frames = 0.0, 0
    while not (quiet_neuron.finished and quiet_network.finished):
        best = max([best, *(step.accuracy for step in full_neuron.next_frame())])
        full_network.next_frame()
        assert quiet_neuron.next_frame() == [full_neuron.last]
        assert quiet_network.next_frame() == [full_network.last]
        assert quiet_neuron.best_accuracy == best
        assert neuron.params == other_neuron.params
        assert all(np.array_equal(a, b) for a, b in zip(
            network.params.values(), other_network.params.values(), strict=True))
        frames += 1
    assert frames == 8 and quiet_neuron.last is not None and quiet_neuron.last.epoch == EPOCHS
    assert quiet_neuron.next_frame() == [] and quiet_network.next_frame() == []


def test_a_diverged_step_ends_the_neurons_run() -> None:
    X, y = DATASETS["a"][1]()
    X = X * 1e306  # the first step overflows
    run = NeuronRun(Neuron(0.5, 0.5, 0.0), X, y, 1e10, 100, FrameSchedule(first=10, most=10))
    (step,) = run.next_frame()
    assert step.diverged and run.finished and step.epoch == 1
    assert run.next_frame() == []
