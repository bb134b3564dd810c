"""The results export: the answers and summary CSVs match what learners answered.

The files are read back with the csv module as a spreadsheet import would (the
byte-order mark decoded by utf-8-sig), against the lesson's real quiz content.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from neuron_tui.lesson.content import QUIZ_LENGTH, load_content
from neuron_tui.lesson.progress import Progress
from neuron_tui.lesson.registry import LESSON
from neuron_tui.serve.names import learner_key
from neuron_tui.serve.results import (
    ANSWER_COLUMNS,
    SUMMARY_COLUMNS,
    export_path,
    export_results,
    quiz_score,
    safe_cell,
)
from neuron_tui.serve.store import open_store

QUIZ = load_content().quiz
#: A learner name a spreadsheet would run as a formula.
FORMULA_NAME = "=cmd|' /C calc'!A0"
#: 2026-11-26T10:00:00Z
T0 = 1795687200.0


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets look for
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def answered(answers: dict[str, int], at: float = T0) -> Progress:
    made = Progress(visited={LESSON.first, "part06"}, resume_page="part06")
    for number, (question, option) in enumerate(sorted(answers.items())):
        made.answer(question, option, now=at + number)
    return made


def right(question: str) -> int:
    return QUIZ[int(question) - 1].correct_index


def wrong(question: str) -> int:
    return (right(question) + 1) % len(QUIZ[int(question) - 1].options)


@pytest.fixture
def class_dir(tmp_path: Path) -> Path:
    store = open_store(tmp_path)
    ada = answered({q: right(q) for q in ("1", "2", "3", "4", "5")})
    ada.quiz_best = QUIZ_LENGTH
    for key in LESSON.part_keys[:3]:
        ada.finish(key)
    ada.meet(next(check.id for page in LESSON.pages for check in page.self_checks))
    store.save_progress("ada", "Ada", ada.to_dict(), "part06", T0 + 60)
    store.save_progress(learner_key(FORMULA_NAME), FORMULA_NAME,
                        answered({"1": wrong("1"), "2": right("2")}).to_dict(), "part06", T0)
    store.save_progress(learner_key("Zoë"), "Zoë", Progress().to_dict(), "part01", T0)
    store.close()
    return tmp_path


def test_the_answers_file_has_one_row_per_learner_per_answer(class_dir: Path) -> None:
    store = open_store(class_dir)
    answers, summary = export_results(store, class_dir / "out" / "results.csv", QUIZ)
    assert summary == class_dir / "out" / "results-summary.csv"
    rows = read_csv(answers)
    assert rows[0] == list(ANSWER_COLUMNS)
    by_learner = {(row[0], row[1]): row[2:] for row in rows[1:]}
    assert len(rows) == 1 + 5 + 2
    q1 = QUIZ[0].options[wrong("1")].text
    assert by_learner[("'=cmd|' /C calc'!A0", "1")] == [
        str(wrong("1") + 1), "abcd"[wrong("1")], safe_cell(q1), "no", "2026-11-26T10:00:00Z",
    ]
    assert by_learner[("'=cmd|' /C calc'!A0", "2")][3:] == ["yes", "2026-11-26T10:00:01Z"]
    assert all(by_learner[("Ada", q)][3] == "yes" for q in "12345")
    store.close()


def test_the_summary_imports_as_name_and_score(class_dir: Path) -> None:
    store = open_store(class_dir)
    _, summary = export_results(store, class_dir / "results.csv", QUIZ)
    rows = read_csv(summary)
    assert rows[0] == list(SUMMARY_COLUMNS)
    assert rows[0][:2] == ["name", f"quiz score (of {QUIZ_LENGTH})"]
    table = {row[0]: row[1:] for row in rows[1:]}
    assert table["Ada"] == [
        "5", "5", "3", "part01 part02 part03", "1", "2026-11-26T10:01:00Z", "2026-11-26T10:01:00Z",
    ]
    assert table["'=cmd|' /C calc'!A0"][:2] == ["1", "2"]  # one right of two answered
    assert table["Zoë"][:2] == ["", "0"]  # nothing answered: no score, not a zero
    store.close()


def test_export_path_is_in_the_exports_folder(tmp_path: Path) -> None:
    assert export_path(tmp_path, T0) == tmp_path / "exports" / "results-20261126-100000.csv"


def test_formula_starts_are_escaped_and_nothing_else() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    for text in ("Ada", "Zoë", "1", "a=b", ""):
        assert safe_cell(text) == text


def test_quiz_score_counts_the_current_attempt_and_the_best() -> None:
    progress = answered({"1": right("1"), "2": wrong("2"), "3": wrong("3")})
    score = quiz_score(progress, QUIZ)
    assert (score.right, score.answered, score.missed, score.grade) == (1, 3, ("2", "3"), 1)
    progress.quiz_best = 4
    assert quiz_score(progress, QUIZ).grade == 4
    # An answer the content has no option for is neither right nor missed.
    progress.quiz_answers["4"] = 99
    assert quiz_score(progress, QUIZ).missed == ("2", "3")
