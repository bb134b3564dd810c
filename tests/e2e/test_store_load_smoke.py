"""Keep the store benchmark from rotting: each phase runs for real, briefly, on SQLite.

No rate is asserted (targets and figures live in benchmarks/store_load.py's output);
that every phase wrote, and wrote what it says, is behaviour, so it is.
"""

from __future__ import annotations

from benchmarks import store_load


def test_every_phase_writes_on_a_real_store() -> None:
    with store_load.sqlite_opener() as opener:
        figures = store_load.measure("sqlite", opener, writers=2, seconds=0.2)
        store = opener()
        try:
            learners = store.learners()
        finally:
            store.close()
    assert [figure.status for figure in figures] == ["INFO"] * 4, [f.error for f in figures]
    assert all(figure.value and figure.value > 0 for figure in figures)
    # 2 writers × 20 known learners, and every arrival is a learner of its own.
    arrivals = int(figures[0].note.split()[0])
    assert len(learners) == 2 * store_load.KNOWN_LEARNERS + arrivals
    assert "busy learners carried, 2 writers" in [figure.name for figure in figures]
