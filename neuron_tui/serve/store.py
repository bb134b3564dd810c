"""The class store: where a served class's progress lives (the contract: docs/class-protocol.md).

Under ``serve ssh`` and ``serve web`` the hub is the store's only writer while the
class runs; ``neuron-tui class export`` and ``class forget`` open it beside the
server. The stand-alone lesson keeps its JSON file and never opens a store.

:func:`open_store` opens SQLite (``STATE/class.sqlite3``), or PostgreSQL when given a
``postgresql://`` address (``--store``, else ``$NEURON_TUI_STORE``): many lesson nodes
then share one store (:mod:`neuron_tui.serve.store_postgres`). The records and the
:class:`ClassStore` protocol are in :mod:`neuron_tui.serve.store_records` and
re-exported here, so callers import everything from this module.
"""

from __future__ import annotations

import os
from pathlib import Path

from neuron_tui.i18n import _
from neuron_tui.serve.store_records import (
    UNCLAIMED_PREFIX,
    AnswerRow,
    ClassStore,
    LearnerRecord,
    Pacing,
    StoreError,
)
from neuron_tui.serve.store_sqlite import DATABASE_NAME, SqliteClassStore

__all__ = [
    "DATABASE_NAME",
    "STORE_VARIABLE",
    "UNCLAIMED_PREFIX",
    "AnswerRow",
    "ClassStore",
    "LearnerRecord",
    "Pacing",
    "StoreError",
    "open_store",
]


#: The environment variable that names the store when ``--store`` is not given.
STORE_VARIABLE = "NEURON_TUI_STORE"


def open_store(state_dir: Path, url: str | None = None) -> ClassStore:
    """Open (creating and migrating) the class store of the state folder `state_dir`.

    `url` (else ``$NEURON_TUI_STORE``) is a ``postgresql://USER@HOST/DB`` address; empty
    or unset: the state folder's own SQLite file. On the first open,
    ``STATE/learners/*.json`` is imported (the files stay); what could not be read is in
    the store's ``notices``. Raises :class:`StoreError` with a one-line reason when the
    database cannot be opened or is from a newer neuron-tui, or `url` is not PostgreSQL.
    """
    url = url or os.environ.get(STORE_VARIABLE, "").strip()
    if not url:
        return SqliteClassStore(Path(state_dir))
    # Imported here: the one-machine class never loads the PostgreSQL driver.
    from neuron_tui.serve.store_postgres import PostgresClassStore, is_postgres_url

    if not is_postgres_url(url):
        # Only the scheme is shown: the rest of an address may hold a password.
        scheme = url.split("://", 1)[0] + "://…" if "://" in url else "address"
        raise StoreError(_(
            "the class store {scheme} is not one neuron-tui knows: give "
            "postgresql://USER@HOST/DB, or nothing for the state folder's SQLite file"
        ).format(scheme=scheme))
    return PostgresClassStore(url, Path(state_dir))
