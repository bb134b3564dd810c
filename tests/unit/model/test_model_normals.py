"""SeededNormals gives exactly numpy.random.default_rng's draws, without importing it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from neuron_tui.model import datasets
from neuron_tui.model.normals import SEED0_STANDARD_NORMALS, SeededNormals


def test_the_cache_is_default_rng_zero() -> None:
    expected = np.random.default_rng(0).standard_normal(len(SEED0_STANDARD_NORMALS))
    assert np.array_equal(np.array(SEED0_STANDARD_NORMALS), expected)


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_draws_match_the_generator_across_the_cache_end(seed: int) -> None:
    mine, theirs = SeededNormals(seed), np.random.default_rng(seed)
    calls = [((-0.8, -0.6), 0.8, None)] * 100 + [(0.0, 0.5, (2, 70)), (1.0, 2.0, None),
                                                  (0.0, 1.0, 5)]
    for loc, scale, size in calls:
        a, b = mine.normal(loc, scale, size), theirs.normal(loc, scale, size)
        assert np.array_equal(a, b)
        assert type(a) is type(b)


def test_forty_points_are_the_generators_points() -> None:
    """The old definition, straight from default_rng, gives the same 40 points."""
    rng = np.random.default_rng(0)

    def blob(centre: tuple[float, float], count: int) -> np.ndarray:
        points = []
        while len(points) < count:
            point = rng.normal(centre, datasets._SPREAD)
            if np.all(np.abs(point) <= datasets._BOX):
                points.append(point)
        return np.array(points)

    a, b = datasets._CENTRE_A, datasets._CENTRE_B
    expected = np.vstack([blob(a, 19), blob(b, 1), blob(b, 19), blob(a, 1)])
    X, _ = datasets.forty_points(0)
    assert np.array_equal(X, expected)


def test_the_lessons_data_never_import_numpy_random() -> None:
    probe = (
        "import sys\n"
        "from neuron_tui.model.datasets import forty_points\n"
        "from neuron_tui.model.mlp import MLP\n"
        "forty_points()\n"
        "[MLP(hidden_units=h) for h in range(1, 9)]\n"
        "print('numpy.random' in sys.modules, 'secrets' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]
