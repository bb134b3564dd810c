"""Part 05's experiment: the single neuron against scikit-learn's MLP on the two moons."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_tui.lesson.proof_training import (
    HIDDEN_UNIT_STEPS,
    MoonsResult,
    MoonsSettings,
    make_data,
    next_hidden_units,
    run,
    train_both,
    two_moons,
)
from neuron_tui.model import Neuron
from neuron_tui.model.moons import TrainingProgress

#: Small and quick: what the UI tests use too.
FAST = MoonsSettings(n_samples=60, neuron_epochs=60, mlp_epochs=20, report_every=5)


@pytest.fixture(scope="module")
def default_result() -> MoonsResult:
    return run(MoonsSettings())


def test_defaults_neuron_near_85_and_mlp_at_95_or_more(default_result: MoonsResult) -> None:
    neuron, mlp = default_result.neuron, default_result.mlp
    for score in (neuron.train_accuracy, neuron.test_accuracy):
        assert 0.80 <= score <= 0.90
    for score in (mlp.train_accuracy, mlp.test_accuracy):
        assert score >= 0.95
    assert mlp.loss < neuron.loss


def test_default_numbers_are_reproducible(default_result: MoonsResult) -> None:
    again = run(MoonsSettings())
    assert again.neuron.test_accuracy == default_result.neuron.test_accuracy
    assert again.mlp.train_accuracy == default_result.mlp.train_accuracy
    assert again.mlp.loss == pytest.approx(default_result.mlp.loss)


def test_neuron_reaches_logistic_regression_minimum(default_result: MoonsResult) -> None:
    """The lesson's neuron on the moons is logistic regression: same loss as sklearn's C=inf."""
    from sklearn.linear_model import LogisticRegression

    data = default_result.data
    model = LogisticRegression(C=np.inf, max_iter=10000, tol=1e-12).fit(data.X_train,
                                                                        data.y_train)
    optimum = Neuron(*model.coef_[0], model.intercept_[0]).loss(data.X_train, data.y_train)
    assert default_result.neuron.loss == pytest.approx(optimum, abs=1e-6)
    assert default_result.neuron.test_accuracy == pytest.approx(model.score(data.X_test,
                                                                            data.y_test))


def test_two_moons_are_seeded_and_balanced() -> None:
    X, y = two_moons()
    assert X.shape == (200, 2) and y.shape == (200,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [100, 100]
    X2, y2 = two_moons(seed=0)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.allclose(X, two_moons(seed=1)[0])
    assert two_moons(n_samples=50, noise=0.0)[0].shape == (50, 2)


def test_data_is_split_into_disjoint_train_and_test() -> None:
    settings = MoonsSettings()
    data = make_data(settings)
    assert len(data.train) == 150 and len(data.test) == 50 == settings.test_count
    assert not set(data.train.tolist()) & set(data.test.tolist())
    (x_low, x_high), (y_low, y_high) = data.limits()
    assert x_low < data.X[:, 0].min() and data.X[:, 0].max() < x_high
    assert y_low < data.X[:, 1].min() and data.X[:, 1].max() < y_high


def test_training_reports_progress_then_the_result() -> None:
    updates = list(train_both(FAST))
    progress = [u for u in updates if isinstance(u, TrainingProgress)]
    assert isinstance(updates[-1], MoonsResult)
    assert len(progress) == len(updates) - 1
    assert [u.model for u in progress] == ["neuron"] * 3 + ["mlp"] * 4
    assert [u.iteration for u in progress] == [25, 50, 60, 5, 10, 15, 20]
    assert progress[-1].iteration == progress[-1].total == 20
    assert all(np.isfinite(u.loss) for u in progress)


def test_stopping_early_is_cancelling() -> None:
    updates = train_both(MoonsSettings(n_samples=60, mlp_epochs=10_000, report_every=1))
    seen = [next(updates) for _ in range(5)]
    updates.close()  # nothing left running
    assert all(isinstance(u, TrainingProgress) for u in seen)


def test_one_hidden_unit_is_no_better_than_the_neuron() -> None:
    result = run(MoonsSettings(hidden_units=1))
    assert result.mlp.test_accuracy <= result.neuron.test_accuracy + 0.05


def test_probabilities_and_wrong_points() -> None:
    result = run(FAST)
    data = result.data
    for fit in (result.neuron, result.mlp):
        p = fit.proba(data.X)
        assert p.shape == (60,) and np.all((p >= 0) & (p <= 1))
        wrong = fit.wrong(data.X_test, data.y_test)
        assert fit.test_accuracy == pytest.approx(1 - wrong.mean())


def test_settings_are_clamped() -> None:
    settings = MoonsSettings()
    assert settings.with_noise(0.0).noise == 0.05
    assert settings.with_noise(1.0).noise == 0.4
    assert settings.with_noise(0.25 + 1e-9).noise == 0.25
    assert settings.with_hidden_units(0).hidden_units == 1
    assert settings.with_hidden_units(500).hidden_units == 64


def test_hidden_unit_steps() -> None:
    assert next_hidden_units(16, 1) == 24
    assert next_hidden_units(16, -1) == 12
    assert next_hidden_units(64, 1) == 64
    assert next_hidden_units(1, -1) == 1
    assert HIDDEN_UNIT_STEPS[0] == 1 and HIDDEN_UNIT_STEPS[-1] == 64
