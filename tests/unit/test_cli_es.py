"""Every command line's --help and messages in Spanish: from the locale, or from --lang.

The help texts are translated as the parser is built, so the language is read from
the command line (`--lang`) or the locale before that. argparse's own words
("usage:", "options:") come from Python's catalog and stay English.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from neuron_tui.__main__ import build_parser, main
from neuron_tui.argparsing import early_language
from neuron_tui.serve.results import ANSWER_COLUMNS, SUMMARY_COLUMNS
from tests.languages import content_in, in_language
from tests.unit.test_class_view import stored_class

SPANISH = {"LANG": "es_ES.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
ENGLISH = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "neuron_tui", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, **env},
    )


def parsers(parser: argparse.ArgumentParser, path: str = "neuron-tui"
            ) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """`parser` and every subcommand's parser under it, each with its command words."""
    yield path, parser
    for action in parser._actions:  # noqa: SLF001 (argparse offers no public walk)
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for name, choice in action.choices.items():
                yield from parsers(choice, f"{path} {name}")


def texts(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(where, text) of every description, epilog, group title and option help we wrote."""
    found = []
    for path, each in parsers(parser):
        for name in ("description", "epilog"):
            if getattr(each, name):
                found.append((f"{path} {name}", getattr(each, name)))
        for action in each._actions:  # noqa: SLF001
            own = not isinstance(action, argparse._HelpAction | argparse._VersionAction)  # noqa: SLF001
            if own and action.help and action.help != argparse.SUPPRESS:
                found.append((f"{path} {action.dest}", action.help))
            for choice in getattr(action, "_choices_actions", []):  # the subcommands' lines
                found.append((f"{path} {choice.dest}", choice.help))
        for group in each._action_groups[2:]:  # noqa: SLF001 (0, 1: argparse's own titles)
            found.append((f"{path} group", group.title or ""))
    return found


def test_every_help_text_we_wrote_is_translated() -> None:
    """Each description, epilog and option help differs in Spanish (none left in English)."""
    english = texts(build_parser())
    with in_language("es"):
        spanish = texts(build_parser())
    assert [where for where, _text in english] == [where for where, _text in spanish]
    untranslated = [where for (where, text), (_where, translated) in zip(english, spanish,
                                                                         strict=True)
                    if text == translated]
    assert untranslated == []
    assert len(english) >= 50  # the walk found them all: the lesson, check-content, serve, class


@pytest.mark.parametrize(
    ("args", "spanish", "english"),
    [
        (["--help"], "Una lección en la terminal", "A terminal lesson"),
        (["class", "--help"], "Abre la vista de la clase", "Open the class view"),
        (["class", "export", "--help"], "Los nombres de las columnas están en inglés",
         "The column names are in English"),
        (["serve", "ssh", "--help"], "Arranca un servidor SSH para el aula",
         "Start a classroom SSH server"),
        (["serve", "web", "--help"], "el idioma del docente", "the teacher's language"),
    ],
)
def test_help_follows_the_locale(args: list[str], spanish: str, english: str) -> None:
    result = run(*args, env=SPANISH)
    shown = " ".join(result.stdout.split())  # argparse wraps lines where it likes
    assert result.returncode == 0 and spanish in shown and english not in shown
    result = run(*args, env=ENGLISH)
    shown = " ".join(result.stdout.split())
    assert result.returncode == 0 and english in shown and spanish not in shown


@pytest.mark.parametrize("args", [["--lang", "es", "class", "--help"],
                                  ["class", "--lang=es", "--help"],
                                  ["serve", "ssh", "--lang", "es", "--help"]])
def test_lang_beats_the_locale_for_help(args: list[str]) -> None:
    result = run(*args, env=ENGLISH)
    assert result.returncode == 0 and "docente" in result.stdout


def test_errors_and_messages_in_the_teachers_language(tmp_path: Path) -> None:
    result = run("serve", "ssh", "--port", "x", env=SPANISH)
    assert result.returncode == 2
    assert result.stderr == ("neuron-tui serve ssh: error: argument --port: 'x' no es un "
                             "número entero (mira neuron-tui serve ssh --help)\n")
    result = run("class", "export", "--state-dir", str(tmp_path), "--csv", "x.csv",
                 env=ENGLISH | {"LANG": "en_US.UTF-8"})
    assert result.stderr == f"neuron-tui: no class data in {tmp_path}: give the server's " \
                            "--state-dir\n"
    result = run("class", "--lang", "es", "export", "--state-dir", str(tmp_path),
                 "--csv", "x.csv", env=ENGLISH)
    assert result.returncode == 2
    assert result.stderr == (f"neuron-tui: no hay datos de ninguna clase en {tmp_path}: "
                             "indica el --state-dir del servidor\n")


def test_an_unknown_language_is_refused_in_the_locales_language() -> None:
    result = run("class", "--lang", "fr", env=SPANISH)
    assert result.returncode == 2 and result.stdout == ""
    assert "invalid choice: 'fr'" in result.stderr and "(mira neuron-tui class --help)" in (
        result.stderr)


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        ([], None),
        (["--lang", "es"], "es"),
        (["class", "--lang=es", "export"], "es"),
        (["--lang", "fr"], None),  # not shipped: the parser says so, in the locale's words
        (["--lang"], None),  # no value: the parser says so
        (["--", "--lang", "es"], None),  # after --, it is not an option
        (["serve", "ssh", "--lang", "en"], "en"),
    ],
)
def test_early_language(argv: list[str], code: str | None) -> None:
    assert early_language(argv) == code


def test_export_in_spanish_keeps_english_column_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Column names and values other programs read stay English; the option texts and
    the messages are the teacher's."""
    stored_class(tmp_path / "class")
    out = tmp_path / "results.csv"
    with in_language("es"):  # English again afterwards: main sets the process's language
        assert main(["class", "--lang", "es", "export", "--state-dir", str(tmp_path / "class"),
                     "--csv", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(ANSWER_COLUMNS)
    spanish_option = content_in("es").quiz[0].options[1].text
    assert spanish_option != content_in("en").quiz[0].options[1].text
    assert rows[1][:4] == ["Ada", "1", "2", "b"] and rows[1][4] == spanish_option
    assert rows[1][5] in ("yes", "no")
    summary = out.with_name("results-summary.csv")
    assert next(csv.reader(io.StringIO(summary.read_text("utf-8-sig")))) == list(SUMMARY_COLUMNS)
    assert capsys.readouterr().out == f"guardados {out} y {summary}\n"
