"""Gradient descent on the single neuron, and the loss surface ("the bowl")."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from neuron_tui.model import (
    Neuron,
    TrainingStep,
    and_gate,
    gradient_descent,
    loss_surface,
    or_gate,
    train_to_convergence,
    xor,
)

GD_LEARNING_RATE = 1.0
GD_EPOCHS = 1000


def test_gradient_descent_reaches_sklearn_optimum(forty, sklearn_optimum) -> None:
    X, y = forty
    neuron = Neuron()
    steps = list(gradient_descent(neuron, X, y, learning_rate=GD_LEARNING_RATE, epochs=GD_EPOCHS))
    final = steps[-1]
    assert not final.diverged
    assert abs(final.loss - sklearn_optimum.loss) < 1e-3
    # In fact it gets all the way to the same weights.
    assert final.loss == pytest.approx(sklearn_optimum.loss, abs=1e-9)
    assert final.params == pytest.approx(
        (sklearn_optimum.w1, sklearn_optimum.w2, sklearn_optimum.b), abs=1e-4
    )
    assert final.accuracy == sklearn_optimum.accuracy
    # Downhill all the way at this learning rate.
    losses = [s.loss for s in steps]
    assert all(b <= a + 1e-12 for a, b in zip(losses, losses[1:], strict=False))


def test_default_learning_rate_converges(forty, sklearn_optimum) -> None:
    X, y = forty
    final = train_to_convergence(Neuron(), X, y)
    assert final.loss - sklearn_optimum.loss < 1e-6
    assert 0 < final.epoch < 2000


def test_yields_exactly_epochs_steps_and_mutates_neuron(forty) -> None:
    X, y = forty
    neuron = Neuron()
    steps = list(gradient_descent(neuron, X, y, learning_rate=0.1, epochs=25))
    assert [s.epoch for s in steps] == list(range(1, 26))
    assert all(isinstance(s, TrainingStep) and not s.diverged for s in steps)
    assert neuron.params == steps[-1].params != (0.0, 0.0, 0.0)
    assert steps[-1].loss == neuron.loss(X, y)
    assert steps[-1].accuracy == neuron.accuracy(X, y)
    assert list(gradient_descent(Neuron(), X, y, 0.1, 0)) == []


def test_one_step_is_one_full_batch_gradient_step(forty) -> None:
    X, y = forty
    neuron = Neuron(0.2, -0.1, 0.3)
    grads = neuron.gradients(X, y)
    (step,) = gradient_descent(neuron, X, y, learning_rate=0.7, epochs=1)
    expected = tuple(p - 0.7 * g for p, g in zip((0.2, -0.1, 0.3), grads, strict=True))
    assert step.params == pytest.approx(expected, rel=1e-15)


def test_stopping_early_keeps_progress(forty) -> None:
    X, y = forty
    neuron = Neuron()
    run = gradient_descent(neuron, X, y, 0.5, 100)
    third = [next(run) for _ in range(3)][-1]
    assert third.epoch == 3 and neuron.params == third.params


@pytest.mark.parametrize("learning_rate", [1e6, 1e12, 1e300])
def test_huge_learning_rate_never_yields_nan(forty, learning_rate: float) -> None:
    X, y = forty
    neuron = Neuron()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        steps = list(gradient_descent(neuron, X, y, learning_rate=learning_rate, epochs=50))
    assert 1 <= len(steps) <= 50
    for step in steps:
        values = (step.w1, step.w2, step.b, step.loss, step.accuracy)
        assert all(math.isfinite(v) for v in values)
    assert all(not s.diverged for s in steps[:-1])  # a diverged step is the last one
    assert [s.epoch for s in steps] == list(range(1, len(steps) + 1))
    assert all(math.isfinite(v) for v in neuron.params)


def test_divergence_is_reported_and_stops() -> None:
    # Big inputs and a colossal learning rate: the first step would overflow z.
    X, y = np.array([[1e5, 0.0], [-1e5, 0.0]]), np.array([1, 0])
    neuron = Neuron()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        steps = list(gradient_descent(neuron, X, y, learning_rate=1e300, epochs=10))
    assert len(steps) == 1
    (step,) = steps
    assert step.diverged and step.epoch == 1
    assert step.params == neuron.params == (0.0, 0.0, 0.0)
    assert step.loss == pytest.approx(math.log(2)) and step.accuracy == 0.5


@pytest.mark.parametrize(
    "learning_rate, epochs",
    [(0.0, 10), (-0.1, 10), (math.nan, 10), (math.inf, 10), ("fast", 10), (0.1, -1), (0.1, 2.5)],
)
def test_invalid_arguments_raise_at_call_time(forty, learning_rate, epochs) -> None:
    X, y = forty
    with pytest.raises(ValueError):
        gradient_descent(Neuron(), X, y, learning_rate=learning_rate, epochs=epochs)


def test_invalid_data_raises(forty) -> None:
    X, y = forty
    with pytest.raises(ValueError):
        gradient_descent(Neuron(), X[:, :1], y, 0.1, 1)
    with pytest.raises(ValueError):
        gradient_descent(Neuron(), X, y[:-1], 0.1, 1)


def test_train_to_convergence_with_zero_epochs(forty) -> None:
    X, y = forty
    step = train_to_convergence(Neuron(), X, y, max_epochs=0)
    assert step.epoch == 0 and step.loss == pytest.approx(math.log(2))


def test_neuron_solves_and_and_or() -> None:
    for make in (and_gate, or_gate):
        X, y = make()
        neuron = Neuron()
        final = train_to_convergence(neuron, X, y, learning_rate=2.0, max_epochs=2000)
        assert final.accuracy == 1.0 and neuron.accuracy(X, y) == 1.0


def test_neuron_cannot_solve_xor() -> None:
    X, y = xor()
    rng = np.random.default_rng(4)
    for start in [(0.0, 0.0, 0.0), *rng.uniform(-2, 2, size=(5, 3))]:
        neuron = Neuron(*start)
        best = max(s.accuracy for s in gradient_descent(neuron, X, y, 1.0, 1000))
        assert best <= 0.75


def test_loss_surface_matches_neuron_loss(forty) -> None:
    X, y = forty
    w1_values = np.linspace(-4, 4, 9)
    w2_values = np.linspace(-3, 5, 7)
    surface = loss_surface(X, y, -0.5, w1_values, w2_values)
    assert surface.shape == (7, 9)  # rows follow w2, columns follow w1
    for i, w2 in enumerate(w2_values):
        for j, w1 in enumerate(w1_values):
            assert surface[i, j] == pytest.approx(Neuron(w1, w2, -0.5).loss(X, y), rel=1e-12)


def test_loss_surface_is_a_bowl_around_the_optimum(forty, sklearn_optimum) -> None:
    X, y = forty
    opt = sklearn_optimum
    w1_values = opt.w1 + np.linspace(-1, 1, 21)
    w2_values = opt.w2 + np.linspace(-1, 1, 21)
    surface = loss_surface(X, y, opt.b, w1_values, w2_values)
    assert np.unravel_index(np.argmin(surface), surface.shape) == (10, 10)
    assert np.all(np.isfinite(loss_surface(X, y, 0.0, [-1e6, 1e6], [-1e6, 0.0, 1e6])))


# ------------------------------------------------------------ weight limit

def test_without_a_limit_a_huge_rate_plateaus_on_the_clipped_loss(forty) -> None:
    """Why the limit exists: far out on the walls the clipped loss stops changing while
    the weights are hundreds of times the bottom's, so the loss alone reads as settled."""
    X, y = forty
    steps = list(gradient_descent(Neuron(-4.0, 4.0, 0.0), X, y, 1000.0, 3))
    assert steps[0].loss == steps[1].loss  # not the bottom: the weights are far out
    assert max(abs(v) for v in steps[1].params) > 500 and not steps[1].diverged


def test_a_step_beyond_the_weight_limit_diverges_where_it_landed(forty) -> None:
    X, y = forty
    neuron = Neuron(-4.0, 4.0, 0.0)
    expected = Neuron(-4.0, 4.0, 0.0)
    landed = next(gradient_descent(expected, X, y, 1000.0, 1))
    steps = list(gradient_descent(neuron, X, y, 1000.0, 10, weight_limit=100.0))
    assert len(steps) == 1 and steps[0].diverged and steps[0].epoch == 1
    assert steps[0].params == landed.params  # where it landed, still finite
    assert max(abs(v) for v in steps[0].params) > 100.0
    assert neuron.params == landed.params


def test_steps_within_the_weight_limit_are_untouched(forty) -> None:
    X, y = forty
    limited = list(gradient_descent(Neuron(), X, y, 1.0, 50, weight_limit=100.0))
    free = list(gradient_descent(Neuron(), X, y, 1.0, 50))
    assert limited == free and not any(step.diverged for step in limited)


@pytest.mark.parametrize("limit", [0.0, -1.0, math.nan, math.inf, "far"])
def test_a_weight_limit_that_is_no_limit_is_refused(forty, limit) -> None:
    X, y = forty
    with pytest.raises(ValueError, match="weight_limit must be finite and > 0"):
        gradient_descent(Neuron(), X, y, 1.0, 10, weight_limit=limit)
