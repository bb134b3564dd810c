"""Issue 17 end to end: ten learners, two lesson nodes behind HAProxy, one PostgreSQL store.

The rig (:mod:`tests.e2e.scale_out_rig`) starts a throwaway PostgreSQL cluster, two
``serve ssh`` nodes on it (``--proxy-protocol``, one shared host key, at most one
learner per client address) and HAProxy in front, all on 127.0.0.1. Ten learners
connect through HAProxy with the real ``ssh`` client, each from its own loopback
address, trusting only the school's host key; each answers quiz question 1 and goes
on to a part of their own; the teacher, over SSH through HAProxy, sees all ten in one
class view whichever node they land on. One node is then killed with its whole
process group: its learners' ``ssh`` ends, they reconnect through HAProxy, land on the
other node and find themselves where they were (the opening says which part, the quiz
shows their answer). The export of the one store holds all ten, and the node's
per-address cap and log see the learners' own addresses, not HAProxy's. Last, a
learner who goes back to a node they left earlier (an expected failure for now: see
its marker). The tests run in file order on that one school (starting it is the
expensive part). Skipped, with the reason, where haproxy, ssh or the PostgreSQL
server binaries are missing.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from benchmarks.ptyharness import ExitedBeforeText, PtyApp, default_env
from neuron_tui.lesson.content import load_content
from neuron_tui.lesson.registry import LESSON
from tests.e2e.scale_out_rig import Node, ScaleOutRig, missing_reason

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or "")

START = 60.0
STEP = 20.0
#: The parts the learners go on to after answering (cheap ones: no training at start).
PARTS = (1, 2, 3, 6)
QUIZ = load_content().quiz
#: The teacher connects from an address of their own (the nodes allow one per address).
TEACHER_ADDRESS = "127.0.0.50"


@dataclass
class Learner:
    """One learner: where they connect from and what they do."""

    number: int
    name: str
    address: str
    part: int
    option: int
    app: PtyApp | None = None

    @property
    def right(self) -> bool:
        """Whether their answer to question 1 is right."""
        return self.option == QUIZ[0].correct_index

    @property
    def part_header(self) -> str:
        """The header of the part they go on to, as the lesson shows it."""
        page = LESSON.page(f"part{self.part:02d}")
        return f"Part {self.part:02d} · {page.title}"


@dataclass
class School:
    """The rig, the ten learners, and which node the test killed."""

    rig: ScaleOutRig
    learners: list[Learner]
    teacher_key: Path
    killed: Node | None = None
    moved: list[Learner] = field(default_factory=list)

    def connect(self, learner: Learner) -> PtyApp:
        """Start `learner`'s ssh client (replacing an ended one)."""
        if learner.app is not None:
            learner.app.close()
        learner.app = PtyApp(self.rig.learner_argv(learner.name, learner.address),
                             cols=80, rows=24).start()
        return learner.app

    def survivor(self) -> Node:
        """The node still running."""
        (node,) = [node for node in self.rig.nodes if node is not self.killed]
        return node


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[School]:
    teacher_key = tmp_path_factory.mktemp("teacher") / "teacher"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(teacher_key)],
                   check=True, capture_output=True, timeout=30)
    learners = [
        Learner(number, f"learner{number:02d}", f"127.0.0.{number + 1}",
                PARTS[number % len(PARTS)], number % 4)
        for number in range(1, 11)
    ]
    node_args = ["--max-per-address", "1", "--max-sessions", "20",
                 "--teacher-keys", str(teacher_key.with_suffix(".pub"))]
    with ScaleOutRig(node_args=node_args) as rig:
        found = School(rig, learners, teacher_key)
        try:
            yield found
        finally:
            for learner in learners:
                if learner.app is not None:
                    learner.app.close()


def screen_of(learner: Learner, school: School) -> str:
    """What a learner sees, and every node's log, for a failure message."""
    assert learner.app is not None
    logs = "\n".join(f"--- {node.name}\n{node.log}" for node in school.rig.nodes)
    return f"{learner.name}'s screen:\n{learner.app.format_screen()}\n{logs}"


def wait_screen(learner: Learner, school: School, text: str | re.Pattern[str],
                timeout: float = STEP) -> None:
    """Wait for `text` on `learner`'s screen; fail with the screen and the logs."""
    assert learner.app is not None
    try:
        learner.app.wait_for(text, timeout=timeout)
    except (AssertionError, TimeoutError):
        raise AssertionError(f"{text!r} not shown\n{screen_of(learner, school)}") from None


def wait_stored(school: School, timeout: float = STEP) -> None:
    """Wait until the store holds every learner's answer and part."""
    deadline = time.monotonic() + timeout
    while True:
        stored = school.rig.learners()
        missing = [learner.name for learner in school.learners
                   if learner.name not in stored
                   or stored[learner.name].progress.quiz_answers != {"1": learner.option}
                   or stored[learner.name].progress.resume_page != f"part{learner.part:02d}"]
        if not missing:
            return
        assert time.monotonic() < deadline, f"not in the store yet: {missing}"
        time.sleep(0.2)


def test_ten_learners_through_haproxy_land_on_both_nodes_and_make_progress(
    school: School,
) -> None:
    for learner in school.learners:
        school.connect(learner)
    for learner in school.learners:
        wait_screen(learner, school, "The neuron", timeout=START)
        assert learner.app is not None
        learner.app.press("6")
    for learner in school.learners:
        wait_screen(learner, school, "Question 1 of 5")
        assert learner.app is not None
        learner.app.press("abcd"[learner.option])
    for learner in school.learners:
        wait_screen(learner, school, f"{int(learner.right)} right of 1 answered")
        if learner.part != 6:
            assert learner.app is not None
            learner.app.press(str(learner.part))
    for learner in school.learners:
        wait_screen(learner, school, learner.part_header)
    wait_stored(school)

    by_node = {node.name: [learner.name for learner in school.learners
                           if school.rig.node_of(learner.name) is node]
               for node in school.rig.nodes}
    # leastconn: with ten learners arriving, each node takes some.
    assert all(len(names) >= 3 for names in by_node.values()), by_node
    for learner in school.learners:
        # The node saw the learner's own address (HAProxy's PROXY header), not HAProxy's.
        assert school.rig.node_of(learner.name).lessons_started(learner.name) == [
            learner.address]


def test_the_teachers_class_view_shows_the_learners_of_both_nodes(school: School) -> None:
    argv = school.rig.learner_argv("teacher", TEACHER_ADDRESS)
    argv[-1:-1] = ["-i", str(school.teacher_key), "-o", "IdentitiesOnly=yes"]
    with PtyApp(argv, cols=100, rows=40, env=default_env({"SSH_AUTH_SOCK": None})) as view:
        try:
            view.wait_for("neuron-tui · the class", timeout=START)
            # Whichever node the teacher landed on, the other node's learners are there too.
            view.wait_for(f"{len(school.learners)} here, 0 away", timeout=STEP)
            for learner in school.learners:
                view.wait_for(re.compile(
                    rf"^ {learner.name} +here +{learner.part:02d} ", re.MULTILINE), timeout=STEP)
            # Each node with its learners (of --max-sessions 20): the lines add up to ten.
            view.wait_for(re.compile(r"node node1 \d+/20(.|\n)*node node2 \d+/20"), timeout=STEP)
        except (AssertionError, TimeoutError) as error:
            raise AssertionError(f"{error}\n{view.format_screen()}") from None
        sessions = [int(count) for count in re.findall(r"node node[12] (\d+)/20", view.text())]
        assert sum(sessions) == len(school.learners), view.format_screen()
        view.press("q", "q")


def test_a_killed_nodes_learners_reconnect_to_the_other_node_and_resume(school: School) -> None:
    victim = max(school.rig.nodes, key=lambda node: len(node.lessons()))
    left_behind = victim.processes()
    school.moved = [learner for learner in school.learners
                    if school.rig.node_of(learner.name) is victim]
    staying = [learner for learner in school.learners if learner not in school.moved]
    school.killed = victim
    victim.kill()

    for learner in school.moved:
        assert learner.app is not None
        # Their ssh ends (HAProxy closes the connection whose node went away).
        assert learner.app.wait(timeout=STEP) != 0, screen_of(learner, school)
    # Nothing the dead node started lives on (no orphaned lesson holds a core).
    deadline = time.monotonic() + STEP
    while alive := [pid for pid in left_behind if Path(f"/proc/{pid}").exists()]:
        assert time.monotonic() < deadline, f"processes of the killed node still run: {alive}"
        time.sleep(0.1)

    for learner in school.moved:
        reconnect(school, learner)
    survivor = school.survivor()
    for learner in school.moved:
        page = LESSON.page(f"part{learner.part:02d}")
        wait_screen(learner, school, re.compile(
            rf"Welcome back . continue at Part {learner.part:02d} · {re.escape(page.title)}"))
        assert learner.app is not None
        learner.app.press("6")
    for learner in school.moved:
        # Their answer to question 1 is there: the quiz goes on at question 2.
        wait_screen(learner, school, re.compile(
            rf"Question 2 of 5 +· +{int(learner.right)} right of 1 answered"))
        assert survivor.lessons_started(learner.name) == [learner.address]
    # The other node's learners noticed nothing: still connected, still where they were.
    for learner in staying:
        assert learner.app is not None and learner.app.running, screen_of(learner, school)
        assert learner.part_header in learner.app.text(), screen_of(learner, school)


def reconnect(school: School, learner: Learner, timeout: float = START) -> None:
    """Connect `learner` again, as a person would: once more if HAProxy turns them away."""
    deadline = time.monotonic() + timeout
    while True:
        app = school.connect(learner)
        try:
            app.wait_for(re.compile("Welcome back|The neuron"), timeout=timeout)
            return
        except ExitedBeforeText:
            if time.monotonic() > deadline:
                raise AssertionError(f"no lesson\n{screen_of(learner, school)}") from None
        except TimeoutError:
            raise AssertionError(f"no lesson\n{screen_of(learner, school)}") from None
        time.sleep(0.5)


def exported(school: School, folder: Path) -> tuple[list[tuple[str, str, str]], list[str]]:
    """`neuron-tui class export` on the store: (name, question, option) rows, summary names."""
    answers = folder / "answers.csv"
    done = school.rig.export(answers)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(answers.read_text(encoding="utf-8-sig"))))
    summary = answers.with_name("answers-summary.csv").read_text(encoding="utf-8-sig")
    names = [row[0] for row in list(csv.reader(io.StringIO(summary)))[1:]]
    return sorted((row[0], row[1], row[2]) for row in rows[1:]), sorted(names)


def test_the_export_of_the_one_store_holds_all_ten_with_nothing_lost(
    school: School, tmp_path: Path
) -> None:
    assert school.moved, "the failover test did not run"
    answers, names = exported(school, tmp_path)
    assert names == sorted(learner.name for learner in school.learners)
    assert answers == sorted((learner.name, "1", str(learner.option + 1))
                             for learner in school.learners)
    stored = school.rig.learners()
    # All of it in the one store: no node kept a class database of its own.
    assert not [node.name for node in school.rig.nodes
                if (node.state_dir / "class.sqlite3").exists()]
    for learner in school.learners:
        progress = stored[learner.name].progress
        assert {"part06", f"part{learner.part:02d}"} <= progress.visited, learner.name
        assert progress.quiz_answers == {"1": learner.option}, learner.name


def test_the_per_address_cap_sees_each_learners_own_address(school: School) -> None:
    assert school.killed is not None, "the failover test did not run"
    survivor = school.survivor()
    fifth = school.learners[4]
    assert fifth.app is not None and fifth.app.running
    # A second connection from the fifth learner's address: over --max-per-address 1.
    second = subprocess.run(
        school.rig.learner_argv("visitor", fifth.address), env=default_env(),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=STEP, check=False)
    assert second.returncode != 0
    assert "too many sessions from your address (1)" in second.stderr
    survivor.wait_for_log(rf"turned away 'visitor' from {re.escape(fifth.address)}: ")
    # …while all ten, one an address, are in (the moved ones reconnected to this node).
    assert sum(len(survivor.lessons_started(learner.name)) > 0
               for learner in school.learners) == len(school.learners)
    assert len(survivor.lessons()) == len(school.learners)


def only_node(school: School, node: Node) -> None:
    """Send new connections to `node` only (HAProxy's admin socket puts the others aside)."""
    balancer = school.rig.balancer
    assert balancer is not None
    for other in school.rig.nodes:
        balancer.command(f"{'enable' if other is node else 'disable'} server nodes/{other.name}")
    balancer.wait_for(node.name, "UP")


def test_a_learner_back_on_a_node_they_left_earlier_resumes_where_they_were_last(
    school: School,
) -> None:
    assert school.killed is not None, "the failover test did not run"
    survivor, restarted = school.survivor(), school.killed
    restarted.start()  # as systemd's Restart=always would
    # A learner of the node that stayed up: they leave it, work on the other, come back.
    learner = next(one for one in school.learners if one not in school.moved)
    assert learner.app is not None
    learner.app.press("q")
    assert learner.app.wait(timeout=STEP) == 0
    elsewhere = 3 if learner.part != 3 else 2
    try:
        only_node(school, restarted)
        reconnect(school, learner)
        wait_screen(learner, school, f"continue at Part {learner.part:02d}")
        learner.app.press(str(elsewhere))
        wait_screen(learner, school, f"Part {elsewhere:02d} ·")
        deadline = time.monotonic() + STEP
        while school.rig.learners()[learner.name].progress.resume_page != f"part{elsewhere:02d}":
            assert time.monotonic() < deadline, "the store never held the new part"
            time.sleep(0.2)
        learner.app.press("q")
        assert learner.app.wait(timeout=STEP) == 0
        only_node(school, survivor)
        reconnect(school, learner)
        assert len(survivor.lessons_started(learner.name)) == 2
        wait_screen(learner, school, re.compile(
            rf"Welcome back . continue at Part {elsewhere:02d} "), timeout=10)
    finally:
        for node in school.rig.nodes:
            school.rig.balancer.command(f"enable server nodes/{node.name}")  # type: ignore[union-attr]
