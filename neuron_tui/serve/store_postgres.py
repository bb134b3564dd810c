"""The class store in PostgreSQL (psycopg 3): one database for every lesson node of a school.

``--store postgresql://USER@HOST/DB`` (or ``$NEURON_TUI_STORE``) opens it instead of the
node's own SQLite file. It runs the same versioned migrations as SQLite
(:mod:`neuron_tui.serve.migrations`) and keeps the same rows, so the class view and the
export read it the same way.

Several nodes write at once, so every change is one transaction that first takes a
PostgreSQL advisory lock on the learner's key: two nodes saving one learner merge one
after the other (:func:`neuron_tui.lesson.progress.merge`), and nothing either sent is
lost. Rows are written with ``INSERT ... ON CONFLICT DO UPDATE``, so a node that dies
mid-write and a learner whose save is sent again leave the same rows. Migrations take
one fixed advisory lock, so nodes starting together never both create the schema.

The first node to create the schema imports its own ``STATE/learners/*.json`` (as SQLite
does); ``forget`` removes the learner's fallback files on the node it runs on.

One connection per store, usable from any thread (a lock serialises the calls).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg import conninfo

from neuron_tui.i18n import _
from neuron_tui.lesson.progress import Progress, merge
from neuron_tui.serve.json_import import read_learner_files
from neuron_tui.serve.migrations import NewerSchema, migrate
from neuron_tui.serve.names import learner_file_name, learner_key
from neuron_tui.serve.store_events import Listener, notify
from neuron_tui.serve.store_presence import (
    NodeRecord,
    PresenceRecord,
    clear_learners,
    publish,
)
from neuron_tui.serve.store_records import (
    UNCLAIMED_PREFIX,
    LearnerRecord,
    StoreError,
)
from neuron_tui.serve.store_sql import COLUMNS as _COLUMNS
from neuron_tui.serve.store_sql import LEARNERS_FOLDER, SqlStoreBase
from neuron_tui.serve.store_sql import record as _record

__all__ = ["URL_SCHEMES", "PostgresClassStore", "is_postgres_url", "shown_url"]

#: What a ``--store`` value starts with to mean PostgreSQL (libpq accepts both).
URL_SCHEMES = ("postgresql://", "postgres://")
#: How long to wait for the database server to answer a connection, in seconds.
CONNECT_TIMEOUT_SECONDS = 10
#: How long one statement may wait for a lock another node holds before failing, in ms.
LOCK_TIMEOUT_MS = 10_000
#: The advisory lock the migrations run under (any fixed 64-bit number of our own).
_SCHEMA_LOCK = int.from_bytes(hashlib.sha256(b"neuron-tui schema").digest()[:8], "big",
                              signed=True)

def is_postgres_url(value: str) -> bool:
    """Whether a ``--store`` value names a PostgreSQL database."""
    return value.startswith(URL_SCHEMES)


def shown_url(url: str) -> str:
    """`url` fit for a message or a log: host, port and database, never a password."""
    try:
        parts = conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "postgresql://(unreadable address)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', '')}{port}/{parts.get('dbname', '')}"


def _one_line(error: BaseException) -> str:
    """A driver error as one line (libpq's messages carry hints on further lines)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _lock_id(key: str) -> int:
    """The advisory lock of one learner key (a signed 64-bit number, as PostgreSQL takes)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


class PostgresClassStore(SqlStoreBase):
    """A :class:`~neuron_tui.serve.store_records.ClassStore` in a PostgreSQL database."""

    PARAM = "%s"

    def __init__(self, url: str, state_dir: Path) -> None:
        self.url = url
        self.state_dir = Path(state_dir)
        #: What the first start could not import (one line each), for the server's log.
        self.notices: list[str] = []
        self._lock = threading.Lock()
        self._db = self._connect()
        try:
            with self._write(_SCHEMA_LOCK) as db:
                if migrate(db, placeholder="%s") == 0:
                    self._import_json(db)
        except NewerSchema as error:
            self._db.close()
            raise StoreError(str(error)) from error
        except StoreError:
            self._db.close()
            raise
        except psycopg.Error as error:
            self._db.close()
            raise self._failed(error) from error

    # -- plumbing -----------------------------------------------------------------------

    def _connect(self, application: str = "neuron-tui") -> psycopg.Connection[Any]:
        """A new connection (autocommit: each change opens its own transaction)."""
        try:
            options = conninfo.conninfo_to_dict(self.url)
            options.setdefault("connect_timeout", str(CONNECT_TIMEOUT_SECONDS))
            options.setdefault("application_name", application)
            # A database host that vanishes without closing the connection (power, network)
            # is noticed within about 10 s instead of the system's two hours.
            options.setdefault("keepalives_idle", "5")
            options.setdefault("keepalives_interval", "2")
            options.setdefault("keepalives_count", "2")
            db = psycopg.connect(conninfo.make_conninfo(**options), autocommit=True)
            db.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
        except psycopg.Error as error:
            raise StoreError(_("the class database {where} cannot be opened: {error}").format(
                where=shown_url(self.url), error=_one_line(error))) from error
        return db

    def _connection(self) -> psycopg.Connection[Any]:
        """The connection, made again if the last one broke (the database restarted, a
        network blip): the call that met the break failed, the next one goes through.
        Nothing is lost by that, since every save carries the learner's whole progress."""
        if self._db.closed or self._db.broken:
            self._db = self._connect()
        return self._db

    @contextlib.contextmanager
    def _write(self, *locks: int) -> Iterator[psycopg.Connection[Any]]:
        """One transaction holding the advisory `locks` (taken in order, so never crossed).

        A database error comes out as :class:`StoreError`, one line, with nothing of the
        change kept (the transaction is rolled back).
        """
        with self._lock:
            db = self._connection()
            try:
                with db.transaction():
                    for lock in sorted(set(locks)):
                        db.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
                    yield db
            except psycopg.Error as error:
                raise self._failed(error) from error

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._connection().execute(sql, parameters).fetchall()
            except psycopg.Error as error:
                raise self._failed(error) from error

    def _failed(self, error: psycopg.Error) -> StoreError:
        return StoreError(_("the class database {where} cannot be used: {error}").format(
            where=shown_url(self.url), error=_one_line(error)))

    def _learner_locks(self, key: str) -> tuple[int, int]:
        """The locks a change to `key` takes: its own and its unclaimed import's."""
        return _lock_id(key), _lock_id(UNCLAIMED_PREFIX + learner_file_name(key))

    @staticmethod
    def _row(db: psycopg.Connection[Any], key: str) -> LearnerRecord | None:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM learners WHERE learner_key = %s", (key,)
        ).fetchone()
        return _record(row) if row else None

    @staticmethod
    def _put(db: psycopg.Connection[Any], record: LearnerRecord) -> None:
        """Upsert a learner and their current answers (one row a question)."""
        db.execute(
            f"INSERT INTO learners ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (learner_key) DO UPDATE SET name = excluded.name,"
            " progress = excluded.progress, page = excluded.page,"
            " first_seen = excluded.first_seen, last_seen = excluded.last_seen,"
            " last_activity = excluded.last_activity, fingerprint = excluded.fingerprint",
            (record.key, record.name, json.dumps(record.progress.to_dict(), sort_keys=True),
             record.page, record.first_seen, record.last_seen, record.last_activity,
             record.fingerprint),
        )
        db.execute("DELETE FROM answers WHERE learner_key = %s", (record.key,))
        progress = record.progress
        rows = [(record.key, question, option, progress.quiz_answered_at.get(question))
                for question, option in sorted(progress.quiz_answers.items())]
        if rows:
            with db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO answers (learner_key, question, option_index, answered_at)"
                    " VALUES (%s, %s, %s, %s)", rows,
                )

    def _existing(self, db: psycopg.Connection[Any], key: str, name: str) -> LearnerRecord | None:
        """The learner keyed `key`; else claims the unclaimed import their name's file gave."""
        record = self._row(db, key)
        if record is not None:
            return record
        unclaimed = UNCLAIMED_PREFIX + learner_file_name(name)
        if self._row(db, unclaimed) is None:
            return None
        # The answers follow the new key (ON UPDATE CASCADE).
        db.execute("UPDATE learners SET learner_key = %s, name = %s WHERE learner_key = %s",
                   (key, name, unclaimed))
        return self._row(db, key)

    def _import_json(self, db: psycopg.Connection[Any]) -> None:
        """The node that creates the schema imports its ``learners/*.json``, in that transaction."""
        found = read_learner_files(self.state_dir / LEARNERS_FOLDER)
        now = time.time()
        for learner in found.learners:
            safe = learner_file_name(learner.stem) == learner.stem
            key = learner.stem if safe else UNCLAIMED_PREFIX + learner.stem
            self._put(db, LearnerRecord(
                key=key, name=learner.stem, progress=learner.progress,
                first_seen=learner.first_seen, last_seen=learner.last_seen,
            ))
            db.execute("INSERT INTO json_imports VALUES (%s, %s, %s)",
                       (learner.file_name, now, "imported"))
        for file_name, why in found.problems:
            db.execute("INSERT INTO json_imports VALUES (%s, %s, %s)", (file_name, now, why))
            self.notices.append(
                f"{LEARNERS_FOLDER}/{file_name} was not imported: it {why} (the file is kept)"
            )

    # -- learners -----------------------------------------------------------------------

    def learner(self, key: str) -> LearnerRecord | None:
        """The learner keyed `key`, or None; claims the unclaimed import `key`'s file gave."""
        unclaimed = UNCLAIMED_PREFIX + learner_file_name(key)
        rows = self._read(
            f"SELECT {_COLUMNS} FROM learners WHERE learner_key IN (%s, %s)", (key, unclaimed)
        )
        for row in rows:
            if row[0] == key:
                return _record(row)
        if not rows:
            return None
        with self._write(*self._learner_locks(key)) as db:
            return self._existing(db, key, key)

    def save_progress(
        self, key: str, name: str, progress: dict[str, object], page: str, at: float
    ) -> None:
        """Merge `progress` into what is kept for the learner, and note the page and time."""
        incoming = Progress.from_dict(progress)
        with self._write(*self._learner_locks(key)) as db:
            old = self._existing(db, key, name)
            if old is None:
                record = LearnerRecord(key, name, incoming, page, at, at)
            else:
                record = LearnerRecord(
                    key, name, merge(incoming, old.progress), page,
                    min(old.first_seen, at), max(old.last_seen, at), old.last_activity,
                    old.fingerprint,
                )
            self._put(db, record)

    def touch(self, key: str, at: float) -> None:
        """The learner pressed a key at `at` (a learner not kept yet is ignored)."""
        with self._write() as db:
            # A key press is worth less than a wait for the disk: this commit does not
            # wait for its flush (a crash of the database server may lose the last
            # second of activity times, never progress). One statement: the row lock
            # PostgreSQL takes is enough, no advisory lock.
            db.execute("SET LOCAL synchronous_commit = off")
            db.execute(
                "UPDATE learners SET last_activity = GREATEST(COALESCE(last_activity, 0), %s),"
                " last_seen = GREATEST(last_seen, %s) WHERE learner_key = %s", (at, at, key),
            )

    def bind_fingerprint(
        self, key: str, name: str, fingerprint: str, at: float | None = None
    ) -> bool:
        """Bind `name` to the first key that used it; False when another key holds it."""
        at = time.time() if at is None else at
        with self._write(*self._learner_locks(key)) as db:
            old = self._existing(db, key, name)
            if old is None:
                self._put(db, LearnerRecord(key, name, Progress(), None, at, at,
                                            fingerprint=fingerprint))
                return True
            if old.fingerprint is None:
                db.execute("UPDATE learners SET fingerprint = %s WHERE learner_key = %s",
                           (fingerprint, key))
                return True
            return old.fingerprint == fingerprint

    def forget(self, name: str) -> bool:
        """Remove the learner called `name` from the store, and their progress files on
        this node (the other nodes' fallback files are theirs to remove)."""
        stems = {learner_file_name(name)}
        keys = (learner_key(name), UNCLAIMED_PREFIX + name, UNCLAIMED_PREFIX + next(iter(stems)))
        with self._write(*(_lock_id(key) for key in keys)) as db:
            if self._row(db, UNCLAIMED_PREFIX + name) is not None:
                stems.add(name)  # the shown name of an unclaimed import is its file stem
            removed = sum(
                db.execute("DELETE FROM learners WHERE learner_key = %s", (key,)).rowcount
                for key in {learner_key(name), *(UNCLAIMED_PREFIX + stem for stem in stems)}
            )
        for stem in stems:
            removed += self._remove_files(stem)
        return removed > 0

    # -- pacing and the message ---------------------------------------------------------

    # -- presence and events between nodes --------------------------------------------

    def publish_presence(
        self, node: NodeRecord, changed: list[PresenceRecord], gone: list[str],
        reset: bool = False,
    ) -> None:
        """Keep `node`'s row and its connected learners (`reset`: drop its old ones first)."""
        with self._write() as db:
            # Presence is shown for a second or two, then written again: not worth a flush.
            db.execute("SET LOCAL synchronous_commit = off")
            if reset:
                clear_learners(db, "%s", node.name)
            publish(db, "%s", node, changed, gone)

    def announce(self, event: dict[str, object]) -> None:
        """NOTIFY every node listening on this database of `event` (see store_events)."""
        with self._write() as db:
            notify(db, event)

    def listen(self, on_event: Callable[[dict[str, Any]], None]) -> Listener:
        """Start hearing the other nodes' events on a connection of its own (a thread)."""
        return Listener(lambda: self._connect("neuron-tui listen"), on_event)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()
