"""`neuron-tui serve ssh` against the real OpenSSH client, through a real pty.

Every test talks to a server on 127.0.0.1 with the system's ``ssh`` (and
``sftp``/``scp``) and reads the learner's screen with pyte
(:mod:`benchmarks.ptyharness`). Lesson processes are found under the server in
``/proc``, so "no lesson left behind" is checked on the real process tree.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.ptyharness import PtyApp, default_env
from neuron_tui.process.procfs import cmdline, environ
from tests.e2e.conftest import ServerProcess, ssh_argv, ssh_options

OPENING = "The neuron"
PART_TWO = "Part 02 · Build a neuron"
START = 30.0


def run_client(
    argv: list[str], timeout: float = 20.0, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a client without a terminal; returns what it printed and its exit code."""
    return subprocess.run(
        argv,
        env=default_env(),
        stdin=None if input is not None else subprocess.DEVNULL,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_gone(pids: list[int], timeout: float) -> None:
    """Wait until none of `pids` exists any more (ended and reaped)."""
    deadline = time.monotonic() + timeout
    while any(Path(f"/proc/{pid}").exists() for pid in pids):
        if time.monotonic() > deadline:
            alive = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
            raise AssertionError(f"lesson processes {alive} still there after {timeout} s")
        time.sleep(0.05)


def slider_row(app: PtyApp, name: str) -> str:
    """The screen row holding slider `name` (e.g. 'w₁ ')."""
    return next(line for line in app.display() if name in line and "━" in line)


# ---------------------------------------------------------------- the lesson itself


def test_lesson_renders_answers_keys_resizes_and_quits(ssh_server: ServerProcess) -> None:
    with PtyApp(ssh_argv(ssh_server.port, "ada"), cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        app.press("2")
        app.wait_for(PART_TWO, timeout=10)
        app.wait_for(re.compile("w₁ .*━"), timeout=10)
        app.wait_quiet(0.3, timeout=10)
        before = slider_row(app, "w₁ ")
        app.press("right")
        deadline = time.monotonic() + 5
        while slider_row(app, "w₁ ") == before:
            assert time.monotonic() < deadline, f"Right did not move w₁\n{app.format_screen()}"
            time.sleep(0.05)

        app.resize(110, 32)
        # The header's progress counter is drawn at the right edge of the new width.
        app.wait_for(re.compile(r"^.{100,}2/6 *$", re.MULTILINE), timeout=10)
        assert len(app.display()) == 32
        lessons = ssh_server.wait_for_lessons(1)
        app.press("q")
        assert app.wait(timeout=10) == 0
    wait_gone(lessons, timeout=5)


def test_lesson_gets_a_clean_environment_and_a_pty_of_the_requested_size(
    ssh_server: ServerProcess,
) -> None:
    argv = ssh_argv(ssh_server.port, "env-check")
    # Ask for everything a client may try to pass on: environment, agent, X11.
    argv[2:2] = ["-o", "SetEnv=EVIL=1 LD_PRELOAD=/tmp/x.so PYTHONPATH=/tmp", "-A", "-X"]
    env = default_env({"TERM": "screen-256color", "SSH_AUTH_SOCK": "/tmp/nowhere.sock"})
    with PtyApp(argv, cols=90, rows=30, env=env) as app:
        app.wait_for(OPENING, timeout=START)
        (lesson,) = ssh_server.wait_for_lessons(1)
        seen = environ(lesson)
        assert seen["TERM"] == "screen-256color"
        assert seen["LANG"] == "C.UTF-8"
        assert seen["NEURON_TUI_SSH"] == "1"
        for name in ("EVIL", "LD_PRELOAD", "PYTHONPATH", "SSH_AUTH_SOCK", "DISPLAY", "SSH_CLIENT"):
            assert name not in seen
        argv_seen = cmdline(lesson)
        assert "-I" in argv_seen and "--progress" in argv_seen
        # The pty is the lesson's controlling terminal, at the client's size.
        assert os.readlink(f"/proc/{lesson}/fd/0").startswith("/dev/pts/")
        fd = os.open(os.readlink(f"/proc/{lesson}/fd/0"), os.O_RDONLY | os.O_NOCTTY)
        try:
            rows, cols = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))[:2]
        finally:
            os.close(fd)
        assert (cols, rows) == (90, 30)
        app.press("q")
        app.wait(timeout=10)


def test_progress_is_kept_per_learner_and_resumed(ssh_server: ServerProcess) -> None:
    with PtyApp(ssh_argv(ssh_server.port, "Grace Hopper"), cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        app.press("2")
        app.wait_for(PART_TWO, timeout=10)
        app.press("q")
        app.wait(timeout=10)
    # A name with a space gets a readable stem and a hash (see neuron_tui/serve/names.py).
    assert len(list((ssh_server.state_dir / "learners").glob("grace_hopper-*.json"))) == 1
    with PtyApp(ssh_argv(ssh_server.port, "grace hopper"), cols=80, rows=24) as app:
        app.wait_for("Welcome back", timeout=START)
        app.press("q")
        app.wait(timeout=10)


def test_no_file_writing_action_is_reachable(ssh_server: ServerProcess) -> None:
    """Command palette and screenshot keys do nothing; no file appears anywhere we own."""
    learners = ssh_server.state_dir / "learners"
    before = set(learners.rglob("*"))
    with PtyApp(ssh_argv(ssh_server.port, "palette"), cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        for key in (b"\x10", b"\x13", b"\x1b[24~", b"\x1b[1;5P"):  # ctrl+p, ctrl+s, F12, ctrl+F1
            app.send(key)
        app.wait_quiet(0.5, timeout=10)
        assert "Search for commands" not in app.text()
        app.press("q")
        app.wait(timeout=10)
    created = {path for path in set(learners.rglob("*")) - before if path.suffix != ".lock"}
    assert {path.name for path in created} <= {"palette.json"}
    assert not list(learners.rglob("*.svg"))


# ---------------------------------------------------------------- refusals


def test_commands_are_refused(ssh_server: ServerProcess, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for argv in (
        ["ssh", *ssh_options(ssh_server.port), "ada@127.0.0.1", f"touch {marker}; ls /"],
        ["ssh", "-tt", *ssh_options(ssh_server.port), "ada@127.0.0.1", f"touch {marker}"],
    ):
        result = run_client(argv)
        assert result.returncode == 1, result
        assert "runs only the lesson, not commands" in result.stdout + result.stderr
        assert "bin" not in result.stdout
    assert not marker.exists()
    assert not ssh_server.lessons()


def test_sessions_without_a_pty_are_refused(ssh_server: ServerProcess) -> None:
    result = run_client(["ssh", "-T", *ssh_options(ssh_server.port), "ada@127.0.0.1"])
    assert result.returncode == 1
    assert "the lesson needs a terminal" in result.stderr


def test_sftp_and_scp_are_refused(ssh_server: ServerProcess, tmp_path: Path) -> None:
    options = ssh_options(ssh_server.port)
    options[options.index("-p")] = "-P"
    sftp = run_client(["sftp", "-b", "-", *options, "ada@127.0.0.1"], input="ls\n")
    assert sftp.returncode != 0
    assert "subsystem request failed" in sftp.stderr
    source = tmp_path / "payload"
    source.write_text("x")
    for legacy in ([], ["-O"]):  # scp over sftp (default), and the old scp protocol
        scp = run_client(["scp", *legacy, *options, str(source), "ada@127.0.0.1:/tmp/payload"])
        assert scp.returncode != 0, scp
    assert not Path("/tmp/payload").exists() or Path("/tmp/payload").read_text() != "x"
    assert not ssh_server.lessons()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_local_port_forwarding_is_refused(ssh_server: ServerProcess) -> None:
    local = free_port()
    argv = [
        "ssh",
        "-N",
        "-L",
        f"127.0.0.1:{local}:127.0.0.1:{ssh_server.port}",
        *ssh_options(ssh_server.port),
        "ada@127.0.0.1",
    ]
    client = subprocess.Popen(
        argv,
        env=default_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", local), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "ssh -L never listened"
                time.sleep(0.1)
        with sock:
            sock.settimeout(5)
            # Through the tunnel the server's own SSH banner would arrive: nothing must.
            assert sock.recv(100) == b""
        ssh_server.wait_for_log("refused forwarding")
    finally:
        client.terminate()
        try:
            client.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            client.kill()
            client.communicate(timeout=5)


def test_remote_port_forwarding_is_refused(ssh_server: ServerProcess) -> None:
    remote = free_port()
    result = run_client(
        [
            "ssh",
            "-N",
            "-o",
            "ExitOnForwardFailure=yes",
            "-R",
            f"127.0.0.1:{remote}:127.0.0.1:{ssh_server.port}",
            *ssh_options(ssh_server.port),
            "ada@127.0.0.1",
        ]
    )
    assert result.returncode == 255
    assert "remote port forwarding failed" in result.stderr
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", remote), timeout=2).close()


def test_a_connection_that_opens_no_lesson_is_closed(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server("--login-timeout", "2")
    started = time.monotonic()
    result = run_client(["ssh", "-N", *ssh_options(server.port), "ada@127.0.0.1"], timeout=20)
    assert result.returncode == 255
    assert time.monotonic() - started < 10


# ---------------------------------------------------------------- authentication


def password_client(port: int, password: str, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """An ssh command line and environment that answers the password prompt via SSH_ASKPASS."""
    askpass = tmp_path / f"askpass-{abs(hash(password))}"
    askpass.write_text(f"#!/bin/sh\nprintf '%s\\n' '{password}'\n")
    askpass.chmod(0o700)
    argv = ssh_argv(port, "ada")
    argv[2:2] = [
        "-o",
        "PubkeyAuthentication=no",
        "-o",
        "NumberOfPasswordPrompts=1",
        "-o",
        "PreferredAuthentications=password",
    ]
    env = default_env(
        {"SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"}
    )
    return argv, env


def test_password_is_required_and_checked(
    start_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    server = start_server("--password", "neurons42")
    argv, env = password_client(server.port, "wrong", tmp_path)
    result = subprocess.run(
        [*argv, "true"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 255
    assert "Permission denied" in result.stderr
    assert not server.lessons()

    argv, env = password_client(server.port, "neurons42", tmp_path)
    with PtyApp(argv, cols=80, rows=24, env=env) as app:
        app.wait_for(OPENING, timeout=START)
        app.press("q")
        assert app.wait(timeout=10) == 0


def test_authorized_keys(start_server: Callable[..., ServerProcess], tmp_path: Path) -> None:
    key = tmp_path / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    other = tmp_path / "other"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    server = start_server("--authorized-keys", str(key) + ".pub")
    for identity, expected in ((other, 255), (key, 0)):
        argv = ssh_argv(server.port, "ada")
        argv[2:2] = ["-o", "IdentitiesOnly=yes", "-i", str(identity), "-o", "BatchMode=yes"]
        if expected:
            result = run_client([*argv[:1], *argv[2:]])
            assert result.returncode == 255 and "Permission denied" in result.stderr
        else:
            with PtyApp(argv, cols=80, rows=24, env=default_env({"SSH_AUTH_SOCK": None})) as app:
                app.wait_for(OPENING, timeout=START)
                app.press("q")
                assert app.wait(timeout=10) == 0


def test_no_authentication_is_refused_off_loopback() -> None:
    result = run_client([sys.executable, "-m", "neuron_tui.serve", "ssh", "--host", "0.0.0.0"])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "without authentication" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "flags",
    [
        ["--port", "70000"],
        ["--max-sessions", "0"],
        ["--password", ""],
        ["--bogus"],
        ["--password", "x", "--authorized-keys", "/etc/hostname"],
        ["--authorized-keys", "/nonexistent/keys"],
        ["--login-timeout", "soon"],
    ],
)
def test_bad_flags_are_one_line_and_exit_2(flags: list[str]) -> None:
    result = run_client([sys.executable, "-m", "neuron_tui.serve", "ssh", *flags])
    assert result.returncode == 2, result
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr


# ---------------------------------------------------------------- compression


@pytest.mark.parametrize(
    ("allow_uncompressed", "expected"), [(False, "zlib@openssh.com"), (True, "none")]
)
def test_compression_negotiated(
    start_server: Callable[..., ServerProcess], allow_uncompressed: bool, expected: str
) -> None:
    server = start_server(*(["--allow-uncompressed"] if allow_uncompressed else []))
    # A plain client (Compression=no offers "none,zlib@openssh.com").
    argv = [
        "ssh",
        "-v",
        *ssh_options(server.port),
        "-o",
        "LogLevel=DEBUG1",
        "-o",
        "Compression=no",
        "ada@127.0.0.1",
        "true",
    ]
    result = run_client(argv)
    assert f"compression: {expected}" in result.stderr


# ---------------------------------------------------------------- ending lessons


def test_killing_the_client_leaves_no_lesson(ssh_server: ServerProcess) -> None:
    app = PtyApp(ssh_argv(ssh_server.port, "killed"), cols=80, rows=24).start()
    try:
        app.wait_for(OPENING, timeout=START)
        lessons = ssh_server.wait_for_lessons(1)
        os.kill(app.pid, signal.SIGKILL)
        wait_gone(lessons, timeout=5)
    finally:
        app.close()


def test_a_client_that_stops_answering_keepalives_is_dropped(
    start_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    # The real server with keepalives every 0.5 s (15 s × 4 in production).
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from neuron_tui.serve.ssh import SSHServeConfig, serve_forever\n"
        "config = SSHServeConfig(state_dir=Path(sys.argv[1]), port=0,\n"
        "                        keepalive_interval=0.5, keepalive_count_max=2)\n"
        "sys.exit(asyncio.run(serve_forever(config)))\n"
    )
    server = start_server(argv=[sys.executable, "-c", code, str(tmp_path / "ka")])
    app = PtyApp(ssh_argv(server.port, "frozen"), cols=80, rows=24).start()
    try:
        app.wait_for(OPENING, timeout=START)
        lessons = server.wait_for_lessons(1)
        os.kill(app.pid, signal.SIGSTOP)  # the client no longer answers anything
        try:
            wait_gone(lessons, timeout=10)
        finally:
            os.kill(app.pid, signal.SIGCONT)
    finally:
        app.close()


def test_stopping_the_server_ends_every_lesson(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server()
    app = PtyApp(ssh_argv(server.port, "late"), cols=80, rows=24).start()
    try:
        app.wait_for(OPENING, timeout=START)
        lessons = server.wait_for_lessons(1)
        assert server.stop() == 0
        wait_gone(lessons, timeout=5)
        app.wait(timeout=10)
    finally:
        app.close()


# ---------------------------------------------------------------- a whole class


def test_twenty_learners_at_once(ssh_server: ServerProcess) -> None:
    apps = [
        PtyApp(ssh_argv(ssh_server.port, f"learner{n:02d}"), cols=80, rows=24) for n in range(20)
    ]
    try:
        for app in apps:
            app.start()
        for app in apps:
            app.wait_for(OPENING, timeout=60)
        assert len(ssh_server.lessons()) == 20
        for app in apps:
            app.press("2")
        for app in apps:
            app.wait_for(PART_TWO, timeout=30)
    finally:
        for app in apps:
            app.close()
    wait_gone(ssh_server.lessons(), timeout=10)


def test_session_caps_hold_and_others_keep_working(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server("--max-sessions", "2")
    apps = [PtyApp(ssh_argv(server.port, f"cap{n}"), cols=80, rows=24) for n in range(2)]
    try:
        for app in apps:
            app.start().wait_for(OPENING, timeout=START)
        over = run_client(ssh_argv(server.port, "third"))
        assert over.returncode == 255
        assert "the class is full (2 learners)" in over.stderr
        assert len(server.lessons()) == 2
        for app in apps:  # everyone else still has a working lesson
            app.press("2")
            app.wait_for(PART_TWO, timeout=10)
        apps[0].press("q")
        apps[0].wait(timeout=10)
        server.wait_for_lessons(1)
        with PtyApp(ssh_argv(server.port, "third"), cols=80, rows=24) as third:
            third.wait_for(OPENING, timeout=START)
    finally:
        for app in apps:
            app.close()

    per_address = start_server("--max-per-address", "1")
    with PtyApp(ssh_argv(per_address.port, "one"), cols=80, rows=24) as first:
        first.wait_for(OPENING, timeout=START)
        over = run_client(ssh_argv(per_address.port, "two"))
        assert over.returncode == 255
        assert "too many sessions from your address (1)" in over.stderr
