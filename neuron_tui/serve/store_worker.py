"""The hub's store calls, off its event loop: one thread that makes them in order.

A slow or restarting database must never stall key handling or the other lessons, so
the hub never calls the store itself. Writes are queued (:meth:`StoreWorker.write`) and
made one after the other in the order given, so one learner's saves reach the store in
the order they were made; reads (:meth:`StoreWorker.read`) queue behind the writes before
them, so the hub reads what it wrote.

A write names a *slot* (e.g. ``("save", key)``) when a later write of the same slot
carries everything the earlier one did (a save sends the learner's whole merged
progress; pacing is state): a queued write is skipped when a newer one of its slot waits
behind it, and a failed one is kept and made again by :meth:`retry` unless a newer one of
its slot has gone through meanwhile. So a failed write is logged and retried, and no
progress the hub holds is lost while the database is away.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["StoreWorker"]

log = logging.getLogger("neuron_tui.serve.hub")

T = TypeVar("T")


@dataclass
class _Job:
    seq: int
    slot: Hashable | None
    what: str
    call: Callable[[], Any]
    future: concurrent.futures.Future[Any] | None = None


@dataclass
class Timing:
    """How many calls of one kind the worker made, and how long they took in all."""

    calls: int = 0
    seconds: float = 0.0
    failures: int = 0
    skipped: int = 0
    slowest: float = 0.0


class StoreWorker:
    """One thread making a hub's store calls in order; see the module docstring.

    Args:
        errors: the exceptions a store call may raise (logged, never fatal).
    """

    def __init__(self, errors: tuple[type[BaseException], ...]) -> None:
        self.errors = errors
        #: Per kind of call ("save progress", "presence" …): counts and times.
        self.timings: dict[str, Timing] = {}
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._latest: dict[Hashable, int] = {}
        self._failed: dict[Hashable, _Job] = {}
        self._failing = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="neuron-tui-store", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ the hub's side

    def write(self, what: str, call: Callable[[], Any], slot: Hashable | None = None) -> None:
        """Queue `call` (a store write, described by `what` for the log)."""
        if self._closed:
            return
        with self._lock:
            job = _Job(next(self._seq), slot, what, call)
            if slot is not None:
                self._latest[slot] = job.seq
        self._jobs.put(job)

    def submit(self, what: str, call: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Queue `call` (a store read) behind the writes before it; its future."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        if self._closed:
            future.set_exception(RuntimeError("the class store is closed"))
            return future
        with self._lock:
            job = _Job(next(self._seq), None, what, call, future)
        self._jobs.put(job)
        return future

    async def read(self, what: str, call: Callable[[], T]) -> T:
        """`call`'s result, made in the worker's thread (its exception, if it raises)."""
        return await asyncio.wrap_future(self.submit(what, call))

    async def flush(self) -> None:
        """Wait until everything queued before now has been made."""
        await self.read("flush", lambda: None)

    def retry(self) -> int:
        """Queue again the writes that failed and that nothing newer replaced; how many."""
        with self._lock:
            again = [job for slot, job in self._failed.items() if self._latest.get(slot) == job.seq]
            self._failed.clear()
        for job in again:
            self._jobs.put(job)
        return len(again)

    @property
    def pending_failures(self) -> int:
        """Writes that failed and wait to be made again."""
        with self._lock:
            return len(self._failed)

    def close(self, timeout: float = 5.0) -> None:
        """Make what is queued (for at most `timeout` seconds), then stop the thread."""
        self._closed = True
        self._jobs.put(None)
        self._thread.join(timeout)

    # ------------------------------------------------------------------ the thread

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            self._make(job)

    def _make(self, job: _Job) -> None:
        if job.future is not None and not job.future.set_running_or_notify_cancel():
            return  # its reader has gone (a hub closing, a timed-out wait)
        timing = self.timings.setdefault(job.what, Timing())
        if job.slot is not None:
            with self._lock:
                superseded = self._latest.get(job.slot, job.seq) > job.seq
            if superseded:  # a newer write of the same slot carries all of this one
                timing.skipped += 1
                return
        started = time.perf_counter()
        try:
            result = job.call()
        except self.errors as error:
            self._count(timing, started, failed=True)
            if job.future is not None:
                job.future.set_exception(error)
                return
            self._failed_write(job, error)
            return
        except BaseException as error:  # a bug: never kill the thread, say so
            self._count(timing, started, failed=True)
            log.exception("the class store call %s failed", job.what)
            if job.future is not None:
                job.future.set_exception(error)
            return
        self._count(timing, started, failed=False)
        if job.future is not None:
            job.future.set_result(result)
            return
        self._written(job)

    def _count(self, timing: Timing, started: float, failed: bool) -> None:
        took = time.perf_counter() - started
        timing.calls += 1
        timing.seconds += took
        timing.slowest = max(timing.slowest, took)
        timing.failures += failed

    def _failed_write(self, job: _Job, error: BaseException) -> None:
        with self._lock:
            if job.slot is not None:
                self._failed[job.slot] = job
            self._failing += 1
            first = self._failing == 1
        if first:
            log.error("the class store could not %s (kept to retry): %s", job.what, error)
        else:
            log.debug("the class store could not %s: %s", job.what, error)

    def _written(self, job: _Job) -> None:
        with self._lock:
            if job.slot is not None:
                failed = self._failed.get(job.slot)
                if failed is not None and failed.seq <= job.seq:
                    del self._failed[job.slot]
            failing, self._failing = self._failing, 0
        if failing:
            log.info("the class store is back (%d writes had failed; retried)", failing)
