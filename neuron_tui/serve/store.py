"""The class store: where a served class's progress lives (the contract: docs/class-protocol.md).

Under ``serve ssh`` and ``serve web`` the hub is the store's only writer while the
class runs; ``neuron-tui class export`` and ``class forget`` open it beside the
server. The stand-alone lesson keeps its JSON file and never opens a store.

:func:`open_store` opens SQLite (``STATE/class.sqlite3``); the records and the
:class:`ClassStore` protocol are in :mod:`neuron_tui.serve.store_records` and
re-exported here, so callers import everything from this module.
"""

from __future__ import annotations

from pathlib import Path

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
    "UNCLAIMED_PREFIX",
    "AnswerRow",
    "ClassStore",
    "LearnerRecord",
    "Pacing",
    "StoreError",
    "open_store",
]


def open_store(state_dir: Path) -> SqliteClassStore:
    """Open (creating and migrating) the class store of the state folder `state_dir`.

    On the first open, ``STATE/learners/*.json`` is imported (the files stay); what
    could not be read is in the store's ``notices``. Raises :class:`StoreError` with a
    one-line reason when the database cannot be opened or is from a newer neuron-tui.
    """
    return SqliteClassStore(Path(state_dir))
