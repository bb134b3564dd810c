"""What the fork server imports before it forks any lesson: every page a lesson may need."""

from __future__ import annotations

import importlib
import pkgutil
import sys

__all__ = ["preload"]

#: Packages whose every module a lesson may need, imported before any fork.
_PAGES = ("neuron_tui.lesson", "neuron_tui.model", "neuron_tui.figures", "neuron_tui.widgets",
          "neuron_tui.screens")  # fmt: skip
#: Imported by the lesson only when run, named here so no learner pays for them.
_LATE = ("neuron_tui.__main__", "neuron_tui.app", "neuron_tui.fair_driver",
         "textual.drivers.linux_driver", "textual._xterm_parser", "textual.widgets",
         "textual_plotext", "plotext", "numpy", "asyncio", "runpy", "neuron_tui.web_lesson",
         "textual.drivers.web_driver")  # fmt: skip


def preload() -> list[str]:
    """Import what every lesson imports; returns the modules that could not be imported."""
    failed: list[str] = []
    names = list(_LATE)
    for package in _PAGES:
        module = importlib.import_module(package)
        names += [info.name for info in pkgutil.walk_packages(module.__path__, package + ".")]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # a module a lesson never reaches must not stop the server
            failed.append(name)
    if "sklearn" in sys.modules:  # a page imports it eagerly: every lesson would carry it
        print("neuron-tui zygote: warning: scikit-learn was preloaded", file=sys.stderr)
    return failed
