"""The Spanish content (content/es) mirrors the English source, page for page.

A translation may reword anything, but a learner following it must meet the same
lesson: the same pages with the same sections and lists, the same keys to press,
the same quiz (same options in the same order, the same right answer), and numbers
written the Spanish way (decimal comma).
"""

from __future__ import annotations

import re

import pytest

from neuron_tui.lesson.content import Content, default_content_dir, load_content
from neuron_tui.lesson.part06 import without_verdict

LANGUAGE = "es"


@pytest.fixture(scope="module")
def english() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def spanish() -> Content:
    return load_content(default_content_dir() / LANGUAGE)


def _shape(markdown: str) -> list[str]:
    """The page's skeleton: "##" for each section heading, "-"/"1." for each list item."""
    marks = []
    for line in markdown.splitlines():
        match = re.match(r"^(#{2,}|-|\d+\.) ", line)
        if match:
            marks.append(match.group(1))
    return marks


def _keys(markdown: str) -> list[str]:
    """The keys a page tells the learner to press: its `code` spans without digits."""
    return [span for span in re.findall(r"`([^`]+)`", markdown) if not re.search(r"\d", span)]


def test_every_page_has_the_same_sections_and_lists(english: Content, spanish: Content) -> None:
    assert spanish.pages.keys() == english.pages.keys()
    for key, page in english.pages.items():
        assert _shape(spanish.page(key).markdown) == _shape(page.markdown), key


def test_every_page_names_the_same_keys(english: Content, spanish: Content) -> None:
    for key, page in english.pages.items():
        assert _keys(spanish.page(key).markdown) == _keys(page.markdown), key


def test_the_quiz_has_the_same_options_and_answers(english: Content, spanish: Content) -> None:
    assert len(spanish.quiz) == len(english.quiz)
    pairs = zip(english.quiz, spanish.quiz, strict=True)
    for number, (source, translated) in enumerate(pairs, start=1):
        assert len(translated.options) == len(source.options), f"question {number}"
        assert translated.correct_index == source.correct_index, f"question {number}"
        assert translated.prompt != source.prompt, f"question {number} is not translated"


def test_numbers_use_the_decimal_comma(spanish: Content) -> None:
    texts = [page.markdown for page in spanish.pages.values()]
    for question in spanish.quiz:
        texts.append(question.prompt)
        texts += [part for option in question.options
                  for part in (option.text, option.explanation)]
    decimal_points = [match for text in texts for match in re.findall(r"\d+\.\d+", text)]
    assert decimal_points == []


def test_a_quoted_right_answer_drops_its_spanish_verdict(spanish: Content) -> None:
    """After a wrong answer the right one is quoted without its "Correcto." lead-in."""
    for question in spanish.quiz:
        explanation = question.options[question.correct_index].explanation
        assert explanation.startswith("Correcto.")
        assert not without_verdict(explanation).startswith("Correcto")
