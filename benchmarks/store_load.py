"""How much one class store takes: learners arriving and progress writes per second.

N concurrent writers (threads, each with its own store and so its own connection, as N
lesson nodes, or N hubs' worth of learners) hammer one store for a fixed time each:

- **arrivals**: a new learner logs in (``bind_fingerprint``) and saves the first time;
- **progress writes**: a known learner saves their whole progress (the merge on save:
  read, merge, upsert the learner, rewrite their answers);
- **activity**: a known learner's key press (``touch``; a lesson sends at most one
  every 2 s).

Both stores are measured: the state folder's SQLite file (WAL), and PostgreSQL on a
throwaway cluster (:mod:`tests.pg_fixture`) with fsync and synchronous commit on, as a
school's server runs. The learners one store carries follows from the rates for a
learner who presses keys all the time (0.5 activity writes/s) and saves every 10 s
(0.1 progress writes/s): ``1 / (0.5 / activity + 0.1 / progress)`` at the most writers
measured. Figures are informational (no target): they are this machine's, and it is
shared.

Usage::

    python -m benchmarks.store_load [--seconds 3] [--writers 1 4 16] [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from benchmarks.common import RESULTS, Figure, failed, render_table, run_context, write_json
from neuron_tui.lesson.progress import Progress
from neuron_tui.lesson.registry import LESSON
from neuron_tui.serve.store import ClassStore, open_store
from neuron_tui.serve.store_sqlite import SqliteClassStore

#: How often a busy learner writes (see the module's docstring).
ACTIVITY_PER_LEARNER = 0.5
PROGRESS_PER_LEARNER = 0.1
#: Learners each writer saves before the progress and activity phases (so rows exist).
KNOWN_LEARNERS = 20
PAGES = [page.key for page in LESSON.pages]
CHECKS = [check.id for page in LESSON.pages for check in page.self_checks]

Opener = Callable[[], ClassStore]


def learner_progress(rng: random.Random, at: float) -> dict[str, object]:
    """A learner part way through the lesson (pages seen and done, checks, answers)."""
    progress = Progress()
    seen = rng.randint(2, len(PAGES))
    for page in PAGES[:seen]:
        progress.visit(page)
        if rng.random() < 0.8:
            progress.finish(page)
    for check in rng.sample(CHECKS, k=min(len(CHECKS), rng.randint(0, 4))):
        progress.meet(check)
    for question in range(1, rng.randint(1, 6)):
        progress.answer(str(question), rng.randrange(4), now=at)
    return progress.to_dict()


def _phase(
    stores: Sequence[ClassStore], seconds: float, work: Callable[[ClassStore, int, int], None]
) -> tuple[int, float, list[str]]:
    """Run `work(store, writer, n)` in a loop on each store at once for `seconds`.

    Returns (operations done, seconds taken, errors).
    """
    counts = [0] * len(stores)
    errors: list[str] = []
    start = threading.Barrier(len(stores) + 1)
    stop = threading.Event()

    def writer(number: int, store: ClassStore) -> None:
        start.wait()
        try:
            while not stop.is_set():
                work(store, number, counts[number])
                counts[number] += 1
        except Exception as error:  # the figure reports it
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=writer, args=(number, store), daemon=True)
               for number, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts), time.perf_counter() - began, errors


def measure(backend: str, opener: Opener, writers: int, seconds: float) -> list[Figure]:
    """The three rates with `writers` concurrent writers on one store."""
    group = f"store {backend}"
    stores = [opener() for _ in range(writers)]
    rngs = [random.Random(1000 * writers + number) for number in range(writers)]
    figures: list[Figure] = []
    try:
        def arrive(store: ClassStore, writer: int, n: int) -> None:
            key = f"w{writers}-{writer}-new{n}"
            at = time.time()
            store.bind_fingerprint(key, key, f"SHA256:{key}", at=at)
            store.save_progress(key, key, learner_progress(rngs[writer], at), PAGES[0], at)

        def save(store: ClassStore, writer: int, n: int) -> None:
            key = f"w{writers}-{writer}-known{n % KNOWN_LEARNERS}"
            at = time.time()
            store.save_progress(key, key, learner_progress(rngs[writer], at), PAGES[1], at)

        def touch(store: ClassStore, writer: int, n: int) -> None:
            store.touch(f"w{writers}-{writer}-known{n % KNOWN_LEARNERS}", time.time())

        for number, store in enumerate(stores):
            for known in range(KNOWN_LEARNERS):
                save(store, number, known)
        rates: dict[str, float] = {}
        for name, work in (("arrivals", arrive), ("progress writes", save), ("activity", touch)):
            done, took, errors = _phase(stores, seconds, work)
            label = f"{name}, {writers} writer{'s' if writers > 1 else ''}"
            if errors:
                figures.append(failed(group, label, "/s", errors[0]))
                continue
            rates[name] = done / took
            figures.append(Figure(group, label, rates[name], "/s",
                                  note=f"{done} in {took:.1f} s"))
    finally:
        for store in stores:
            with contextlib.suppress(Exception):
                store.close()
    if "progress writes" in rates and "activity" in rates:
        carried = 1 / (ACTIVITY_PER_LEARNER / rates["activity"]
                       + PROGRESS_PER_LEARNER / rates["progress writes"])
        plural = "s" if writers > 1 else ""
        figures.append(Figure(group, f"busy learners carried, {writers} writer{plural}", carried,
                              "learners", note="0.5 activity + 0.1 progress writes/s each"))
    return figures


@contextlib.contextmanager
def sqlite_opener() -> Iterator[Opener]:
    """Stores on one SQLite file in a temporary state folder."""
    with tempfile.TemporaryDirectory(prefix="neuron-tui-store-") as folder:
        yield lambda: SqliteClassStore(Path(folder))


@contextlib.contextmanager
def postgres_opener() -> Iterator[Opener]:
    """Stores on one database of a throwaway, durable PostgreSQL cluster."""
    from tests.pg_fixture import ThrowawayCluster, missing_reason

    reason = missing_reason()
    if reason is not None:
        raise RuntimeError(reason)
    cluster = ThrowawayCluster(durable=True)
    try:
        url = cluster.create_database("bench")
        with tempfile.TemporaryDirectory(prefix="neuron-tui-store-") as folder:
            yield lambda: open_store(Path(folder), url)
    finally:
        cluster.stop()


def run(seconds: float, writer_counts: Sequence[int]) -> list[Figure]:
    """Every backend at every writer count (a fresh database per backend)."""
    figures: list[Figure] = []
    for backend, make in (("sqlite", sqlite_opener), ("postgresql", postgres_opener)):
        try:
            with make() as opener:
                for writers in writer_counts:
                    figures += measure(backend, opener, writers, seconds)
        except Exception as error:  # one backend failing still reports the other
            figures.append(failed(f"store {backend}", "could not be measured", "/s", error))
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each phase")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 16],
                        help="numbers of concurrent writers to measure")
    parser.add_argument("--quick", action="store_true", help="1 s phases, 1 and 4 writers")
    parser.add_argument("--json", type=Path, default=RESULTS / "store_load.json",
                        help="where to write the results (benchmarks/results/store_load.json)")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.writers = 1.0, [1, 4]
    if args.seconds <= 0 or any(count < 1 for count in args.writers):
        parser.error("--seconds must be above 0 and --writers at least 1")
    context = run_context(args.quick) | {"seconds": args.seconds, "writers": args.writers}
    figures = run(args.seconds, args.writers)
    print(render_table(figures))
    write_json(args.json, figures, context)
    print(f"wrote {args.json}", file=sys.stderr)
    return 1 if any(figure.status == "FAIL" for figure in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
