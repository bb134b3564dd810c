"""Part 06 · Knowledge check, as plain Python: the attempt, the score and what is said.

:class:`QuizState` holds the current attempt (an answer or None per question), the
question on show and the highlighted option, and builds every text the quiz shows.
Answering returns what the learner's saved progress must record. Texts are tuples
of segments, plain strings or ``(text, style)`` pairs in the theme's terms, which
the screen assembles as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import N_, _, in_every_language
from neuron_tui.lesson.content import QUIZ_PASS_MARK, QuizQuestion

Segment = str | tuple[str, str]
Text = tuple[Segment, ...]

#: English: the screen shows it through `_()`.
GUIDANCE = N_("Pick an answer: every choice, right or wrong, explains itself.")
#: The keys that answer, one an option.
LETTERS = "abcd"


#: The words a right option's explanation starts with (English: see `without_verdict`).
VERDICTS = (N_("Right"), N_("Correct"))


def without_verdict(explanation: str) -> str:
    """An explanation without its leading "Right." (when quoted after a wrong answer).

    The verdict is looked for in every shipped language ("Correcto." in Spanish), not
    only the one in use: the quiz's language is its content folder's.
    """
    words = {word for verdict in VERDICTS for word in in_every_language(verdict)}
    pattern = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.sub(rf"^¡?(?:{pattern})[.!]\s*", "", explanation.strip())


@dataclass(frozen=True)
class Answered:
    """What to save after an answer: question `number` (from 1) got `option`, and the
    attempt's `score` once every question is answered (None before)."""

    number: int
    option: int
    score: int | None


@dataclass(frozen=True)
class QuizView:
    """Everything the quiz shows at one moment."""

    head: str
    prompt: str
    options: Text
    feedback: Text
    guidance: str


class QuizState:
    """The knowledge check: one attempt at the questions, and what it shows."""

    def __init__(self, questions: Sequence[QuizQuestion],
                 saved: Mapping[str, object] | None = None) -> None:
        """`saved` is the attempt from the progress file: option by question number ("1")."""
        self.questions = tuple(questions)
        self.answers: list[int | None] = []
        self.index = 0
        self.cursor = 0
        self.showing_results = False
        self.restore(saved or {})

    def restore(self, saved: Mapping[str, object]) -> None:
        """Pick the attempt up where it was: the first unanswered question, or the score."""
        self.answers = []
        for number, question in enumerate(self.questions, start=1):
            answer = saved.get(str(number))
            if isinstance(answer, int) and 0 <= answer < len(question.options):
                self.answers.append(answer)
            else:
                self.answers.append(None)  # unanswered, or not an option of this question
        unanswered = self._unanswered()
        self.showing_results = not unanswered
        self.index = unanswered[0] if unanswered else max(len(self.questions) - 1, 0)
        self.cursor = 0

    @property
    def score(self) -> int:
        """Right answers in the current attempt."""
        return sum(
            answer == question.correct_index
            for answer, question in zip(self.answers, self.questions, strict=True)
        )

    @property
    def complete(self) -> bool:
        """Whether every question of this attempt is answered."""
        return not self._unanswered()

    def _unanswered(self) -> list[int]:
        return [i for i, answer in enumerate(self.answers) if answer is None]

    # -- what the learner does -------------------------------------------------------

    def answer(self, option: int) -> Answered | None:
        """Answer the question on show with `option` (0..3); None if that is not possible."""
        if self.showing_results or self.answers[self.index] is not None:
            return None
        if not 0 <= option < len(self.questions[self.index].options):
            return None
        self.cursor = option
        self.answers[self.index] = option
        return Answered(self.index + 1, option, self.score if self.complete else None)

    @property
    def choosing(self) -> bool:
        """Whether a question is on show and not answered yet (↑/↓ choose an option)."""
        return not self.showing_results and self.answers[self.index] is None

    def move(self, step: int) -> None:
        """Move the highlight `step` options on, round the ends (before answering)."""
        if not self.choosing:
            return
        count = len(self.questions[self.index].options)
        self.cursor = (self.cursor + step) % count

    def enter(self) -> Answered | None:
        """Answer with the highlighted option, or go on to the next question or the score."""
        if self.showing_results:
            return None
        if self.answers[self.index] is None:
            return self.answer(self.cursor)
        unanswered = self._unanswered()
        if unanswered:
            self.index = unanswered[0]
            self.cursor = 0
        else:
            self.showing_results = True
        return None

    def retake(self) -> None:
        """Start again from question 1 (the saved best score is the progress file's)."""
        self.answers = [None] * len(self.questions)
        self.index = 0
        self.cursor = 0
        self.showing_results = False

    # -- what is shown ---------------------------------------------------------------

    def view(self, best: int | None) -> QuizView:
        """What to show now; `best` is the best score saved so far."""
        return self._results(best) if self.showing_results else self._question()

    def _question(self) -> QuizView:
        chars = glyphs()
        question = self.questions[self.index]
        answer = self.answers[self.index]
        total = len(self.questions)
        answered = sum(a is not None for a in self.answers)
        head = _("Question {number} of {total}   ·   {right} right of {answered} answered   ·   "
                 "aim {aim}/{total}").format(number=self.index + 1, total=total,
                                             right=self.score, answered=answered,
                                             aim=QUIZ_PASS_MARK)
        lines: list[Segment] = []
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
        if answer is None:
            guidance = _("Press a, b, c or d, or move with ↑/↓ and press Enter.")
        elif None in self.answers:
            guidance = _("Enter: next question.")
        else:
            guidance = _("Enter: see your score.")
        return QuizView(head, question.prompt, tuple(lines[:-1]),
                        feedback(question, answer), guidance)

    def _results(self, best: int | None) -> QuizView:
        chars = glyphs()
        total = len(self.questions)
        score = self.score
        verdict = (
            _("You reached the aim.") if score >= QUIZ_PASS_MARK
            else _("The aim is {aim}/{total}: revisit the parts behind the misses, then "
                   "retake.").format(aim=QUIZ_PASS_MARK, total=total)
        )
        lines: list[Segment] = []
        for number, (question, answer) in enumerate(
            zip(self.questions, self.answers, strict=True), start=1
        ):
            right = answer == question.correct_index
            mark = (chars.check, "bold $text-success") if right else (
                chars.cross, "bold $text-error")
            topic = question.topic or _("question {number}").format(number=number)
            lines += [mark, f" {number}. {topic}", "\n"]
        best_text = (_("Best score so far: {best}/{total}.").format(best=best, total=total)
                     + "  " if best is not None else "")
        return QuizView(
            head=_("Knowledge check complete"),
            prompt=_("Your score: {score}/{total}.  {verdict}").format(
                score=score, total=total, verdict=verdict),
            options=tuple(lines[:-1]),
            feedback=(best_text, ("r", "bold $accent"), " " + _("retake") + "   ",
                      ("n", "bold $accent"), " " + _("finish the module")),
            guidance=_("Press r to retake the quiz, or n to finish the module."),
        )


def feedback(question: QuizQuestion, answer: int | None) -> Text:
    """Why the chosen option is right, or why it is wrong and which one is right."""
    if answer is None:
        return ()
    chars = glyphs()
    chosen = question.options[answer]
    if chosen.correct:
        return ((f"{chars.check} ", "bold $text-success"), chosen.explanation.strip())
    right_index = question.correct_index
    right = question.options[right_index]
    return (
        (f"{chars.cross} " + _("Not quite.") + " ", "bold $text-error"),
        chosen.explanation.strip(),
        "\n\n",
        (_("The right answer:") + " ", "bold"), (f"{LETTERS[right_index]}) {right.text}", "bold"),
        ". ", without_verdict(right.explanation),
    )
