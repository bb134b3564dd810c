"""Reading /proc: the process tree (zombies only when asked), groups, argv, environment, memory."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from neuron_tui.process import procfs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")


def spawn(*argv: str, env: dict[str, str] | None = None) -> int:
    """A direct child of this test process, never reaped behind the test's back."""
    return os.posix_spawn(argv[0], list(argv), env if env is not None else dict(os.environ))


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def children() -> Iterator[list[int]]:
    """Pids the test started; each is killed and reaped afterwards."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def test_descendants_walk_the_whole_tree_with_their_command_lines(children: list[int]) -> None:
    shell = spawn("/bin/sh", "-c", "sleep 30 & sleep 31 & wait")
    children.append(shell)
    wait_until(lambda: len(procfs.descendants(shell)) == 2)
    below = procfs.descendants(os.getpid())
    assert shell in below
    assert set(procfs.descendants(shell)) <= set(below)  # grandchildren count too
    argvs = sorted(procfs.cmdline(pid) for pid in procfs.descendants(shell))
    assert argvs == [["sleep", "30"], ["sleep", "31"]]
    assert procfs.cmdline(shell) == ["/bin/sh", "-c", "sleep 30 & sleep 31 & wait"]


def test_zombies_count_only_when_asked(children: list[int]) -> None:
    pid = spawn("/bin/true")
    children.append(pid)
    wait_until(lambda: (stat := procfs.read_stat(pid)) is not None and stat.ended)
    assert pid not in procfs.descendants(os.getpid())
    assert pid in procfs.descendants(os.getpid(), zombies=True)
    assert pid not in [stat.pid for stat in procfs.processes()]
    assert pid in [stat.pid for stat in procfs.processes(zombies=True)]
    os.waitpid(pid, 0)
    assert pid not in procfs.descendants(os.getpid(), zombies=True)


def test_group_members_are_the_living_processes_of_a_group(children: list[int]) -> None:
    pid = os.posix_spawn("/bin/sleep", ["sleep", "30"], dict(os.environ), setsid=True)
    children.append(pid)
    wait_until(lambda: procfs.group_members(pid) == [pid])
    assert procfs.group_has_members(pid)
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not procfs.group_has_members(pid))  # a zombie is not a member


def test_the_environment_is_read_as_it_was_at_exec(children: list[int]) -> None:
    pid = spawn("/bin/sleep", "30", env={"NEURON_TUI_PROBE": "x=1", "PATH": os.defpath})
    children.append(pid)
    wait_until(lambda: procfs.cmdline(pid) == ["/bin/sleep", "30"])
    assert procfs.environ(pid) == {"NEURON_TUI_PROBE": "x=1", "PATH": os.defpath}


def test_a_process_that_is_gone_reads_as_nothing(children: list[int]) -> None:
    pid = spawn("/bin/true")
    os.waitpid(pid, 0)
    assert procfs.read_stat(pid) is None
    assert procfs.cmdline(pid) == []
    assert procfs.environ(pid) == {}
    assert procfs.peak_rss_kib(pid) is None
    assert procfs.pss_kib(pid) is None


def test_memory_of_this_process_grows_with_what_it_touches() -> None:
    before = procfs.rss_kib(os.getpid())
    ballast = b"\x01" * (16 * 1024 * 1024)  # written, so resident
    now, peak, pss = (
        read(os.getpid()) for read in (procfs.rss_kib, procfs.peak_rss_kib, procfs.pss_kib)
    )
    assert before is not None and now is not None and peak is not None and pss is not None
    assert now >= before + 15 * 1024
    assert now <= peak
    assert 0 < pss <= now
    assert len(ballast) == 16 * 1024 * 1024
