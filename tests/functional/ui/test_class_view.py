"""The class view (the teacher's room) against a fake hub on a real Unix socket.

The fake hub runs in its own threads, speaking the JSON lines of
docs/class-protocol.md: it records what the view sends and sends the class it is
told to. The view's clock is fixed, so times read the same on every run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from neuron_tui.class_view.app import ClassViewApp
from neuron_tui.class_view.dialogs import ClassDialog
from neuron_tui.class_view.language import class_view_app
from neuron_tui.compat import app_notifications

NOW = 1_800_000_000.0
SIZE = (80, 24)
QUIZ = [{"id": str(number), "options": ["one", "two", "three", "four"], "answer": number % 4}
        for number in range(1, 6)]
FIRST_NAMES = ["Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances", "Grace",
               "Hedy", "John", "Katherine", "Leslie", "Margaret", "Niklaus", "Radia", "Tim",
               "Vint", "Whitfield", "Yukihiro", "Zhang"]
PAGES = ["opening", "part01", "part02", "part03", "part04", "part05", "part06", "completion"]


class FakeHub:
    """A hub on `path`: records every line the views send, sends what it is told to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.received: list[dict[str, Any]] = []
        self.clients: list[socket.socket] = []
        self.on_connect: list[dict[str, Any]] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.clients.append(client)
            for message in self.on_connect:
                self._send_to(client, message)
            threading.Thread(target=self._read, args=(client,), daemon=True).start()

    def _read(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError), client.makefile("rb") as lines:
            for line in lines:
                self.received.append(json.loads(line))

    @staticmethod
    def _send_to(client: socket.socket, message: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):
            client.sendall(json.dumps(message).encode() + b"\n")

    def send(self, message: dict[str, Any]) -> None:
        """Send `message` to every connected view (and to views that connect later)."""
        if message.get("t") == "class":
            self.on_connect = [message]
        for client in list(self.clients):
            self._send_to(client, message)

    def requests(self) -> list[dict[str, Any]]:
        """What the views asked for, hellos left out."""
        return [message for message in self.received if message.get("t") != "hello"]

    def close(self) -> None:
        """Stop listening and drop every view."""
        self.server.close()
        for client in self.clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def learner(name: str, page: str, **changes: Any) -> dict[str, Any]:
    """A connected learner as the hub describes one; `changes` override fields."""
    data: dict[str, Any] = {
        "key": name.casefold(), "name": name, "connected": True, "first_seen": NOW - 3600,
        "last_seen": NOW, "page": page, "page_since": NOW - 60, "last_activity": NOW - 5,
        "parts_done": [], "self_checks": [], "quiz_score": None, "quiz_answered": 0,
        "answers": {}, "missed": [], "fingerprint": None, "node": "classroom",
    }
    data.update(changes)
    return data


def class_message(learners: list[dict[str, Any]], **pacing: Any) -> dict[str, Any]:
    """A `"t": "class"` snapshot of `learners`."""
    return {"t": "class", "at": NOW, "learners": learners,
            "pacing": {"hold": None, "quiz_open": True, **pacing}, "message": None,
            "nodes": [{"name": "classroom", "sessions": len(learners), "max_sessions": 40}],
            "quiz": QUIZ, "serving": "ssh -p 2222 NAME@classroom"}


def three_learners(**pacing: Any) -> dict[str, Any]:
    """Ada on Part 02 with a self-check, Bob stuck on Part 03, Cy done with the quiz 3/5."""
    return class_message([
        learner("Ada", "part02", self_checks=["part02-by-hand"]),
        learner("Bob", "part03", last_activity=NOW - 240, page_since=NOW - 400),
        learner("Cy", "part06", quiz_score=3, quiz_answered=5,
                answers={"1": 1, "2": 2, "3": 0, "4": 1, "5": 1}, missed=["3", "4"],
                fingerprint="SHA256:cyKEY"),
    ], **pacing)


def forty_learners() -> dict[str, Any]:
    """A full class: every page, some stuck, some away, some quizzed (deterministic)."""
    people = []
    for index in range(40):
        name = f"{FIRST_NAMES[index % 20]}{'' if index < 20 else ' ' + chr(65 + index % 26)}"
        page = PAGES[(index * 3) % len(PAGES)]
        extra: dict[str, Any] = {"page_since": NOW - 30 * (index + 1),
                                 "last_activity": NOW - 7 * index}
        if page in ("part06", "completion"):
            answers = {str(q): q % 4 if (q + index) % 3 else (q + 1) % 4 for q in range(1, 6)}
            missed = [q for q, option in answers.items() if option != int(q) % 4]
            extra.update(answers=answers, missed=missed, quiz_answered=5,
                         quiz_score=5 - len(missed))
        if index % 9 == 4:
            extra.update(connected=False, last_seen=NOW - 600 - index)
        if index in (1, 2):
            extra.update(self_checks=["part02-by-hand"])
        if index == 0:  # the highlighted row: the detail line shows her key
            extra.update(fingerprint="SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8")
        people.append(learner(name, page, **extra))
    return class_message(people, hold=5, quiz_open=False) | {"message": "Break at 11:00"}


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[FakeHub]:
    # A short path: Unix socket paths are limited to about 100 bytes.
    fake = FakeHub(tmp_path / "t.sock")
    yield fake
    fake.close()


def make_view(hub: FakeHub) -> ClassViewApp:
    """The view as `neuron-tui class` builds it: in the language in use (English here)."""
    return class_view_app(hub.path, clock=lambda: NOW, retry_seconds=0.2)


async def until(pilot: Any, condition: Any, timeout: float = 5.0) -> float:
    """Pause the pilot until `condition()` holds; returns the seconds it took."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "timed out"
        await pilot.pause(0.02)
    return time.monotonic() - start


def cells(view: ClassViewApp) -> list[list[str]]:
    table = view.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def text_of(view: ClassViewApp, selector: str) -> str:
    return str(view.query_one(selector, Static).render())


def notices(view: ClassViewApp) -> str:
    return "\n".join(str(note.message) for note in app_notifications(view))


async def test_shows_each_learner_and_the_class_summary(hub: FakeHub) -> None:
    hub.send(three_learners())
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        assert hub.received[0] == {"t": "hello", "role": "teacher"}
        rows = cells(view)
        assert [row[0] for row in rows] == ["Ada", "Bob", "Cy"]
        ada, bob, cy = rows
        assert ada[1:6] == ["here", "02", "1m", "1", "–"]
        assert cy[2] == "06" and cy[5] == "3/5" and cy[6] == "3 4"
        # Bob: no key for 4 minutes, and 6 minutes on Part 03: he stands out.
        assert bob[7] == "! idle 4m"
        assert view.query_one(DataTable).get_row_at(1)[0].style == "bold red"
        summary = text_of(view, "#summary")
        assert "3 here, 0 away │ 02:1 03:1 06:1" in summary
        # Q3's right answer is option 3 (d); Cy chose a. Q4's is 0 (a); Cy chose b.
        assert "quiz avg 3.0/5 (1 done)" in summary and "Q3 1(a)" in summary
        assert "Q4 1(b) Q5 0" in summary and "Q1 0 Q2 0 " in summary
        assert "no hold · quiz open" in summary
        assert not view.query_one("#status").has_class("shown")
        # How learners join, where the server's banner was (the view covers it).
        assert text_of(view, "#title") == (
            "neuron-tui · the class · join: ssh -p 2222 NAME@classroom · sorted by name")


async def test_a_wider_terminal_shows_more_of_the_title_and_detail(hub: FakeHub) -> None:
    hub.send(three_learners())
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        await pilot.press("down", "down")  # Cy, who logged in with a key
        assert text_of(view, "#detail") == (
            "Cy · key SHA256:cyKEY · on classroom · first seen 1h00 ago · no part done yet")
        assert "3 learners" not in text_of(view, "#title")
        await pilot.resize_terminal(120, 24)
        await until(pilot, lambda: text_of(view, "#title").endswith(
            "sorted by name · 3 learners · classroom 3/40"))


async def test_a_learners_action_shows_without_the_teacher_doing_anything(hub: FakeHub) -> None:
    """A new snapshot redraws the row in place (how fast, end to end: see the report's
    figures; speed targets live in benchmarks/)."""
    hub.send(three_learners())
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        await pilot.press("down")
        moved = three_learners()
        moved["learners"][0]["page"] = "part04"
        hub.send(moved)
        await until(pilot, lambda: cells(view)[0][2] == "04")
        assert view.highlighted_key() == "bob"


async def test_bring_hold_quiz_and_message_reach_the_hub(hub: FakeHub) -> None:
    hub.send(three_learners(quiz_open=False))
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        await pilot.press("b", "9", "enter")
        assert isinstance(view.screen, ClassDialog)
        assert "There is no Part 9" in str(view.screen.query_one("#why", Static).render())
        await pilot.press("backspace", "4", "enter")
        await pilot.press("h", "5", "enter")
        await pilot.press("h", "enter")  # empty: release
        await pilot.press("o")  # the quiz is closed: open it
        await pilot.press("m", *"Break in five", "enter")
        await pilot.press("b", "2", "escape")  # cancelled: nothing sent
        await until(pilot, lambda: len(hub.requests()) == 5)
        await pilot.pause(0.1)
        assert hub.requests() == [
            {"t": "bring", "part": 4},
            {"t": "hold", "part": 5},
            {"t": "hold", "part": None},
            {"t": "quiz", "open": True},
            {"t": "message", "text": "Break in five"},
        ]


async def test_export_says_where_the_results_went(hub: FakeHub) -> None:
    hub.send(three_learners())
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        await pilot.press("e")
        await until(pilot, lambda: hub.requests() == [{"t": "export"}])
        hub.send({"t": "exported", "answers": "/state/exports/a.csv",
                  "summary": "/state/exports/a-summary.csv"})
        await until(pilot, lambda: view.exported is not None)
        assert "/state/exports/a.csv and /state/exports/a-summary.csv" in notices(view)
        hub.send({"t": "error", "text": "cannot write /state/exports: disk full"})
        await until(pilot, lambda: "disk full" in notices(view))


async def test_sorts_by_name_part_and_activity(hub: FakeHub) -> None:
    hub.send(three_learners())
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        await pilot.press("down", "down")  # Cy highlighted; he stays so through sorts
        await pilot.press("s")
        assert "sorted by part" in text_of(view, "#title")
        assert [row[0] for row in cells(view)] == ["Ada", "Bob", "Cy"]
        assert view.highlighted_key() == "cy"
        await pilot.press("s")
        # Idlest first: Bob (4 minutes), then Ada and Cy (5 s each, by name).
        assert [row[0] for row in cells(view)] == ["Bob", "Ada", "Cy"]
        assert view.highlighted_key() == "cy"
        assert text_of(view, "#detail") == (
            "Cy · key SHA256:cyKEY · on classroom · first seen 1h00 ago · no part done yet")
        await pilot.press("s")
        assert "sorted by name" in text_of(view, "#title")


async def test_a_lost_hub_is_said_plainly_and_found_again(hub: FakeHub) -> None:
    hub.send(three_learners())
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        hub.close()
        await until(pilot, lambda: view.query_one("#status").has_class("shown"))
        assert "Not connected: " in text_of(view, "#status")
        await pilot.press("o")
        assert "nothing was sent" in notices(view)
        # The rows stay (the last known class) and the view tries again by itself.
        assert view.query_one(DataTable).row_count == 3
        again = FakeHub(hub.path)
        try:
            again.send(three_learners(hold=3))
            await until(pilot, lambda: not view.query_one("#status").has_class("shown"))
            await until(pilot, lambda: "held at Part 03" in text_of(view, "#summary"))
        finally:
            again.close()


async def test_q_twice_quits_one_q_does_not(hub: FakeHub) -> None:
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause(0.1)
        assert view.is_running and "Press q again" in notices(view)
        await pilot.press("q")
        await until(pilot, lambda: not view.is_running)


async def test_malformed_lines_from_the_hub_are_ignored(hub: FakeHub) -> None:
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(hub.clients) == 1)
        client = hub.clients[0]
        client.sendall(b"not json\n[1,2]\n{\"t\":\"class\",\"learners\":[{\"name\":3},7]}\n")
        hub.send(three_learners())
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        assert view.is_running


def test_forty_learners_at_80x24(snap_compare, hub: FakeHub) -> None:  # type: ignore[no-untyped-def]
    """A full class at 80×24: summary, 40 rows that scroll, stuck rows in red, the keys."""
    hub.send(forty_learners())
    view = make_view(hub)

    async def loaded(pilot: Any) -> None:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 40)
        await asyncio.sleep(0.05)
        await pilot.pause()

    assert snap_compare(view, terminal_size=SIZE, run_before=loaded)


def three_nodes() -> dict[str, Any]:
    """The full class spread over three nodes; node "c" went silent 40 s ago."""
    snapshot = forty_learners()
    names = ["a", "b", "c"]
    for index, person in enumerate(snapshot["learners"]):
        person["node"] = names[index % 3]
        if names[index % 3] == "c":
            person.update(connected=False, last_seen=NOW - 40)
    snapshot["nodes"] = [
        {"name": "a", "sessions": 13, "max_sessions": 40, "load": 0.82, "gone": False},
        {"name": "b", "sessions": 12, "max_sessions": 40, "load": 1.5, "gone": False},
        {"name": "c", "sessions": 13, "max_sessions": 40, "load": 0.4, "gone": True,
         "heartbeat": NOW - 40},
    ]
    return snapshot


async def test_each_node_has_a_summary_line_and_a_gone_node_says_so(hub: FakeHub) -> None:
    hub.send(three_nodes())
    view = make_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 40)
        lines = text_of(view, "#summary").splitlines()
        assert lines[3:] == ["node a 13/40 load 0.82", "node b 12/40 load 1.50",
                             "node c gone 40s · 13 last seen"]
        assert text_of(view, "#title").endswith("sorted by name")
        await pilot.resize_terminal(120, 24)
        await until(pilot, lambda: text_of(view, "#title").endswith("40 learners · 3 nodes"))
        assert text_of(view, "#detail").startswith("Ada · key ")
        assert "on a" in text_of(view, "#detail")


def test_forty_learners_on_three_nodes_at_80x24(snap_compare, hub: FakeHub) -> None:  # type: ignore[no-untyped-def]
    """The full class on three nodes at 80×24: a line per node, one of them gone."""
    hub.send(three_nodes())
    view = make_view(hub)

    async def loaded(pilot: Any) -> None:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 40)
        await asyncio.sleep(0.05)
        await pilot.pause()

    assert snap_compare(view, terminal_size=SIZE, run_before=loaded)
