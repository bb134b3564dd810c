"""The class hub on real Unix sockets: fake lessons and class views speak JSON lines to it.

Every test runs a :class:`ClassHub` in the test's event loop with sockets in
``tmp_path`` and talks to it as the lesson processes and the class view would
(docs/class-protocol.md): hello, progress, activity; hello as teacher, bring,
hold, quiz, message. The store is the class store the server uses, on SQLite and on
PostgreSQL (a school's store: the hub is then one node, with events and presence; the
tests of two nodes are in test_hub_nodes.py).
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import socket
import stat
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from neuron_tui.lesson.content import load_content
from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.lesson.registry import LESSON
from neuron_tui.serve import hub as hub_module
from neuron_tui.serve.hub import SNAPSHOT_INTERVAL, ClassHub, one_line
from neuron_tui.serve.hub_wire import MAX_BACKLOG, MAX_LINE, HubSocketError, Peer
from neuron_tui.serve.names import learner_file_name
from neuron_tui.serve.roster import LiveLearner, learner_row
from neuron_tui.serve.store import STORE_VARIABLE, ClassStore, open_store

QUIZ = load_content().quiz


class Client:
    """One end of a hub socket: sends objects, reads objects."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, path: Path, hello: dict[str, Any] | None = None) -> Client:
        reader, writer = await asyncio.open_unix_connection(str(path), limit=4 * MAX_LINE)
        client = cls(reader, writer)
        if hello is not None:
            await client.send(hello)
        return client

    async def send(self, message: dict[str, Any]) -> None:
        self.writer.write((json.dumps(message) + "\n").encode())
        await self.writer.drain()

    async def read(self, timeout: float = 2.0) -> dict[str, Any]:
        line = await asyncio.wait_for(self.reader.readline(), timeout)
        assert line, "the hub closed the connection"
        return json.loads(line)

    async def read_until(self, kind: str, timeout: float = 2.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            message = await self.read(max(0.01, deadline - time.monotonic()))
            if message["t"] == kind:
                return message

    async def closed(self, timeout: float = 2.0) -> bool:
        """Whether the hub closes this connection (reading everything it still sends)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = await asyncio.wait_for(self.reader.readline(), deadline - time.monotonic())
            if not line:
                return True
        return False

    def close(self) -> None:
        self.writer.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """Where the test's class store is: the state folder's SQLite file (None), or a fresh
    PostgreSQL database (then the hub runs as one node of a school: events, presence)."""
    monkeypatch.delenv(STORE_VARIABLE, raising=False)
    return request.getfixturevalue("postgres_url") if request.param == "postgresql" else None


@pytest.fixture
def store(tmp_path: Path, store_url: str | None) -> Iterator[ClassStore]:
    store = open_store(tmp_path, store_url)
    yield store
    store.close()


@pytest.fixture
async def hub(tmp_path: Path, store: ClassStore) -> AsyncIterator[ClassHub]:
    hub = ClassHub(tmp_path, store, QUIZ, max_sessions=30, serving="ssh -p 2222 NAME@host")
    await hub.start()
    yield hub
    await hub.close()


async def lesson(hub: ClassHub, name: str) -> tuple[Client, dict[str, Any]]:
    """A lesson for `name` that has said hello; returns it and its welcome."""
    client = await Client.open(hub.lesson_socket, {"t": "hello", "token": hub.register(name)})
    return client, await client.read()


async def view(hub: ClassHub) -> tuple[Client, dict[str, Any]]:
    """A class view that has said hello; returns it and its first snapshot."""
    client = await Client.open(hub.teacher_socket, {"t": "hello", "role": "teacher"})
    return client, await client.read()


def row(snapshot: dict[str, Any], name: str) -> dict[str, Any]:
    return next(learner for learner in snapshot["learners"] if learner["name"] == name)


def progress_on(page: str, answers: dict[str, int] | None = None, **sets: list[str]) -> Progress:
    progress = Progress(visited={page, *sets.get("visited", [])}, resume_page=page)
    progress.done = set(sets.get("done", []))
    progress.self_checks = set(sets.get("self_checks", []))
    for number, (question, option) in enumerate((answers or {}).items()):
        progress.answer(question, option, now=1000.0 + number)
    return progress


# ---------------------------------------------------------------- sockets


async def test_sockets_are_private_to_the_servers_user(hub: ClassHub) -> None:
    assert stat.S_IMODE(os.stat(hub.run_dir).st_mode) == 0o700
    for path in (hub.lesson_socket, hub.teacher_socket):
        info = os.stat(path)
        assert stat.S_ISSOCK(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600


async def test_a_second_server_on_the_same_state_folder_is_refused(
    hub: ClassHub, tmp_path: Path, store: ClassStore
) -> None:
    with pytest.raises(HubSocketError, match="another neuron-tui server"):
        await ClassHub(tmp_path, store, QUIZ).start()
    # The refused one removed nothing: the first still answers.
    client, welcome = await lesson(hub, "ada")
    assert welcome["t"] == "welcome"
    client.close()


async def test_a_stale_socket_from_a_killed_server_is_replaced(
    tmp_path: Path, store: ClassStore
) -> None:
    run = tmp_path / "run"
    run.mkdir(mode=0o755)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(run / "lessons.sock"))
    stale.close()  # the file stays, nobody listens: as after a SIGKILL
    hub = ClassHub(tmp_path, store, QUIZ)
    await hub.start()
    try:
        assert stat.S_IMODE(os.stat(run).st_mode) == 0o700
        client, welcome = await lesson(hub, "ada")
        assert welcome["name"] == "ada"
        client.close()
    finally:
        await hub.close()
    assert not (run / "lessons.sock").exists() and not (run / "teacher.sock").exists()


async def test_a_state_folder_too_deep_for_a_socket_is_one_line(
    tmp_path: Path, store: ClassStore
) -> None:
    deep = tmp_path / ("d" * 100)
    with pytest.raises(HubSocketError, match="too long") as caught:
        await ClassHub(deep, store, QUIZ).start()
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------- lessons


async def test_a_lesson_is_welcomed_with_its_learners_progress_pacing_and_message(
    hub: ClassHub, store: ClassStore
) -> None:
    store.save_progress("ada", "Ada", progress_on("part03").to_dict(), "part03", 50.0)
    store.set_pacing(4, False)
    store.set_message("Break until 10:15")
    client, welcome = await lesson(hub, "ADA")
    assert welcome["t"] == "welcome" and welcome["name"] == "ADA"
    assert welcome["progress"]["resume_page"] == "part03"
    assert welcome["pacing"] == {"hold": 4, "quiz_open": False}
    assert welcome["message"] == "Break until 10:15"
    client.close()


async def test_a_new_learner_gets_empty_progress_and_an_unknown_token_is_refused(
    hub: ClassHub,
) -> None:
    client, welcome = await lesson(hub, "grace")
    assert welcome["progress"] == {} and welcome["message"] is None
    assert welcome["pacing"] == {"hold": None, "quiz_open": True}
    client.close()

    stranger = await Client.open(hub.lesson_socket, {"t": "hello", "token": "0" * 32})
    refused = await stranger.read()
    assert refused["t"] == "refused" and refused["why"]
    assert await stranger.closed()


async def test_a_token_stops_working_when_its_lesson_ends(hub: ClassHub) -> None:
    token = hub.register("ada")
    client = await Client.open(hub.lesson_socket, {"t": "hello", "token": token})
    await client.read_until("welcome")
    hub.unregister(token)
    assert await client.closed()
    again = await Client.open(hub.lesson_socket, {"t": "hello", "token": token})
    assert (await again.read())["t"] == "refused"


async def test_progress_reaches_the_store_and_the_view_with_events(
    hub: ClassHub, store: ClassStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="neuron_tui.serve.hub")
    teacher, first = await view(hub)
    assert first["t"] == "class" and first["serving"] == "ssh -p 2222 NAME@host"
    assert [q["answer"] for q in first["quiz"]] == [q.correct_index for q in QUIZ]
    client, _ = await lesson(hub, "Ada")
    answers = {"1": QUIZ[0].correct_index, "2": (QUIZ[1].correct_index + 1) % 4}
    progress = progress_on(
        "part06", answers, done=["part01", "part02"], self_checks=["part02-by-hand"]
    )
    await client.send(
        {"t": "progress", "progress": progress.to_dict(), "page": "part06", "at": time.time()}
    )
    deadline = time.monotonic() + 2
    while True:
        snapshot = await teacher.read_until("class")
        ada = row(snapshot, "Ada")
        if ada["page"] == "part06" and ada["quiz_answered"] == 2:
            break
        assert time.monotonic() < deadline
    await hub.flush()  # the store is written off the event loop, in order
    assert ada["connected"] and ada["parts_done"] == ["part01", "part02"]
    assert ada["self_checks"] == ["part02-by-hand"]
    assert ada["answers"] == answers and ada["missed"] == ["2"]
    assert ada["quiz_score"] == 1 and ada["quiz_answered"] == 2  # as the export scores it
    record = store.learner("ada")
    assert record is not None and record.page == "part06"
    assert record.progress.quiz_answers == answers
    log = caplog.text
    assert "Ada joined" in log and "Ada is on Part 06" in log
    assert "Ada met the self-check part02-by-hand" in log
    assert "Ada answered question 2: " in log and "(wrong)" in log
    teacher.close()
    client.close()


async def test_two_sessions_of_one_learner_never_drop_an_answer(
    hub: ClassHub, store: ClassStore
) -> None:
    first, _ = await lesson(hub, "ada")
    second, _ = await lesson(hub, "Ada")
    await first.send({"t": "progress", "progress": progress_on("part06", {"1": 1}).to_dict()})
    later = Progress(visited={"part06"}, resume_page="part06")
    later.answer("3", 2, now=2000.0)
    await second.send({"t": "progress", "progress": later.to_dict(), "page": "part06"})
    await asyncio.sleep(0.2)
    await hub.flush()
    record = store.learner("ada")
    assert record is not None and record.progress.quiz_answers == {"1": 1, "3": 2}
    first.close()
    second.close()


async def test_activity_is_the_last_activity_and_leaving_is_seen(
    hub: ClassHub, store: ClassStore
) -> None:
    teacher, _ = await view(hub)
    token = hub.register("ada")
    client = await Client.open(hub.lesson_socket, {"t": "hello", "token": token})
    await client.read_until("welcome")
    before = time.time()
    await client.send({"t": "activity", "page": "part02", "at": before})
    snapshot = await teacher.read_until("class")
    while row(snapshot, "ada")["page"] != "part02":
        snapshot = await teacher.read_until("class")
    ada = row(snapshot, "ada")
    assert ada["last_activity"] >= before and ada["page_since"] >= before
    await hub.flush()
    record = store.learner("ada")
    assert record is not None and record.last_activity is not None
    assert record.last_activity >= before
    hub.unregister(token)
    while row(snapshot, "ada")["connected"]:
        snapshot = await teacher.read_until("class")
    assert row(snapshot, "ada")["last_seen"] >= before
    teacher.close()


async def test_anonymous_lessons_sharing_the_door_token_are_learners_of_their_own(
    hub: ClassHub,
) -> None:
    door = hub.open_door()
    assert hub.open_door() == door
    first = await Client.open(hub.lesson_socket, {"t": "hello", "token": door})
    second = await Client.open(hub.lesson_socket, {"t": "hello", "token": door})
    names = {(await first.read())["name"], (await second.read())["name"]}
    # On a school's store, each node numbers its own tabs.
    prefix = f"web {hub.node}-" if hub.shared else "web "
    assert names == {f"{prefix}1", f"{prefix}2"}
    assert hub.sessions == 2 and door not in hub.tokens
    first.close()
    deadline = time.monotonic() + 2
    while hub.sessions != 1:
        assert time.monotonic() < deadline, "a closed tab still counts as connected"
        await asyncio.sleep(0.02)
    snapshot = hub.snapshot()
    assert sorted(row["connected"] for row in snapshot["learners"]) == [False, True]
    second.close()


async def test_an_overlong_line_closes_that_connection_only(hub: ClassHub) -> None:
    client, _ = await lesson(hub, "ada")
    other, _ = await lesson(hub, "bob")
    client.writer.write(b'{"t":"activity","pad":"' + b"x" * MAX_LINE + b'"}\n')
    assert await client.closed()
    await other.send({"t": "activity", "page": "part01"})
    await asyncio.sleep(0.1)
    assert hub.learners["bob"].page == "part01"
    other.close()


async def test_junk_and_unknown_messages_are_ignored(hub: ClassHub) -> None:
    client, _ = await lesson(hub, "ada")
    client.writer.write(b"not json\n[1,2]\n" + b'{"t":"dance","page":"part05"}\n')
    await client.send({"t": "activity", "page": "part03", "extra": {"future": True}})
    await asyncio.sleep(0.2)
    assert hub.learners["ada"].page == "part03"
    client.close()


# ---------------------------------------------------------------- pacing


async def test_bring_moves_connected_learners_and_new_ones_start_there(
    hub: ClassHub, store: ClassStore
) -> None:
    ada, _ = await lesson(hub, "ada")
    store.save_progress("bob", "bob", progress_on("part02").to_dict(), "part02", 10.0)
    teacher, _ = await view(hub)
    await teacher.send({"t": "bring", "part": 4})
    goto = await ada.read_until("goto")
    assert goto["part"] == 4 and "Part 04" in goto["why"]
    await hub.flush()
    assert store.pacing().start == 4
    newcomer, _ = await lesson(hub, "cleo")
    assert (await newcomer.read_until("goto"))["part"] == 4
    # A learner who has already begun picks up where they were.
    bob, _ = await lesson(hub, "bob")
    await bob.send({"t": "activity", "page": "part02"})
    with pytest.raises(TimeoutError):
        await bob.read_until("goto", timeout=0.5)
    for client in (ada, teacher, newcomer, bob):
        client.close()


async def test_bring_past_a_hold_and_a_closed_quiz_opens_the_way(
    hub: ClassHub, store: ClassStore
) -> None:
    store.set_pacing(2, False)
    ada, _ = await lesson(hub, "ada")
    teacher, _ = await view(hub)
    await teacher.send({"t": "bring", "part": 6})
    pacing = await ada.read_until("pacing")
    assert (pacing["hold"], pacing["quiz_open"]) == (6, True)
    assert (await ada.read_until("goto"))["part"] == 6
    ada.close()
    teacher.close()


async def test_hold_and_quiz_reach_lessons_now_and_later_and_survive_a_restart(
    tmp_path: Path, hub: ClassHub, store: ClassStore
) -> None:
    ada, _ = await lesson(hub, "ada")
    teacher, _ = await view(hub)
    await teacher.send({"t": "hold", "part": 3})
    assert await ada.read_until("pacing") == {"t": "pacing", "hold": 3, "quiz_open": True}
    await teacher.send({"t": "quiz", "open": False})
    assert await ada.read_until("pacing") == {"t": "pacing", "hold": 3, "quiz_open": False}
    snapshot = await teacher.read_until("class")
    while snapshot["pacing"] != {"hold": 3, "quiz_open": False}:
        snapshot = await teacher.read_until("class")
    await hub.close()

    restarted = ClassHub(tmp_path, store, QUIZ)
    await restarted.start()
    try:
        later, welcome = await lesson(restarted, "bob")
        assert welcome["pacing"] == {"hold": 3, "quiz_open": False}
        teacher2, _ = await view(restarted)
        await teacher2.send({"t": "hold", "part": None})
        assert (await later.read_until("pacing"))["hold"] is None
        later.close()
        teacher2.close()
    finally:
        await restarted.close()


async def test_a_message_reaches_everyone_as_one_short_line(
    hub: ClassHub, store: ClassStore
) -> None:
    ada, _ = await lesson(hub, "ada")
    teacher, _ = await view(hub)
    await teacher.send({"t": "message", "text": "  Look\n at the\tboard " + "!" * 300})
    text = (await ada.read_until("message"))["text"]
    assert text.startswith("Look at the board !") and len(text) == 200
    await hub.flush()
    assert store.message() == text
    _, welcome = await lesson(hub, "later")
    assert welcome["message"] == text
    ada.close()
    teacher.close()


@pytest.mark.parametrize(
    "request_",
    [
        {"t": "bring", "part": 9},
        {"t": "bring", "part": "2"},
        {"t": "hold", "part": 0},
        {"t": "quiz", "open": "yes"},
        {"t": "message", "text": " \n "},
    ],
)
async def test_a_request_that_cannot_be_done_is_an_error_to_that_view(
    hub: ClassHub, store: ClassStore, request_: dict[str, Any]
) -> None:
    teacher, _ = await view(hub)
    await teacher.send(request_)
    error = await teacher.read_until("error")
    assert error["text"] and "\n" not in error["text"]
    assert store.pacing().hold is None and store.message() is None
    teacher.close()


async def test_a_view_must_say_hello_as_teacher(hub: ClassHub) -> None:
    client = await Client.open(hub.teacher_socket, {"t": "hello", "token": "x"})
    assert (await client.read())["t"] == "error"
    assert await client.closed()


async def test_export_writes_the_results_into_the_state_folder_and_says_where(
    hub: ClassHub, tmp_path: Path
) -> None:
    ada, _ = await lesson(hub, "=Ada")
    answers = {"1": QUIZ[0].correct_index, "2": (QUIZ[1].correct_index + 1) % 4}
    await ada.send({"t": "progress", "progress": progress_on("part06", answers).to_dict()})
    await asyncio.sleep(0.1)
    teacher, _ = await view(hub)
    await teacher.send({"t": "export"})
    exported = await teacher.read_until("exported")
    answers_csv, summary_csv = Path(exported["answers"]), Path(exported["summary"])
    assert answers_csv.parent == tmp_path / "exports"
    assert stat.S_IMODE(os.stat(answers_csv.parent).st_mode) == 0o700
    with answers_csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert [(row[0], row[1]) for row in rows] == [("'=Ada", "1"), ("'=Ada", "2")]
    with summary_csv.open(encoding="utf-8-sig", newline="") as handle:
        summary = list(csv.reader(handle))[1:]
    assert [row[:2] for row in summary] == [["'=Ada", "1"]]
    ada.close()
    teacher.close()


async def test_a_learner_claims_their_imported_progress_file_when_they_log_in(
    tmp_path: Path, store_url: str | None
) -> None:
    learners = tmp_path / "learners"
    learners.mkdir()
    old = progress_on("part04", {"1": 1}, done=["part01", "part02", "part03"])
    ProgressStore(learners / f"{learner_file_name('Ada Lovelace')}.json").save(old)
    store = open_store(tmp_path, store_url)  # an older server's files: imported at first
    hub = ClassHub(tmp_path, store, QUIZ)
    await hub.start()
    try:
        (imported,) = hub.snapshot()["learners"]
        assert imported["parts_done"] == ["part01", "part02", "part03"]
        client, welcome = await lesson(hub, "Ada Lovelace")
        assert welcome["progress"]["quiz_answers"] == {"1": 1}
        (row,) = hub.snapshot()["learners"]  # one learner: the file's row is theirs now
        assert row["name"] == "Ada Lovelace" and row["page"] == "part04"
        client.close()
    finally:
        await hub.close()
        store.close()


async def test_a_learner_forgotten_beside_the_server_leaves_the_view_once_gone(
    tmp_path: Path, store: ClassStore, store_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "SWEEP_INTERVAL", 0.05)
    hub = ClassHub(tmp_path, store, QUIZ)
    await hub.start()
    try:
        hub.unregister(hub.register("ada"))  # ada has left
        bob = hub.register("bob")
        teacher, first = await view(hub)
        assert {row["name"] for row in first["learners"]} == {"ada", "bob"}
        await hub.flush()  # the joins are kept (off the event loop) before the forget
        beside = open_store(tmp_path, store_url)  # as `neuron-tui class forget` does
        assert beside.forget("ada") and beside.forget("bob")
        beside.close()
        snapshot = await teacher.read_until("class")
        while "ada" in [row["name"] for row in snapshot["learners"]]:
            snapshot = await teacher.read_until("class")
        # bob is still connected: his row stays until he leaves; ada's goes.
        assert [row["name"] for row in snapshot["learners"]] == ["bob"]
        hub.unregister(bob)
        while snapshot["learners"]:
            snapshot = await teacher.read_until("class")
        assert not hub.learners
        teacher.close()
    finally:
        await hub.close()


# ---------------------------------------------------------------- snapshots


async def test_snapshots_come_at_most_four_a_second_and_the_last_change_is_sent(
    hub: ClassHub,
) -> None:
    ada, _ = await lesson(hub, "ada")
    teacher, _ = await view(hub)
    pages = ["part01", "part02", "part03", "part04", "part05"] * 8
    for page in pages:
        await ada.send({"t": "activity", "page": page})
        await asyncio.sleep(0.02)  # 40 changes over about 0.8 s
    received: list[dict[str, Any]] = []
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        while True:
            received.append(await teacher.read_until("class", timeout=0.6))
    elapsed = time.monotonic() - started
    assert received and row(received[-1], "ada")["page"] == pages[-1]
    assert len(received) <= (elapsed + 1.0) / SNAPSHOT_INTERVAL + 1
    assert len(received) < len(pages) / 2
    ada.close()
    teacher.close()


async def test_a_reader_that_stops_reading_is_dropped_not_buffered_forever(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sock"
    accepted: asyncio.Queue[asyncio.StreamWriter] = asyncio.Queue()

    async def handler(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await accepted.put(writer)
        await asyncio.sleep(10)

    server = await asyncio.start_unix_server(handler, path=str(path))
    _reader, writer = await asyncio.open_unix_connection(str(path))
    peer = Peer(await accepted.get())
    sent = 0
    while peer.send({"t": "class", "pad": "x" * 60_000}):
        sent += 1
        assert sent < 100, "a reader that never reads was kept"
    assert sent * 60_000 >= MAX_BACKLOG / 2 and peer.closed
    writer.close()
    server.close()


def test_a_row_counts_a_whole_attempt_and_keeps_the_best_score() -> None:
    wrong = {str(n): (q.correct_index + 1) % 4 for n, q in enumerate(QUIZ, start=1)}
    right = {str(n): q.correct_index for n, q in enumerate(QUIZ, start=1)}
    learner = LiveLearner("ada", "Ada", progress=progress_on("part06", right).to_dict())
    assert learner_row(learner, QUIZ, LESSON, "n")["quiz_score"] == 5
    learner.progress = progress_on("part06", wrong).to_dict()
    assert learner_row(learner, QUIZ, LESSON, "n")["quiz_score"] == 0
    assert learner_row(learner, QUIZ, LESSON, "n")["missed"] == list(wrong)
    learner.progress["quiz_best"] = 4
    assert learner_row(learner, QUIZ, LESSON, "n")["quiz_score"] == 4


def test_one_line_drops_controls_and_folds_spaces() -> None:
    assert one_line("a\x1b[2Jb\r\nc\u2028d", 200) == "a [2Jb c d"
    assert one_line("x" * 500, 200) == "x" * 200
