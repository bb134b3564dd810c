"""Two lessons on one progress file never lose what either recorded.

The property test plays two sessions against one file in any interleaving of
answers, retakes, self-checks, finished parts, saves and restarts, then checks the
file against what was recorded: each question's latest answer since the last retake,
every met self-check, every finished part and the best score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from neuron_tui.lesson.progress import Progress, ProgressStore, merge

QUESTIONS = ["1", "2", "3", "4", "5"]
CHECKS = ["part02-90", "part03-converge", "part04-bowl"]
PARTS = ["part01", "part02", "part03"]


def test_the_issues_two_learners_keep_all_their_answers(tmp_path: Path) -> None:
    """A answers Q1-Q2, B (started earlier) answers Q1 and quits last: all three stay."""
    path = tmp_path / "progress.json"
    a, b = ProgressStore(path), ProgressStore(path)
    mine, theirs = a.load().progress, b.load().progress
    mine.answer("1", 0, now=10.0)
    mine = a.save(mine)[0]
    mine.answer("2", 1, now=11.0)
    mine = a.save(mine)[0]
    theirs.answer("1", 3, now=12.0)
    theirs = b.save(theirs)[0]
    b.save(theirs)  # B quits last
    assert json.loads(path.read_text())["quiz_answers"] == {"1": 3, "2": 1}
    assert ProgressStore(path).load().progress.quiz_answers == {"1": 3, "2": 1}


def test_a_retake_drops_only_answers_given_before_it() -> None:
    retook = Progress(quiz_best=2)
    retook.retake(now=20.0)
    answered = Progress(quiz_answers={"1": 2, "2": 0}, quiz_answered_at={"1": 10.0, "2": 25.0})
    for merged in (merge(retook, answered), merge(answered, retook)):
        assert merged.quiz_answers == {"2": 0}
        assert merged.quiz_best == 2


def test_answers_saved_before_times_were_kept_still_load_and_merge() -> None:
    old = Progress.from_dict({"version": 1, "quiz_answers": {"1": 2, "3": 1}})
    assert old.quiz_answers == {"1": 2, "3": 1}
    new = Progress()
    new.answer("1", 0, now=5.0)
    assert merge(old, new).quiz_answers == {"1": 0, "3": 1}  # the timed answer is later


@dataclass(frozen=True)
class Step:
    """One thing a session does; `save` says whether it saves right after."""

    session: int
    kind: str
    item: str
    option: int
    save: bool


steps = st.builds(
    Step,
    session=st.sampled_from([0, 1]),
    kind=st.sampled_from(["answer", "answer", "answer", "retake", "meet", "finish", "score",
                          "save", "restart"]),
    item=st.sampled_from(QUESTIONS),
    option=st.integers(0, 3),
    save=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(steps, max_size=40))
def test_interleaved_sessions_lose_nothing_either_recorded(
    tmp_path_factory, plan: list[Step]  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path_factory.mktemp("twin") / "progress.json"
    stores = [ProgressStore(path), ProgressStore(path)]
    sessions = [store.load().progress for store in stores]
    clock = 100.0
    answers: list[tuple[float, str, int]] = []  # every answer given, with its time
    retakes: list[float] = []
    met: set[str] = set()
    finished: set[str] = set()
    scores: list[int] = []

    for step in plan:
        clock += 1.0
        progress = sessions[step.session]
        if step.kind == "answer":
            progress.answer(step.item, step.option, now=clock)
            answers.append((clock, step.item, step.option))
        elif step.kind == "retake":
            progress.retake(now=clock)
            retakes.append(clock)
        elif step.kind == "meet":
            check = CHECKS[step.option % len(CHECKS)]
            progress.meet(check)
            met.add(check)
        elif step.kind == "finish":
            part = PARTS[step.option % len(PARTS)]
            progress.finish(part)
            finished.add(part)
        elif step.kind == "score":
            progress.quiz_best = max(progress.quiz_best or 0, step.option)
            scores.append(step.option)
        elif step.kind == "restart":  # the session saves, quits, and starts again
            stores[step.session].save(progress)
            sessions[step.session] = stores[step.session].load().progress
            continue
        if step.save or step.kind == "save":
            sessions[step.session] = stores[step.session].save(progress)[0]

    for number in (0, 1):  # both quit, each saving once more
        stores[number].save(sessions[number])

    last_retake = max(retakes, default=0.0)
    expected: dict[str, int] = {}
    for at, question, option in sorted(answers):
        if at > last_retake:
            expected[question] = option  # sorted by time: the latest wins
    on_disk = ProgressStore(path).load().progress
    assert on_disk.quiz_answers == expected
    assert met <= on_disk.self_checks
    assert finished <= on_disk.done
    assert on_disk.quiz_best == (max(scores) if scores else None)
