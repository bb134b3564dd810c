"""The class view's rules without Textual: reading the hub, who is stuck, sorting, the
quiz summary, part numbers typed by the teacher, and `neuron-tui class export|forget`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from neuron_tui.__main__ import main
from neuron_tui.class_view.dialogs import RELEASE, parse_part
from neuron_tui.class_view.model import Learner, Question, Snapshot, read_snapshot
from neuron_tui.class_view.summary import (
    IDLE_SECONDS,
    SLOW_SECONDS,
    ago,
    parts_line,
    question_summaries,
    quiz_line,
    sort_learners,
    stuck_reason,
    title_line,
)
from neuron_tui.class_view.table import detail_text
from neuron_tui.lesson.progress import Progress
from neuron_tui.serve.names import learner_key
from neuron_tui.serve.store import open_store

NOW = 1_800_000_000.0


def test_reading_the_hub_keeps_what_is_well_formed() -> None:
    snapshot = read_snapshot({
        "t": "class", "at": NOW, "extra": "ignored",
        "learners": [
            {"name": "Ada", "key": "ada", "connected": True, "page": "part02",
             "quiz_score": 4, "answers": {"1": 2, "2": "b", "3": -1}, "self_checks": ["x", 3],
             "last_activity": "soon", "fingerprint": "SHA256:k"},
            {"name": 7}, "nonsense", {"key": "nameless"},
        ],
        "pacing": {"hold": 4, "quiz_open": False},
        "quiz": [{"id": "1", "options": ["a", "b"], "answer": 1}, {"id": "2"}, None],
        "nodes": [{"name": "room", "sessions": 3, "max_sessions": 40}, {"sessions": 1}],
        "message": "", "serving": "ssh -p 2222\tNAME@room\n",
    })
    (ada,) = snapshot.learners
    assert ada.answers == {"1": 2} and ada.self_checks == ("x",)
    assert ada.last_activity is None and ada.quiz_score == 4 and ada.fingerprint == "SHA256:k"
    assert snapshot.pacing.hold == 4 and snapshot.pacing.quiz_open is False
    assert snapshot.quiz == (Question("1", ("a", "b"), 1),)
    assert [node.name for node in snapshot.nodes] == ["room"]
    assert snapshot.message is None
    assert snapshot.serving == "ssh -p 2222 NAME@room"  # one line, whatever the hub sent
    # A snapshot without pacing leaves learners free and the quiz open.
    empty = read_snapshot({"t": "class", "learners": "nope", "pacing": [1]})
    assert empty.learners == () and empty.pacing.hold is None and empty.pacing.quiz_open
    assert empty.serving == ""


#: An OpenSSH SHA256 fingerprint as the server records it (50 characters).
FINGERPRINT = "SHA256:" + "nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"


@pytest.mark.parametrize("width", [80, 60])
def test_the_detail_line_shows_the_key_at_80_columns(width: int) -> None:
    ada = Learner("ada", "ada", first_seen=NOW - 60, parts_done=("part01",),
                  fingerprint=FINGERPRINT, node="classroom")
    line = detail_text(ada, NOW, width=width)
    assert line.startswith(f"ada · key {FINGERPRINT}") and len(line) <= width
    # What follows comes as far as it fits, whole.
    assert line.endswith("· on classroom") if width == 80 else line.endswith(FINGERPRINT)


def test_a_long_name_leaves_room_for_the_start_of_the_key() -> None:
    name = "Margaret Hamilton of the Apollo guidance team"
    learner = Learner(name, name, fingerprint=FINGERPRINT)
    line = detail_text(learner, NOW, width=80)
    assert line == f"{name} · key {FINGERPRINT[:24]}…" and len(line) <= 80
    squeezed = detail_text(learner, NOW, width=40)
    assert squeezed == f"Margare… · key {FINGERPRINT[:24]}…" and len(squeezed) == 40
    # Without a key, nothing is shortened and nothing is cut mid-piece.
    assert detail_text(Learner(name, name), NOW, width=60) == name


def test_the_title_says_how_learners_join_before_what_does_not_fit() -> None:
    snapshot = Snapshot(learners=(Learner("a", "a"),), serving="ssh -p 2222 NAME@classroom")
    assert title_line(snapshot, "name", 200) == (
        "neuron-tui · the class · join: ssh -p 2222 NAME@classroom · sorted by name · 1 learners")
    assert title_line(snapshot, "name", 80) == (
        "neuron-tui · the class · join: ssh -p 2222 NAME@classroom · sorted by name")
    assert title_line(Snapshot(), "part", 80) == (
        "neuron-tui · the class · sorted by part · 0 learners")


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "–"), (-3, "0s"), (59.9, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h00"),
    (3900, "1h05"), (86400 * 2, "2d"),
])
def test_ago(seconds: float | None, text: str) -> None:
    assert ago(seconds) == text


def test_a_learner_stands_out_when_idle_or_slow_on_one_part() -> None:
    fresh = Learner("ada", "Ada", connected=True, page="part03", page_since=NOW - 10,
                    last_activity=NOW - 10)
    assert stuck_reason(fresh, NOW) == ""
    idle = Learner("ada", "Ada", connected=True, page="part03", page_since=NOW - 10,
                   last_activity=NOW - IDLE_SECONDS)
    assert stuck_reason(idle, NOW) == "idle 3m"
    slow = Learner("ada", "Ada", connected=True, page="part03",
                   page_since=NOW - SLOW_SECONDS, last_activity=NOW - 1)
    assert stuck_reason(slow, NOW) == "5m on 03"
    # Reading the completion page for long is no trouble; a learner who left is not stuck.
    done = Learner("ada", "Ada", connected=True, page="completion",
                   page_since=NOW - 3 * SLOW_SECONDS, last_activity=NOW - 1)
    assert stuck_reason(done, NOW) == ""
    gone = Learner("ada", "Ada", connected=False, page="part03",
                   page_since=NOW - 3 * SLOW_SECONDS, last_activity=NOW - 3 * IDLE_SECONDS)
    assert stuck_reason(gone, NOW) == ""


def test_sorting_by_name_part_and_activity() -> None:
    people = [
        Learner("cy", "cy", connected=True, page="part01", last_activity=NOW - 50),
        Learner("bob", "Bob", connected=False, page="opening", last_activity=NOW - 900),
        Learner("ada", "Ada", connected=True, page="part05", last_activity=NOW - 300),
        Learner("al", "al", connected=True, page="part01", last_activity=NOW - 300),
    ]
    names = lambda order: [p.name for p in sort_learners(people, order)]  # noqa: E731
    assert names("name") == ["Ada", "al", "Bob", "cy"]
    assert names("part") == ["Bob", "al", "cy", "Ada"]
    # Idlest connected learner first; ties by name; those who left at the end.
    assert names("activity") == ["Ada", "al", "cy", "Bob"]


def test_the_quiz_summary_counts_misses_and_the_most_chosen_wrong_option() -> None:
    quiz = (Question("1", ("a", "b", "c", "d"), 1), Question("2", ("a", "b", "c", "d"), 0))
    people = (
        Learner("a", "A", connected=True, page="part06", quiz_score=1,
                answers={"1": 1, "2": 3}),
        Learner("b", "B", connected=True, page="part06", quiz_score=0,
                answers={"1": 2, "2": 2}),
        Learner("c", "C", connected=False, page="completion", quiz_score=2,
                answers={"1": 1, "2": 0}),
        Learner("d", "D", connected=True, page="part02", answers={"2": 3}),
    )
    snapshot = Snapshot(learners=people, quiz=quiz)
    one, two = question_summaries(snapshot)
    assert (one.answered, one.missed, one.worst) == (3, 1, 2)
    assert (two.answered, two.missed, two.worst) == (4, 3, 3)
    assert quiz_line(snapshot) == "quiz avg 1.0/2 (3 done) │ missed Q1 1(c) Q2 3(d)"
    assert parts_line(snapshot) == "3 here, 1 away │ 02:1 06:2"
    # A tie between wrong options names the first of them, whatever order they came in.
    tie = Snapshot(learners=people[:2], quiz=(Question("2", ("a", "b", "c", "d"), 0),))
    assert question_summaries(tie)[0].worst == 2


@pytest.mark.parametrize(("text", "release", "part"), [
    ("4", False, 4), (" 6 ", False, 6), ("", True, RELEASE), ("", False, None),
    ("7", False, None), ("0", True, None), ("４", False, None), ("-1", False, None),
])
def test_parse_part(text: str, release: bool, part: int | None) -> None:
    found, why = parse_part(text, allow_release=release)
    assert found == part
    assert bool(why) == (part is None)


# ---------------------------------------------------------------- the command line


def stored_class(state_dir: Path) -> None:
    """Two learners in the class store: Ada answered two questions, Bob none."""
    store = open_store(state_dir)
    ada = Progress(visited={"part01", "part06"}, done={"part01"})
    ada.answer("1", 1, now=NOW)
    ada.answer("2", 0, now=NOW + 5)
    store.save_progress(learner_key("Ada"), "Ada", ada.to_dict(), "part06", NOW + 5)
    store.save_progress(learner_key("Bob"), "Bob", Progress().to_dict(), "opening", NOW)
    store.close()


def test_export_writes_what_the_learners_answered(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    stored_class(tmp_path / "class")
    out = tmp_path / "out" / "results.csv"
    assert main(["class", "export", "--state-dir", str(tmp_path / "class"),
                 "--csv", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [("Ada", "1", "2"), ("Ada", "2", "1")]
    summary = out.with_name("results-summary.csv")
    assert f"wrote {out} and {summary}" in capsys.readouterr().out
    names = [row[0] for row in csv.reader(io.StringIO(summary.read_text("utf-8-sig")))]
    assert sorted(names[1:]) == ["Ada", "Bob"]


def test_forget_removes_one_learner(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stored_class(tmp_path)
    assert main(["class", "--state-dir", str(tmp_path), "forget", "ADA"]) == 0
    assert capsys.readouterr().out == "forgot ADA\n"
    store = open_store(tmp_path)
    try:
        assert [learner.name for learner in store.learners()] == ["Bob"]
    finally:
        store.close()
    assert main(["class", "forget", "ada", "--state-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"neuron-tui: no learner named 'ada' in {tmp_path}\n"


def test_class_commands_without_a_class_say_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "nothing"
    assert main(["class", "export", "--state-dir", str(empty), "--csv", "x.csv"]) == 2
    assert main(["class", "forget", "ada", "--state-dir", str(empty)]) == 2
    assert not empty.exists()  # nothing was created by asking
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["class", "--state-dir", str(empty)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == [f"neuron-tui: no class data in {empty}: give the server's --state-dir"] * 2
    assert lines[2] == (f"neuron-tui: no class server is running at {empty}/run/teacher.sock; "
                        "start one with `neuron-tui serve ssh` (or pass --state-dir / --socket)")
    assert len(lines) == 3
