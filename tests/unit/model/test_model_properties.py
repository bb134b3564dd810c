"""Property tests: the neuron stays finite for any weights in ±1e6 on 40-point-like data."""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from neuron_tui.model import Neuron, decision_line_segment
from neuron_tui.model.losses import MAX_SAMPLE_LOSS, MIN_SAMPLE_LOSS

weights = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
coordinates = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)


@st.composite
def datasets(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """1 to 60 points in [-3, 3]² with 0/1 labels."""
    n = draw(st.integers(min_value=1, max_value=60))
    X = draw(arrays(np.float64, (n, 2), elements=coordinates))
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, 1)))
    return X, y


@settings(max_examples=150, deadline=None)
@given(w1=weights, w2=weights, b=weights, data=datasets())
def test_neuron_outputs_are_finite(w1: float, w2: float, b: float, data) -> None:
    X, y = data
    neuron = Neuron(w1, w2, b)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = neuron.loss(X, y)
        grads = neuron.gradients(X, y)
        proba = neuron.predict_proba(X)
        accuracy = neuron.accuracy(X, y)
    assert math.isfinite(loss) and MIN_SAMPLE_LOSS <= loss + 1e-15 <= MAX_SAMPLE_LOSS + 1e-12
    assert all(math.isfinite(g) for g in grads)
    assert all(abs(g) <= 3.0 + 1e-12 for g in grads[:2]) and abs(grads[2]) <= 1.0
    assert np.all(np.isfinite(proba)) and np.all((proba >= 0) & (proba <= 1))
    assert 0.0 <= accuracy <= 1.0


@settings(max_examples=150, deadline=None)
@given(w1=weights, w2=weights, b=weights)
def test_decision_segment_is_on_the_border(w1: float, w2: float, b: float) -> None:
    segment = decision_line_segment(w1, w2, b, (-3.0, 3.0), (-3.0, 3.0))
    if segment is None:
        return
    for x, y in segment:
        assert -3.0 <= x <= 3.0 and -3.0 <= y <= 3.0
        assert math.isclose(abs(x), 3.0) or math.isclose(abs(y), 3.0)
