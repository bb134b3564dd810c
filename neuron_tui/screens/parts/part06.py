"""Part 06 · Knowledge check: five questions from content/quiz.toml, one at a time.

Answer with a–d, or move with ↑/↓ and press Enter (digits stay the global part
jumps). Every answer explains itself: a right one says why it is right, a wrong one
says why it is wrong and gives the right answer with its reason. After the fifth
answer the score (n/5) is shown against the aim of 4; `r` retakes. Answers and the
best score go into the learner's saved progress, so the quiz resumes where it was.
"""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from neuron_tui.glyphs import glyphs
from neuron_tui.lesson.content import QUIZ_PASS_MARK, QuizQuestion
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.screens.base import LessonScreen

LETTERS = "abcd"
#: The score the lesson asks for.


def without_verdict(explanation: str) -> str:
    """An explanation without its leading "Right." (when quoted after a wrong answer)."""
    return re.sub(r"^(Right|Correct)[.!]\s*", "", explanation.strip())


class QuizScreen(LessonScreen):
    """Part 06: the knowledge check, its feedback and the score."""

    GUIDANCE = "Pick an answer: every choice, right or wrong, explains itself."
    KEY_HINTS = [
        ("a–d", "answer"),
        ("↑/↓", "choose"),
        ("Enter", "answer/next"),
        ("r", "retake"),
        ("l", "lesson"),
        ("n", "next"),
        ("?", "help"),
    ]
    KEY_HELP = [
        ("a, b, c, d", "answer with that option"),
        ("↑ / ↓", "move between the options"),
        ("Enter", "answer with the chosen option, or go on after the feedback"),
        ("r", "start the quiz again (your best score is kept)"),
        ("p", "previous part"),
    ]

    DEFAULT_CSS = """
    QuizScreen #quiz {
        height: 1fr;
        padding: 0 2;
    }
    QuizScreen #quiz > Static {
        height: auto;
    }
    QuizScreen #quiz-head {
        color: $text-muted;
        margin-top: 1;
    }
    QuizScreen #prompt {
        text-style: bold;
        margin-top: 1;
    }
    QuizScreen #options {
        margin-top: 1;
    }
    QuizScreen #feedback {
        margin-top: 1;
    }
    """

    BINDINGS = [
        *(Binding(letter, f"answer({index})", f"answer {letter}", show=False)
          for index, letter in enumerate(LETTERS)),
        Binding("up", "move(-1)", "previous option", show=False),
        Binding("down", "move(1)", "next option", show=False),
        Binding("enter", "enter", "answer or go on"),
        Binding("r", "retake", "retake"),
    ]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        super().__init__(spec, **options)
        self.answers: list[int | None] = []
        self.index = 0
        self.cursor = 0
        self.showing_results = False

    @property
    def questions(self) -> tuple[QuizQuestion, ...]:
        """The quiz, from content/quiz.toml."""
        return self.lesson_app.content.quiz

    @property
    def score(self) -> int:
        """Right answers in the current attempt."""
        return sum(
            answer == question.correct_index
            for answer, question in zip(self.answers, self.questions, strict=True)
        )

    def compose_work(self) -> ComposeResult:
        with VerticalScroll(id="quiz", can_focus=False):
            yield Static(id="quiz-head")
            yield Static(id="prompt", markup=False)
            yield Static(id="options")
            yield Static(id="feedback")

    def on_mount(self) -> None:
        self._restore()
        self.refresh_quiz()

    def _restore(self) -> None:
        """Pick the current attempt up from the saved progress."""
        saved = self.lesson_app.progress.quiz_answers
        self.answers = []
        for number, question in enumerate(self.questions, start=1):
            answer = saved.get(str(number))
            valid = isinstance(answer, int) and 0 <= answer < len(question.options)
            self.answers.append(answer if valid else None)
        unanswered = [i for i, answer in enumerate(self.answers) if answer is None]
        self.showing_results = not unanswered
        self.index = unanswered[0] if unanswered else len(self.questions) - 1
        self.cursor = 0

    # -- keys -------------------------------------------------------------------------

    def action_answer(self, option: int) -> None:
        """Answer the current question with `option` (0..3)."""
        if self.showing_results or self.answers[self.index] is not None:
            return
        question = self.questions[self.index]
        if option >= len(question.options):
            return
        self.cursor = option
        self.answers[self.index] = option
        self.lesson_app.progress_quiz_answer(self.index + 1, option)
        if all(answer is not None for answer in self.answers):
            self.lesson_app.progress_quiz_score(self.score)
        self.refresh_quiz()

    def action_move(self, step: int) -> None:
        """Move the highlight to another option (before answering)."""
        if self.showing_results or self.answers[self.index] is not None:
            return
        count = len(self.questions[self.index].options)
        self.cursor = (self.cursor + step) % count
        self.refresh_quiz()

    def action_enter(self) -> None:
        """Answer with the highlighted option, or go on to the next question or the score."""
        if self.showing_results:
            return
        if self.answers[self.index] is None:
            self.action_answer(self.cursor)
            return
        unanswered = [i for i, answer in enumerate(self.answers) if answer is None]
        if unanswered:
            self.index = unanswered[0]
            self.cursor = 0
        else:
            self.showing_results = True
        self.refresh_quiz()

    def action_retake(self) -> None:
        """Start again from question 1 (the best score is kept)."""
        self.answers = [None] * len(self.questions)
        self.index = 0
        self.cursor = 0
        self.showing_results = False
        self.lesson_app.progress_quiz_retake()
        self.refresh_quiz()

    # -- showing ----------------------------------------------------------------------

    def refresh_quiz(self) -> None:
        """Show the current question (with feedback once answered) or the results."""
        if self.showing_results:
            self._show_results()
        else:
            self._show_question()

    def _show_question(self) -> None:
        chars = glyphs()
        question = self.questions[self.index]
        answer = self.answers[self.index]
        total = len(self.questions)
        answered = sum(a is not None for a in self.answers)
        self.query_one("#quiz-head", Static).update(
            f"Question {self.index + 1} of {total}   ·   "
            f"{self.score} right of {answered} answered   ·   aim {QUIZ_PASS_MARK}/{total}"
        )
        self.query_one("#prompt", Static).update(question.prompt)
        lines: list[str | tuple[str, str]] = []
        for index, option in enumerate(question.options):
            if answer is None:
                mark = chars.arrow if index == self.cursor else " "
                style = "bold $accent" if index == self.cursor else ""
            elif option.correct:
                mark, style = chars.check, "bold $text-success"
            elif index == answer:
                mark, style = chars.cross, "bold $text-error"
            else:
                mark, style = " ", "$text-muted"
            lines += [(f"{mark} {LETTERS[index]}) {option.text}", style), "\n"]
        self.query_one("#options", Static).update(Content.assemble(*lines[:-1]))
        self.query_one("#feedback", Static).update(self._feedback(question, answer))
        if answer is None:
            self.set_guidance("Press a, b, c or d, or move with ↑/↓ and press Enter.")
        elif None in self.answers:
            self.set_guidance("Enter: next question.")
        else:
            self.set_guidance("Enter: see your score.")

    @staticmethod
    def _feedback(question: QuizQuestion, answer: int | None) -> Content:
        if answer is None:
            return Content("")
        chars = glyphs()
        chosen = question.options[answer]
        if chosen.correct:
            return Content.assemble(
                (f"{chars.check} ", "bold $text-success"), chosen.explanation.strip()
            )
        right_index = question.correct_index
        right = question.options[right_index]
        return Content.assemble(
            (f"{chars.cross} Not quite. ", "bold $text-error"), chosen.explanation.strip(),
            "\n\n",
            ("The right answer: ", "bold"), (f"{LETTERS[right_index]}) {right.text}", "bold"),
            ". ", without_verdict(right.explanation),
        )

    def _show_results(self) -> None:
        chars = glyphs()
        total = len(self.questions)
        score = self.score
        best = self.lesson_app.progress.quiz_best
        verdict = (
            "You reached the aim." if score >= QUIZ_PASS_MARK
            else f"The aim is {QUIZ_PASS_MARK}/{total}: revisit the parts behind the misses, "
            "then retake."
        )
        self.query_one("#quiz-head", Static).update("Knowledge check complete")
        self.query_one("#prompt", Static).update(f"Your score: {score}/{total}.  {verdict}")
        lines: list[str | tuple[str, str]] = []
        for number, (question, answer) in enumerate(
            zip(self.questions, self.answers, strict=True), start=1
        ):
            right = answer == question.correct_index
            mark = (chars.check, "bold $text-success") if right else (
                chars.cross, "bold $text-error")
            topic = question.topic or f"question {number}"
            lines += [mark, f" {number}. {topic}", "\n"]
        self.query_one("#options", Static).update(Content.assemble(*lines[:-1]))
        best_text = f"Best score so far: {best}/{total}.  " if best is not None else ""
        self.query_one("#feedback", Static).update(Content.assemble(
            best_text, ("r", "bold $accent"), " retake   ", ("n", "bold $accent"),
            " finish the module",
        ))
        self.set_guidance("Press r to retake the quiz, or n to finish the module.")
