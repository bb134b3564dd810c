"""The one state folder: $NEURON_TUI_STATE_DIR when set, else the user's state folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from platformdirs import user_state_path

from neuron_tui.lesson.progress import default_progress_path
from neuron_tui.paths import STATE_DIR_VARIABLE, default_state_dir


def test_the_variable_names_the_state_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(STATE_DIR_VARIABLE, str(tmp_path / "class"))
    assert default_state_dir() == tmp_path / "class"
    assert default_progress_path() == tmp_path / "class" / "progress.json"


def test_a_home_relative_folder_is_expanded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(STATE_DIR_VARIABLE, "~/neuron")
    assert default_state_dir() == tmp_path / "neuron"


@pytest.mark.parametrize("value", [None, ""])
def test_without_the_variable_it_is_the_users_state_folder(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(STATE_DIR_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(STATE_DIR_VARIABLE, value)
    assert default_state_dir() == user_state_path("neuron-tui")
