"""The class store's schema: a version table and the ordered migrations that build it.

Version 0 is "no database" (a state folder that may hold ``learners/*.json``, which the
store imports once the schema exists). Each :class:`Migration` lifts the schema by one
version; :func:`migrate` applies the missing ones in order and records each in
``schema_version``. The DDL keeps to what SQLite and PostgreSQL both accept (TEXT,
INTEGER, DOUBLE PRECISION, plain primary and foreign keys, no AUTOINCREMENT), so a
PostgreSQL store can run the same migrations.

To change the schema, append a migration with the next version; never edit one that
has shipped (databases in the field already ran it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from neuron_tui.i18n import _

__all__ = ["MIGRATIONS", "Migration", "NewerSchema", "latest_version", "migrate", "version_of"]


class Connection(Protocol):
    """The part of a DB-API connection the migrations use (sqlite3 and psycopg both fit)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...


class NewerSchema(Exception):
    """The database was written by a newer neuron-tui than this one."""


@dataclass(frozen=True)
class Migration:
    """One step of the schema: from version - 1 to `version`."""

    version: int
    description: str
    statements: tuple[str, ...]


VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY,"
    " description TEXT NOT NULL,"
    " applied_at DOUBLE PRECISION NOT NULL)"
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "learners, their quiz answers, the class's settings and the JSON import log",
        (
            # progress is Progress.to_dict() as JSON: the lesson's own record, merged on save.
            "CREATE TABLE learners ("
            " learner_key TEXT PRIMARY KEY,"
            " name TEXT NOT NULL,"
            " progress TEXT NOT NULL,"
            " page TEXT,"
            " first_seen DOUBLE PRECISION NOT NULL,"
            " last_seen DOUBLE PRECISION NOT NULL,"
            " last_activity DOUBLE PRECISION,"
            " fingerprint TEXT)",
            # The current attempt's answers, one row a question (kept in step with progress).
            "CREATE TABLE answers ("
            " learner_key TEXT NOT NULL REFERENCES learners (learner_key)"
            " ON DELETE CASCADE ON UPDATE CASCADE,"
            " question TEXT NOT NULL,"
            " option_index INTEGER NOT NULL,"
            " answered_at DOUBLE PRECISION,"
            " PRIMARY KEY (learner_key, question))",
            # Pacing and the last message: they survive a restart.
            "CREATE TABLE class_settings (setting TEXT PRIMARY KEY, value TEXT NOT NULL)",
            # Which learners/*.json files the first start read, and how it went.
            "CREATE TABLE json_imports ("
            " file_name TEXT PRIMARY KEY,"
            " imported_at DOUBLE PRECISION NOT NULL,"
            " outcome TEXT NOT NULL)",
        ),
    ),
    Migration(
        2,
        "presence: each lesson node and the learners connected to it now",
        (
            # One row a node, rewritten by its hub at least every few seconds (heartbeat):
            # a node whose heartbeat is old has gone (killed, cut off).
            "CREATE TABLE nodes ("
            " node TEXT PRIMARY KEY,"
            " sessions INTEGER NOT NULL,"
            " max_sessions INTEGER NOT NULL,"
            " load_average DOUBLE PRECISION,"
            " started_at DOUBLE PRECISION NOT NULL,"
            " heartbeat DOUBLE PRECISION NOT NULL)",
            # The learners connected to a node now; a row goes when they leave it.
            "CREATE TABLE presence ("
            " node TEXT NOT NULL REFERENCES nodes (node) ON DELETE CASCADE,"
            " learner_key TEXT NOT NULL,"
            " name TEXT NOT NULL,"
            " page TEXT,"
            " page_since DOUBLE PRECISION,"
            " last_activity DOUBLE PRECISION,"
            " sessions INTEGER NOT NULL,"
            " PRIMARY KEY (node, learner_key))",
        ),
    ),
)


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """The version the migrations lead to."""
    return migrations[-1].version if migrations else 0


def version_of(connection: Connection) -> int:
    """The schema's version: 0 for a new database (the version table is made if missing)."""
    connection.execute(VERSION_TABLE)
    row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(
    connection: Connection, migrations: Sequence[Migration] = MIGRATIONS, placeholder: str = "?"
) -> int:
    """Apply the missing migrations in order; returns the version found before.

    Call it inside one transaction, so a failure leaves the old schema. Raises
    :class:`NewerSchema` when the database is ahead of `migrations`. `placeholder` is
    the driver's parameter mark ("?" for sqlite3, "%s" for psycopg).
    """
    versions = [migration.version for migration in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, … in order, not {versions}")
    found = version_of(connection)
    if found > latest_version(migrations):
        raise NewerSchema(_(
            "the class database is at schema version {found}, written by a newer "
            "neuron-tui (this one knows up to {latest})"
        ).format(found=found, latest=latest_version(migrations)))
    for migration in migrations[found:]:
        for statement in migration.statements:
            connection.execute(statement)
        connection.execute(
            "INSERT INTO schema_version (version, description, applied_at)"
            f" VALUES ({placeholder}, {placeholder}, {placeholder})",
            (migration.version, migration.description, time.time()),
        )
    return found
