"""The training loops' fast paths give, bit for bit, what the models' own methods give.

gradient_descent and MLP.train do an epoch in as few NumPy calls as they can (NumPy's
per-call cost is the time on a few points); the references here take each epoch the
plain way, through Neuron.gradients / loss / accuracy and MLP.step / loss / accuracy,
and every number must be equal, not close.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron_tui.model import Neuron
from neuron_tui.model.datasets import and_gate, or_gate, xor
from neuron_tui.model.mlp import MLP, MLPStep
from neuron_tui.model.training import TrainingStep, descend_quietly, gradient_descent


def plain_descent(neuron: Neuron, X: np.ndarray, y: np.ndarray, rate: float, epochs: int,
                  limit: float | None = None) -> list[TrainingStep]:
    """gradient_descent as the neuron's own methods spell it, one epoch at a time."""
    steps = []
    for epoch in range(1, epochs + 1):
        old = neuron.params
        new = tuple(p - rate * g for p, g in zip(old, neuron.gradients(X, y), strict=True))
        if all(math.isfinite(v) for v in new):
            neuron.set_params(*new)
            if np.all(np.isfinite(neuron.weighted_sum(X))):
                flew_off = limit is not None and max(map(abs, new)) > limit
                moved = max(abs(n - o) for n, o in zip(new, old, strict=True))
                steps.append(TrainingStep.of(neuron, X, y, epoch, flew_off, moved))
                if flew_off:
                    return steps
                continue
            neuron.set_params(*old)
        steps.append(TrainingStep.of(neuron, X, y, epoch, diverged=True))
        return steps
    return steps


@pytest.mark.parametrize(("rate", "limit"), [(0.05, None), (0.5, None), (60.0, None),
                                             (60.0, 25.0), (1e300, None)])
def test_gradient_descent_is_the_neurons_own_methods(forty, rate: float,
                                                     limit: float | None) -> None:
    X, y = forty
    fast = list(gradient_descent(Neuron(0.3, -0.2, 0.1), X, y, rate, 300, weight_limit=limit))
    assert fast == plain_descent(Neuron(0.3, -0.2, 0.1), X, y, rate, 300, limit)
    assert fast[-1].diverged == (limit is not None)


@pytest.mark.parametrize("scale", [1e300, 1e306])
def test_a_step_that_would_not_be_finite_is_the_same_diverged_step(forty, scale) -> None:
    X, y = forty
    X = X * scale  # z, or the step itself, overflows
    fast = list(gradient_descent(Neuron(0.3, -0.2, 0.1), X, y, 1e10, 50))
    assert fast == plain_descent(Neuron(0.3, -0.2, 0.1), X, y, 1e10, 50)
    assert fast[-1].diverged


def test_a_neuron_moved_between_steps_trains_on_from_where_it_was_put(forty) -> None:
    X, y = forty
    neuron = Neuron()
    steps = gradient_descent(neuron, X, y, 0.5, 40)
    fast = [next(steps) for _ in range(5)]
    neuron.set_params(2.0, -1.0, 0.5)
    fast += list(steps)
    reference = Neuron()
    plain = plain_descent(reference, X, y, 0.5, 5)
    reference.set_params(2.0, -1.0, 0.5)
    plain += plain_descent(reference, X, y, 0.5, 35)  # numbered from 1 again
    assert [(s.params, s.loss, s.accuracy) for s in fast] == [
        (s.params, s.loss, s.accuracy) for s in plain]
    assert neuron.params == reference.params


@pytest.mark.parametrize("rate", [0.5, 1e300])
def test_descend_quietly_is_gradient_descents_last_step_and_best_accuracy(forty, rate) -> None:
    X, y = forty
    steps = list(gradient_descent(Neuron(), X, y, rate, 200))
    neuron = Neuron()
    last, best = descend_quietly(neuron, X, y, rate, 200)
    assert last == steps[-1] and neuron.params == steps[-1].params
    assert best == max(s.accuracy for s in steps)
    assert descend_quietly(Neuron(), X, y, rate, 0)[0] is None


def plain_training(network: MLP, X: np.ndarray, y: np.ndarray, rate: float,
                   epochs: int) -> list[MLPStep]:
    """MLP.train as step, loss and accuracy spell it, one epoch at a time."""
    return [MLPStep(epoch, network.step(X, y, rate), network.accuracy(X, y))
            for epoch in range(1, epochs + 1)]


def same_weights(a: MLP, b: MLP) -> bool:
    return all(np.array_equal(p, q) for p, q in zip(a.params.values(), b.params.values(),
                                                    strict=True))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize(("hidden", "rate"), [(1, 1.0), (3, 0.3), (8, 2.0), (4, 1e9)])
def test_mlp_train_is_step_loss_and_accuracy(forty, activation, hidden, rate) -> None:
    X, y = forty
    fast, plain = MLP(hidden, activation, seed=hidden), MLP(hidden, activation, seed=hidden)
    assert list(fast.train(X, y, rate, 150)) == plain_training(plain, X, y, rate, 150)
    assert same_weights(fast, plain)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_mlp_train_with_replaced_arrays_and_infinite_inputs(forty, activation) -> None:
    """A parameter array the caller replaced, and gradients that are not finite (an
    infinite input), take the one-array-at-a-time way: still the same numbers."""
    X, y = forty
    X = X.copy()
    X[0, 0] = np.inf
    fast, plain = MLP(3, activation, seed=5), MLP(3, activation, seed=5)
    fast.W2 = fast.W2.copy()
    assert list(fast.train(X, y, 1.0, 20)) == plain_training(plain, X, y, 1.0, 20)
    assert same_weights(fast, plain)
    again, plain = MLP(3, activation, seed=5), MLP(3, activation, seed=5)
    assert list(again.train(X, y, 1.0, 20)) == plain_training(plain, X, y, 1.0, 20)
    assert same_weights(again, plain)


def test_mlp_fit_is_trains_last_step() -> None:
    X, y = xor()
    trained, fitted = MLP(2, seed=0), MLP(2, seed=0)
    steps = list(trained.train(X, y, 1.0, 500))
    assert fitted.fit(X, y, 1.0, 500) == steps[-1]
    assert same_weights(trained, fitted)
    assert MLP(2, seed=0).fit(X, y, 1.0, 0).epoch == 0


# --------------------------------------------- Part 04's runs, frame by frame, on floats
GATES = {"AND": and_gate, "OR": or_gate, "XOR": xor}
#: The lesson's frames (part04.SCHEDULE): 2000 epochs in 8.
FRAMES = (32, 64, 128, 256, 400, 400, 400, 320)


@pytest.mark.parametrize("gate", GATES)
def test_part04_neuron_frames_are_the_neurons_own_methods(gate) -> None:
    """The neuron's side of a Part 04 run (descend_quietly a frame at a time, on the
    gate's 4 corners: the float loop, sums without the BLAS) against every epoch taken
    through Neuron.gradients / loss / accuracy."""
    X, y = GATES[gate]()
    plain = plain_descent(Neuron(), X, y, 1.0, sum(FRAMES))
    neuron, done = Neuron(), 0
    for count in FRAMES:
        last, best = descend_quietly(neuron, X, y, 1.0, count)
        steps = plain[done:done + count]
        done += count
        assert last is not None
        assert (last.params, last.loss, last.accuracy) == (
            steps[-1].params, steps[-1].loss, steps[-1].accuracy)
        assert best == max(s.accuracy for s in steps)
        assert neuron.params == steps[-1].params


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("hidden", range(1, 9))
def test_part04_network_frames_are_step_loss_and_accuracy(gate, hidden) -> None:
    """Every network of Part 04 (3 gates × 1 to 8 hidden units), trained by fit a frame
    at a time, has at each frame's end the weights, loss and accuracy of MLP.step taken
    epoch by epoch: the first three frames for all, the whole run for 2 hidden units."""
    X, y = GATES[gate]()
    frames = FRAMES if hidden == 2 else FRAMES[:3]
    fast, plain = MLP(hidden, "tanh", seed=0), MLP(hidden, "tanh", seed=0)
    done = 0
    for count in frames:
        step = fast.fit(X, y, 1.0, count)
        steps = plain_training(plain, X, y, 1.0, count)
        done += count
        assert (step.loss, step.accuracy) == (steps[-1].loss, steps[-1].accuracy)
        assert same_weights(fast, plain), f"frame ending at epoch {done}"


def test_few_points_that_are_not_corners_take_numpys_product(few) -> None:
    """Few points of any value (no exact shortcut for X.T @ r): still bit for bit."""
    X, y = few
    for rate, limit in ((0.5, None), (60.0, 25.0), (1e300, None)):
        fast = list(gradient_descent(Neuron(0.3, -0.2, 0.1), X, y, rate, 300,
                                     weight_limit=limit))
        assert fast == plain_descent(Neuron(0.3, -0.2, 0.1), X, y, rate, 300, limit)


@pytest.fixture
def few() -> tuple[np.ndarray, np.ndarray]:
    """Seven points off the grid (fewer than the float loop's limit), both classes."""
    X = np.random.default_rng(3).normal(size=(7, 2))
    return X, (X[:, 0] + 0.3 * X[:, 1] > 0).astype(np.float64)


@pytest.mark.parametrize("hidden", [2, 5])
def test_mlp_fit_from_parameters_that_are_not_finite_or_inputs_near_overflow(hidden) -> None:
    """fit skips the look for non-finite gradients only while inputs and parameters are
    bounded; a NaN parameter, or inputs near the float limit, take the careful way."""
    X, y = xor()
    fast, plain = MLP(hidden, seed=1), MLP(hidden, seed=1)
    fast.W1[0, 0] = plain.W1[0, 0] = np.nan
    with np.errstate(invalid="ignore"):  # the reference's loss of NaN
        reference = plain_training(plain, X, y, 1.0, 30)[-1]
    assert repr(fast.fit(X, y, 1.0, 30)) == repr(reference)  # NaN's repr equals itself
    assert all(np.array_equal(p, q, equal_nan=True) for p, q in zip(
        fast.params.values(), plain.params.values(), strict=True))
    huge = X * 1e307
    fast, plain = MLP(hidden, seed=1), MLP(hidden, seed=1)
    assert fast.fit(huge, y, 1.0, 30) == plain_training(plain, huge, y, 1.0, 30)[-1]
    assert same_weights(fast, plain)
