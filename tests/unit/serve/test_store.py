"""The class store's contract, on SQLite and on PostgreSQL: idempotent merging saves,
answers in step, identity, pacing, forget.

Each contract test runs twice: on a real SQLite database in a temporary state folder,
and on a fresh database of a throwaway PostgreSQL cluster (:mod:`tests.pg_fixture`;
skipped, with the reason, where the server binaries are missing). Concurrency tests
open two stores (two connections) on one database, as the server and `neuron-tui class
export` do, or two lesson nodes. The SQLite-only tests (file mode, WAL, locks) follow.
"""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.lesson.registry import LESSON
from neuron_tui.serve.names import learner_file_name, learner_key
from neuron_tui.serve.store import (
    DATABASE_NAME,
    ClassStore,
    Pacing,
    StoreError,
    open_store,
)
from neuron_tui.serve.store_sqlite import SqliteClassStore
from tests.unit.serve.store_fixtures import Opener

CHECKS = [check.id for page in LESSON.pages for check in page.self_checks]


@pytest.fixture
def store(reopen: Opener) -> ClassStore:
    return reopen()


def progress(**answers: tuple[int, float]) -> Progress:
    """A progress with quiz answers given as question=(option, time)."""
    made = Progress(visited={LESSON.first, "part01"}, resume_page="part01")
    for question, (option, at) in answers.items():
        made.answer(question.removeprefix("q"), option, now=at)
    return made


def test_a_save_is_kept_and_read_back(store: ClassStore) -> None:
    saved = progress(q1=(2, 100.0), q3=(0, 101.0))
    saved.meet(CHECKS[0])
    saved.finish("part01")
    store.save_progress("ada", "Ada", saved.to_dict(), "part01", 1000.0)
    record = store.learner("ada")
    assert record is not None
    assert record.name == "Ada" and record.page == "part01" and record.claimed
    assert record.progress == saved
    assert (record.first_seen, record.last_seen) == (1000.0, 1000.0)
    assert [(row.question, row.option, row.answered_at) for row in store.answers()] == [
        ("1", 2, 100.0), ("3", 0, 101.0),
    ]


def test_saving_the_same_progress_twice_changes_nothing(store: ClassStore) -> None:
    saved = progress(q1=(2, 100.0)).to_dict()
    store.save_progress("ada", "Ada", saved, "part01", 1000.0)
    first = (store.learners(), store.answers())
    store.save_progress("ada", "Ada", saved, "part01", 1000.0)
    assert (store.learners(), store.answers()) == first
    assert len(store.learners()) == 1


def test_a_save_merges_and_never_drops_an_answer(store: ClassStore) -> None:
    """Two sessions of one learner: each sends only its own answers; both stay."""
    store.save_progress("ada", "Ada", progress(q1=(0, 10.0)).to_dict(), "part06", 20.0)
    store.save_progress("ada", "ADA", progress(q2=(1, 11.0)).to_dict(), "part06", 15.0)
    record = store.learner("ada")
    assert record is not None
    assert record.progress.quiz_answers == {"1": 0, "2": 1}
    assert record.name == "ADA"  # the name as last typed
    assert (record.first_seen, record.last_seen) == (15.0, 20.0)


def test_a_retake_empties_the_answers_table(store: ClassStore) -> None:
    saved = progress(q1=(0, 10.0), q2=(1, 11.0))
    store.save_progress("ada", "Ada", saved.to_dict(), "part06", 20.0)
    saved.retake(now=30.0)
    saved.answer("4", 2, now=31.0)
    store.save_progress("ada", "Ada", saved.to_dict(), "part06", 32.0)
    assert [(row.question, row.option) for row in store.answers()] == [("4", 2)]


def test_touch_keeps_the_latest_activity(store: ClassStore) -> None:
    store.touch("nobody", 5.0)  # not kept yet: ignored, no row made
    assert store.learners() == []
    store.save_progress("ada", "Ada", {}, "part01", 10.0)
    store.touch("ada", 50.0)
    store.touch("ada", 40.0)  # late and out of order: the latest stays
    record = store.learner("ada")
    assert record is not None and record.last_activity == 50.0 and record.last_seen == 50.0


def test_a_name_is_bound_to_the_first_key_that_used_it(store: ClassStore) -> None:
    assert store.bind_fingerprint("ada", "Ada", "SHA256:first", at=5.0)
    assert store.bind_fingerprint("ada", "ada", "SHA256:first")
    assert not store.bind_fingerprint("ada", "ADA", "SHA256:other")
    record = store.learner("ada")
    assert record is not None and record.fingerprint == "SHA256:first"
    # Progress saved later keeps the binding.
    store.save_progress("ada", "Ada", progress(q1=(1, 9.0)).to_dict(), "part06", 10.0)
    assert not store.bind_fingerprint("ada", "Ada", "SHA256:other")


def test_a_learner_who_saved_before_keys_were_bound_gets_bound(store: ClassStore) -> None:
    store.save_progress("bo", "Bo", progress(q1=(1, 9.0)).to_dict(), "part06", 10.0)
    assert store.bind_fingerprint("bo", "Bo", "SHA256:bo")
    assert not store.bind_fingerprint("bo", "Bo", "SHA256:eve")


def test_names_that_differ_beyond_case_never_share(store: ClassStore) -> None:
    for name in ("a b", "a_b", "a/b", "Straße"):
        store.save_progress(learner_key(name), name, progress().to_dict(), "part01", 1.0)
    keys = {record.key for record in store.learners()}
    assert keys == {"a b", "a_b", "a/b", "strasse"}
    assert store.learner(learner_key("STRASSE")) is not None


def test_pacing_and_the_message_survive_a_restart(reopen: Opener) -> None:
    store = reopen()
    assert store.pacing() == Pacing(hold=None, quiz_open=True, start=None)
    assert store.message() is None
    store.set_pacing(4, False)
    store.set_start(3)
    store.set_message("Break until 10:30")
    store.close()
    store = reopen()
    assert store.pacing() == Pacing(hold=4, quiz_open=False, start=3)
    assert store.pacing().to_dict() == {"hold": 4, "quiz_open": False}
    assert store.message() == "Break until 10:30"
    store.set_pacing(None, True)
    store.set_message(None)
    assert store.pacing() == Pacing(hold=None, quiz_open=True, start=3)
    assert store.message() is None
    store.close()


def test_forget_removes_the_learner_and_their_progress_files(
    tmp_path: Path, reopen: Opener
) -> None:
    learners = tmp_path / "learners"
    for name in ("Ada", "ada.x"):
        ProgressStore(learners / f"{learner_file_name(name)}.json").save(progress(q1=(1, 5.0)))
    backup = learners / "ada.corrupt-20260101-101010.json"
    backup.write_text("{}")
    store = reopen()
    store.save_progress("ada", "Ada", progress(q2=(0, 6.0)).to_dict(), "part06", 10.0)
    assert store.forget("ADA")
    assert store.learner("ada") is None
    assert [row.key for row in store.answers()] == ["ada.x"]  # the other learner's stay
    assert sorted(path.name for path in learners.iterdir()) == ["ada.x.json", "ada.x.json.lock"]
    assert not store.forget("Ada")  # nothing left to forget
    store.close()


def test_two_connections_write_at_once_without_losing_anything(reopen: Opener) -> None:
    """The server and the command line on one database, or two nodes: every write lands."""
    first, second = reopen(), reopen()
    errors: list[BaseException] = []

    def write(store: ClassStore, prefix: str) -> None:
        try:
            for number in range(40):
                store.save_progress(f"{prefix}{number}", f"{prefix}{number}",
                                    progress(q1=(number % 4, float(number))).to_dict(),
                                    "part06", float(number))
                store.touch(f"{prefix}{number}", 100.0 + number)
        except BaseException as error:  # reported below, with the thread's own traceback
            errors.append(error)

    threads = [threading.Thread(target=write, args=(store, prefix))
               for store, prefix in ((first, "a"), (second, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(first.learners()) == 80 and len(second.answers()) == 80
    first.close()
    second.close()


def test_two_nodes_saving_one_learner_at_once_keep_every_answer(reopen: Opener) -> None:
    """Each node merges what the other kept, so no save overwrites another's answers."""
    nodes = [reopen(), reopen()]
    questions = [str(number) for number in range(1, 6)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(nodes))

    def save(node: ClassStore, offset: int) -> None:
        try:
            start.wait(timeout=10)
            for round_ in range(20):
                answered = Progress()
                for question in questions[offset::2]:
                    answered.answer(question, round_ % 4, now=float(round_))
                node.save_progress("ada", "Ada", answered.to_dict(), "part06", float(round_))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(node, offset))
               for offset, node in enumerate(nodes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    record = nodes[0].learner("ada")
    assert record is not None and sorted(record.progress.quiz_answers) == questions
    assert sorted(row.question for row in nodes[1].answers()) == questions


def test_the_sqlite_store_writes_ahead(tmp_path: Path) -> None:
    """WAL, so the command line reads and writes while the server's hub writes."""
    open_store(tmp_path).close()
    mode = sqlite3.connect(tmp_path / DATABASE_NAME).execute("PRAGMA journal_mode").fetchone()
    assert mode == ("wal",)


def test_the_database_is_private(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    assert stat.S_IMODE((tmp_path / DATABASE_NAME).stat().st_mode) == 0o600


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    (tmp_path / DATABASE_NAME).write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StoreError) as raised:
        open_store(tmp_path)
    assert "\n" not in str(raised.value) and DATABASE_NAME in str(raised.value)


def test_a_database_locked_too_long_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    store = SqliteClassStore(tmp_path, busy_timeout=0.05)
    other = sqlite3.connect(tmp_path / DATABASE_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    with pytest.raises(StoreError, match="locked") as raised:
        store.save_progress("ada", "Ada", {}, "part01", 1.0)
    assert "\n" not in str(raised.value)
    other.execute("ROLLBACK")
    assert store.learners() == []
    store.save_progress("ada", "Ada", {}, "part01", 1.0)  # and it works once free
    assert [record.key for record in store.learners()] == ["ada"]
    store.close()
