"""Loading and validating content/: the shipped lesson, and every kind of problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from neuron_tui.lesson.content import (
    ContentError,
    default_content_dir,
    load_content,
)
from neuron_tui.lesson.registry import LESSON


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An editable copy of the shipped content."""
    copy = tmp_path / "content"
    shutil.copytree(default_content_dir(), copy)
    return copy


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    return caught.value.problems


def test_shipped_content_is_complete() -> None:
    content = load_content()
    assert set(content.pages) == set(LESSON.order)
    assert len(content.quiz) == 5
    for question in content.quiz:
        assert len(question.options) == 4
        assert sum(option.correct for option in question.options) == 1
        assert all(option.explanation.strip() for option in question.options)


def test_quiz_covers_what_the_issue_asks() -> None:
    topics = [question.topic for question in load_content().quiz]
    assert topics == ["bias", "non-linearity", "learning rate", "linear limits", "epoch"]


def test_part05_keys_promised_in_the_text_exist() -> None:
    from neuron_tui.screens.parts.part05 import ProofScreen

    keys = {binding.key for binding in ProofScreen.BINDINGS}  # type: ignore[union-attr]
    assert {"left_square_bracket", "right_square_bracket", "minus", "t", "escape"} <= keys
    text = load_content().page("part05").markdown
    for promise in ("`[` / `]`", "`-` / `+`", "`t`", "`Escape`"):
        assert promise in text


def test_missing_page_is_reported(folder: Path) -> None:
    (folder / "part05.md").unlink()
    assert problems_of(folder) == [f"{folder / 'part05.md'}: missing (every part needs its page)"]


def test_page_without_title(folder: Path) -> None:
    (folder / "part02.md").write_text("no heading here\n", encoding="utf-8")
    assert problems_of(folder) == [
        f"{folder / 'part02.md'}:1: the page must start with a '# Title' heading"
    ]


def test_toml_syntax_error_has_a_line(folder: Path) -> None:
    quiz = folder / "quiz.toml"
    lines = quiz.read_text(encoding="utf-8").splitlines()
    lines[9] = "correct = = false"
    quiz.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = problems_of(folder)
    assert problem.startswith(f"{quiz}:10: TOML syntax error")


def test_option_without_explanation_points_at_the_option(folder: Path) -> None:
    quiz = folder / "quiz.toml"
    text = quiz.read_text(encoding="utf-8")
    lines = text.splitlines()
    option_lines = [i + 1 for i, line in enumerate(lines) if line == "[[questions.options]]"]
    target = text.index('explanation = "In a minimum')  # question 3, option b
    quiz.write_text(text[:target] + "# removed\n" + text[text.index("\n", target) + 1:],
                    encoding="utf-8")
    (problem,) = problems_of(folder)
    assert problem.startswith(f"{quiz}:{option_lines[9]}: question 3 option b has no explanation")


def test_two_correct_options_and_a_missing_question(folder: Path) -> None:
    quiz = folder / "quiz.toml"
    text = quiz.read_text(encoding="utf-8")
    text = text.replace("correct = false", "correct = true", 1)
    last = text.rindex("[[questions]]")
    quiz.write_text(text[:last], encoding="utf-8")
    problems = problems_of(folder)
    assert f"{quiz}:1: the quiz needs exactly 5 questions, found 4" in problems
    assert any(p.startswith(f"{quiz}:4: question 1 must have exactly one correct option, found 2")
               for p in problems)


def test_missing_quiz_and_folder(folder: Path, tmp_path: Path) -> None:
    (folder / "quiz.toml").unlink()
    assert problems_of(folder) == [
        f"{folder / 'quiz.toml'}: missing (the knowledge check needs its questions)"
    ]
    nowhere = tmp_path / "nowhere"
    assert problems_of(nowhere) == [f"{nowhere}: content folder not found"]
