"""Whether a translation of the lesson is complete: its content and its strings.

A translation is two halves: ``content/<lang>/`` (the pages and the quiz) and the
language's gettext catalog (``neuron_tui/locale/<lang>/LC_MESSAGES/*.po``). It is
complete when a learner following it meets the same lesson as in English: every
page, with the same sections (the completion screen finds its sections by place),
every quiz question with the same number of options and the same right one, and
every string of the code translated. Each gap is reported as ``file:line: what``,
for ``neuron-tui check-content``.
"""

from __future__ import annotations

import re
from pathlib import Path

from neuron_tui.i18n import LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE
from neuron_tui.lesson.content import (
    QUIZ_FILE,
    Content,
    ContentError,
    load_content,
    question_line,
)
from neuron_tui.lesson.registry import LESSON, Lesson

#: The template of every string the code marks for translation (``tools/i18n.py extract``).
TEMPLATE = LOCALE_DIR / "neuron_tui.pot"

_SECTION = re.compile(r"^##\s", re.MULTILINE)


def translation_folder(folder: Path) -> str | None:
    """The language ``folder`` translates, when it is ``<content>/<lang>/``; else None."""
    code = folder.name
    if code in LANGUAGES and code != SOURCE_LANGUAGE and (folder.parent / QUIZ_FILE).is_file():
        return code
    return None


def translations_in(root: Path) -> list[str]:
    """The shipped languages that have a folder in the content folder ``root``."""
    return [code for code in LANGUAGES if code != SOURCE_LANGUAGE and (root / code).is_dir()]


def content_gaps(source: Content, folder: Path, lesson: Lesson = LESSON) -> list[str]:
    """What the translation in ``folder`` lacks against ``source`` (the English)."""
    if not folder.is_dir():
        return [f"{folder}: missing (the translation's pages and quiz go there)"]
    try:
        translated = load_content(folder, lesson)
    except ContentError as error:
        return error.problems
    problems: list[str] = []
    for spec in lesson.pages:
        problems += _section_gaps(source, translated, spec.content_file, spec.key)
    problems += _quiz_gaps(source, translated)
    return problems


def _section_gaps(source: Content, translated: Content, name: str, key: str) -> list[str]:
    """A page whose number of ``##`` sections differs from the English one's."""
    english = len(_SECTION.findall(source.page(key).markdown))
    path = translated.folder / name
    text = path.read_text(encoding="utf-8")
    found = _SECTION.findall(text)
    if len(found) == english:
        return []
    starts = [match.start() for match in _SECTION.finditer(text)]
    # Where the sections stop matching: after the last one both pages have.
    line = text.count("\n", 0, starts[min(len(starts), english) - 1]) + 1 if starts else 1
    return [
        f"{path}:{line}: {len(found)} sections (## headings) where "
        f"{source.folder / name} has {english}: the pages must match one for one"
    ]


def _quiz_gaps(source: Content, translated: Content) -> list[str]:
    """Questions missing, or with other options or another right answer."""
    path = translated.folder / QUIZ_FILE
    problems = []
    for number, question in enumerate(source.quiz, start=1):
        if number > len(translated.quiz):
            problems.append(f"{path}:1: question {number} is missing "
                            f"({source.folder / QUIZ_FILE} has {len(source.quiz)})")
            continue
        other = translated.quiz[number - 1]
        where = f"{path}:{question_line(path, number)}"
        if len(other.options) != len(question.options):
            problems.append(f"{where}: question {number} has {len(other.options)} options, "
                            f"the English one {len(question.options)}")
        elif other.correct_index != question.correct_index:
            problems.append(
                f"{where}: question {number}'s right answer is option "
                f"{'abcd'[other.correct_index]}, in English it is {'abcd'[question.correct_index]}"
            )
    if len(translated.quiz) > len(source.quiz):
        problems.append(f"{path}:{question_line(path, len(source.quiz) + 1)}: "
                        f"{len(translated.quiz) - len(source.quiz)} questions more than English")
    return problems


def catalog_gaps(code: str) -> list[str] | None:
    """Every string of the code that language ``code`` leaves untranslated.

    None when this cannot be checked: reading the catalogs needs Babel, which only a
    developer's install has (``pip install -e '.[test]'``).
    """
    try:
        from neuron_tui.catalogs import missing_translations
    except ImportError:
        return None
    if not TEMPLATE.is_file():
        return [f"{TEMPLATE}: missing (python tools/i18n.py extract writes it)"]
    return missing_translations(TEMPLATE, LOCALE_DIR, code)
