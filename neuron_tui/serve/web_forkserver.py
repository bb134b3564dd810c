"""`serve web`'s lesson fork server: the zygote listens, each tab's launcher connects.

textual-serve runs a command per tab with pipes, not a pty; that command
(:mod:`neuron_tui.web_lesson`) asks the zygote (:mod:`neuron_tui.zygote`) for
the lesson on its own pipes (:func:`neuron_tui.process.forkclient.run_forked`),
or runs it itself when the zygote is not (yet, or any more) there.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from neuron_tui.process.forkclient import SOCKET_VARIABLE
from neuron_tui.serve.forking import GIVE_UP_AFTER, RESTART_PAUSE, zygote_argv

__all__ = ["LauncherForkServer"]

log = logging.getLogger("neuron_tui.serve.forkserver")


class LauncherForkServer:
    """One zygote for `serve web`, listening on a socket; restarted if it dies.

    The socket lives in a private folder (0700), the socket itself 0600. A
    thread waits on the zygote and starts another one (after the restart pause)
    if it dies.
    """

    def __init__(self, env: Mapping[str, str], python: str = sys.executable) -> None:
        self.env = dict(env)
        self.python = python
        self.folder: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        """The zygote's pid while it runs."""
        return self._proc.pid if self._proc is not None else None

    def start(self) -> dict[str, str]:
        """Start the zygote; the environment variables that lead launchers to it."""
        self.folder = Path(tempfile.mkdtemp(prefix="neuron-tui-fork-"))
        path = self.folder / "fork.sock"
        if not self._spawn(path):
            return {}
        self._watcher = threading.Thread(target=self._watch, args=(path,), daemon=True)
        self._watcher.start()
        return {SOCKET_VARIABLE: str(path)}

    def _watch(self, path: Path) -> None:
        """Restart the zygote whenever it dies, until stopped (at most every RESTART_PAUSE s)."""
        failures = 0
        while not self._stopping.is_set():
            proc, started = self._proc, time.monotonic()
            if proc is None:
                return
            code = proc.wait()
            if self._stopping.is_set():
                return
            # Died before it ever listened: it cannot start here; launchers manage alone.
            failures = failures + 1 if not path.exists() else 0
            if failures >= GIVE_UP_AFTER:
                log.error("the lesson fork server cannot start (%s); tabs start lessons", code)
                return
            log.error("the lesson fork server ended (%s); restarting it", code)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # launchers meanwhile find no socket and run their lesson
            if self._stopping.wait(max(0.0, RESTART_PAUSE - (time.monotonic() - started))):
                return
            if not self._spawn(path):
                return

    def _spawn(self, path: Path) -> bool:
        try:
            self._proc = subprocess.Popen(
                zygote_argv(self.python, "--listen", str(path)),
                env=self.env,
                cwd=self.folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            log.error("cannot start the lesson fork server: %s", error)
            self._proc = None
            return False
        return True

    def stop(self) -> None:
        """End the zygote (it hangs up its lessons first) and remove its folder."""
        self._stopping.set()
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
            self._proc = None
        if self._watcher is not None:
            self._watcher.join(5)
            self._watcher = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
