"""The class's results as spreadsheet files: every answer, and one summary row a learner.

:func:`export_results` writes two CSV files (UTF-8 with a byte-order mark, so
spreadsheets pick the encoding; CRLF rows, as RFC 4180 and Excel expect):

- the answers file: one row per learner per question answered in the current attempt
  (name, question, option number as the lesson shows it from 1, option letter, option
  text, correct yes/no, when in ISO 8601 UTC);
- ``<stem>-summary.csv`` beside it: one row per learner, name and quiz score first, so
  an LMS gradebook imports it as "name, score", then questions answered, parts done,
  the keys of those parts (``part01 part02``), self-checks met, first and last seen.

A text cell that a spreadsheet would run as a formula (starting with = + - @, a tab
or a carriage return) is written with a leading apostrophe. Both files are written
beside their final name and renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from neuron_tui.lesson.content import QUIZ_LENGTH, QuizQuestion
from neuron_tui.lesson.part06 import LETTERS
from neuron_tui.lesson.progress import Progress
from neuron_tui.lesson.registry import LESSON
from neuron_tui.serve.store_records import ClassStore

__all__ = [
    "ANSWER_COLUMNS",
    "EXPORTS_FOLDER",
    "SUMMARY_COLUMNS",
    "QuizScore",
    "export_path",
    "export_results",
    "quiz_score",
    "safe_cell",
    "summary_path",
]

EXPORTS_FOLDER = "exports"
ANSWER_COLUMNS = (
    "name", "question", "option", "option letter", "option text", "correct", "answered at (UTC)",
)
SUMMARY_COLUMNS = (
    "name", f"quiz score (of {QUIZ_LENGTH})", "questions answered", "parts done",
    "parts", "self-checks met", "first seen (UTC)", "last seen (UTC)",
)
#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """`text` as a cell no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def iso_utc(at: float | None) -> str:
    """``2026-11-26T11:58:03Z``, or "" for no time."""
    if at is None or at <= 0:
        return ""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class QuizScore:
    """The quiz as a learner stands: right answers in the current attempt, the best
    complete attempt, and which questions (ids "1".."5") were answered wrong."""

    right: int
    answered: int
    best: int | None
    missed: tuple[str, ...]

    @property
    def grade(self) -> int | None:
        """The gradebook's score: the best attempt or the current one's right answers,
        whichever is higher; None when the learner has not answered anything."""
        if self.best is None and not self.answered:
            return None
        return max(self.best or 0, self.right)


def quiz_score(progress: Progress, quiz: Sequence[QuizQuestion]) -> QuizScore:
    """Score `progress`'s current attempt against the quiz content."""
    right, missed = 0, []
    for question, option in sorted(progress.quiz_answers.items()):
        correct = _is_correct(quiz, question, option)
        right += correct is True
        if correct is False:
            missed.append(question)
    return QuizScore(right, len(progress.quiz_answers), progress.quiz_best, tuple(missed))


def _question(quiz: Sequence[QuizQuestion], question: str) -> QuizQuestion | None:
    """Question id "1".."5" of the quiz, or None if the content has no such question."""
    if not question.isdigit() or not 1 <= int(question) <= len(quiz):
        return None
    return quiz[int(question) - 1]


def _is_correct(quiz: Sequence[QuizQuestion], question: str, option: int) -> bool | None:
    """Whether `option` answers `question` rightly (None: not a question or option we have)."""
    found = _question(quiz, question)
    if found is None or not 0 <= option < len(found.options):
        return None
    return option == found.correct_index


def summary_path(answers_csv: Path) -> Path:
    """``<stem>-summary.csv`` beside the answers file."""
    return answers_csv.with_name(f"{answers_csv.stem}-summary.csv")


def export_path(state_dir: Path, at: float) -> Path:
    """Where the class view's export key writes: ``STATE/exports/results-<UTC time>.csv``."""
    stamp = datetime.fromtimestamp(at, UTC).strftime("%Y%m%d-%H%M%S")
    return Path(state_dir) / EXPORTS_FOLDER / f"results-{stamp}.csv"


def _write_csv(path: Path, header: Sequence[str], rows: list[list[object]]) -> None:
    """Write a CSV file atomically: a temporary file beside it, then a rename."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(
                [[safe_cell(cell) if isinstance(cell, str) else cell for cell in row]
                 for row in rows]
            )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_results(
    store: ClassStore, answers_csv: Path, quiz: Sequence[QuizQuestion]
) -> tuple[Path, Path]:
    """Write the answers file at `answers_csv` and the summary beside it; returns both paths.

    Raises OSError when a file cannot be written (the caller says so in one line).
    """
    answers_csv = Path(answers_csv)
    answers_csv.parent.mkdir(parents=True, exist_ok=True)
    answer_rows: list[list[object]] = []
    for row in store.answers():
        found = _question(quiz, row.question)
        in_range = found is not None and 0 <= row.option < len(found.options)
        correct = _is_correct(quiz, row.question, row.option)
        answer_rows.append([
            row.name, row.question, row.option + 1,
            LETTERS[row.option] if row.option < len(LETTERS) else "",
            found.options[row.option].text if found is not None and in_range else "",
            "" if correct is None else ("yes" if correct else "no"),
            iso_utc(row.answered_at),
        ])
    summary_rows: list[list[object]] = []
    for learner in store.learners():
        progress = learner.progress
        score = quiz_score(progress, quiz)
        parts = [page.key for page in LESSON.parts if page.key in progress.done]
        summary_rows.append([
            learner.name, "" if score.grade is None else score.grade, score.answered,
            len(parts), " ".join(parts), len(progress.self_checks),
            iso_utc(learner.first_seen), iso_utc(learner.last_seen),
        ])
    summary = summary_path(answers_csv)
    _write_csv(answers_csv, ANSWER_COLUMNS, answer_rows)
    _write_csv(summary, SUMMARY_COLUMNS, summary_rows)
    return answers_csv, summary
