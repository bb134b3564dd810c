"""Fixtures shared by every test: a clean, deterministic environment and app factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from neuron_tui.app import NeuronApp
from neuron_tui.content import load_content

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
