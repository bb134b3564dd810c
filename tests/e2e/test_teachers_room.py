"""Issue 16 end to end: the teacher's room over the real `ssh` client, read through pyte.

One class server (`--authorized-keys` for learners, `--teacher-keys` for the
teacher) serves three learners on different parts; the teacher logs in over SSH
and gets the class view. The tests run in file order on that one class (starting
lessons is the expensive part on a 2-core machine): the view shows names, parts
and scores; bring-everyone, hold and the closed quiz reach the learners' screens;
a learner who reconnects keeps their progress; both exports (the view's key and
`neuron-tui class export`) hold exactly what the learner answered; a learner's
key cannot open the teacher's view.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from benchmarks.ptyharness import PtyApp, default_env
from neuron_tui.lesson.content import load_content
from tests.e2e.conftest import ROOT, ServerProcess, ssh_options

START = 40.0
STEP = 15.0
#: This suite's ports (the team's brief gives each engineer a range).
PORTS = range(23700, 23800)
#: Cy's answers, by question: right, wrong, right, right, wrong (a score of 3).
CY_RIGHT = (True, False, True, True, False)


def free_port() -> int:
    """A free loopback port from this suite's range."""
    for port in PORTS:
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("127.0.0.1", port))
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def make_key(folder: Path, name: str) -> Path:
    """A fresh ed25519 key pair without a passphrase; returns the private key's path."""
    path = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
                   check=True, capture_output=True, timeout=30)
    return path


@dataclass
class Classroom:
    """The server, the keys, and the people logged in now."""

    server: ServerProcess
    learner_key: Path
    teacher_key: Path
    learners: dict[str, PtyApp] = field(default_factory=dict)
    teacher: PtyApp | None = None
    cy_answers: dict[str, int] = field(default_factory=dict)

    def argv(self, user: str, key: Path, *options: str) -> list[str]:
        """A real ssh client logging in as `user` with `key` only."""
        return ["ssh", "-tt", *ssh_options(self.server.port), "-i", str(key),
                "-o", "IdentitiesOnly=yes", "-o", "PasswordAuthentication=no",
                "-o", "KbdInteractiveAuthentication=no", *options, f"{user}@127.0.0.1"]

    def join(self, name: str) -> PtyApp:
        """Log `name` in as a learner and wait for their lesson."""
        app = PtyApp(self.argv(name, self.learner_key), cols=80, rows=24).start()
        self.learners[name] = app
        app.wait_for(re.compile("The neuron|Welcome back"), timeout=START)
        return app

    def view(self) -> PtyApp:
        """The teacher's class view over SSH (opened on first use)."""
        if self.teacher is None:
            self.teacher = PtyApp(self.argv("teacher", self.teacher_key), cols=80,
                                  rows=24).start()
            self.teacher.wait_for("neuron-tui · the class", timeout=START)
        return self.teacher

    def row(self, name: str) -> str:
        """The class view's row for `name` (the first screen line starting with it)."""
        lines = [line for line in self.view().display() if line.startswith(f" {name} ")]
        return lines[0] if lines else ""


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory, ssh_client: str) -> Iterator[Classroom]:
    if not Path("/usr/bin/ssh-keygen").exists():
        pytest.skip("ssh-keygen is not installed: apt-get install openssh-client")
    folder = tmp_path_factory.mktemp("teachers-room")
    learner_key, teacher_key = make_key(folder, "learner"), make_key(folder, "teacher")
    learners_file, teachers_file = folder / "learners.keys", folder / "teachers.keys"
    learners_file.write_text(learner_key.with_suffix(".pub").read_text())
    teachers_file.write_text(teacher_key.with_suffix(".pub").read_text())
    server = ServerProcess(folder / "state", [
        "--port", str(free_port()), "--authorized-keys", str(learners_file),
        "--teacher-keys", str(teachers_file), "--no-class-view",
        "--max-sessions", "10", "--max-per-address", "10",
    ]).start()
    classroom = Classroom(server, learner_key, teacher_key)
    try:
        yield classroom
    finally:
        for app in [*classroom.learners.values(), classroom.teacher]:
            if app is not None:
                app.close()
        server.stop()


def wait_row(room: Classroom, name: str, pattern: str, timeout: float = STEP) -> str:
    """Wait until `name`'s row in the class view matches `pattern`; returns the row."""
    view = room.view()
    try:
        view.wait_for(re.compile(rf"^ {re.escape(name)} .*{pattern}", re.MULTILINE),
                      timeout=timeout)
    except AssertionError:
        raise AssertionError(f"{name}: no row matching {pattern!r}\n{view.format_screen()}"
                             f"\n{room.server.log}") from None
    return room.row(name)


def test_the_teacher_sees_three_learners_on_different_parts(room: Classroom) -> None:
    ada, bob, cy = room.join("ada"), room.join("bob"), room.join("cy")
    ada.press("2")
    ada.wait_for("Part 02 · Build a neuron", timeout=STEP)
    ada.wait_quiet(0.3, timeout=STEP)
    # w₁ = 1, w₂ = 1, b = -1 by hand: Part 02's self-check is met.
    ada.press("shift+right", "down", "shift+right", "down", "shift+left")
    bob.press("3")
    bob.wait_for("Part 03 · Gradient descent", timeout=STEP)
    cy.press("6")
    cy.wait_for("Question 1 of 5", timeout=STEP)
    for number, (question, right) in enumerate(zip(load_content().quiz, CY_RIGHT,
                                                   strict=True), start=1):
        option = question.correct_index if right else (question.correct_index + 1) % 4
        room.cy_answers[str(number)] = option
        cy.press("abcd"[option])
        cy.wait_for(f"{sum(CY_RIGHT[:number])} right of {number} answered", timeout=STEP)
        cy.press("enter")
    cy.wait_for("Knowledge check complete", timeout=STEP)

    wait_row(room, "ada", r"here +02 .* 1 +– ")
    wait_row(room, "bob", r"here +03 ")
    wait_row(room, "cy", r"here +06 .* 0 +3/5 +2 5 ")
    summary = room.view().text()
    assert "3 here, 0 away" in summary and "quiz avg 3.0/5 (1 done)" in summary


def test_bring_hold_and_the_closed_quiz_reach_the_learners(room: Classroom) -> None:
    view = room.view()
    view.press("b")
    view.wait_for("Bring everyone to Part", timeout=STEP)
    view.send("3\r")
    for name, app in room.learners.items():
        try:
            app.wait_for("Part 03 · Gradient descent", timeout=STEP)
        except AssertionError:
            raise AssertionError(f"{name} was not brought\n{app.format_screen()}") from None
    for name in room.learners:
        wait_row(room, name, r"here +03 ")

    view.press("h")
    view.wait_for("Hold at Part", timeout=STEP)
    view.send("3\r")
    wait_pacing(room, "held at Part 03")
    ada = room.learners["ada"]
    ada.press("n")
    ada.wait_for("opens Part 04 soon", timeout=STEP)
    ada.press("5")
    ada.wait_quiet(0.5, timeout=STEP)
    assert "Part 03 · Gradient descent" in ada.text()

    view.press("o")  # the quiz was open: close it
    wait_pacing(room, "quiz closed")
    view.press("h")
    view.wait_for("Hold at Part", timeout=STEP)
    view.send("\r")  # empty: release
    wait_pacing(room, "no hold · quiz closed")
    cy = room.learners["cy"]
    cy.press("6")
    cy.wait_for("The quiz opens when", timeout=STEP)
    assert "Part 03 · Gradient descent" in cy.text()
    ada.press("n")
    ada.wait_for("Part 04 · Why depth wins", timeout=STEP)
    view.press("o")
    wait_pacing(room, "no hold · quiz open")


def wait_pacing(room: Classroom, text: str) -> None:
    """Wait until the class view's pacing line says `text`."""
    view = room.view()
    try:
        view.wait_for(text, timeout=STEP)
    except AssertionError:
        raise AssertionError(f"{text!r} not shown\n{view.format_screen()}") from None


def test_a_learner_who_reconnects_keeps_their_progress(room: Classroom) -> None:
    ada = room.learners.pop("ada")
    ada.press("q")
    assert ada.wait(timeout=STEP) == 0
    ada.close()
    wait_row(room, "ada", r" ago +")
    again = room.join("Ada")  # names compare case-folded: the same learner
    again.wait_for("Welcome back", timeout=STEP)
    room.learners["ada"] = again
    # Her self-check from Part 02 and her place (Part 04) are still hers.
    wait_row(room, "Ada", r"here +(start|04) .* 1 +– ")


def exported_rows(answers_csv: Path) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """(name, question, option number) of every answer, and each learner's score."""
    rows = list(csv.reader(io.StringIO(answers_csv.read_text(encoding="utf-8-sig"))))
    summary_csv = answers_csv.with_name(answers_csv.stem + "-summary.csv")
    summary = list(csv.reader(io.StringIO(summary_csv.read_text(encoding="utf-8-sig"))))
    return [(row[0], row[1], row[2]) for row in rows[1:]], {row[0]: row[1] for row in summary[1:]}


def test_the_exports_hold_what_the_learners_answered(room: Classroom, tmp_path: Path) -> None:
    expected = [("cy", question, str(option + 1))
                for question, option in room.cy_answers.items()]
    view = room.view()
    view.press("e")
    view.wait_for("Results written to", timeout=STEP)
    written = sorted((room.server.state_dir / "exports").glob("*.csv"))
    answers_csv = next(path for path in written if not path.stem.endswith("-summary"))
    answers, scores = exported_rows(answers_csv)
    assert sorted(answers) == expected
    # The summary's first two columns are the gradebook's "name, score".
    assert scores == {"Ada": "", "bob": "", "cy": "3"}

    out = tmp_path / "results.csv"
    done = subprocess.run(
        [sys.executable, "-m", "neuron_tui", "class", "export", "--state-dir",
         str(room.server.state_dir), "--csv", str(out)],
        cwd=ROOT, env=default_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert exported_rows(out) == exported_rows(answers_csv)


def test_a_learners_key_cannot_open_the_teachers_view(room: Classroom) -> None:
    done = subprocess.run(room.argv("teacher", room.learner_key, "-o", "BatchMode=yes"),
                          env=default_env(), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 255
    assert "Permission denied" in done.stderr
    assert "the class" not in done.stdout


def test_neuron_tui_class_opens_the_view_of_the_server_running_here(room: Classroom) -> None:
    argv = [sys.executable, "-m", "neuron_tui", "class", "--state-dir",
            str(room.server.state_dir)]
    with PtyApp(argv, cols=80, rows=24, env=default_env()) as local:
        local.wait_for("neuron-tui · the class", timeout=START)
        for name in ("Ada", "bob", "cy"):
            local.wait_for(re.compile(rf"^ {name} +here ", re.MULTILINE), timeout=STEP)
        local.press("q", "q")
        assert local.wait(timeout=STEP) == 0


def test_the_servers_own_terminal_shows_the_class_view(tmp_path: Path) -> None:
    """`serve ssh` on a terminal: the class view instead of a log; `q q` stops the server."""
    state = tmp_path / "state"
    argv = [sys.executable, "-m", "neuron_tui", "serve", "ssh", "--port", str(free_port()),
            "--state-dir", str(state)]
    with PtyApp(argv, cols=80, rows=24, env=default_env()) as server:
        server.wait_for("neuron-tui · the class", timeout=START)
        server.wait_for("0 here, 0 away", timeout=STEP)
        server.press("q", "q")
        assert server.wait(timeout=STEP) == 0
    assert "serving the lesson over SSH" in (state / "serve.log").read_text()


def test_an_older_servers_learners_are_imported_and_exported(tmp_path: Path) -> None:
    """A state folder from before the class store: every answer reaches the export."""
    from neuron_tui.lesson.progress import Progress, ProgressStore

    state = tmp_path / "state"
    answered: dict[str, dict[str, int]] = {"grace": {"1": 1, "2": 3, "3": 0}, "linus": {"5": 2}}
    for name, answers in answered.items():
        progress = Progress(visited={"part01", "part06"}, done={"part01"},
                            self_checks={"part02-by-hand"})
        for question, option in answers.items():
            progress.answer(question, option, now=1_700_000_000.0 + int(question))
        ProgressStore(state / "learners" / f"{name}.json").save(progress)
    before = {path.name: path.read_bytes() for path in (state / "learners").glob("*.json")}
    server = ServerProcess(state, ["--port", str(free_port()), "--no-class-view"]).start()
    try:
        out = tmp_path / "results.csv"
        done = subprocess.run(
            [sys.executable, "-m", "neuron_tui", "class", "export", "--state-dir", str(state),
             "--csv", str(out)],
            cwd=ROOT, env=default_env(), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    finally:
        server.stop()
    answers, scores = exported_rows(out)
    assert sorted(answers) == sorted((name, question, str(option + 1))
                                     for name, chosen in answered.items()
                                     for question, option in chosen.items())
    assert sorted(scores) == ["grace", "linus"]
    summary = out.with_name("results-summary.csv").read_text(encoding="utf-8-sig")
    assert summary.count(",part01,1,") == 2  # parts done and the self-check, for both
    # The JSON files stay as they were.
    assert {path.name: path.read_bytes() for path in (state / "learners").glob("*.json")} == before
