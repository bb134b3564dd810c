"""`neuron-tui check-content` on a translation: every page, the same sections, the same
quiz answers, every string of the code; each gap a `file:line: what` line."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

import neuron_tui.lesson.translation as translation
from neuron_tui.__main__ import main
from neuron_tui.lesson.content import default_content_dir, load_content
from neuron_tui.lesson.translation import content_gaps, translation_folder, translations_in

HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content, Spanish included."""
    folder = tmp_path / "content"
    shutil.copytree(default_content_dir(), folder)
    return folder


@pytest.fixture
def catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small fake catalog instead of the package's: two strings, Spanish has both."""
    locale = tmp_path / "locale"
    (locale / "es" / "LC_MESSAGES").mkdir(parents=True)
    (locale / "neuron_tui.pot").write_text(HEADER + textwrap.dedent("""\
        #: neuron_tui/a.py:3
        msgid "Train"
        msgstr ""

        #: neuron_tui/a.py:7
        msgid "Reset"
        msgstr ""
        """), encoding="utf-8")
    (locale / "es" / "LC_MESSAGES" / "a.po").write_text(
        HEADER + 'msgid "Train"\nmsgstr "Entrena"\n\nmsgid "Reset"\nmsgstr "Reinicia"\n',
        encoding="utf-8")
    monkeypatch.setattr(translation, "LOCALE_DIR", locale)
    monkeypatch.setattr(translation, "TEMPLATE", locale / "neuron_tui.pot")
    return locale


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_copy_of_the_spanish_content_matches_the_english(content: Path) -> None:
    assert translations_in(content) == ["es"]
    assert translation_folder(content / "es") == "es"
    assert translation_folder(content) is None
    assert content_gaps(load_content(content), content / "es") == []


def test_a_missing_page_is_named(content: Path) -> None:
    (content / "es" / "part04.md").unlink()
    assert content_gaps(load_content(content), content / "es") == [
        f"{content / 'es' / 'part04.md'}: missing (every part needs its page)"]


def test_a_page_with_fewer_sections_is_named_where_they_stop_matching(content: Path) -> None:
    page = content / "es" / "completion.md"
    replace_in(page, "## A continuación", "### A continuación")
    text = page.read_text(encoding="utf-8")
    third = text[:text.index("### A continuación")].count("\n") + 1
    line = text[:text.index("## Módulo 07")].count("\n") + 1
    assert third < line
    assert content_gaps(load_content(content), content / "es") == [
        f"{page}:{line}: 3 sections (## headings) where {content / 'completion.md'} has 4: "
        "the pages must match one for one"]


def test_another_right_answer_is_named_at_its_question(content: Path) -> None:
    quiz = content / "es" / "quiz.toml"
    replace_in(quiz, "correct = false", "correct = true")  # question 1: a becomes right...
    text = quiz.read_text(encoding="utf-8")
    second_true = text.index("correct = true", text.index("correct = true") + 1)
    quiz.write_text(text[:second_true] + "correct = false" + text[second_true + 14:],
                    encoding="utf-8")  # ...and b, the English answer, wrong
    line = text[:text.index("[[questions]]")].count("\n") + 1
    assert content_gaps(load_content(content), content / "es") == [
        f"{quiz}:{line}: question 1's right answer is option a, in English it is b"]


def test_check_content_prints_the_gaps_and_fails(content: Path, catalogs: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (content / "es" / "part02.md").unlink()
    replace_in(catalogs / "es" / "LC_MESSAGES" / "a.po", 'msgstr "Reinicia"', 'msgstr ""')
    assert main(["check-content", str(content)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[1:] == [
        f"  {content / 'es' / 'part02.md'}: missing (every part needs its page)",
        f'  {catalogs / "neuron_tui.pot"}:9: no es translation of "Reset" '
        "(used at neuron_tui/a.py:7)",
    ]


def test_check_content_of_a_complete_translation(content: Path, catalogs: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-content", str(content)]) == 0
    assert "translations: es" in capsys.readouterr().out
    # The translation folder itself, or one language of a folder, is checked the same way.
    assert main(["check-content", str(content / "es")]) == 0
    assert main(["--lang", "es", "check-content", str(content)]) == 0


def test_a_translation_asked_for_but_absent_is_an_error(content: Path, catalogs: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(content / "es")
    assert main(["--lang", "es", "check-content", str(content)]) == 1
    assert f"{content / 'es'}: missing" in capsys.readouterr().err


def test_without_babel_the_strings_are_not_checked_and_it_says_so(
        content: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "neuron_tui.catalogs", None)  # import fails: no Babel
    assert translation.catalog_gaps("es") is None
    assert main(["check-content", str(content)]) == 0
    assert "the strings of es were not checked: that needs Babel" in capsys.readouterr().out
