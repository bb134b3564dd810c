"""What only the PostgreSQL store does: chosen by address or $NEURON_TUI_STORE, nodes that
start together, schema versions shared with SQLite, one-line errors that hide passwords.

The contract both stores keep is tested in test_store.py; these run on the throwaway
cluster of :mod:`tests.pg_fixture` (skipped, with the reason, without the binaries).
"""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from neuron_tui.serve.migrations import (
    MIGRATIONS,
    Migration,
    latest_version,
    migrate,
    version_of,
)
from neuron_tui.serve.store import DATABASE_NAME, STORE_VARIABLE, StoreError, open_store
from neuron_tui.serve.store_postgres import PostgresClassStore, shown_url
from tests.pg_fixture import ThrowawayCluster

#: Ports of this engineer's range that no test listens on.
UNUSED_PORTS = range(23990, 24000)


def test_the_variable_chooses_postgresql_and_no_sqlite_file_is_made(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STORE_VARIABLE, postgres_url)
    store = open_store(tmp_path)
    try:
        assert isinstance(store, PostgresClassStore)
        store.save_progress("ada", "Ada", {}, "part01", 1.0)
    finally:
        store.close()
    assert not (tmp_path / DATABASE_NAME).exists()
    # An address given by the caller (--store) wins over the variable.
    monkeypatch.setenv(STORE_VARIABLE, "postgresql://nobody@127.0.0.1:1/none")
    store = open_store(tmp_path, postgres_url)
    try:
        assert [record.key for record in store.learners()] == ["ada"]
    finally:
        store.close()


def test_an_address_that_is_not_postgresql_is_one_line_without_its_password(
    tmp_path: Path,
) -> None:
    with pytest.raises(StoreError, match="mysql://…") as raised:
        open_store(tmp_path, "mysql://teacher:s3cret@db.school/class")
    assert "\n" not in str(raised.value) and "s3cret" not in str(raised.value)


def test_a_server_that_does_not_answer_is_one_line_without_its_password(
    tmp_path: Path, postgres_cluster: ThrowawayCluster
) -> None:
    port = next(port for port in UNUSED_PORTS if port != postgres_cluster.port)
    url = f"postgresql://teacher:s3cret@127.0.0.1:{port}/class"
    with pytest.raises(StoreError, match="cannot be opened") as raised:
        open_store(tmp_path, url)
    message = str(raised.value)
    assert "\n" not in message and "s3cret" not in message
    assert f"postgresql://teacher@127.0.0.1:{port}/class" in message
    assert shown_url(url) == f"postgresql://teacher@127.0.0.1:{port}/class"


def test_nodes_starting_together_create_the_schema_once(
    tmp_path: Path, postgres_url: str
) -> None:
    opened: list[PostgresClassStore | BaseException] = []
    start = threading.Barrier(4)

    def node(number: int) -> None:
        start.wait(timeout=10)
        try:
            opened.append(open_store(tmp_path / f"node{number}", postgres_url))  # type: ignore[arg-type]
        except BaseException as error:  # reported below
            opened.append(error)

    threads = [threading.Thread(target=node, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(store, PostgresClassStore) for store in opened), opened
    for store in opened:
        store.close()  # type: ignore[union-attr]
    with psycopg.connect(postgres_url) as db:
        versions = db.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert versions == [(migration.version,) for migration in MIGRATIONS]  # each once


def test_the_shared_migrations_lift_a_postgresql_store_and_keep_its_rows(
    tmp_path: Path, postgres_url: str
) -> None:
    store = open_store(tmp_path, postgres_url)
    store.save_progress("ada", "Ada", {"quiz_answers": {"1": 3}}, "part06", 8.0)
    store.close()
    newest = latest_version()
    later = Migration(newest + 1, "a nickname per learner",
                      ("ALTER TABLE learners ADD COLUMN nick TEXT",))
    with psycopg.connect(postgres_url) as db:  # one transaction, committed on leaving
        assert migrate(db, (*MIGRATIONS, later), placeholder="%s") == newest
    with psycopg.connect(postgres_url) as db:
        assert version_of(db) == newest + 1
        assert db.execute("SELECT learner_key, nick FROM learners").fetchall() == [("ada", None)]
        assert db.execute("SELECT question, option_index FROM answers").fetchall() == [("1", 3)]
    # This neuron-tui does not know that version: it refuses the database in one line.
    with pytest.raises(StoreError, match="newer neuron-tui") as raised:
        open_store(tmp_path, postgres_url)
    assert "\n" not in str(raised.value)


def test_a_broken_connection_fails_one_call_and_the_next_reconnects(
    tmp_path: Path, postgres_url: str
) -> None:
    """A database restart or a network blip: nothing kept is lost, the store carries on."""
    store = open_store(tmp_path, postgres_url)
    try:
        store.save_progress("ada", "Ada", {"quiz_answers": {"1": 3}}, "part06", 8.0)
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'neuron-tui' AND datname = current_database()"
            ).fetchall()
        assert ended == [(True,)]
        with pytest.raises(StoreError, match="cannot be used") as raised:
            store.save_progress("ada", "Ada", {"quiz_answers": {"2": 1}}, "part06", 9.0)
        assert "\n" not in str(raised.value)
        store.save_progress("ada", "Ada", {"quiz_answers": {"2": 1}}, "part06", 9.0)
        record = store.learner("ada")
        assert record is not None and record.progress.quiz_answers == {"1": 3, "2": 1}
    finally:
        store.close()
