"""Part 03's state without a screen: epochs against NumPy, runs, endings and what is said.

The four presets are checked for what the lesson says they show: s crawls, d settles,
f overshoots (the loss goes up, the path zig-zags across the valley), e diverges.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron_tui.lesson.part03 import (
    AT_BOTTOM_ALREADY,
    BACK_AT_START,
    BLEW_UP,
    EARLIER_RUNS_KEPT,
    EPOCH_CAP,
    GLOSSARY,
    OUT_OF_EPOCHS,
    PRESETS,
    RATE_MAX,
    RATE_MIN,
    RUNNING,
    START,
    WEIGHT_LIMIT,
    GradientDescentLesson,
    bottom_loss,
    weight_text,
)
from neuron_tui.model.datasets import forty_points
from neuron_tui.model.run import CONVERGENCE_TOLERANCE, RunEnd

#: The house rule for animation: at most 20 frames a second.
FRAMES_PER_SECOND = 20


def by_hand(params: tuple[float, float, float], rate: float) -> tuple[float, float, float]:
    """One full-batch gradient step of the mean log loss, written out in NumPy."""
    X, y = forty_points()
    w1, w2, b = params
    p = 1 / (1 + np.exp(-(w1 * X[:, 0] + w2 * X[:, 1] + b)))
    error = p - y
    grads = (np.mean(error * X[:, 0]), np.mean(error * X[:, 1]), np.mean(error))
    return (w1 - rate * grads[0], w2 - rate * grads[1], b - rate * grads[2])


def log_loss(params: tuple[float, float, float]) -> float:
    X, y = forty_points()
    w1, w2, b = params
    p = 1 / (1 + np.exp(-(w1 * X[:, 0] + w2 * X[:, 1] + b)))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_starts_high_on_the_bowl_at_the_good_rate() -> None:
    state = GradientDescentLesson()
    assert state.last.epoch == 0 and state.last.params == START
    assert state.last.loss == pytest.approx(log_loss(START), rel=1e-12)
    assert state.last.loss > 2.0  # high on the side of the bowl
    assert state.learning_rate == PRESETS["d"].rate
    assert state.status == PRESETS["d"].watch
    assert state.path == ((START[0], START[1]),)
    assert not state.converged and not state.diverged


def test_one_epoch_is_one_gradient_step() -> None:
    state = GradientDescentLesson()
    state.step()
    assert state.last.epoch == 1
    assert state.last.params == pytest.approx(by_hand(START, state.learning_rate), rel=1e-12)
    assert state.last.loss == pytest.approx(log_loss(state.last.params), rel=1e-12)
    assert state.neuron.params == state.last.params  # the neuron is where the history says
    assert state.losses == (state.history[0].loss, state.history[1].loss)


def test_a_new_rate_takes_effect_and_the_epochs_keep_counting() -> None:
    state = GradientDescentLesson()
    state.step()
    state.step()
    before = state.last.params
    state.set_learning_rate(0.3)
    assert state.status.startswith("Learning rate η = 0.3")
    state.step()
    assert [step.epoch for step in state.history] == [0, 1, 2, 3]
    assert state.last.params == pytest.approx(by_hand(before, 0.3), rel=1e-12)


def test_watch_message_follows_the_rate() -> None:
    state = GradientDescentLesson(eta="lr")
    for preset in PRESETS.values():
        state.set_learning_rate(preset.rate * (1 + 1e-4))  # a slider's rounding still counts
        assert state.status == preset.watch
    state.set_learning_rate(0.25)
    assert state.status == "Learning rate lr = 0.25: watch the path and the loss curve."


@pytest.mark.parametrize("rate", [0.0, -1.0, math.nan, math.inf, "fast"])
def test_a_rate_that_is_no_rate_is_refused_and_changes_nothing(rate: object) -> None:
    state = GradientDescentLesson()
    with pytest.raises(ValueError, match="learning_rate must be"):
        state.set_learning_rate(rate)  # type: ignore[arg-type]
    assert state.learning_rate == PRESETS["d"].rate
    state.step()
    assert state.last.params == pytest.approx(by_hand(START, PRESETS["d"].rate), rel=1e-12)


def test_good_preset_reaches_the_bottom_and_stops_there() -> None:
    from sklearn.linear_model import LogisticRegression

    state = GradientDescentLesson()
    preset = state.choose_preset("d")
    assert state.status == f"{preset.watch} Press t to run."
    assert state.start_running() and state.status == RUNNING
    while not state.run_frame():
        pass
    assert state.converged and not state.diverged
    losses = state.losses
    assert abs(losses[-2] - losses[-1]) < CONVERGENCE_TOLERANCE  # it stops at the first
    assert all(abs(a - b) >= CONVERGENCE_TOLERANCE  # epoch that settles, not before
               for a, b in zip(losses[:-2], losses[1:-1], strict=True))
    X, y = forty_points()
    optimum = LogisticRegression(C=np.inf, max_iter=10_000, tol=1e-10).fit(X, y)
    best = log_loss((*optimum.coef_[0], optimum.intercept_[0]))
    assert state.last.loss == pytest.approx(best, abs=1e-6)
    assert state.status == (f"At the bottom after {state.last.epoch} epochs: loss "
                            f"{state.last.loss:.3f} cannot go lower. r starts again.")
    epochs = len(state.history)
    state.step()
    assert state.status == AT_BOTTOM_ALREADY and len(state.history) == epochs
    assert not state.start_running() and state.status == AT_BOTTOM_ALREADY
    state.set_learning_rate(2.0)  # a new rate does not climb back up
    state.step()
    assert state.status == AT_BOTTOM_ALREADY and len(state.history) == epochs


def test_frames_take_one_epoch_at_first_then_more_up_to_ten() -> None:
    state = GradientDescentLesson()
    state.choose_preset("s")  # slow: no end within these frames
    state.start_running()
    taken = []
    for _ in range(90):
        before = state.last.epoch
        assert not state.run_frame()
        taken.append(state.last.epoch - before)
    assert taken[:9] == [1] * 9 and taken[9] == 2
    assert taken == sorted(taken) and max(taken) == 10 and taken[-1] == 10


def test_a_pause_keeps_the_place_and_a_new_start_begins_slowly() -> None:
    state = GradientDescentLesson()
    state.start_running()
    for _ in range(30):
        state.run_frame()
    state.pause()
    assert state.status == f"Paused at epoch {state.last.epoch}. t runs on, space steps."
    at = state.last
    assert state.start_running()
    state.run_frame()
    assert state.last.epoch == at.epoch + 1  # one epoch again after a restart
    assert state.last.params == pytest.approx(by_hand(at.params, state.learning_rate),
                                              rel=1e-12)


def test_too_big_leaps_past_the_bottom_and_too_small_crawls() -> None:
    state = GradientDescentLesson()
    state.choose_preset("f")
    state.step()
    # From w1 = -4 right past the bottom (w1 ≈ 1.2) to the far wall.
    assert state.last.w1 > 10.0 and state.last.w2 > 10.0
    state.choose_preset("s")
    for _ in range(10):
        state.step()
    assert state.last.loss > 2.0


def test_a_run_that_blows_up_is_stopped_explained_and_never_kept() -> None:
    state = GradientDescentLesson()
    state.set_learning_rate(1e308)  # beyond the slider: the weights would overflow
    state.step()
    assert state.diverged and not state.converged
    assert state.history == [state.history[0]] and state.last.params == START
    assert state.neuron.params == START
    assert state.status == ("Diverged at epoch 1: η = 1e+308 is far too big. The next step "
                            "would make the weights infinite. Press r, then a smaller rate.")
    assert not state.start_running()
    assert state.status == BLEW_UP
    state.reset()
    assert not state.diverged and state.status == BACK_AT_START
    assert state.learning_rate == 1e308  # reset keeps the rate


def test_divergence_after_some_epochs_keeps_the_finite_ones() -> None:
    state = GradientDescentLesson()
    state.choose_preset("s")  # two small steps: the gradient is still steep there
    state.step()
    state.step()
    kept = list(state.history)
    state.set_learning_rate(1e308)
    state.start_running()
    assert state.run_frame()
    assert state.diverged and state.history == kept
    assert state.status.startswith("Diverged at epoch 3: η = 1e+308 is far too big.")
    assert state.neuron.params == kept[-1].params
    assert all(math.isfinite(v) for step in state.history for v in (*step.params, step.loss))


def test_reset_and_presets_go_back_to_the_start() -> None:
    state = GradientDescentLesson()
    state.set_learning_rate(0.5)
    for _ in range(5):
        state.step()
    state.reset()
    assert state.last.epoch == 0 and state.last.params == START
    assert state.neuron.params == START and state.learning_rate == 0.5
    assert state.status == BACK_AT_START
    for key, preset in PRESETS.items():
        state.step()
        assert state.choose_preset(key) is preset
        assert state.learning_rate == preset.rate and state.last.epoch == 0
    with pytest.raises(KeyError):
        state.choose_preset("x")


def test_a_run_that_uses_its_epochs_stops_says_how_far_and_r_starts_again() -> None:
    state = GradientDescentLesson()
    state.set_learning_rate(0.001)  # far too slow to settle within the cap
    assert state.advance(EPOCH_CAP + 1)
    assert state.last.epoch == EPOCH_CAP and state.end is RunEnd.EXHAUSTED
    gap = state.last.loss - bottom_loss()
    assert state.status == (f"Stopped at epoch {EPOCH_CAP}: loss {state.last.loss:.3f}, still "
                            f"{gap:.3f} above the bottom ({bottom_loss():.3f}). r starts again.")
    state.step()
    assert state.status == OUT_OF_EPOCHS and state.last.epoch == EPOCH_CAP
    assert not state.start_running()
    state.reset()
    state.step()
    assert state.last.epoch == 1


def test_the_cap_counts_from_the_start_across_rate_changes() -> None:
    state = GradientDescentLesson()
    state.set_learning_rate(0.001)
    state.advance(EPOCH_CAP - 10)
    state.set_learning_rate(0.002)  # a new run, but the learner's count goes on
    assert state.advance(100)
    assert state.last.epoch == EPOCH_CAP


# ---------------------------------------------------------- the four presets

def run_preset(key: str) -> tuple[GradientDescentLesson, int]:
    """Preset `key` run on the timer until it ends by itself; the state and its frames."""
    state = GradientDescentLesson()
    state.choose_preset(key)
    assert state.start_running()
    frames = 1
    while not state.run_frame():
        frames += 1
    return state, frames


def valley_crossings(state: GradientDescentLesson) -> int:
    """How often the path crosses the valley: sign changes of its offset from the bottom
    along the bowl's steepest direction (the Hessian's top eigenvector there)."""
    from sklearn.linear_model import LogisticRegression

    X, y = forty_points()
    fit = LogisticRegression(C=np.inf, max_iter=10_000, tol=1e-10).fit(X, y)
    bottom = np.r_[fit.coef_[0], fit.intercept_]
    inputs = np.c_[X, np.ones(len(X))]
    p = 1 / (1 + np.exp(-inputs @ bottom))
    hessian = (inputs * (p * (1 - p))[:, None]).T @ inputs / len(X)
    steepest = np.linalg.eigh(hessian)[1][:, -1]
    across = (np.array([step.params for step in state.history]) - bottom) @ steepest
    return int(np.sum(np.sign(across[1:]) != np.sign(across[:-1])))


def rises(state: GradientDescentLesson, by: float = 1e-3) -> int:
    """How many epochs raised the loss by more than `by`."""
    return int(np.sum(np.diff(state.losses) > by))


@pytest.mark.parametrize("key", list(PRESETS))
def test_no_run_takes_over_ten_seconds(key: str) -> None:
    state, frames = run_preset(key)
    assert state.end is not None
    assert frames / FRAMES_PER_SECOND <= 10.0
    assert state.last.epoch <= EPOCH_CAP


def test_too_small_crawls_and_says_how_far_from_the_bottom() -> None:
    state, frames = run_preset("s")
    assert state.end is RunEnd.EXHAUSTED and state.last.epoch == EPOCH_CAP
    assert frames / FRAMES_PER_SECOND < 5.0  # the point is made in seconds
    losses = state.losses
    assert all(later < earlier for earlier, later in zip(losses, losses[1:], strict=False))
    gap = state.last.loss - bottom_loss()
    assert gap > 0.3  # still far from the bottom
    assert f"still {gap:.3f} above the bottom ({bottom_loss():.3f})" in state.status
    assert valley_crossings(state) == 0


def test_good_settles_without_zig_zag() -> None:
    state, _ = run_preset("d")
    assert state.converged and rises(state) == 0
    assert valley_crossings(state) <= 1  # one crossing into the bottom, none back


def test_too_big_goes_up_and_zig_zags_across_the_valley() -> None:
    state, _ = run_preset("f")
    assert rises(state) >= 1  # the loss goes up at least once (178 times, in fact)
    assert rises(state, by=0.1) >= 10  # and not by a hair: by a tenth and more
    assert valley_crossings(state) >= 50  # back and forth across the valley
    assert not state.converged and not state.diverged  # it never settles, nor blows up
    recent = state.losses[-50:]
    assert state.status == (f"Stopped at epoch {EPOCH_CAP}: the loss still jumps between "
                            f"{min(recent):.2f} and {max(recent):.2f}, never settling at the "
                            f"bottom ({bottom_loss():.3f}). Each step overshoots. "
                            "r starts again.")


def test_diverges_shoots_up_stops_says_why_and_r_recovers() -> None:
    state, frames = run_preset("e")
    start = state.history[0].loss
    assert state.diverged and frames < 20
    assert state.last.loss > 2 * start and all(loss <= 2 * start for loss in state.losses[:-1])
    assert state.status == (f"Diverged at epoch {state.last.epoch}: η = 100 is far too big. "
                            f"The loss shot up to {state.last.loss:.2f}, over twice its start "
                            f"({start:.2f}). Press r, then a smaller rate.")
    # On its way the weights were flung far up the other side, off the nearest map.
    assert max(abs(step.w1) for step in state.history) > 50
    assert not state.start_running() and state.status == BLEW_UP
    state.reset()
    assert state.status == BACK_AT_START and state.start_running()


def test_presets_go_up_the_slider_in_order() -> None:
    rates = [PRESETS[key].rate for key in "sdfe"]
    assert rates == sorted(rates)
    assert all(RATE_MIN <= rate <= RATE_MAX for rate in rates)


@pytest.mark.parametrize(("rate", "end"), [
    (10 ** 1.1, RunEnd.CONVERGED),  # "rates up to about 12 settle"
    (10 ** 1.2, RunEnd.EXHAUSTED), (10 ** 1.8, RunEnd.EXHAUSTED),  # "15 to 60 oscillate"
    (10 ** 1.9, RunEnd.DIVERGED), (RATE_MAX, RunEnd.DIVERGED),  # "from about 80 diverge"
])
def test_the_lesson_texts_ranges_hold_on_the_slider(rate: float, end: RunEnd) -> None:
    state = GradientDescentLesson()
    state.set_learning_rate(rate)
    assert state.advance(EPOCH_CAP + 1)
    assert state.end is end
    if end is RunEnd.EXHAUSTED:
        recent = np.diff(state.losses[-50:])
        assert np.any(recent > CONVERGENCE_TOLERANCE)  # still going up and down


@pytest.mark.parametrize("rate", [1e3, 1e6, 1e308])
@pytest.mark.parametrize("epochs_first", [0, 5, 60, 200])
def test_a_huge_rate_never_reads_as_at_the_bottom(rate: float, epochs_first: int) -> None:
    """The clipped loss stops changing far out on the walls (1.38, 2.07): that is a
    blow-up, not the bottom, wherever the learner turned the rate up."""
    state = GradientDescentLesson()
    for _ in range(epochs_first):
        state.step()
    state.set_learning_rate(rate)
    state.advance(EPOCH_CAP)
    assert state.diverged and not state.converged
    assert "At the bottom" not in state.status and state.status.startswith("Diverged")
    assert all(math.isfinite(v) for step in state.history for v in (*step.params, step.loss))


def test_weights_that_fly_off_are_kept_and_shown() -> None:
    state = GradientDescentLesson()
    state.set_learning_rate(RATE_MAX)
    state.step()
    assert state.diverged and state.last.epoch == 1
    assert max(abs(v) for v in state.last.params) > WEIGHT_LIMIT
    assert state.neuron.params == state.last.params
    assert state.status == (f"Diverged at epoch 1: η = 1000 is far too big. One step threw "
                            f"the weights to ({state.last.w1:.3g}, {state.last.w2:.3g}), far "
                            "off the bowl. Press r, then a smaller rate.")


def test_reset_keeps_earlier_runs_for_the_curve() -> None:
    state = GradientDescentLesson()
    assert state.earlier == [] and state.earlier_label == ""
    state.reset()  # nothing run: nothing kept
    assert state.earlier == []
    for key in "sdf":
        state.choose_preset(key)
        state.step()
        state.step()
    losses = state.losses
    state.choose_preset("e")
    assert [run.rate for run in state.earlier] == [0.01, 1.0, 30.0]
    assert state.earlier[-1].losses == losses
    assert state.earlier_label == "faint: η 0.01, 1, 30"
    state.step()
    state.reset()
    assert len(state.earlier) == EARLIER_RUNS_KEPT
    assert [run.rate for run in state.earlier] == [1.0, 30.0, 100.0]


def test_glossary_names_the_three_words() -> None:
    assert [word for word, _ in GLOSSARY] == ["Learning rate (η)", "Epoch", "Local minimum"]
    assert "diverges" in GLOSSARY[0][1]


@pytest.mark.parametrize(("value", "text"), [
    (-4.0, "-4.00"), (1.2049, " 1.20"), (907.3, "  907"), (-2.19e307, "-2e+307"),
])
def test_weights_read_in_a_few_characters(value: float, text: str) -> None:
    assert weight_text(value) == text
