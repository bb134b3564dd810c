"""Which language the lesson starts in, which content goes with it, and the learner's
choice kept with the progress (in the file and through a class server's merge)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from neuron_tui.i18n import SOURCE_LANGUAGE, _, in_every_language, language, set_language
from neuron_tui.lesson.content import content_folder, content_in, default_content_dir, load_content
from neuron_tui.lesson.part06 import without_verdict
from neuron_tui.lesson.progress import Progress, ProgressStore, merge


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    set_language(SOURCE_LANGUAGE)


# -- content per language ---------------------------------------------------------------

def test_each_language_reads_its_own_content_folder() -> None:
    root = default_content_dir()
    assert content_folder(None, "en") == root
    assert content_folder(None, "es") == root / "es"
    assert load_content(content_folder(None, "es")).page("part01").title == "El átomo"


def test_a_content_folder_without_the_language_falls_back_to_english(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    shutil.copytree(default_content_dir(), mine, ignore=shutil.ignore_patterns("es"))
    assert content_folder(mine, "es") == mine
    (mine / "es").mkdir()  # a folder without a quiz is no translation
    assert content_folder(mine, "es") == mine


def test_content_in_switches_between_a_folder_and_its_translation() -> None:
    english = load_content()
    spanish = content_in(english, "es")
    assert spanish.folder == default_content_dir() / "es"
    assert content_in(spanish, "en").folder == default_content_dir()


# -- the progress keeps the choice --------------------------------------------------------

def test_the_progress_file_keeps_the_language(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.json")
    progress = Progress()
    store.save(progress)
    assert "lang" not in json.loads(store.path.read_text())  # no choice, no field
    progress.lang = "es"
    store.save(progress)
    assert json.loads(store.path.read_text())["lang"] == "es"
    assert store.load().progress.lang == "es"


@pytest.mark.parametrize("value", ["ES", "español", 3, None, "", "e"])
def test_a_malformed_language_is_dropped(value: object) -> None:
    assert Progress.from_dict({"lang": value}).lang is None


def test_a_language_this_version_does_not_ship_survives_a_round_trip() -> None:
    assert Progress.from_dict({"lang": "fr"}).to_dict()["lang"] == "fr"


def test_merge_keeps_the_callers_choice_else_the_other() -> None:
    assert merge(Progress(lang="es"), Progress(lang="en")).lang == "es"
    assert merge(Progress(), Progress(lang="es")).lang == "es"
    assert merge(Progress(lang="en"), Progress()).lang == "en"


def test_a_class_store_keeps_the_language_it_is_sent(tmp_path: Path) -> None:
    from neuron_tui.serve.store_sqlite import SqliteClassStore

    store = SqliteClassStore(tmp_path)
    try:
        store.save_progress("k1", "ana", Progress(lang="es").to_dict(), "opening", 1.0)
        store.save_progress("k1", "ana", Progress(visited={"part01"}).to_dict(), "part01", 2.0)
        assert store.learner("k1").progress.lang == "es"
    finally:
        store.close()


# -- the quoted right answer ----------------------------------------------------------------

def test_the_verdict_is_dropped_in_every_language_whichever_is_in_use() -> None:
    assert in_every_language("Right") == ["Right", "Correcto"]
    for code in ("en", "es"):
        set_language(code)
        assert without_verdict("Correcto. Los pesos.") == "Los pesos."
        assert without_verdict("¡Correcto! Sí.") == "Sí."
        assert without_verdict("Right. The weights.") == "The weights."
        assert without_verdict("Es correcto. Sí.") == "Es correcto. Sí."


# -- the command line -----------------------------------------------------------------------

def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items()
             if key not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([sys.executable, "-m", "neuron_tui", *args], capture_output=True,
                          text=True, timeout=60, env={**clean, **env})


def test_an_unknown_lang_is_the_parsers_one_line_error() -> None:
    result = run("--lang", "fr")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--lang" in lines[0] and "'es'" in lines[0]


def test_set_language_before_drawing_is_what_a_string_shows() -> None:
    set_language("es")
    assert language() == "es" and _("Language: {name}") == "Idioma: {name}"
