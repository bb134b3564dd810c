"""Lessons forked from the preloaded fork server: owned by the server, replaced if it dies.

The security tests (test_ssh.py, test_ssh_hardening.py) check what every lesson
gets, forked or not; these check the fork server itself: that lessons really
come from it, are the server's own children in their own session, and that a
dead fork server costs learners nothing but start-up time.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.ptyharness import PtyApp, default_env
from neuron_tui.process.forkclient import SOCKET_VARIABLE
from neuron_tui.process.identity import is_lesson, module_run
from neuron_tui.process.procfs import cmdline, environ, read_stat
from neuron_tui.serve.forking import RESTART_PAUSE
from neuron_tui.serve.web_forkserver import LauncherForkServer
from neuron_tui.zygote import MODULE
from tests.e2e.conftest import ServerProcess, ssh_argv

OPENING = "The neuron"
PART_TWO = "Part 02 · Build a neuron"
START = 30.0


def zygote_of(server: ServerProcess, started: int = 1, timeout: float = 30.0) -> int:
    """The pid of the server's fork server once the `started`-th one is ready."""
    deadline = time.monotonic() + timeout
    while sum("lesson fork server ready" in line for line in server.lines) < started:
        assert time.monotonic() < deadline, f"no fork server got ready\n{server.log}"
        time.sleep(0.05)
    (pid,) = [
        stat.pid
        for stat in (read_stat(int(pid)) for pid in os.listdir("/proc") if pid.isdigit())
        if stat is not None and stat.ppid == server.pid and module_run(cmdline(stat.pid)) == MODULE
    ]
    return pid


def session_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as fh:
        stat = fh.read()
    return int(stat[stat.rindex(")") + 2 :].split()[3])


def test_a_lesson_is_forked_in_its_own_session_and_owned_by_the_server(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server()
    zygote = zygote_of(server)
    # It says what it is, so nothing that counts lessons counts it.
    assert cmdline(zygote)[1:] == ["-I", "-m", MODULE, "--fd", cmdline(zygote)[-1]]
    assert not is_lesson(cmdline(zygote)) and server.lessons() == []
    with PtyApp(ssh_argv(server.port, "forked"), cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        (lesson,) = server.wait_for_lessons(1)
        server.wait_for_log("lesson started for 'forked'")
        assert "preforked" in next(line for line in server.lines if "'forked'" in line)
        stat = read_stat(lesson)
        assert stat is not None and stat.ppid == server.pid  # adopted, not the zygote's
        assert stat.pgid == lesson and session_of(lesson) == lesson
        assert read_stat(zygote) is not None  # the fork server stays for the next learner
        app.press("2")
        app.wait_for(PART_TWO, timeout=10)
        app.press("q")
        assert app.wait(timeout=10) == 0
    assert server.stop() == 0
    assert read_stat(zygote) is None, "the fork server outlived the server"


def test_a_dead_fork_server_is_replaced_and_nobody_waits_for_it(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server()
    zygote = zygote_of(server)
    os.kill(zygote, signal.SIGKILL)
    # Within the restart pause: the learner's lesson is spawned directly.
    with PtyApp(ssh_argv(server.port, "direct"), cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        server.wait_for_log("lesson started for 'direct'")
        app.press("q")
        assert app.wait(timeout=10) == 0
    assert "preforked" not in next(line for line in server.lines if "'direct'" in line)
    # After the restart pause (a zygote that keeps dying must not eat the server's CPU)
    # the server has started a new one by itself.
    replacement = zygote_of(server, started=2, timeout=RESTART_PAUSE + 30)
    assert replacement != zygote
    with PtyApp(ssh_argv(server.port, "again"), cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        server.wait_for_log("lesson started for 'again'")
        assert "preforked" in next(line for line in server.lines if "'again'" in line)
        app.press("q")
        assert app.wait(timeout=10) == 0
    assert "Traceback" not in server.log, server.log


def test_no_prefork_starts_every_lesson_directly_and_no_fork_server(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server("--no-prefork")
    with PtyApp(ssh_argv(server.port, "plain"), cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        server.wait_for_log("lesson started for 'plain'")
        (lesson,) = server.wait_for_lessons(1)
        assert read_stat(lesson).ppid == server.pid  # type: ignore[union-attr]
        helpers = [module_run(cmdline(pid)) for pid in children_of(server.pid)]
        assert MODULE not in helpers, helpers
        app.press("q")
        assert app.wait(timeout=10) == 0
    assert "preforked" not in next(line for line in server.lines if "'plain'" in line)
    assert "fork server" not in server.log, server.log


def test_a_forked_lesson_takes_its_terminal_profile_from_its_own_environment(
    start_server: Callable[..., ServerProcess],
) -> None:
    # Low bandwidth: the lesson sets TEXTUAL_COLOR_SYSTEM=standard before it creates the
    # app; Textual, imported long before in the fork server, must still honour it.
    server = start_server("--low-bandwidth")
    zygote_of(server)
    with PtyApp(ssh_argv(server.port, "slow"), cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        app.press("2")
        app.wait_for(PART_TWO, timeout=10)
        server.wait_for_log("lesson started for 'slow'")
        assert "preforked" in next(line for line in server.lines if "'slow'" in line)
        output = app.output()
        assert re.search(rb"\x1b\[(?:[0-9]+;)*(?:[349]|10)[0-7][;m]", output), "no colour"
        assert not re.search(rb"\x1b\[[0-9;]*[34]8;[25];", output), "more than 16 colours"
        app.press("q")
        assert app.wait(timeout=10) == 0


def wait_listening(forkserver: LauncherForkServer, socket_path: Path) -> int:
    """The pid of `forkserver`'s zygote once it listens on `socket_path`."""
    deadline = time.monotonic() + 60
    while not socket_path.exists() or forkserver.pid is None:
        assert time.monotonic() < deadline, "the fork server never listened"
        time.sleep(0.05)
    return forkserver.pid


def launch_tab(env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    """What textual-serve does for a tab: the launcher, with pipes and its environment."""
    launcher = subprocess.Popen(
        [sys.executable, "-I", "-m", "neuron_tui.web_lesson"],
        env={**env, "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"},
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert launcher.stdout is not None
    assert b"__GANGLION__" in launcher.stdout.readline()  # the web driver says hello
    return launcher


def children_of(pid: int) -> list[int]:
    return [
        stat.pid
        for stat in (read_stat(int(entry)) for entry in os.listdir("/proc") if entry.isdigit())
        if stat is not None and stat.ppid == pid
    ]


def test_a_browser_tabs_launcher_gets_a_forked_lesson_on_its_own_pipes(tmp_path: Path) -> None:
    env = default_env({"NEURON_TUI_WEB": "1"})
    forkserver = LauncherForkServer(env)
    env.update(forkserver.start())
    try:
        socket_path = Path(env[SOCKET_VARIABLE])
        zygote = wait_listening(forkserver, socket_path)
        assert socket_path.stat().st_mode & 0o777 == 0o600
        assert socket_path.parent.stat().st_mode & 0o777 == 0o700
        launcher = launch_tab(env, tmp_path)
        (lesson,) = children_of(zygote)
        assert cmdline(lesson) == [sys.executable, "-I", "-m", "neuron_tui.web_lesson"]
        seen = environ(lesson)
        assert seen["TEXTUAL_DRIVER"].endswith("WebDriver") and SOCKET_VARIABLE not in seen
        assert os.readlink(f"/proc/{lesson}/cwd") == str(tmp_path)
        launcher.send_signal(signal.SIGTERM)  # passed on: the lesson ends cleanly, and so it
        assert launcher.wait(timeout=15) == 0
        assert read_stat(lesson) is None
        # A fork server that dies is replaced; meanwhile tabs run their lessons themselves.
        os.kill(zygote, signal.SIGKILL)
        deadline = time.monotonic() + RESTART_PAUSE + 60
        while forkserver.pid in (None, zygote) or not socket_path.exists():
            assert time.monotonic() < deadline, "the fork server was not replaced"
            time.sleep(0.05)
        launcher = launch_tab(env, tmp_path)
        assert len(children_of(wait_listening(forkserver, socket_path))) == 1
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=15) == 0
    finally:
        forkserver.stop()
    assert not socket_path.parent.exists()
