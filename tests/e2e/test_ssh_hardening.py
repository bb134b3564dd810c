"""`serve ssh` against outsiders and careless learners, with the real OpenSSH client.

Connections from other loopback addresses (``ssh -b 127.0.0.N``; all of
127.0.0.0/8 reaches this computer on Linux) stand for other computers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.ptyharness import PtyApp, default_env
from neuron_tui.lesson.registry import LESSON
from tests.e2e.conftest import ServerProcess, ssh_argv
from tests.e2e.test_ssh import OPENING, PART_TWO, START, run_client, wait_gone

CODE = "neurons42"


def askpass_env(tmp_path: Path, answer: str, stall: float = 0.0) -> dict[str, str]:
    """An environment whose ssh answers the password prompt with `answer` (after `stall` s)."""
    script = tmp_path / f"askpass-{abs(hash((answer, stall)))}"
    log = tmp_path / "asked"
    script.write_text(
        f"#!/bin/sh\necho asked >> '{log}'\nsleep {stall}\nprintf '%s\\n' '{answer}'\n"
    )
    script.chmod(0o700)
    return default_env(
        {"SSH_ASKPASS": str(script), "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"}
    )


def password_argv(port: int, user: str = "ada", source: str = "127.0.0.1", prompts: int = 1):  # type: ignore[no-untyped-def]
    argv = ssh_argv(port, user)
    argv[2:2] = [
        "-b",
        source,
        "-o",
        "PubkeyAuthentication=no",
        "-o",
        f"NumberOfPasswordPrompts={prompts}",
        "-o",
        "PreferredAuthentications=password",
    ]
    return argv


@contextmanager
def running(argvs: list[list[str]], env: dict[str, str]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start clients that need no terminal; kill and reap them all afterwards."""
    procs = [
        subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for argv in argvs
    ]
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(10)


def policy_server(
    start_server: Callable[..., ServerProcess], tmp_path: Path, policy: str
) -> ServerProcess:
    """The real server with a password and a faster AuthPolicy (the defaults take minutes)."""
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from neuron_tui.serve.auth import AuthPolicy\n"
        "from neuron_tui.serve.ssh import SSHServeConfig, serve_forever\n"
        "import logging\n"
        "logging.basicConfig(level=logging.INFO, format='%(message)s')\n"
        f"config = SSHServeConfig(state_dir=Path(sys.argv[1]), port=0, password={CODE!r},\n"
        f"                        auth_policy=AuthPolicy({policy}))\n"
        "sys.exit(asyncio.run(serve_forever(config)))\n"
    )
    return start_server(argv=[sys.executable, "-c", code, str(tmp_path / "state")])


# ---------------------------------------------------------------- 1. lock-out before login


def test_connections_stalled_at_the_password_prompt_never_fill_the_class(
    start_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    server = start_server("--password", CODE, "--max-sessions", "3", "--max-per-address", "4")
    stalled = [
        password_argv(server.port, f"stall{n}", source=f"127.0.0.{2 + n % 4}") for n in range(16)
    ]
    with running(stalled, askpass_env(tmp_path, "never", stall=120)):
        # Wait until they all sit at the prompt (a server that counts them turns some away).
        deadline = time.monotonic() + 15
        asked = tmp_path / "asked"
        while not asked.exists() or len(asked.read_text().splitlines()) < 16:
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        argv = password_argv(server.port, "learner1")
        with PtyApp(argv, cols=80, rows=24, env=askpass_env(tmp_path, CODE)) as app:
            app.wait_for(OPENING, timeout=START)
            app.press("q")
            assert app.wait(timeout=10) == 0
    assert "the class is full" not in server.log


# ---------------------------------------------------------------- 2. password guessing


def test_three_attempts_per_connection_then_backoff_and_a_block_per_address(
    start_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    server = policy_server(
        start_server, tmp_path, "first_delay=0.2, max_delay=0.4, block_after=6, block_for=60"
    )
    guess = "guess-XYZZY"
    wrong = askpass_env(tmp_path, guess)
    result = subprocess.run(
        [*password_argv(server.port, prompts=10), "true"],
        env=wrong,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 255
    assert len((tmp_path / "asked").read_text().splitlines()) == 3, "more than 3 attempts"
    server.wait_for_log("attempt 3 of 3")
    assert "attempt 4" not in server.log
    assert guess not in server.log  # failures are logged without the password

    # Three parallel connections from one address: answers come one after another.
    started = time.monotonic()
    with running([[*password_argv(server.port, prompts=10), "true"]] * 3, wrong) as procs:
        for proc in procs:
            proc.wait(60)
    assert server.log.count("wrong password") >= 6
    assert time.monotonic() - started >= 0.2 + 0.4 * 2  # backoff, even in parallel

    # The address is blocked now, even with the right password; another one is not.
    refused = subprocess.run(
        [*password_argv(server.port), "true"],
        env=askpass_env(tmp_path, CODE),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 255
    assert "too many wrong passwords from your address" in refused.stderr
    argv = password_argv(server.port, source="127.0.0.2")
    with PtyApp(argv, cols=80, rows=24, env=askpass_env(tmp_path, CODE)) as app:
        app.wait_for(OPENING, timeout=START)
        app.press("q")
        assert app.wait(timeout=10) == 0


# ---------------------------------------------------------------- 7. names


def visit_part_two(server: ServerProcess, user: str) -> None:
    argv = ssh_argv(server.port, "x")
    argv[2:2] = ["-l", user]
    with PtyApp(argv, cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        app.press("2")
        app.wait_for(PART_TWO, timeout=10)
        app.press("q")
        assert app.wait(timeout=10) == 0


def test_distinct_names_keep_distinct_progress(ssh_server: ServerProcess) -> None:
    learners = ssh_server.state_dir / "learners"
    before = {path.name for path in learners.glob("*.json")}
    for user in ("a/b", "a_b", "a b", "学生", "learner"):
        visit_part_two(ssh_server, user)
    made = {path.name for path in learners.glob("*.json")} - before
    assert len(made) == 5, made
    # Case is folded as documented: ADA resumes ada.
    visit_part_two(ssh_server, "ada")
    argv = ssh_argv(ssh_server.port, "ADA")
    with PtyApp(argv, cols=80, rows=24) as app:
        app.wait_for("Welcome back", timeout=START)
        app.press("q")
        app.wait(timeout=10)


def test_a_name_that_cannot_be_used_gets_a_plain_reason(ssh_server: ServerProcess) -> None:
    result = run_client(ssh_argv(ssh_server.port, "😀"))
    assert result.returncode == 255
    assert "that name cannot be used" in result.stderr
    assert "Unassigned" not in result.stderr
    assert not ssh_server.lessons()


# ---------------------------------------------------------------- 5. limits


def test_every_lesson_runs_with_limits_it_cannot_raise(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server(
        "--lesson-memory", "900", "--lesson-nice", "7", "--lesson-open-files", "200"
    )
    with PtyApp(ssh_argv(server.port, "limited"), cols=80, rows=24) as app:
        app.wait_for(OPENING, timeout=START)
        (lesson,) = server.wait_for_lessons(1)
        limits = Path(f"/proc/{lesson}/limits").read_text().splitlines()

        def limit(name: str) -> list[str]:
            line = next(line for line in limits if line.startswith(name))
            return line[len(name) :].split()[:2]

        assert limit("Max address space") == [str(900 * 1024 * 1024)] * 2
        assert limit("Max open files") == ["200", "200"]
        assert limit("Max core file size") == ["0", "0"]
        stat = Path(f"/proc/{lesson}/stat").read_text()
        lesson_nice = int(stat[stat.rindex(")") + 2 :].split()[16])
        server_nice = os.getpriority(os.PRIO_PROCESS, server.pid)
        # The kernel caps niceness at 19: a server already at 19 (nice -n 19 pytest) stays there.
        assert lesson_nice == min(19, server_nice + 7)
        app.press("2")
        app.wait_for(PART_TWO, timeout=10)  # the lesson works within them
        app.press("q")
        assert app.wait(timeout=10) == 0


# ---------------------------------------------------------------- 8. a readable log


def test_clients_dropping_mid_drawing_leave_no_traceback_and_one_end_line(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server()
    for round_ in range(4):
        app = PtyApp(ssh_argv(server.port, f"drop{round_}"), cols=200, rows=60).start()
        try:
            app.wait_for(OPENING, timeout=START)
            lessons = server.wait_for_lessons(1)
            # Keep the lesson drawing (part after part, resizes), then vanish.
            for step in range(6):
                app.press("2" if step % 2 else "3")
                app.resize(200 - step, 60)
            os.kill(app.pid, signal.SIGKILL)
            wait_gone(lessons, timeout=10)
        finally:
            app.close()
    last = PtyApp(ssh_argv(server.port, "stays"), cols=80, rows=24).start()
    try:
        last.wait_for(OPENING, timeout=START)
        lessons = server.wait_for_lessons(1)
        assert server.stop() == 0
        wait_gone(lessons, timeout=5)
    finally:
        last.close()
    assert "Traceback" not in server.log and "BrokenPipeError" not in server.log, server.log
    assert sum("lesson ended for 'stays'" in line for line in server.log.splitlines()) == 1


def test_a_lesson_ended_by_the_kernel_says_so_in_one_line_and_the_class_carries_on(
    ssh_server: ServerProcess,
) -> None:
    with PtyApp(ssh_argv(ssh_server.port, "other"), cols=80, rows=24) as other:
        other.wait_for(OPENING, timeout=START)
        with PtyApp(ssh_argv(ssh_server.port, "hog"), cols=80, rows=24) as hog:
            hog.wait_for(OPENING, timeout=START)
            hog.press("2")
            hog.wait_for(PART_TWO, timeout=10)
            (lesson,) = [pid for pid in ssh_server.wait_for_lessons(2) if "hog" in " ".join(
                Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0"))]
            os.kill(lesson, signal.SIGKILL)  # what the out-of-memory killer does
            assert hog.wait(timeout=10) != 0
            hog.wait_for("the lesson was stopped", timeout=5)
            stopped = [line for line in hog.output().decode().splitlines() if "stopped" in line]
            assert len(stopped) == 1
        progress = ssh_server.state_dir / "learners" / "hog.json"
        assert LESSON.part(2).key in json.loads(progress.read_text())["visited"]
        other.press("2")
        other.wait_for(PART_TWO, timeout=10)
        other.press("q")
        assert other.wait(timeout=10) == 0
