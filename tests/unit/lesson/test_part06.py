"""Part 06's quiz state without a screen: answering, moving, resuming, scores and texts."""

from __future__ import annotations

import pytest

from neuron_tui.glyphs import UNICODE
from neuron_tui.lesson.content import QUIZ_PASS_MARK, QuizOption, QuizQuestion, load_content
from neuron_tui.lesson.part06 import LETTERS, Answered, QuizState, Text, without_verdict


def question(number: int, right: int) -> QuizQuestion:
    """Question `number` with four options, option `right` the correct one."""
    return QuizQuestion(
        topic=f"topic {number}",
        prompt=f"Prompt {number}?",
        options=tuple(
            QuizOption(
                text=f"option {LETTERS[i]} of {number}",
                correct=i == right,
                explanation=(f"Right. Because {number}{LETTERS[i]}." if i == right
                             else f"No, {number}{LETTERS[i]} is off."),
            )
            for i in range(4)
        ),
    )


QUIZ = tuple(question(number, right) for number, right in enumerate((1, 0, 3, 2, 1), start=1))
RIGHT = [q.correct_index for q in QUIZ]
WRONG = [(q.correct_index + 1) % 4 for q in QUIZ]


def plain(text: Text) -> str:
    return "".join(part if isinstance(part, str) else part[0] for part in text)


def answer_all(state: QuizState, options: list[int]) -> list[Answered | None]:
    """Answer every question in turn, with Enter between them, as a learner does."""
    recorded = []
    for option in options:
        recorded.append(state.answer(option))
        state.enter()
    return recorded


def test_a_new_attempt_starts_at_question_1() -> None:
    state = QuizState(QUIZ)
    assert state.answers == [None] * 5 and state.index == 0 and not state.showing_results
    view = state.view(best=None)
    assert view.head == "Question 1 of 5   ·   0 right of 0 answered   ·   aim 4/5"
    assert view.prompt == "Prompt 1?"
    assert view.feedback == ()
    assert view.guidance == "Press a, b, c or d, or move with ↑/↓ and press Enter."
    assert plain(view.options).splitlines()[0] == f"{UNICODE.arrow} a) option a of 1"


def test_resumes_at_the_first_unanswered_question_ignoring_bad_saves() -> None:
    state = QuizState(QUIZ, {"1": 1, "2": 7, "3": "b", "4": 0})
    assert state.answers == [1, None, None, 0, None]
    assert state.index == 1 and not state.showing_results
    assert state.score == 1


def test_a_finished_attempt_resumes_at_the_score() -> None:
    state = QuizState(QUIZ, {str(n): RIGHT[n - 1] for n in range(1, 6)})
    assert state.showing_results and state.score == 5


def test_a_right_answer_is_recorded_and_explains_itself() -> None:
    state = QuizState(QUIZ)
    assert state.answer(1) == Answered(number=1, option=1, score=None)
    view = state.view(best=None)
    assert plain(view.feedback) == f"{UNICODE.check} Right. Because 1b."
    assert "1 right of 1 answered" in view.head
    assert view.guidance == "Enter: next question."
    lines = plain(view.options).splitlines()
    assert lines[1] == f"{UNICODE.check} b) option b of 1"
    assert state.answer(2) is None  # answered: more letters change nothing
    assert state.answers[0] == 1


def test_a_wrong_answer_explains_itself_and_gives_the_right_one() -> None:
    state = QuizState(QUIZ)
    state.answer(3)
    feedback = plain(state.view(best=None).feedback)
    assert feedback == (f"{UNICODE.cross} Not quite. No, 1d is off.\n\n"
                        "The right answer: b) option b of 1. Because 1b.")
    lines = plain(state.view(best=None).options).splitlines()
    assert lines[3] == f"{UNICODE.cross} d) option d of 1"
    assert lines[1].startswith(UNICODE.check)
    assert state.score == 0


def test_an_option_the_question_lacks_is_no_answer() -> None:
    short = QuizQuestion("t", "p?", QUIZ[0].options[:2])
    state = QuizState((short,))
    assert state.answer(3) is None and state.answers == [None]


def test_arrows_wrap_and_enter_answers_with_the_highlight() -> None:
    state = QuizState(QUIZ)
    for step in (1, 1, -1, 1):
        state.move(step)
    assert state.cursor == 2
    for _ in range(3):
        state.move(-1)
    assert state.cursor == 3
    assert state.enter() == Answered(1, 3, None)
    state.move(1)  # answered: the highlight stays
    assert state.cursor == 3
    assert state.enter() is None  # goes on
    assert state.index == 1 and state.cursor == 0


def test_the_last_answer_carries_the_score_and_enter_shows_it() -> None:
    state = QuizState(QUIZ)
    recorded = answer_all(state, [RIGHT[0], RIGHT[1], RIGHT[2], WRONG[3], WRONG[4]])
    assert [r.score if r else None for r in recorded] == [None, None, None, None, 3]
    assert state.showing_results and state.score == 3
    assert state.enter() is None and state.showing_results


@pytest.mark.parametrize("right_count", range(6))
def test_the_verdict_follows_the_pass_mark(right_count: int) -> None:
    state = QuizState(QUIZ)
    answer_all(state, [RIGHT[i] if i < right_count else WRONG[i] for i in range(5)])
    view = state.view(best=right_count)
    assert view.head == "Knowledge check complete"
    if right_count >= QUIZ_PASS_MARK:
        assert view.prompt == f"Your score: {right_count}/5.  You reached the aim."
    else:
        assert view.prompt == (f"Your score: {right_count}/5.  The aim is {QUIZ_PASS_MARK}/5: "
                               "revisit the parts behind the misses, then retake.")
    lines = plain(view.options).splitlines()
    assert len(lines) == 5
    assert [line.startswith(UNICODE.check) for line in lines] == [i < right_count
                                                                 for i in range(5)]
    assert lines[0].endswith(" 1. topic 1")
    assert plain(view.feedback) == (f"Best score so far: {right_count}/5.  "
                                    "r retake   n finish the module")
    assert view.guidance == "Press r to retake the quiz, or n to finish the module."


def test_results_without_a_saved_best_leave_it_out() -> None:
    state = QuizState(QUIZ, {str(n): 0 for n in range(1, 6)})
    assert plain(state.view(best=None).feedback) == "r retake   n finish the module"


def test_retake_starts_again() -> None:
    state = QuizState(QUIZ)
    answer_all(state, RIGHT)
    state.retake()
    assert state.answers == [None] * 5 and state.index == 0
    assert not state.showing_results and state.score == 0


def test_the_shipped_quiz_scores_five_when_all_right() -> None:
    quiz = load_content().quiz
    state = QuizState(quiz)
    recorded = answer_all(state, [q.correct_index for q in quiz])
    assert recorded[-1] == Answered(len(quiz), quiz[-1].correct_index, len(quiz))
    assert "You reached the aim." in state.view(best=len(quiz)).prompt


def test_without_verdict_drops_only_a_leading_right() -> None:
    assert without_verdict("Right. The weights set it.") == "The weights set it."
    assert without_verdict("  Correct! Yes.") == "Yes."
    assert without_verdict("It is right. Yes.") == "It is right. Yes."


def test_choosing_until_answered_then_arrows_are_free_to_scroll() -> None:
    state = QuizState(load_content().quiz)
    assert state.choosing
    state.answer(0)
    assert not state.choosing
    state.enter()
    assert state.choosing and state.index == 1
