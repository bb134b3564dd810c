"""The class server's teacher side against the real OpenSSH client, through real ptys.

Who opens the class view (only a ``--teacher-keys`` key, as ``teacher``), who
may use a name (with ``--authorized-keys``, the first key that used it), what
the lessons are given to reach the hub, what the server logs when it has no
terminal, and what it shows when it has one: the class view, whose end is the
server's end. Screens are read with pyte (:mod:`benchmarks.ptyharness`).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from benchmarks.ptyharness import PtyApp, default_env
from neuron_tui.process.procfs import environ
from tests.e2e.conftest import ROOT, ServerProcess, ssh_argv
from tests.e2e.test_ssh import password_client, run_client

OPENING = "The neuron"
PART_TWO = "Part 02 · Build a neuron"
#: The class view's title line (neuron_tui.class_view).
CLASS_VIEW = "neuron-tui · the class"
START = 30.0
NO_AGENT = default_env({"SSH_AUTH_SOCK": None})


def keypair(folder: Path, name: str) -> Path:
    """A fresh Ed25519 key pair in `folder`; returns the private key's path."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    return key


def key_argv(port: int, user: str, key: Path) -> list[str]:
    """`ssh -tt` as `user` with exactly the key `key` (no agent, no prompts)."""
    argv = ssh_argv(port, user)
    argv[2:2] = ["-o", "IdentitiesOnly=yes", "-i", str(key), "-o", "BatchMode=yes"]
    return argv


def refused(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a client that should be turned away, without a terminal."""
    return run_client([argv[0], "-T", *argv[2:]])


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    found = {name: keypair(folder, name) for name in ("ada", "other", "teacher")}
    learners = folder / "learners"
    learners.write_text(
        (folder / "ada.pub").read_text() + (folder / "other.pub").read_text()
    )
    found["learners"] = learners
    found["teachers"] = folder / "teacher.pub"
    return found


@pytest.fixture(scope="module")
def keyed_server(
    tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path], ssh_client: str
) -> Iterator[ServerProcess]:
    server = ServerProcess(
        tmp_path_factory.mktemp("keyed"),
        ["--authorized-keys", str(keys["learners"]), "--teacher-keys", str(keys["teachers"])],
    ).start()
    yield server
    server.stop()
    assert not server.lessons(), "lessons outlived the server"


def test_the_teacher_key_opens_the_class_view_with_the_learners_in_it(
    keyed_server: ServerProcess, keys: dict[str, Path]
) -> None:
    with PtyApp(key_argv(keyed_server.port, "ada", keys["ada"]), env=NO_AGENT) as ada:
        ada.wait_for(OPENING, timeout=START)
        ada.press("2")
        ada.wait_for(PART_TWO, timeout=10)
        teacher_argv = key_argv(keyed_server.port, "Teacher", keys["teacher"])
        # At 80×24, as a teacher's terminal may well be.
        with PtyApp(teacher_argv, cols=80, rows=24, env=NO_AGENT) as view:
            view.wait_for(CLASS_VIEW, timeout=START)
            # How learners join, on top (the view stands where the server's banner was).
            view.wait_for(f"join: ssh -p {keyed_server.port} NAME@", timeout=10)
            # ada's row: here, on Part 02.
            view.wait_for(re.compile(r"^ ada +here +02 ", re.MULTILINE), timeout=10)
            # The view shows which key ada logged in with: the whole fingerprint.
            fingerprint = subprocess.run(
                ["ssh-keygen", "-lf", str(keys["ada"]) + ".pub"],
                capture_output=True, text=True, check=True,
            ).stdout.split()[1]
            view.wait_for(f"ada · key {fingerprint}", timeout=10)
            view.press("q", "q")
            assert view.wait(timeout=10) == 0
        ada.press("q")
        assert ada.wait(timeout=10) == 0
    keyed_server.wait_for_log("the teacher logged in")
    keyed_server.wait_for_log("ada joined")
    keyed_server.wait_for_log("ada is on Part 02")


def test_no_learner_credential_opens_the_class_view(
    keyed_server: ServerProcess, keys: dict[str, Path]
) -> None:
    attempts = (("teacher", keys["ada"]), ("TEACHER", keys["other"]), ("bob", keys["teacher"]))
    for user, key in attempts:
        result = refused(key_argv(keyed_server.port, user, key))
        assert result.returncode == 255 and "Permission denied" in result.stderr, (user, result)


def test_a_name_belongs_to_the_first_key_that_used_it(
    keyed_server: ServerProcess, keys: dict[str, Path]
) -> None:
    with PtyApp(key_argv(keyed_server.port, "grace", keys["ada"]), env=NO_AGENT) as first:
        first.wait_for(OPENING, timeout=START)
        first.press("q")
        assert first.wait(timeout=10) == 0
    # Another learner's key cannot take the name over, however it is spelled.
    result = refused(key_argv(keyed_server.port, "GRACE", keys["other"]))
    assert result.returncode == 255
    reason = [line for line in result.stderr.splitlines() if "neuron-tui" in line]
    assert len(reason) == 1 and "already used by another learner's key" in reason[0]
    # That key is welcome under a name of its own, and the first key keeps its name.
    for user, key in (("hopper", keys["other"]), ("Grace", keys["ada"])):
        with PtyApp(key_argv(keyed_server.port, user, key), env=NO_AGENT) as app:
            app.wait_for(OPENING, timeout=START)
            app.press("q")
            assert app.wait(timeout=10) == 0


def test_the_teacher_name_is_reserved_and_no_password_opens_it(
    start_server: Callable[..., ServerProcess], keys: dict[str, Path], tmp_path: Path
) -> None:
    open_server = start_server()  # loopback, no authentication: the name is still kept
    result = refused(ssh_argv(open_server.port, "teacher"))
    assert result.returncode == 255 and "kept for the teacher" in result.stderr

    server = start_server("--password", "neurons42", "--teacher-keys", str(keys["teachers"]))
    argv, env = password_client(server.port, "neurons42", tmp_path)
    argv[argv.index("ada@127.0.0.1")] = "teacher@127.0.0.1"
    result = subprocess.run(
        [argv[0], "-T", *argv[2:]], env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=20,
    )
    assert result.returncode == 255 and "Permission denied" in result.stderr


def test_each_lesson_gets_its_own_way_to_the_hub_and_the_log_says_what_happens(
    ssh_server: ServerProcess,
) -> None:
    with (
        PtyApp(ssh_argv(ssh_server.port, "lin"), cols=80, rows=24) as lin,
        PtyApp(ssh_argv(ssh_server.port, "max"), cols=80, rows=24) as max_,
    ):
        lin.wait_for(OPENING, timeout=START)
        max_.wait_for(OPENING, timeout=START)
        seen = [environ(pid) for pid in ssh_server.wait_for_lessons(2)]
        sockets = {env["NEURON_TUI_CLASS_SOCKET"] for env in seen}
        tokens = {env["NEURON_TUI_CLASS_TOKEN"] for env in seen}
        assert sockets == {str(ssh_server.state_dir / "run" / "lessons.sock")}
        assert len(tokens) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)
        assert stat.S_IMODE(os.stat(sockets.pop()).st_mode) == 0o600
        lin.press("2")
        lin.wait_for(PART_TWO, timeout=10)
        for app in (lin, max_):
            app.press("q")
            assert app.wait(timeout=10) == 0
    for line in ("lin joined", "max joined", "lin is on Part 02", "lin left", "max left"):
        ssh_server.wait_for_log(line)


def test_on_a_terminal_the_server_shows_the_class_view_and_quitting_it_stops_the_server(
    tmp_path: Path, ssh_client: str
) -> None:
    state = tmp_path / "st"
    argv = [sys.executable, "-m", "neuron_tui.serve", "ssh", "--port", "0"]
    argv += ["--state-dir", str(state)]
    with PtyApp(argv, cols=80, rows=24, env=default_env(), cwd=ROOT) as server:
        server.wait_for(CLASS_VIEW, timeout=START)
        log = state / "serve.log"
        deadline = time.monotonic() + 10
        while not re.search(r"on 127\.0\.0\.1:(\d+)", log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "the banner did not reach serve.log"
            time.sleep(0.1)
        port = int(re.search(r"on 127\.0\.0\.1:(\d+)", log.read_text()).group(1))
        with PtyApp(ssh_argv(port, "ada"), cols=80, rows=24) as ada:
            ada.wait_for(OPENING, timeout=START)
            server.wait_for(re.compile(r"^ ada +here ", re.MULTILINE), timeout=10)
            server.press("q", "q")
            assert server.wait(timeout=20) == 0
            # The server ended the learner's lesson on its way out.
            ada.wait(timeout=10)
    text = log.read_text()
    assert "ada joined" in text and "Traceback" not in text
    # Back on the terminal's own screen: the banner and the last word.
    assert "server stopped" in server.text()


def test_a_server_stopped_by_sigterm_gives_its_terminal_back(
    tmp_path: Path, ssh_client: str
) -> None:
    argv = [sys.executable, "-m", "neuron_tui.serve", "ssh", "--port", "0"]
    argv += ["--state-dir", str(tmp_path / "st")]
    with PtyApp(argv, cols=80, rows=24, env=default_env(), cwd=ROOT) as server:
        server.wait_for(CLASS_VIEW, timeout=START)
        os.kill(server.pid, signal.SIGTERM)  # as systemd or `kill` would
        assert server.wait(timeout=20) == 0
        assert server.left_alternate_screen()
        assert "server stopped" in server.text()


def test_with_no_class_view_the_terminal_keeps_the_log_of_events(
    tmp_path: Path, ssh_client: str
) -> None:
    argv = [sys.executable, "-m", "neuron_tui.serve", "ssh", "--port", "0", "--no-class-view"]
    argv += ["--state-dir", str(tmp_path / "st")]
    with PtyApp(argv, cols=100, rows=30, env=default_env(), cwd=ROOT) as server:
        server.wait_for("Press Ctrl+C to stop", timeout=START)
        port = int(re.search(r"on 127\.0\.0\.1:(\d+)", server.text()).group(1))
        with PtyApp(ssh_argv(port, "ada"), cols=80, rows=24) as ada:
            ada.wait_for(OPENING, timeout=START)
            server.wait_for("ada joined", timeout=10)
            ada.press("q")
            ada.wait(timeout=10)
        server.wait_for("ada left", timeout=10)
        assert CLASS_VIEW not in server.text()
        server.press("ctrl+c")
        assert server.wait(timeout=20) == 0
    assert not (tmp_path / "st" / "serve.log").exists()


def test_browser_tabs_join_the_class_as_anonymous_learners(tmp_path: Path) -> None:
    aiohttp = pytest.importorskip("aiohttp")
    port = 23530
    state = tmp_path / "web"
    proc = subprocess.Popen(
        [sys.executable, "-m", "neuron_tui.serve", "web", "--port", str(port),
         "--state-dir", str(state)],
        cwd=ROOT, env=default_env(), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []

    def wait_for(text: str, timeout: float = START) -> None:
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout
        while not any(text in line for line in lines):
            assert time.monotonic() < deadline, f"{text!r} not logged:\n" + "\n".join(lines)
            lines.append(proc.stdout.readline())

    async def one_tab() -> dict[str, object]:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"http://127.0.0.1:{port}/ws") as tab,
        ):
            await tab.send_str('["resize", {"width": 80, "height": 24}]')
            await asyncio.to_thread(wait_for, "web 1 joined")
            reader, writer = await asyncio.open_unix_connection(str(state / "run/teacher.sock"))
            writer.write(b'{"t":"hello","role":"teacher"}\n')
            snapshot = json.loads(await asyncio.wait_for(reader.readline(), 10))
            writer.close()
            return snapshot

    try:
        deadline = time.monotonic() + START
        while True:  # listening once a connection is accepted
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "\n".join(lines)
                time.sleep(0.1)
        snapshot = asyncio.run(one_tab())
        assert [row["name"] for row in snapshot["learners"]] == ["web 1"]
        assert snapshot["learners"][0]["connected"]
        wait_for("web 1 left")
    finally:
        proc.terminate()
        proc.wait(15)
