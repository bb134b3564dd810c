"""The first start imports ``learners/*.json`` into the store without losing anything.

The files are written by the lesson's own `ProgressStore`, as `serve ssh` did before
the store, under the names `learner_file_name` gives.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.lesson.registry import LESSON
from neuron_tui.serve.json_import import is_backup_name, read_learner_files
from neuron_tui.serve.names import learner_file_name, learner_key
from neuron_tui.serve.store import UNCLAIMED_PREFIX, open_store
from neuron_tui.serve.store_sqlite import SqliteClassStore

CHECKS = [check.id for page in LESSON.pages for check in page.self_checks]


def rich_progress(seed: int) -> Progress:
    """A learner well into the lesson: parts, self-checks, a retake, timed answers."""
    made = Progress()
    for key in LESSON.part_keys[: 2 + seed % 4]:
        made.visit(key)
        made.finish(key)
    for check in CHECKS[seed % 2 :: 2]:
        made.meet(check)
    made.answer("1", 3, now=1000.0 + seed)
    made.retake(now=1100.0 + seed)
    made.quiz_best = 3
    for question in ("1", "2", "5"):
        made.answer(question, (seed + int(question)) % 4, now=1200.0 + seed + int(question))
    return made


def save_learner(state: Path, name: str, progress: Progress) -> Path:
    path = state / "learners" / f"{learner_file_name(name)}.json"
    ProgressStore(path).save(progress)
    return path


def test_every_answer_time_and_self_check_comes_across(tmp_path: Path) -> None:
    names = ["ada", "bo", "cy.d", "e-f_9"]
    saved = {name: rich_progress(seed) for seed, name in enumerate(names)}
    for name, progress in saved.items():
        save_learner(tmp_path, name, progress)
    store = open_store(tmp_path)
    assert store.notices == []
    assert {record.key: record.progress for record in store.learners()} == saved
    assert {(row.key, row.question): (row.option, row.answered_at) for row in store.answers()} == {
        (name, question): (option, progress.quiz_answered_at[question])
        for name, progress in saved.items() for question, option in progress.quiz_answers.items()
    }
    store.close()
    # The files stay: the lessons keep them as their local fallback.
    assert sorted(path.name for path in (tmp_path / "learners").glob("*.json")) == sorted(
        f"{name}.json" for name in names
    )


def test_a_name_the_file_name_hides_is_kept_until_its_learner_claims_it(tmp_path: Path) -> None:
    saved = rich_progress(1)
    path = save_learner(tmp_path, "José Ruiz", saved)
    store = open_store(tmp_path)
    [record] = store.learners()
    assert record.key == UNCLAIMED_PREFIX + path.stem and not record.claimed
    assert record.progress == saved
    key = learner_key("José Ruiz")
    # Looking the learner up claims it: one row, under the real key, nothing lost.
    found = store.learner(key)
    assert found is not None and found.key == key and found.progress == saved
    assert [(record.key, record.claimed) for record in store.learners()] == [(key, True)]
    assert {row.key for row in store.answers()} == {key}
    # Their first save names it as they typed it and merges as usual.
    store.save_progress(key, "José Ruiz", {"self_checks": [CHECKS[0]]}, "part02", 5000.0)
    [claimed] = store.learners()
    assert (claimed.key, claimed.name, claimed.claimed) == (key, "José Ruiz", True)
    assert claimed.progress.quiz_answers == saved.quiz_answers
    assert claimed.progress.self_checks == saved.self_checks | {CHECKS[0]}
    assert {row.key for row in store.answers()} == {key}
    store.close()


def test_binding_a_key_claims_an_imported_name_too(tmp_path: Path) -> None:
    save_learner(tmp_path, "Zoë", rich_progress(0))
    store = open_store(tmp_path)
    assert store.bind_fingerprint(learner_key("Zoë"), "Zoë", "SHA256:zoe")
    [record] = store.learners()
    assert record.claimed and record.fingerprint == "SHA256:zoe"
    assert record.progress == rich_progress(0)
    store.close()


def test_a_damaged_file_is_reported_and_kept(tmp_path: Path) -> None:
    save_learner(tmp_path, "ada", rich_progress(0))
    damaged = tmp_path / "learners" / "bo.json"
    damaged.write_bytes(b'{"visited": ["part01"')
    store = open_store(tmp_path)
    assert [record.key for record in store.learners()] == ["ada"]
    [notice] = store.notices
    assert "learners/bo.json" in notice and "not valid JSON" in notice and "\n" not in notice
    store.close()
    assert damaged.read_bytes() == b'{"visited": ["part01"'


def test_a_fifo_in_the_folder_neither_hangs_nor_is_lost(tmp_path: Path) -> None:
    (tmp_path / "learners").mkdir()
    os.mkfifo(tmp_path / "learners" / "pipe.json")
    found = read_learner_files(tmp_path / "learners")
    assert found.learners == [] and [name for name, _ in found.problems] == ["pipe.json"]
    assert (tmp_path / "learners" / "pipe.json").exists()


def test_the_lessons_backups_and_locks_are_not_learners(tmp_path: Path) -> None:
    save_learner(tmp_path, "ada", rich_progress(0))
    folder = tmp_path / "learners"
    for name in ("ada.corrupt-20260101-101010.json", "ada.reset-20260101-101010-2.json",
                 "ada.newer-20260101-101010.json"):
        (folder / name).write_text("{}")
        assert is_backup_name(name)
    assert not is_backup_name("ada.json") and not is_backup_name("a.b.json")
    found = read_learner_files(folder)
    assert [learner.stem for learner in found.learners] == ["ada"] and found.problems == []


def test_no_learners_folder_is_an_empty_class(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    assert store.learners() == [] and store.notices == []
    store.close()


def test_first_and_last_seen_come_from_the_file(tmp_path: Path) -> None:
    path = save_learner(tmp_path, "ada", rich_progress(0))
    os.utime(path, (2000.0, 2000.0))
    [learner] = read_learner_files(tmp_path / "learners").learners
    assert (learner.first_seen, learner.last_seen) == (1100.0, 2000.0)


def test_an_unclaimed_import_is_forgotten_by_the_name_shown_for_it(tmp_path: Path) -> None:
    path = save_learner(tmp_path, "José Ruiz", rich_progress(0))
    save_learner(tmp_path, "ada", rich_progress(1))
    store = open_store(tmp_path)
    shown = next(record.name for record in store.learners() if not record.claimed)
    assert shown == path.stem
    assert store.forget(shown)
    assert [record.key for record in store.learners()] == ["ada"]
    assert not path.exists() and (tmp_path / "learners" / "ada.json").exists()
    store.close()


def test_a_claimed_import_is_forgotten_by_the_learners_own_name(tmp_path: Path) -> None:
    path = save_learner(tmp_path, "José Ruiz", rich_progress(0))
    store = open_store(tmp_path)
    assert store.learner(learner_key("José Ruiz")) is not None
    assert store.forget("JOSÉ RUIZ")
    assert store.learners() == [] and store.answers() == [] and not path.exists()
    store.close()


def test_two_first_starts_at_once_import_once(tmp_path: Path) -> None:
    """The server and `neuron-tui class export` started together: one import, no error."""
    for seed, name in enumerate(("ada", "bo", "cy")):
        save_learner(tmp_path, name, rich_progress(seed))
    opened: list[object] = []

    def open_one() -> None:
        try:
            opened.append(open_store(tmp_path))
        except BaseException as error:  # reported by the assertion below
            opened.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stores = [store for store in opened if isinstance(store, SqliteClassStore)]
    assert len(stores) == 2, opened
    assert [record.key for record in stores[0].learners()] == ["ada", "bo", "cy"]
    assert len(stores[1].answers()) == sum(len(rich_progress(s).quiz_answers) for s in range(3))
    for store in stores:
        store.close()
