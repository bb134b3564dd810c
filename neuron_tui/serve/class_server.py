"""The class side of a server: the store, the hub, and the class view on the server's terminal.

:func:`open_class` opens the class store of the state folder and the hub over
it; :func:`start_hub` opens the hub's sockets (a server whose sockets cannot be
opened still serves: its lessons keep their own files and the reason is
logged); :func:`close_class` closes both. :class:`TerminalView` runs ``neuron-tui
class`` on the server's own terminal while the server's log goes to
``STATE/serve.log``; quitting the view stops the server. :class:`HubThread` runs
all of it in a thread of its own, for ``serve web`` (whose web server owns the
main thread's event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from neuron_tui.i18n import language
from neuron_tui.lesson.content import ContentError, QuizQuestion, content_folder, load_content
from neuron_tui.serve.hub import ClassHub
from neuron_tui.serve.hub_wire import HubSocketError
from neuron_tui.serve.store import StoreError, open_store
from neuron_tui.serve.teacher import TEACHER_SOCKET_VARIABLE

__all__ = [
    "LOG_FILE",
    "ClassServerError",
    "HubThread",
    "TerminalView",
    "close_class",
    "log_to_file",
    "open_class",
    "start_hub",
]

log = logging.getLogger("neuron_tui.serve.class_server")

#: Where the server's log goes while the class view holds its terminal.
LOG_FILE = "serve.log"


class ClassServerError(Exception):
    """The class store cannot be used; the message is one line for the teacher."""


def _quiz(content: Path | None) -> tuple[QuizQuestion, ...]:
    # In the teacher's language: the export's option texts are read by the teacher (the
    # options' order and the right one are the same in every language).
    try:
        return load_content(content_folder(content, language())).quiz
    except ContentError as error:
        # The lessons refuse to start on broken content and say why; the class still runs.
        log.warning("the quiz cannot be read (%s); scores are not shown", error.problems[0])
        return ()


def open_class(
    state_dir: Path,
    content: Path | None = None,
    max_sessions: int = 40,
    serving: str = "",
    *,
    store_url: str | None = None,
    node: str | None = None,
) -> ClassHub:
    """The hub over the class store (importing learners/*.json the first time).

    `store_url` is ``--store`` (None: ``$NEURON_TUI_STORE``, else the state folder's
    SQLite file); `node` is this server's name in the class view (None: the hub's own).
    """
    try:
        store = open_store(state_dir, store_url)
    except StoreError as error:
        raise ClassServerError(str(error)) from None
    for notice in getattr(store, "notices", []):
        log.warning("%s", notice)
    return ClassHub(
        state_dir, store, _quiz(content), max_sessions=max_sessions, serving=serving, node=node
    )


async def start_hub(hub: ClassHub) -> bool:
    """Open the hub's sockets; False (and the reason logged) when they cannot be opened."""
    try:
        await hub.start()
    except HubSocketError as error:
        log.warning("no class view or pacing: %s", error)
        return False
    return True


async def close_class(hub: ClassHub) -> None:
    """Close the hub's sockets and the store."""
    await hub.close()
    with contextlib.suppress(Exception):
        hub.store.close()


def log_to_file(path: Path) -> None:
    """Send the server's log to `path` instead of the terminal the class view now holds."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            root.removeHandler(handler)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.INFO, logging.INFO))


class TerminalView:
    """``neuron-tui class`` on the server's own terminal: its end is the server's end."""

    def __init__(self, socket_path: Path, on_exit: Callable[[], None]) -> None:
        self.socket_path = socket_path
        self.on_exit = on_exit
        self.proc: asyncio.subprocess.Process | None = None
        self.returncode: int | None = None
        self._waiter: asyncio.Task[None] | None = None
        self._ended_by_server = False

    @property
    def failed(self) -> bool:
        """Whether the view ended on its own with an error (not quit, not stopped by us)."""
        return not self._ended_by_server and self.returncode not in (None, 0)

    def argv(self, python: Sequence[str] = (sys.executable,)) -> list[str]:
        """The view's command line."""
        # The server's language is the teacher's (`serve --lang`, else the locale's).
        return [*python, "-m", "neuron_tui", "class", "--socket", str(self.socket_path),
                "--lang", language()]

    async def start(self) -> None:
        """Start the view on this terminal (stdin, stdout and stderr are the server's)."""
        env = {**os.environ, TEACHER_SOCKET_VARIABLE: str(self.socket_path)}
        self.proc = await asyncio.create_subprocess_exec(*self.argv(), env=env)
        self._waiter = asyncio.get_running_loop().create_task(self._wait())

    async def _wait(self) -> None:
        assert self.proc is not None
        self.returncode = await self.proc.wait()
        self.on_exit()

    async def stop(self, grace: float = 5.0) -> None:
        """End the view (the server is stopping) and reap it."""
        if self.proc is None or self._waiter is None:
            return
        if self.proc.returncode is None:
            self._ended_by_server = True
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(self._waiter), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
        await self._waiter


class HubThread:
    """The hub (and the class view, if asked) on an event loop in a thread of its own.

    Args:
        state_dir, content, max_sessions, serving, store_url, node: as for :func:`open_class`.
        class_view: run the class view on this terminal (the log goes to serve.log).
        on_view_exit: called (in the hub's thread) when the teacher quits the view.
    """

    def __init__(
        self,
        state_dir: Path,
        content: Path | None = None,
        *,
        max_sessions: int = 40,
        serving: str = "",
        class_view: bool = False,
        on_view_exit: Callable[[], None] = lambda: None,
        store_url: str | None = None,
        node: str | None = None,
    ) -> None:
        self.hub = open_class(
            state_dir, content, max_sessions, serving, store_url=store_url, node=node
        )
        self.class_view = class_view
        self.on_view_exit = on_view_exit
        self.view: TerminalView | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="neuron-tui-hub", daemon=True)

    def start(self, timeout: float = 10.0) -> bool:
        """Start the thread; whether the hub listens once it is up."""
        self._thread.start()
        self._ready.wait(timeout)
        return self.hub.listening

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            if await start_hub(self.hub) and self.class_view:
                log_to_file(self.hub.state_dir / LOG_FILE)
                self.view = TerminalView(self.hub.teacher_socket, self.on_view_exit)
                await self.view.start()
        finally:
            self._ready.set()
        await self._stop.wait()
        if self.view is not None:
            await self.view.stop()
        await close_class(self.hub)

    def stop(self, timeout: float = 10.0) -> None:
        """End the view, close the hub and the store, and wait for the thread."""
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):  # its loop has already ended
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread.is_alive():
            self._thread.join(timeout)
