"""The model must not pull in the UI (or scikit-learn) when imported."""

from __future__ import annotations

import json
import subprocess
import sys

EXPECTED_SUBMODULES = {
    "activations",
    "datasets",
    "geometry",
    "losses",
    "mlp",
    "neuron",
    "training",
    "validation",
}
FORBIDDEN = {"textual", "rich", "plotext", "textual_plotext", "sklearn"}

# Imports every module of the package found on disk (so new ones are covered too),
# uses the model a little, then reports the submodules and the top-level packages loaded.
CHILD = """
import importlib, json, pkgutil, sys
import neuron_tui.model as pkg
names = [m.name for m in pkgutil.iter_modules(pkg.__path__)]
for name in names:
    importlib.import_module("neuron_tui.model." + name)
from neuron_tui.model import Neuron, forty_points
X, y = forty_points()
Neuron(1.0, 1.0, 0.0).loss(X, y)
print(json.dumps({"names": names, "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_model_imports_no_ui_and_no_sklearn() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, timeout=60
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert EXPECTED_SUBMODULES <= set(report["names"])
    loaded = set(report["loaded"])
    assert "numpy" in loaded
    assert not loaded & FORBIDDEN, loaded & FORBIDDEN
