"""Part 06 · Knowledge check: five questions from content/quiz.toml, one at a time.

Answer with a–d, or move with ↑/↓ and press Enter (digits stay the global part
jumps). Every answer explains itself: a right one says why it is right, a wrong one
says why it is wrong and gives the right answer with its reason. After the fifth
answer the score (n/5) is shown against the aim of 4; `r` retakes. Answers and the
best score go into the learner's saved progress, so the quiz resumes where it was.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from neuron_tui.i18n import N_
from neuron_tui.lesson.content import QuizQuestion
from neuron_tui.lesson.part06 import GUIDANCE as QUIZ_GUIDANCE
from neuron_tui.lesson.part06 import LETTERS, Answered, QuizState
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.screens.base import LessonScreen


class QuizScreen(LessonScreen):
    """Part 06: the knowledge check, its feedback and the score."""

    GUIDANCE = QUIZ_GUIDANCE
    KEY_HINTS = [
        ("a–d", N_("answer")),
        ("↑/↓", N_("choose")),
        ("Enter", N_("answer/next")),
        ("r", N_("retake")),
        ("l", N_("lesson")),
        ("n", N_("next")),
        ("?", N_("help")),
    ]
    KEY_HELP = [
        ("a, b, c, d", N_("answer with that option")),
        ("↑ / ↓", N_("move between the options; once answered, scroll")),
        ("PgUp / PgDn", N_("scroll the question and its feedback")),
        ("Enter", N_("answer with the chosen option, or go on after the feedback")),
        ("r", N_("start the quiz again (your best score is kept)")),
        ("p", N_("previous part")),
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
        # Before the quiz's own scrolling (it has the focus, for PgUp/PgDn): ↑/↓
        # choose an option, and scroll once the question is answered.
        Binding("up", "move(-1)", "previous option", show=False, priority=True),
        Binding("down", "move(1)", "next option", show=False, priority=True),
        Binding("enter", "enter", "answer or go on"),
        Binding("r", "retake", "retake"),
    ]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        super().__init__(spec, **options)
        #: The attempt; built on mount, when the quiz and the saved progress are at hand.
        self.state = QuizState(())

    @property
    def questions(self) -> tuple[QuizQuestion, ...]:
        """The quiz, from content/quiz.toml."""
        return self.lesson_app.content.quiz

    def compose_work(self) -> ComposeResult:
        # Scrolls when a question and its feedback do not fit (as at 60×20).
        with VerticalScroll(id="quiz", can_focus=True):
            yield Static(id="quiz-head")
            yield Static(id="prompt", markup=False)
            yield Static(id="options")
            yield Static(id="feedback")

    def on_mount(self) -> None:
        self.state = QuizState(self.questions, self.lesson_app.progress.quiz_answers)
        self.query_one("#quiz").focus()
        self.refresh_quiz()

    # -- keys -------------------------------------------------------------------------

    def action_answer(self, option: int) -> None:
        """Answer the current question with `option` (0..3)."""
        self._record(self.state.answer(option))

    def action_move(self, step: int) -> None:
        """Move the highlight to another option; once answered, scroll instead."""
        if self.state.choosing:
            self.state.move(step)
            self.refresh_quiz()
            return
        quiz = self.query_one("#quiz", VerticalScroll)
        quiz.scroll_relative(y=step, animate=False)

    def action_enter(self) -> None:
        """Answer with the highlighted option, or go on to the next question or the score."""
        self._record(self.state.enter())

    def action_retake(self) -> None:
        """Start again from question 1 (the best score is kept)."""
        self.state.retake()
        self.lesson_app.progress_quiz_retake()
        self.refresh_quiz()
        self.query_one("#quiz", VerticalScroll).scroll_home(animate=False)

    def _record(self, answered: Answered | None) -> None:
        """Save an answer (and the score, once the attempt is complete), then show."""
        before = self.state.choosing, self.state.index
        if answered is not None:
            self.lesson_app.progress_quiz_answer(answered.number, answered.option)
            if answered.score is not None:
                self.lesson_app.progress_quiz_score(answered.score)
        self.refresh_quiz()
        quiz = self.query_one("#quiz", VerticalScroll)
        if answered is not None:
            # Bring the feedback into view once it is laid out (it may be below the fold).
            self.call_after_refresh(self.query_one("#feedback").scroll_visible, animate=False)
        elif before != (self.state.choosing, self.state.index):
            quiz.scroll_home(animate=False)

    # -- showing ----------------------------------------------------------------------

    def refresh_quiz(self) -> None:
        """Show the current question (with feedback once answered) or the results."""
        view = self.state.view(self.lesson_app.progress.quiz_best)
        self.query_one("#quiz-head", Static).update(view.head)
        self.query_one("#prompt", Static).update(view.prompt)
        self.query_one("#options", Static).update(Content.assemble(*view.options))
        self.query_one("#feedback", Static).update(Content.assemble(*view.feedback))
        self.set_guidance(view.guidance)
