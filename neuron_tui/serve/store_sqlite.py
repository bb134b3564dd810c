"""The class store in SQLite: ``STATE/class.sqlite3`` in WAL mode (standard library sqlite3).

WAL lets the class view's command line (``class export``, ``class forget``) read and
write while the server's hub writes; ``BEGIN IMMEDIATE`` takes the write lock at the
start of each change and a busy timeout waits for the other writer instead of failing.
Saves merge with what is kept (:func:`neuron_tui.lesson.progress.merge`), so saving the
same progress twice, or two sessions of one learner, never loses an answer.

One connection per store, usable from any thread (a lock serialises the calls).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from neuron_tui.i18n import _
from neuron_tui.lesson.progress import Progress, merge
from neuron_tui.serve.json_import import read_learner_files
from neuron_tui.serve.migrations import NewerSchema, migrate
from neuron_tui.serve.names import learner_file_name, learner_key
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

__all__ = ["DATABASE_NAME", "LEARNERS_FOLDER", "SqliteClassStore"]

DATABASE_NAME = "class.sqlite3"
#: How long a write waits for another writer (the CLI while the server runs) before failing.
BUSY_TIMEOUT_SECONDS = 10.0


class SqliteClassStore(SqlStoreBase):
    """A :class:`~neuron_tui.serve.store_records.ClassStore` in one SQLite file."""

    def __init__(self, state_dir: Path, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / DATABASE_NAME
        #: What the first start could not import (one line each), for the server's log.
        self.notices: list[str] = []
        self._lock = threading.Lock()
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Learners' names are personal data: the database (and so its -wal and -shm
            # files, which SQLite creates with the same mode) is the server user's only.
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            self._db = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None,
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as error:
            raise StoreError(_("the class database {where} cannot be opened: {error}").format(
                where=self.path, error=error)) from error
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")  # durable at each WAL checkpoint
            self._db.execute("PRAGMA foreign_keys = ON")
            with self._write() as db:
                if migrate(db) == 0:
                    self._import_json(db)
        except NewerSchema as error:
            self._db.close()
            raise StoreError(str(error)) from error
        except StoreError:
            self._db.close()
            raise
        except sqlite3.Error as error:
            self._db.close()
            raise self._failed(error) from error

    # -- plumbing -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at the start so two writers never deadlock.

        A database error (locked for longer than the busy timeout, a full disk) comes
        out as :class:`StoreError`, one line, with nothing of the change kept.
        """
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise self._failed(error) from error
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException as error:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise self._failed(error) from error
                raise

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, parameters).fetchall()
            except sqlite3.Error as error:
                raise self._failed(error) from error

    def _failed(self, error: sqlite3.Error) -> StoreError:
        return StoreError(_("the class database {where} cannot be used: {error}").format(
            where=self.path, error=error))

    @staticmethod
    def _row(db: sqlite3.Connection, key: str) -> LearnerRecord | None:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM learners WHERE learner_key = ?", (key,)
        ).fetchone()
        return _record(row) if row else None

    def _put(self, db: sqlite3.Connection, record: LearnerRecord) -> None:
        """Insert or replace a learner and their current answers (one row a question)."""
        db.execute(
            f"INSERT INTO learners ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (learner_key) DO UPDATE SET name = excluded.name,"
            " progress = excluded.progress, page = excluded.page,"
            " first_seen = excluded.first_seen, last_seen = excluded.last_seen,"
            " last_activity = excluded.last_activity, fingerprint = excluded.fingerprint",
            (record.key, record.name, json.dumps(record.progress.to_dict(), sort_keys=True),
             record.page, record.first_seen, record.last_seen, record.last_activity,
             record.fingerprint),
        )
        db.execute("DELETE FROM answers WHERE learner_key = ?", (record.key,))
        progress = record.progress
        db.executemany(
            "INSERT INTO answers (learner_key, question, option_index, answered_at)"
            " VALUES (?, ?, ?, ?)",
            [(record.key, question, option, progress.quiz_answered_at.get(question))
             for question, option in sorted(progress.quiz_answers.items())],
        )

    def _existing(self, db: sqlite3.Connection, key: str, name: str) -> LearnerRecord | None:
        """The learner keyed `key`; else claims the unclaimed import their name's file gave."""
        record = self._row(db, key)
        if record is not None:
            return record
        unclaimed = UNCLAIMED_PREFIX + learner_file_name(name)
        found = self._row(db, unclaimed)
        if found is None:
            return None
        # The answers follow the new key (ON UPDATE CASCADE).
        db.execute("UPDATE learners SET learner_key = ?, name = ? WHERE learner_key = ?",
                   (key, name, unclaimed))
        return self._row(db, key)

    def _import_json(self, db: sqlite3.Connection) -> None:
        """First start: every ``learners/*.json`` into the new database, in its transaction."""
        found = read_learner_files(self.state_dir / LEARNERS_FOLDER)
        now = time.time()
        for learner in found.learners:
            # A stem is the folded name itself exactly when the name was already safe.
            safe = learner_file_name(learner.stem) == learner.stem
            key = learner.stem if safe else UNCLAIMED_PREFIX + learner.stem
            self._put(db, LearnerRecord(
                key=key, name=learner.stem, progress=learner.progress,
                first_seen=learner.first_seen, last_seen=learner.last_seen,
            ))
            db.execute("INSERT INTO json_imports VALUES (?, ?, ?)",
                       (learner.file_name, now, "imported"))
        for file_name, why in found.problems:
            db.execute("INSERT INTO json_imports VALUES (?, ?, ?)", (file_name, now, why))
            self.notices.append(
                f"{LEARNERS_FOLDER}/{file_name} was not imported: it {why} (the file is kept)"
            )

    # -- learners -----------------------------------------------------------------------

    def learner(self, key: str) -> LearnerRecord | None:
        """The learner keyed `key`, or None; claims the unclaimed import `key`'s file gave.

        Claiming here (the file stem follows from the key alone) means the imported row
        is gone as soon as its learner is looked up, so a class never shows both.
        """
        unclaimed = UNCLAIMED_PREFIX + learner_file_name(key)
        with self._lock:
            try:
                record = self._row(self._db, key)
                if record is not None or self._row(self._db, unclaimed) is None:
                    return record
            except sqlite3.Error as error:
                raise self._failed(error) from error
        with self._write() as db:
            return self._existing(db, key, key)

    def save_progress(
        self, key: str, name: str, progress: dict[str, object], page: str, at: float
    ) -> None:
        """Merge `progress` into what is kept for the learner, and note the page and time."""
        incoming = Progress.from_dict(progress)
        with self._write() as db:
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
            db.execute(
                "UPDATE learners SET last_activity = MAX(COALESCE(last_activity, 0), ?),"
                " last_seen = MAX(last_seen, ?) WHERE learner_key = ?", (at, at, key),
            )

    def bind_fingerprint(
        self, key: str, name: str, fingerprint: str, at: float | None = None
    ) -> bool:
        """Bind `name` to the first key that used it; False when another key holds it."""
        at = time.time() if at is None else at
        with self._write() as db:
            old = self._existing(db, key, name)
            if old is None:
                self._put(db, LearnerRecord(key, name, Progress(), None, at, at,
                                            fingerprint=fingerprint))
                return True
            if old.fingerprint is None:
                db.execute("UPDATE learners SET fingerprint = ? WHERE learner_key = ?",
                           (fingerprint, key))
                return True
            return old.fingerprint == fingerprint

    def forget(self, name: str) -> bool:
        """Remove the learner called `name` from the store and their progress files.

        `name` is what the learner typed (any case), or, for an import no login has
        claimed, the file stem the class view and the export show for it.
        """
        stems = {learner_file_name(name)}
        with self._write() as db:
            if self._row(db, UNCLAIMED_PREFIX + name) is not None:
                stems.add(name)  # the shown name of an unclaimed import is its file stem
            removed = sum(
                db.execute("DELETE FROM learners WHERE learner_key = ?", (key,)).rowcount
                for key in {learner_key(name), *(UNCLAIMED_PREFIX + stem for stem in stems)}
            )
        for stem in stems:
            removed += self._remove_files(stem)
        return removed > 0

    # -- pacing and the message ---------------------------------------------------------

    # -- presence and events (one node: the events go nowhere) --------------------------

    def publish_presence(
        self, node: NodeRecord, changed: list[PresenceRecord], gone: list[str],
        reset: bool = False,
    ) -> None:
        """Keep `node`'s row and its connected learners (`reset`: drop its old ones first)."""
        with self._write() as db:
            if reset:
                clear_learners(db, "?", node.name)
            publish(db, "?", node, changed, gone)

    def announce(self, event: dict[str, object]) -> None:
        """Tell the other nodes about `event`: there are none on a SQLite store."""

    def listen(self, on_event: Callable[[dict[str, Any]], None]) -> None:
        """No other node can write to this store: nothing to listen to."""
        return None

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite on the last close)."""
        with self._lock:
            self._db.close()
