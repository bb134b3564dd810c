"""A program on its own pty: started as a session leader, sized, read, and ended with its group."""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from neuron_tui.process import procfs
from neuron_tui.process.pty import (
    end_group,
    read_pty,
    reap_within,
    set_window_size,
    start_on_pty,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")

ENV = {"PATH": os.defpath, "LANG": "C.UTF-8", "TERM": "dumb"}


class Program:
    """A `sh -c` script on a pty, read with a deadline, always ended and reaped."""

    def __init__(
        self, script: str, cols: int = 80, rows: int = 24, cwd: Path | None = None
    ) -> None:
        self.pid, self.master = start_on_pty(
            ["sh", "-c", script], ENV, cols=cols, rows=rows, cwd=cwd
        )
        self.output = b""
        self.status: int | None = None

    def reaped(self, timeout: float) -> bool:
        """Reap the program if it ends within `timeout` s (the callback end_group wants)."""
        if self.status is None:
            result = reap_within(self.pid, timeout)
            if result is not None:
                self.status = result[0]
        return self.status is not None

    def read_until(self, text: bytes, timeout: float = 5.0) -> bytes:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{text!r} not in {self.output!r}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                data = read_pty(self.master)
                assert data, f"output ended before {text!r}: {self.output!r}"
                self.output += data
        return self.output

    def read_to_end(self, timeout: float = 5.0) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"output did not end: {self.output!r}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                data = read_pty(self.master)
                if data == b"":
                    return self.output
                self.output += data or b""

    def close(self) -> None:
        end_group(self.pid, self.reaped, grace=0.2)
        os.close(self.master)


Start = Callable[..., Program]


@pytest.fixture
def program() -> Iterator[Start]:
    started: list[Program] = []

    def start(script: str, **options: object) -> Program:
        started.append(Program(script, **options))  # type: ignore[arg-type]
        return started[-1]

    yield start
    for prog in started:
        prog.close()


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_the_program_leads_its_own_session_on_a_pty_of_its_size(program: Start) -> None:
    prog = program("stty size; tty; read line; echo \"got $line\"", cols=90, rows=30)
    prog.read_until(b"/dev/pts/")
    assert b"30 90" in prog.output
    stat = procfs.read_stat(prog.pid)
    assert stat is not None and stat.pgid == prog.pid  # leader of its own group
    assert os.getsid(prog.pid) == prog.pid  # and of its own session
    os.write(prog.master, b"hello\n")
    assert b"got hello" in prog.read_to_end()
    assert prog.reaped(5) and os.waitstatus_to_exitcode(prog.status or 0) == 0


def test_a_resize_reaches_the_program_as_sigwinch(program: Start) -> None:
    # SIGWINCH goes only to the foreground group of the pty's session: this also proves
    # the pty is the program's controlling terminal.
    prog = program('trap "stty size" WINCH; echo ready; while :; do sleep 0.05; done')
    prog.read_until(b"ready")
    set_window_size(prog.master, 100, 40)
    prog.read_until(b"40 100")


def test_the_program_runs_in_the_folder_it_is_given(program: Start, tmp_path: Path) -> None:
    prog = program("pwd", cwd=tmp_path)
    assert str(tmp_path).encode() in prog.read_to_end()
    assert Path.cwd() != tmp_path


def test_a_program_not_on_path_is_an_oserror() -> None:
    with pytest.raises(FileNotFoundError):
        start_on_pty(["no-such-program-here"], ENV, cols=80, rows=24)


def test_read_pty_says_none_when_nothing_is_ready(program: Start) -> None:
    prog = program('echo ready; sleep 30')
    prog.read_until(b"ready")
    os.set_blocking(prog.master, False)
    assert read_pty(prog.master) is None


def test_ending_a_group_that_ignores_hangups_kills_it_all(program: Start) -> None:
    prog = program('trap "" HUP TERM; sleep 30 & echo "child $!"; wait')
    child = int(prog.read_until(b"\r\n").split(b"child ")[1].split()[0])
    assert child in procfs.group_members(prog.pid)
    end_group(prog.pid, prog.reaped, grace=0.2)
    assert prog.status is not None
    assert os.waitstatus_to_exitcode(prog.status) == -signal.SIGKILL
    assert wait_until(lambda: not procfs.group_has_members(prog.pid))


def test_leftovers_of_a_group_whose_leader_has_exited_are_killed(program: Start) -> None:
    # The background child ignores the hang-up its leader's exit sends and stays behind.
    prog = program('trap "" HUP; sleep 30 & echo "child $!"')
    child = int(prog.read_until(b"\r\n").split(b"child ")[1].split()[0])
    assert prog.reaped(5)
    assert procfs.group_members(prog.pid) == [child]
    end_group(prog.pid, prog.reaped, grace=0.2)
    assert wait_until(lambda: not procfs.group_has_members(prog.pid))


def test_the_program_starts_with_default_signal_handling(program: Start) -> None:
    # This (Python) process ignores SIGPIPE; a program it starts must not inherit that.
    assert signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN
    prog = program("grep SigIgn /proc/self/status")
    line = prog.read_to_end().split(b"SigIgn:")[1].split()[0]
    ignored = int(line, 16)
    assert not ignored & (1 << (signal.SIGPIPE - 1))
    assert not ignored & (1 << (signal.SIGXFSZ - 1))
