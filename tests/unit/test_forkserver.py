"""The pieces of the lesson fork server that need no SSH.

Argv plans, /proc identity, telling lessons from helpers, reaping, and the
server's requests to a zygote (a stand-in here) that never hold up its event loop.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from neuron_tui.process.identity import is_lesson, module_run
from neuron_tui.process.procfs import cmdline, environ
from neuron_tui.serve import forkserver as forkserver_module
from neuron_tui.serve import zygote_keeper
from neuron_tui.serve.forking import lesson_plan, zygote_argv
from neuron_tui.serve.forkserver import ForkServer
from neuron_tui.serve.limits import LessonLimits

LESSON = [sys.executable, "-I", "-m", "neuron_tui", "--progress", "/s/learners/ada.json"]


def test_the_servers_own_command_line_becomes_a_plan() -> None:
    limits = LessonLimits(memory_mib=900, nice=7, open_files=200, processes=99)
    plan = lesson_plan(limits.argv() + LESSON)
    assert plan == {
        "argv": LESSON,
        "args": ["--progress", "/s/learners/ada.json"],
        "limits": [900, 7, 200, 99],
    }
    assert lesson_plan(LESSON) == {"argv": LESSON, "args": LESSON[4:], "limits": None}


@pytest.mark.parametrize(
    "argv",
    [
        ["/usr/bin/python3", *LESSON[1:]],  # another interpreter: not what the zygote is
        [sys.executable, "-m", "neuron_tui"],  # not isolated
        [sys.executable, "-I", "-m", "neuron_tui.web_lesson"],  # another module
        ["/bin/sh", "-c", "true"],
        LessonLimits().argv()[:-1] + LESSON,  # no "--"
        LessonLimits().argv()[:4] + ["--memory", "x", "--"] + LESSON,
        [*LessonLimits().argv()[:6], "--evil", "1", *LessonLimits().argv()[8:], *LESSON],
    ],
)
def test_anything_else_is_left_to_a_direct_spawn(argv: list[str]) -> None:
    assert lesson_plan(argv) is None


def run_script(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SECRET": "parent's"},
    )


def test_a_process_can_show_another_command_line_and_environment() -> None:
    proc = run_script(
        """
        import sys
        from neuron_tui.process.identity import show_as
        show_as(["python", "-I", "-m", "neuron_tui", "with space"], {"TERM": "x", "A": "b=c"})
        print("shown", flush=True)
        sys.stdin.read()
        """
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "shown\n"
        assert cmdline(proc.pid) == ["python", "-I", "-m", "neuron_tui", "with space"]
        assert environ(proc.pid) == {"TERM": "x", "A": "b=c"}
    finally:
        proc.communicate("", timeout=10)
    assert proc.returncode == 0


def test_a_subreaper_reaps_what_a_lesson_left_behind() -> None:
    # The lesson (a session leader) starts a child and dies; the child is killed with
    # its group and must not stay a zombie of the server that adopted it.
    proc = run_script(
        """
        import os, signal, time
        from neuron_tui.process.procfs import processes
        from neuron_tui.process.pty import kill_group_leftovers, reap_adopted
        from neuron_tui.serve.forking import become_subreaper
        assert become_subreaper()
        lesson = os.fork()
        if lesson == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(60)
            os._exit(0)
        os.waitpid(lesson, 0)
        kill_group_leftovers(lesson)
        deadline = time.monotonic() + 10
        reaped = 0
        while time.monotonic() < deadline and not reaped:
            reaped = reap_adopted(lesson)
            time.sleep(0.02)
        left = [p for p in processes(zombies=True) if p.ppid == os.getpid()]
        print(reaped, len(left), flush=True)
        """
    )
    out, _ = proc.communicate(timeout=30)
    assert out.split() == ["1", "0"]


@pytest.mark.parametrize(
    ("argv", "module", "lesson"),
    [
        (LESSON, "neuron_tui", True),
        ([sys.executable, "-I", "-m", "neuron_tui.web_lesson"], "neuron_tui.web_lesson", True),
        (zygote_argv(sys.executable, "--fd", "5"), "neuron_tui.zygote", False),
        ([sys.executable, "-I", "-m", "neuron_tui.serve.training_worker"],
         "neuron_tui.serve.training_worker", False),
        (LessonLimits().argv() + LESSON, "neuron_tui.serve.limits", False),  # until it execs
        ([sys.executable, "-Im", "neuron_tui"], "neuron_tui", True),
        ([sys.executable, "-W", "ignore", "-m", "neuron_tui"], "neuron_tui", True),
        ([sys.executable, "-c", "import neuron_tui", "-m", "neuron_tui"], None, False),
        ([sys.executable, "-I", "-", "-m", "neuron_tui"], None, False),
        ([sys.executable, "/srv/neuron_tui/run.py"], None, False),
        ([], None, False),  # a zombie shows no command line
    ],
)  # fmt: skip
def test_a_lesson_is_told_from_the_servers_helpers_by_the_module_it_runs(
    argv: list[str], module: str | None, lesson: bool
) -> None:
    assert module_run(argv) == module
    assert is_lesson(argv) is lesson


#: A stand-in zygote: says it is ready, then answers each request after 0.1 s with a
#: pid of its own making, or ("silent") never answers at all.
FAKE_ZYGOTE = """
import json, os, socket, sys, time
sock = socket.socket(fileno=int(sys.argv[-1]))
sock.send(json.dumps({"ready": True, "failed": []}).encode())
count = 0
while True:
    message, fds, _flags, _addr = socket.recv_fds(sock, 65536, 1)
    if not message:
        break
    for fd in fds:
        os.close(fd)
    if sys.argv[1] == "silent":
        continue
    time.sleep(0.1)
    count += 1
    sock.send(json.dumps({"pid": 100000 + count}).encode())
"""


async def ready_fake_zygote(monkeypatch: pytest.MonkeyPatch, mode: str) -> ForkServer:
    # The test process must not become a subreaper: it would adopt every orphan.
    monkeypatch.setattr(zygote_keeper, "become_subreaper", lambda: True)
    server = ForkServer({"PATH": "/usr/bin:/bin"}, command=[sys.executable, "-c", FAKE_ZYGOTE,
                                                           mode])  # fmt: skip
    assert server.start()
    deadline = time.monotonic() + 30
    while not server.ready:
        assert time.monotonic() < deadline, "the stand-in zygote never said it was ready"
        await asyncio.sleep(0.02)
    return server


async def start_lesson(server: ForkServer, tmp_path: Path) -> tuple[int, int] | None:
    started = await server.start_on_pty(LESSON, {"TERM": "xterm"}, cols=80, rows=24, cwd=tmp_path)
    if started is not None:
        os.close(started[1])
    return started


async def test_a_zygote_that_never_answers_holds_up_nothing_and_the_lesson_starts_directly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(forkserver_module, "ANSWER_TIMEOUT", 1.0)
    server = await ready_fake_zygote(monkeypatch, "silent")
    try:
        starting = asyncio.create_task(start_lesson(server, tmp_path))
        # Meanwhile the loop carries other learners' keys and output: it ticks on time.
        gaps: list[float] = []
        last = time.monotonic()
        while not starting.done():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now
        assert await starting is None  # the caller spawns it directly
        assert len(gaps) > 20 and max(gaps) < 0.5, max(gaps)
        assert (server.forked, server.direct) == (0, 1)
        assert server.pid is None  # a zygote that stops answering is replaced, later
    finally:
        server.close()


async def test_answers_reach_the_lessons_that_asked_in_the_order_they_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server = await ready_fake_zygote(monkeypatch, "answers")
    try:
        results = await asyncio.gather(*(start_lesson(server, tmp_path) for _ in range(3)))
        assert [started[0] for started in results if started] == [100001, 100002, 100003]
        assert (server.forked, server.direct) == (3, 0)
        assert server.ready  # and it stays, for the next learner
    finally:
        server.close()


class SlowForkServer:
    """A fork server that takes 0.3 s to say it cannot help: the lesson starts directly."""

    async def start_on_pty(self, *args: object, **kwargs: object) -> None:
        await asyncio.sleep(0.3)


async def test_keys_and_a_new_size_sent_while_the_lesson_starts_reach_it(tmp_path: Path) -> None:
    from neuron_tui.serve.child import LessonChild

    program = (
        "import os, sys; line = sys.stdin.readline().strip(); size = os.get_terminal_size(0); "
        "print('got', line[::-1], size.columns, size.lines)"
    )
    output = bytearray()
    ended = asyncio.get_running_loop().create_future()
    child = LessonChild([sys.executable, "-c", program], {"PATH": "/usr/bin:/bin"}, cols=80,
                        rows=24, cwd=tmp_path, on_output=output.extend,
                        on_exit=ended.set_result, forkserver=SlowForkServer())  # type: ignore[arg-type]  # fmt: skip
    starting = asyncio.create_task(child.start())
    await asyncio.sleep(0.05)
    assert child.pid is None  # still asking the fork server
    assert child.write(b"olleh\r")
    child.resize(100, 30)
    await starting
    assert await asyncio.wait_for(ended, 20) == 0
    assert b"got hello 100 30" in bytes(output), bytes(output)
