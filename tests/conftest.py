"""Fixtures shared by every test: a clean, deterministic environment and app factory."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.content import load_content
from neuron_tui.lesson.progress import ProgressStore
from neuron_tui.paths import STATE_DIR_VARIABLE

#: Environment variables that change how the app looks or behaves.
APPEARANCE_VARIABLES = (
    "TEXTUAL_THEME",
    "TEXTUAL_COLOR_SYSTEM",
    "TEXTUAL_ANIMATIONS",
    "NO_COLOR",
    "COLORTERM",
    "NEURON_TUI_LOW_BANDWIDTH",
    "NEURON_TUI_ASCII",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Clear anything in the environment that would change what a screen shows."""
    for name in APPEARANCE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture(autouse=True)
def nothing_left_frozen() -> Iterator[None]:
    """A lesson freezes its pages out of the collector's passes and, as the process
    ends with it, never unfreezes them: here the process goes on, test after test."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private state folder: no test ever reads or writes the real progress file."""
    folder = tmp_path / "state"
    monkeypatch.setenv(STATE_DIR_VARIABLE, str(folder))
    return folder


@pytest.fixture
def progress_path(state_dir: Path) -> Path:
    """The progress file inside the test's private state folder."""
    return state_dir / "progress.json"


@pytest.fixture
def make_stored_app(content, progress_path: Path) -> Callable[..., NeuronApp]:  # type: ignore[no-untyped-def]
    """Build a NeuronApp that saves its progress to `progress_path` (as the CLI does)."""

    def factory(start_page: str = "opening", path: Path | None = None) -> NeuronApp:
        return NeuronApp(content, start_page=start_page, store=ProgressStore(path or progress_path))

    return factory


@pytest.fixture(scope="session")
def content():  # type: ignore[no-untyped-def]
    """The lesson's shipped content, loaded once."""
    return load_content()


@pytest.fixture
def make_app(content) -> Callable[..., NeuronApp]:  # type: ignore[no-untyped-def]
    """Build a NeuronApp at a given start page."""

    def factory(start_page: str = "opening") -> NeuronApp:
        return NeuronApp(content, start_page=start_page)

    return factory
