"""Part 06: every quiz path (right, wrong, arrows, retake), the score and saved answers."""

from __future__ import annotations

import json
from pathlib import Path

from neuron_tui.lesson.part06 import LETTERS
from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.screens.parts.part06 import QuizScreen

SIZE = (80, 24)


def text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector).render())


def right_letter(screen: QuizScreen, index: int) -> str:
    return LETTERS[screen.questions[index].correct_index]


def wrong_letter(screen: QuizScreen, index: int) -> str:
    return LETTERS[(screen.questions[index].correct_index + 1) % 4]


async def test_a_right_answer_says_why_it_is_right(  # type: ignore[no-untyped-def]
    make_app,
) -> None:
    app = make_app("part06")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert "Question 1 of 5" in text(screen, "#quiz-head")
        question = screen.questions[0]
        await pilot.press(right_letter(screen, 0))
        feedback = " ".join(text(screen, "#feedback").split())
        explanation = question.options[question.correct_index].explanation
        assert feedback.startswith("✓ Right.")
        assert " ".join(explanation.split()) in feedback
        assert "Not quite" not in feedback
        assert "1 right of 1 answered" in text(screen, "#quiz-head")
        assert app.progress.quiz_answers == {"1": question.correct_index}


async def test_a_wrong_answer_explains_itself_and_gives_the_right_one(  # type: ignore[no-untyped-def]
    make_app,
) -> None:
    app = make_app("part06")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        question = screen.questions[0]
        letter = wrong_letter(screen, 0)
        await pilot.press(letter)
        feedback = " ".join(text(screen, "#feedback").split())
        chosen = question.options[LETTERS.index(letter)]
        right = question.options[question.correct_index]
        assert "Not quite" in feedback
        assert " ".join(chosen.explanation.split()) in feedback
        assert f"The right answer: {LETTERS[question.correct_index]}) " in feedback
        assert " ".join(right.text.split()) in feedback
        assert "0 right of 1 answered" in text(screen, "#quiz-head")
        await pilot.press("a", "b")  # answered: more letters change nothing
        assert app.progress.quiz_answers == {"1": LETTERS.index(letter)}


async def test_arrows_and_enter_answer_and_go_on(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part06")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("down", "down", "up", "down")
        assert screen.state.cursor == 2
        await pilot.press("up", "up", "up")  # wraps round
        assert screen.state.cursor == 3
        await pilot.press("enter")
        assert screen.state.answers[0] == 3
        await pilot.press("enter")
        assert screen.state.index == 1
        assert "Question 2 of 5" in text(screen, "#quiz-head")


async def test_all_right_scores_5_and_is_saved(  # type: ignore[no-untyped-def]
    make_stored_app, progress_path: Path,
) -> None:
    app = make_stored_app("part06")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        for index in range(5):
            await pilot.press(right_letter(screen, index), "enter")
        assert screen.state.showing_results
        assert "Your score: 5/5" in text(screen, "#prompt")
        assert "reached the aim" in text(screen, "#prompt")
    data = json.loads(progress_path.read_text(encoding="utf-8"))
    assert data["quiz_best"] == 5
    assert len(data["quiz_answers"]) == 5
    assert "part06" in data["done"]


async def test_a_low_score_then_retake_keeps_the_best(  # type: ignore[no-untyped-def]
    make_stored_app, progress_path: Path,
) -> None:
    app = make_stored_app("part06")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        for index in range(5):
            letter = right_letter(screen, index) if index < 3 else wrong_letter(screen, index)
            await pilot.press(letter, "enter")
        assert "Your score: 3/5" in text(screen, "#prompt")
        assert "aim is 4/5" in text(screen, "#prompt")
        assert "Best score so far: 3/5" in text(screen, "#feedback")
        await pilot.press("r")
        assert not screen.state.showing_results
        assert screen.state.answers == [None] * 5
        assert "Question 1 of 5" in text(screen, "#quiz-head")
        assert app.progress.quiz_best == 3
        for index in range(5):
            await pilot.press(wrong_letter(screen, index), "enter")
        assert "Your score: 0/5" in text(screen, "#prompt")
        assert "Best score so far: 3/5" in text(screen, "#feedback")
        await pilot.press("r")
        for index in range(5):
            await pilot.press(right_letter(screen, index), "enter")
        assert "Best score so far: 5/5" in text(screen, "#feedback")
    assert json.loads(progress_path.read_text(encoding="utf-8"))["quiz_best"] == 5


async def test_digits_still_jump_from_the_quiz(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part06")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.current_page == "part02"


async def test_a_half_done_quiz_resumes_at_the_next_question(  # type: ignore[no-untyped-def]
    make_stored_app, progress_path: Path,
) -> None:
    ProgressStore(progress_path).save(
        Progress(visited={"part06"}, resume_page="part06", quiz_answers={"1": 1, "2": 0})
    )
    app = make_stored_app("part06")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.state.answers[:2] == [1, 0]
        assert screen.state.index == 2
        assert "Question 3 of 5" in text(screen, "#quiz-head")


async def test_a_finished_quiz_resumes_at_the_score(  # type: ignore[no-untyped-def]
    make_stored_app, progress_path: Path,
) -> None:
    ProgressStore(progress_path).save(
        Progress(quiz_answers={str(n): 0 for n in range(1, 6)}, quiz_best=4)
    )
    app = make_stored_app("part06")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.state.showing_results
        assert "Best score so far: 4/5" in text(screen, "#feedback")
