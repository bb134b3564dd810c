"""What the SQLite and PostgreSQL class stores share: the same tables, read the same way.

Both stores speak SQL to the same schema (`migrations.py`); they differ in how they
connect, lock and write (``_read`` and ``_write``) and in the placeholder their driver
takes (``?`` or ``%s``). Everything that is the same query either way lives here once.
"""

from __future__ import annotations

import contextlib
import json
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from neuron_tui.lesson.progress import Progress
from neuron_tui.serve.json_import import is_backup_name
from neuron_tui.serve.names import learner_key
from neuron_tui.serve.store_presence import Presence, read_presence, remove_node
from neuron_tui.serve.store_records import AnswerRow, LearnerRecord, Pacing

__all__ = ["COLUMNS", "LEARNERS_FOLDER", "SqlStoreBase", "record"]

#: Where ``serve ssh`` keeps each learner's progress file (imported on first start).
LEARNERS_FOLDER = "learners"
#: A learner row's columns, in the order :func:`record` reads them.
COLUMNS = (
    "learner_key, name, progress, page, first_seen, last_seen, last_activity, fingerprint"
)

def record(row: tuple[Any, ...]) -> LearnerRecord:
    """A learner row (:data:`COLUMNS`) as a record."""
    key, name, progress, page, first_seen, last_seen, last_activity, fingerprint = row
    return LearnerRecord(
        key=key, name=name, progress=Progress.from_dict(json.loads(progress)), page=page,
        first_seen=first_seen, last_seen=last_seen, last_activity=last_activity,
        fingerprint=fingerprint,
    )



class SqlStoreBase:
    """The class store's queries that read the same in SQLite and PostgreSQL."""

    #: The driver's parameter placeholder (``?`` for sqlite3, ``%s`` for psycopg).
    PARAM = "?"
    state_dir: Path

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def learners(self) -> list[LearnerRecord]:
        """Every learner, by name (case-folded, so "ada" and "Bo" sort as people expect)."""
        rows = self._read(f"SELECT {COLUMNS} FROM learners")
        return sorted((record(row) for row in rows), key=lambda r: (learner_key(r.name), r.key))

    def answers(self) -> list[AnswerRow]:
        """Every current answer, by learner (as `learners`) then question."""
        rows = self._read(
            "SELECT a.learner_key, l.name, a.question, a.option_index, a.answered_at"
            " FROM answers a JOIN learners l ON l.learner_key = a.learner_key"
        )
        return sorted((AnswerRow(*row) for row in rows),
                      key=lambda r: (learner_key(r.name), r.key, r.question.zfill(3)))

    def _remove_files(self, stem: str) -> int:
        """Delete ``learners/<stem>.json``, its lock and its backups; how many .json went.

        Else the lesson's local fallback file would bring the data back at the next login.
        """
        folder = self.state_dir / LEARNERS_FOLDER
        files = [folder / f"{stem}.json", folder / f"{stem}.json.lock"]
        with contextlib.suppress(OSError):
            files += [path for path in folder.glob(f"{stem}.*.json")
                      if is_backup_name(path.name) and path.name.count(".") == stem.count(".") + 2]
        removed = 0
        for path in files:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += path.suffix == ".json"
        return removed

    def _settings(self) -> dict[str, str]:
        return dict(self._read("SELECT setting, value FROM class_settings"))

    def _set(self, values: dict[str, str | None]) -> None:
        with self._write() as db:
            for setting, value in values.items():
                if value is None:
                    db.execute(f"DELETE FROM class_settings WHERE setting = {self.PARAM}",
                               (setting,))
                else:
                    db.execute(
                        f"INSERT INTO class_settings VALUES ({self.PARAM}, {self.PARAM})"
                        " ON CONFLICT (setting) DO UPDATE SET value = excluded.value",
                        (setting, value),
                    )

    def pacing(self) -> Pacing:
        """The pacing kept (no hold and an open quiz until the teacher says otherwise)."""
        settings = self._settings()

        def part(setting: str) -> int | None:
            value = settings.get(setting, "")
            return int(value) if value.isdigit() else None

        return Pacing(hold=part("hold"), quiz_open=settings.get("quiz_open", "1") == "1",
                      start=part("start"))

    def set_pacing(self, hold: int | None, quiz_open: bool) -> None:
        """Keep the hold and whether the quiz is open."""
        self._set({"hold": None if hold is None else str(hold),
                   "quiz_open": "1" if quiz_open else "0"})

    def set_start(self, part: int | None) -> None:
        """Keep the part new learners start at."""
        self._set({"start": None if part is None else str(part)})

    def message(self) -> str | None:
        """The last message to everyone."""
        return self._settings().get("message")

    def set_message(self, text: str | None) -> None:
        """Keep the message to everyone (None or empty: none)."""
        self._set({"message": text or None})

    def presence(self, now: float | None = None) -> Presence:
        """Every node heard from lately and the learners connected to each."""
        with self._write() as db:
            return read_presence(db, self.PARAM, time.time() if now is None else now)

    def remove_node(self, name: str) -> None:
        """The node `name` stops: its row and its learners' go."""
        with self._write() as db:
            remove_node(db, self.PARAM, name)
