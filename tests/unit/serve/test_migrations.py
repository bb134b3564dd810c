"""The class store's schema versions: from version 0 (JSON files) up, and a harness for later ones.

`upgrade_from` builds a database at an older version with the real migrations, puts
data in it, then opens it with a longer list: the pattern each new migration's test
follows (the harness test below uses a made-up next migration that adds a column). The
real v1→v2 step (presence) is tested from a version-1 database on both stores.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.serve.migrations import (
    MIGRATIONS,
    Migration,
    NewerSchema,
    latest_version,
    migrate,
    version_of,
)
from neuron_tui.serve.store import DATABASE_NAME, StoreError, open_store
from neuron_tui.serve.store_presence import NodeRecord, Presence, PresenceRecord

LATEST = latest_version()
#: A next version for the harness: adds a column and keeps every row.
NEXT = Migration(LATEST + 1, "a nickname per learner",
                 ("ALTER TABLE learners ADD COLUMN nickname TEXT",))


def upgrade_from(path: Path, version: int, to: tuple[Migration, ...]) -> int:
    """Migrate the database at `path`, which must be at `version`, with `to` in one
    transaction; returns the version found."""
    db = sqlite3.connect(path, isolation_level=None)
    assert version_of(db) == version
    db.execute("BEGIN IMMEDIATE")
    found = migrate(db, to)
    db.execute("COMMIT")
    db.close()
    return found


def test_version_0_is_a_folder_of_json_and_becomes_the_latest(tmp_path: Path) -> None:
    answered = Progress(visited={"opening", "part06"}, resume_page="part06")
    answered.answer("1", 2, now=50.0)
    ProgressStore(tmp_path / "learners" / "ada.json").save(answered)
    store = open_store(tmp_path)
    db = sqlite3.connect(tmp_path / DATABASE_NAME)
    assert version_of(db) == latest_version() == len(MIGRATIONS)
    assert db.execute("SELECT file_name, outcome FROM json_imports").fetchall() == [
        ("ada.json", "imported"),
    ]
    record = store.learner("ada")
    assert record is not None and record.progress.quiz_answers == {"1": 2}
    store.close()


def test_reopening_does_not_import_again(tmp_path: Path) -> None:
    """Learners forgotten or saved since the first start are not brought back from JSON."""
    ProgressStore(tmp_path / "learners" / "ada.json").save(Progress())
    store = open_store(tmp_path)
    store.forget("ada")
    ProgressStore(tmp_path / "learners" / "bo.json").save(Progress())
    store.close()
    store = open_store(tmp_path)
    assert store.learners() == []
    store.close()


def test_the_next_version_keeps_every_row(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.save_progress("ada", "Ada", {"quiz_answers": {"1": 3}, "quiz_answered_at": {"1": 7.0}},
                        "part06", 8.0)
    store.set_pacing(2, False)
    store.close()
    path = tmp_path / DATABASE_NAME
    assert upgrade_from(path, LATEST, (*MIGRATIONS, NEXT)) == LATEST
    db = sqlite3.connect(path)
    assert version_of(db) == LATEST + 1
    assert db.execute("SELECT learner_key, name, nickname FROM learners").fetchall() == [
        ("ada", "Ada", None),
    ]
    assert db.execute("SELECT question, option_index FROM answers").fetchall() == [("1", 3)]
    # Migrating again is a no-op: nothing applied twice.
    assert upgrade_from(path, LATEST + 1, (*MIGRATIONS, NEXT)) == LATEST + 1
    assert db.execute("SELECT COUNT(*) FROM schema_version").fetchone() == (LATEST + 1,)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_version_1_store_gains_presence_and_keeps_every_row(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    """What a store written by the previous neuron-tui (schema 1) becomes when opened."""
    url = request.getfixturevalue("postgres_url") if kind == "postgresql" else None
    mark = "%s" if url else "?"
    if url is None:
        db: Any = sqlite3.connect(tmp_path / DATABASE_NAME, isolation_level=None)
    else:
        import psycopg

        db = psycopg.connect(url, autocommit=True)
    with contextlib.closing(db):
        assert migrate(db, MIGRATIONS[:1], placeholder=mark) == 0
        db.execute(f"INSERT INTO learners VALUES ({', '.join([mark] * 8)})",
                   ("ada", "Ada", '{"quiz_answers": {"1": 3}}', "part06", 5.0, 8.0, None, None))
        db.execute(f"INSERT INTO answers VALUES ({mark}, {mark}, {mark}, {mark})",
                   ("ada", "1", 3, None))
        db.execute(f"INSERT INTO class_settings VALUES ({mark}, {mark})", ("hold", "3"))
    store = open_store(tmp_path, url)
    try:
        record = store.learner("ada")
        assert record is not None and record.progress.quiz_answers == {"1": 3}
        assert record.page == "part06" and store.pacing().hold == 3
        assert [(row.key, row.option) for row in store.answers()] == [("ada", 3)]
        # The new tables work: a node and its learner, read back.
        node = NodeRecord("node1", 1, 40, 0.5, 1.0, 9.0)
        store.publish_presence(node, [PresenceRecord("node1", "ada", "Ada", "part06", 8.0,
                                                     9.0, 1)], [])
        assert store.presence(now=10.0) == Presence((node,), (
            PresenceRecord("node1", "ada", "Ada", "part06", 8.0, 9.0, 1),))
    finally:
        store.close()


def test_a_failing_migration_leaves_the_old_schema(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    broken = Migration(LATEST + 1, "broken", ("ALTER TABLE learners ADD COLUMN x TEXT", "NOT SQL"))
    path = tmp_path / DATABASE_NAME
    with pytest.raises(sqlite3.OperationalError):
        upgrade_from(path, LATEST, (*MIGRATIONS, broken))
    db = sqlite3.connect(path)
    assert version_of(db) == LATEST
    columns = [row[1] for row in db.execute("PRAGMA table_info(learners)")]
    assert "x" not in columns


def test_a_database_from_a_newer_neuron_tui_is_refused_in_one_line(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    upgrade_from(tmp_path / DATABASE_NAME, LATEST, (*MIGRATIONS, NEXT))
    with pytest.raises(StoreError, match="newer neuron-tui") as raised:
        open_store(tmp_path)
    assert "\n" not in str(raised.value)
    # Direct callers get the typed error.
    db = sqlite3.connect(tmp_path / DATABASE_NAME, isolation_level=None)
    with pytest.raises(NewerSchema):
        migrate(db, MIGRATIONS)


def test_migrations_must_be_numbered_in_order(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    with pytest.raises(ValueError, match="in order"):
        migrate(db, (MIGRATIONS[0], Migration(3, "skips 2", ())))
