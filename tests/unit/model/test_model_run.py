"""The training-run engine: frames, convergence, divergence and exhaustion, on real runs."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_tui.model.datasets import forty_points, xor
from neuron_tui.model.mlp import MLP
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import (
    CONVERGENCE_TOLERANCE,
    SETTLED_MOVE,
    FrameSchedule,
    RunEnd,
    TrainingRun,
)
from neuron_tui.model.training import TrainingStep, gradient_descent


def test_schedule_grows_then_caps() -> None:
    schedule = FrameSchedule(first=1, grow_every=2, most=4)
    assert [schedule.epochs(frame) for frame in range(9)] == [1, 1, 2, 2, 3, 3, 4, 4, 4]
    assert FrameSchedule(first=250, most=250).epochs(7) == 250


def test_a_good_rate_converges_at_the_one_tolerance() -> None:
    X, y = forty_points()
    neuron = Neuron()
    run = TrainingRun(gradient_descent(neuron, X, y, 1.0, 3000),
                      FrameSchedule(first=1, grow_every=2, most=40),
                      start_loss=neuron.loss(X, y))
    last = run.run_to_end()
    assert run.end is RunEnd.CONVERGED and last is not None
    # It stopped at the first epoch whose loss change fell under the tolerance.
    check = Neuron()
    losses = [check.loss(X, y)] + [s.loss for s in gradient_descent(check, X, y, 1.0, last.epoch)]
    changes = np.abs(np.diff(losses))
    assert changes[-1] < CONVERGENCE_TOLERANCE
    assert np.all(changes[:-1] >= CONVERGENCE_TOLERANCE)
    assert neuron.params == last.params  # the neuron is left where the run ended


def test_frames_take_the_scheduled_epochs() -> None:
    X, y = forty_points()
    run = TrainingRun(gradient_descent(Neuron(), X, y, 1.0, 3000),
                      FrameSchedule(first=1, grow_every=2, most=40))
    sizes = [len(run.next_frame()) for _ in range(6)]
    assert sizes == [1, 1, 2, 2, 3, 3]
    assert run.last is not None and run.last.epoch == 12


def test_a_far_too_big_rate_diverges_and_keeps_finite_weights() -> None:
    X, y = forty_points()
    run = TrainingRun(gradient_descent(Neuron(), X * 1e150, y, 1e300, 100),
                      FrameSchedule(most=5))
    last = run.run_to_end()
    assert run.end is RunEnd.DIVERGED
    assert last is not None and all(np.isfinite(last.params))


def test_a_run_without_a_tolerance_shows_every_epoch_it_was_given() -> None:
    X, y = xor()
    run: TrainingRun = TrainingRun(MLP(2, "tanh", seed=0).train(X, y, 1.0, 600),
                                   FrameSchedule(first=250, most=250), tolerance=None)
    sizes = [len(run.next_frame()) for _ in range(3)]
    assert sizes == [250, 250, 100]
    assert run.end is RunEnd.EXHAUSTED and run.last is not None and run.last.epoch == 600


@pytest.mark.parametrize("epochs", [0, 1])
def test_short_runs_end_cleanly(epochs: int) -> None:
    X, y = forty_points()
    run: TrainingRun[TrainingStep] = TrainingRun(gradient_descent(Neuron(), X, y, 1.0, epochs),
                                                 FrameSchedule())
    run.run_to_end()
    assert run.end is RunEnd.EXHAUSTED
    assert (run.last is None) == (epochs == 0)


# ------------------------------------------------------------ loss ceiling

def test_a_loss_above_the_ceiling_ends_the_run_as_diverged() -> None:
    X, y = forty_points()
    start = Neuron(-4.0, 4.0, 0.0)
    ceiling = 2 * start.loss(X, y)
    free = list(gradient_descent(Neuron(-4.0, 4.0, 0.0), X, y, 100.0, 40))
    first_above = next(step.epoch for step in free if step.loss > ceiling)
    run = TrainingRun(gradient_descent(start, X, y, 100.0, 40), FrameSchedule(most=5),
                      start_loss=start.loss(X, y), loss_ceiling=ceiling)
    last = run.run_to_end()
    assert run.end is RunEnd.DIVERGED
    assert last is not None and last.epoch == first_above and last.loss > ceiling
    # Without a ceiling the same steps go on to the end: neither "diverged", nor (on
    # the plateaus of the clipped loss, 1.38 then 2.07, where the weights still fly
    # about) "converged".
    loose = TrainingRun(gradient_descent(Neuron(-4.0, 4.0, 0.0), X, y, 100.0, 40),
                        FrameSchedule(most=5))
    loose.run_to_end()
    assert loose.end is RunEnd.EXHAUSTED


def test_the_step_that_crosses_the_ceiling_is_handed_out() -> None:
    X, y = forty_points()
    neuron = Neuron(-4.0, 4.0, 0.0)
    run = TrainingRun(gradient_descent(neuron, X, y, 100.0, 40),
                      FrameSchedule(first=40, most=40), loss_ceiling=2 * neuron.loss(X, y))
    taken = run.next_frame()
    assert taken[-1] is run.last and run.end is RunEnd.DIVERGED


def test_a_saturated_plateau_is_not_the_bottom_with_a_weight_limit() -> None:
    """The bug this guards: at 1e308 the weights reached ~1e307, the clipped loss stopped
    changing, and the run said it had converged."""
    X, y = forty_points()
    for epochs_first in (0, 5, 60):
        neuron = Neuron(-4.0, 4.0, 0.0)
        for _ in gradient_descent(neuron, X, y, 1.0, epochs_first):
            pass
        run = TrainingRun(gradient_descent(neuron, X, y, 1e308, 100, weight_limit=100.0),
                          FrameSchedule(most=10), start_loss=neuron.loss(X, y))
        run.run_to_end()
        assert run.end is RunEnd.DIVERGED


def test_a_flat_loss_is_the_bottom_only_where_the_weights_stopped_moving() -> None:
    X, y = forty_points()
    plateau = list(gradient_descent(Neuron(-4.0, 4.0, 0.0), X, y, 100.0, 20))
    flat = [step for before, step in zip(plateau, plateau[1:], strict=False)
            if abs(step.loss - before.loss) < CONVERGENCE_TOLERANCE]
    assert flat and all(step.moved > 1.0 for step in flat)  # a plateau far up the wall
    good = TrainingRun(gradient_descent(Neuron(), X, y, 1.0, 3000), FrameSchedule(most=40),
                       start_loss=Neuron().loss(X, y))
    last = good.run_to_end()
    assert good.end is RunEnd.CONVERGED and last is not None and last.moved < SETTLED_MOVE
