"""The class server's shared trainer: every settings combination trained once per server.

The seeded models of the lesson give the same result for the same settings, so the
server trains each combination once and hands the result to every lesson that asks.
The service listens on a private Unix socket (:mod:`neuron_tui.serve.run_sockets`:
its folder 0700, the socket 0600, connections of this user only) whose path
lessons get in ``NEURON_TUI_TRAINING_SOCKET``; a lesson sends one request as a line
of JSON and reads lines back (see :mod:`neuron_tui.lesson.shared_training`).

Jobs run one at a time in one worker process (:mod:`neuron_tui.serve.training_worker`,
the only process that imports scikit-learn), started with `warm_up` or on the first
request, and again if it dies. Results are kept in an LRU cache; a request identical
to one in progress waits for that fit (and sees its progress) instead of starting
another. A lesson that hangs up leaves the fit running for the others. If the worker
fails, waiting lessons get an error line and train by themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neuron_tui.lesson.training_protocol import MAX_LINE, SOCKET_ENV, decode, encode
from neuron_tui.serve.run_sockets import fits, listen_private, peer_is_this_user

__all__ = ["SOCKET_ENV", "TrainingService", "socket_path_in"]

log = logging.getLogger(__name__)

#: Results kept (a moons result is ~10–40 KB: a few MiB at most).
CACHE_SIZE = 128
#: Jobs waiting for the worker at most; more are refused (the lesson trains itself).
MAX_QUEUED = 256
#: Seconds a lesson may take to send its request line.
REQUEST_TIMEOUT = 5.0
#: Seconds one fit may take before the worker is taken for stuck, ended and replaced
#: (a lesson's largest fit takes a few seconds even on a busy machine).
JOB_TIMEOUT = 120.0
#: The worker's environment: one BLAS thread (the class's lessons need the other core).
WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NEURON_TUI_WORKER_MODULE": "neuron_tui.serve.training_worker"}
#: The worker's program. Its module comes from the environment, so its command line
#: names no lesson module and nothing that counts lessons by command line counts it.
WORKER_BOOT = ("import os, runpy; runpy.run_module(os.environ.pop('NEURON_TUI_WORKER_MODULE'), "
               "run_name='__main__', alter_sys=True)")

#: The name of a temporary socket folder starts so.
TEMP_PREFIX = "neuron-tui-training-"


def socket_path_in(state_dir: Path | None) -> Path:
    """Where the service's socket lives: STATE/run/training.sock, or in a fresh private
    temporary folder when there is no state folder or its path is too long to bind."""
    if state_dir is not None:
        path = state_dir / "run" / "training.sock"
        if fits(path):
            return path
    return Path(tempfile.mkdtemp(prefix=TEMP_PREFIX)) / "training.sock"


def _is_temporary(folder: Path) -> bool:
    """Whether `folder` is one socket_path_in made (removed with the service)."""
    return folder.name.startswith(TEMP_PREFIX) and folder.parent == Path(tempfile.gettempdir())


@dataclass(eq=False)
class Job:
    """One fit: its request, who waits for it, and the progress they have missed."""

    key: str
    request: dict[str, Any]
    waiting: list[asyncio.Queue[dict[str, Any]]] = field(default_factory=list)
    #: The last progress line, given to a lesson that joins while the fit runs.
    progress: dict[str, Any] | None = None

    def tell(self, message: dict[str, Any]) -> None:
        if "progress" in message:
            self.progress = message
        for queue in self.waiting:
            queue.put_nowait(message)


class TrainingService:
    """Serves fits over a Unix socket from one worker process, each fit once.

    Args:
        socket_path: where to listen; its folder is made 0700.
        worker_argv: the worker's command line (tests give their own).
        cache_size: results kept, least recently used dropped first.
        job_timeout: seconds one fit may take before the worker is replaced.
    """

    def __init__(self, socket_path: Path, worker_argv: list[str] | None = None,
                 cache_size: int = CACHE_SIZE, job_timeout: float = JOB_TIMEOUT) -> None:
        self.socket_path = socket_path
        self.job_timeout = job_timeout
        self.worker_argv = worker_argv or [sys.executable, "-I", "-c", WORKER_BOOT]
        self.cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.cache_size = cache_size
        #: Fits asked for and not finished, by request key.
        self.jobs: dict[str, Job] = {}
        #: How many fits the worker has run (each combination once, while cached).
        self.fits = 0
        self._queue: asyncio.Queue[Job] = asyncio.Queue(MAX_QUEUED)
        self._server: asyncio.AbstractServer | None = None
        self._runner: asyncio.Task[None] | None = None
        self._worker: asyncio.subprocess.Process | None = None
        self._clients: set[asyncio.Task[Any]] = set()
        self._next_id = 0

    @property
    def environ(self) -> dict[str, str]:
        """What to add to a lesson's environment so it finds the service."""
        return {SOCKET_ENV: str(self.socket_path)}

    async def start(self) -> None:
        """Listen on the socket (a stale one from a crashed server is replaced); a
        RunSocketError (an OSError, one line) when it cannot be opened."""
        self._server = await listen_private(self.socket_path, self._serve_client, limit=MAX_LINE)
        self._runner = asyncio.create_task(self._run_jobs())

    async def warm_up(self) -> None:
        """Start the worker now, so the first learner does not wait for its imports."""
        with contextlib.suppress(OSError):
            await self._ensure_worker()

    async def close(self) -> None:
        """Stop listening, end the worker and remove the socket."""
        if self._server is not None:
            self._server.close()
        for task in [self._runner, *self._clients]:
            if task is not None:
                task.cancel()
        await asyncio.gather(*(t for t in [self._runner, *self._clients] if t is not None),
                             return_exceptions=True)
        await self._stop_worker()
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        if _is_temporary(self.socket_path.parent):
            shutil.rmtree(self.socket_path.parent, ignore_errors=True)

    # -- lessons ------------------------------------------------------------------------

    async def _serve_client(self, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._clients.add(task)
        try:
            if not peer_is_this_user(writer):
                return
            line = await asyncio.wait_for(reader.readline(), REQUEST_TIMEOUT)
            try:
                request = decode(line)
            except ValueError:
                writer.write(encode({"error": "a request is one line of JSON"}))
                return
            async for message in self.ask(request):
                writer.write(encode(message))
                await writer.drain()
        except (TimeoutError, OSError, asyncio.LimitOverrunError, ValueError):
            pass  # the lesson hung up or sent nonsense: it trains by itself
        finally:
            with contextlib.suppress(OSError):
                writer.close()
            if task is not None:
                self._clients.discard(task)

    async def ask(self, request: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        """The messages answering `request`: progress, then its result or an error."""
        key = json.dumps(request, sort_keys=True, separators=(",", ":"))
        cached = self.cache.get(key)
        if cached is not None:
            self.cache.move_to_end(key)
            yield {"result": cached}
            return
        job = self.jobs.get(key)
        first: dict[str, Any] | None = None
        if job is None:
            job = Job(key, request)
            try:
                self._queue.put_nowait(job)
            except asyncio.QueueFull:
                yield {"error": "the class's trainer is busy"}
                return
            self.jobs[key] = job
            first = {"queued": self._queue.qsize()}
        else:
            first = job.progress
        # Listen before the first await: the fit may end while that line is sent.
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        job.waiting.append(queue)
        try:
            if first is not None:
                yield first
            while True:
                message = await queue.get()
                yield message
                if "result" in message or "error" in message:
                    return
        finally:
            with contextlib.suppress(ValueError):
                job.waiting.remove(queue)

    # -- the worker ---------------------------------------------------------------------

    async def _run_jobs(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                message = await asyncio.wait_for(self._fit(job), self.job_timeout)
            except (OSError, ValueError, TimeoutError) as error:
                log.warning("the training worker failed: %s", error)
                await self._stop_worker()
                message = {"error": "the class's trainer failed"}
            if "result" in message:
                self.cache[job.key] = message["result"]
                self.cache.move_to_end(job.key)
                while len(self.cache) > self.cache_size:
                    self.cache.popitem(last=False)
            self.jobs.pop(job.key, None)
            job.tell(message)

    async def _fit(self, job: Job) -> dict[str, Any]:
        """Run `job` in the worker; its last message (a result or an error)."""
        worker = await self._ensure_worker()
        assert worker.stdin is not None and worker.stdout is not None
        self._next_id += 1
        job_id = self._next_id
        worker.stdin.write(encode({"id": job_id, "request": job.request}))
        await worker.stdin.drain()
        self.fits += 1
        while True:
            line = await worker.stdout.readline()
            if not line:
                raise OSError("the training worker exited")
            message = decode(line)
            if message.pop("id", None) != job_id:
                continue
            if "result" in message or "error" in message:
                return message
            job.tell(message)

    async def _ensure_worker(self) -> asyncio.subprocess.Process:
        if self._worker is not None and self._worker.returncode is None:
            return self._worker
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               **WORKER_ENV}
        self._worker = await asyncio.create_subprocess_exec(
            *self.worker_argv, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            env=env, limit=MAX_LINE, start_new_session=True)
        return self._worker

    async def _stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None or worker.returncode is not None:
            return
        if worker.stdin is not None:
            worker.stdin.close()
        try:
            await asyncio.wait_for(worker.wait(), 2)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                worker.kill()
            await worker.wait()


class ServiceThread:
    """A TrainingService on its own event loop in a daemon thread, for a server whose
    own loop is not ours to share (``serve web``: textual-serve runs its loop)."""

    def __init__(self, socket_path: Path) -> None:
        self.service = TrainingService(socket_path)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="training-service")

    def start(self) -> dict[str, str]:
        """Start listening; what to add to the lessons' environment."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.service.start(), self._loop).result(10)
        return self.service.environ

    def stop(self) -> None:
        """Stop the service and its worker, and end the thread."""
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self.service.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
