"""The class store opened on either database, for the class server's tests: SQLite in the
test's state folder, or one fresh database of the throwaway PostgreSQL cluster."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from neuron_tui.serve.store import STORE_VARIABLE, ClassStore, open_store

__all__ = ["Opener", "no_store_variable", "reopen"]

#: Opens the test's class store again: a restart, or another node on the same database.
Opener = Callable[[], ClassStore]


@pytest.fixture(autouse=True)
def no_store_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here says which store it opens: a $NEURON_TUI_STORE of the caller's is
    ignored (a test may still set it)."""
    monkeypatch.delenv(STORE_VARIABLE, raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def reopen(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens the class store of the state folder `tmp_path`: its SQLite file, or one fresh
    PostgreSQL database (every call opens the same one, as a restart or another node)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    opened: list[ClassStore] = []

    def opener() -> ClassStore:
        opened.append(open_store(tmp_path, url))
        return opened[-1]

    yield opener
    for each in opened:
        with contextlib.suppress(Exception):  # most are closed by the test already
            each.close()
