"""ClassLink: a lesson's channel to the hub over a real Unix socket, never blocking."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from neuron_tui.class_link import (
    ACTIVITY_INTERVAL,
    MAX_LINE_BYTES,
    SOCKET_VARIABLE,
    TOKEN_VARIABLE,
    ClassLink,
)
from tests.fake_lesson_hub import FakeLessonHub, socket_path_in


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[FakeLessonHub]:
    hub = FakeLessonHub(socket_path_in(tmp_path), {"t0ken": "ada"})
    yield hub
    hub.stop()


class Heard:
    """A listener that keeps what the link hands it, for the test thread to wait on."""

    def __init__(self) -> None:
        self.messages: queue.Queue[dict] = queue.Queue()
        self.lost: list[str] = []
        self.lost_event = threading.Event()

    def on_message(self, message: dict) -> None:
        self.messages.put(message)

    def on_lost(self, why: str) -> None:
        self.lost.append(why)
        self.lost_event.set()

    def next(self, timeout: float = 5.0) -> dict:
        return self.messages.get(timeout=timeout)


def linked(hub: FakeLessonHub, token: str = "t0ken", **kwargs) -> tuple[ClassLink, Heard]:  # type: ignore[no-untyped-def]
    link = ClassLink(hub.path, token, **kwargs).start()
    heard = Heard()
    link.listen(heard.on_message, heard.on_lost)
    return link, heard


def test_from_environment_needs_both_the_socket_and_the_token() -> None:
    assert ClassLink.from_environment({}) is None
    assert ClassLink.from_environment({SOCKET_VARIABLE: "/x.sock"}) is None
    assert ClassLink.from_environment({TOKEN_VARIABLE: "abc"}) is None
    link = ClassLink.from_environment({SOCKET_VARIABLE: "/x.sock", TOKEN_VARIABLE: "abc"})
    assert link is not None and (link.socket_path, link.token) == ("/x.sock", "abc")


def test_hello_comes_first_and_the_welcome_is_both_returned_and_heard(
    hub: FakeLessonHub,
) -> None:
    hub.pacing = {"hold": 3, "quiz_open": False}
    hub.message = "Welcome, class"
    link = ClassLink(hub.path, "t0ken").start()
    welcome = link.welcome(timeout=5)
    assert welcome is not None and welcome["name"] == "ada"
    assert welcome["pacing"] == {"hold": 3, "quiz_open": False}
    assert hub.received[0] == {"t": "hello", "token": "t0ken"}
    heard = Heard()
    link.listen(heard.on_message, heard.on_lost)  # arrived before: kept for the listener
    assert heard.next()["t"] == "welcome"
    link.close()


def test_progress_and_activity_reach_the_hub_as_protocol_lines(hub: FakeLessonHub) -> None:
    link, _ = linked(hub)
    hub.wait_connected()
    link.send_progress({"visited": ["part01"]}, "part01", at=100.0)
    assert link.send_activity("part01", at=101.0)
    hub.wait_for(lambda m: m["t"] == "activity")
    hub.wait_for(lambda m: m["t"] == "progress")
    assert hub.of_type("progress") == [{"t": "progress", "progress": {"visited": ["part01"]},
                                        "page": "part01", "at": 100.0}]
    assert hub.of_type("activity") == [{"t": "activity", "page": "part01", "at": 101.0}]
    link.close()


def test_activity_is_sent_at_most_once_every_two_seconds(hub: FakeLessonHub) -> None:
    now = [1000.0]
    link, _ = linked(hub, clock=lambda: now[0])
    hub.wait_connected()
    assert link.send_activity("part02")
    hub.wait_for(lambda m: m["t"] == "activity")
    now[0] += ACTIVITY_INTERVAL - 0.1
    assert not link.send_activity("part02")
    now[0] += 0.1
    assert link.send_activity("part03")
    link.close()
    hub.wait_for(lambda m: m.get("page") == "part03")
    assert [m["page"] for m in hub.of_type("activity")] == ["part02", "part03"]


def test_hub_messages_are_handed_on_in_order(hub: FakeLessonHub) -> None:
    link, heard = linked(hub)
    hub.wait_connected()
    assert heard.next()["t"] == "welcome"
    hub.send({"t": "pacing", "hold": 4, "quiz_open": True})
    hub.send_raw(b"not json\n[1, 2]\n{\"no\": \"type\"}\n")  # ignored, the link carries on
    hub.send({"t": "goto", "part": 3, "why": "together"})
    hub.send({"t": "future-type", "x": 1})
    hub.send({"t": "message", "text": "Five minutes left"})
    kinds = [heard.next()["t"] for _ in range(4)]
    assert kinds == ["pacing", "goto", "future-type", "message"]
    assert link.alive and not heard.lost
    link.close()


def test_a_closed_hub_is_told_once_and_then_nothing_is_sent(hub: FakeLessonHub) -> None:
    link, heard = linked(hub)
    hub.wait_connected()
    hub.stop()
    assert heard.lost_event.wait(5)
    link.send_progress({"visited": []}, "opening")  # no error, no effect
    assert not link.send_activity("opening")
    link.close()
    time.sleep(0.1)
    assert len(heard.lost) == 1 and "closed" in heard.lost[0]
    assert not link.alive


def test_an_unknown_token_is_refused_and_told(hub: FakeLessonHub) -> None:
    link, heard = linked(hub, token="stolen")
    assert heard.lost_event.wait(5)
    assert link.welcome(timeout=0) is None
    assert heard.lost == ["the class server refused this lesson (unknown token)"]


def test_a_missing_socket_is_told_at_once_and_welcome_does_not_wait(tmp_path: Path) -> None:
    link = ClassLink(tmp_path / "nothing.sock", "t0ken").start()
    started = time.monotonic()
    assert link.welcome(timeout=10) is None
    assert time.monotonic() - started < 5
    heard = Heard()
    link.listen(heard.on_message, heard.on_lost)  # lost before listening: still told, once
    assert len(heard.lost) == 1 and heard.lost[0].startswith("cannot reach the class server")


def test_a_line_longer_than_the_protocol_allows_ends_the_channel(hub: FakeLessonHub) -> None:
    link, heard = linked(hub)
    hub.wait_connected()
    hub.send_raw(b'{"t":"message","text":"' + b"x" * MAX_LINE_BYTES + b'"}\n')
    assert heard.lost_event.wait(5)
    assert "64 KiB" in heard.lost[0]
    link.close()


def test_reports_are_coalesced_and_close_sends_the_last_one(hub: FakeLessonHub) -> None:
    link, _ = linked(hub)
    hub.wait_connected()
    for step in range(200):
        link.send_progress({"step": step}, "part02")
    link.close()
    hub.wait_for(lambda m: m["t"] == "progress" and m["progress"] == {"step": 199})
    steps = [m["progress"]["step"] for m in hub.of_type("progress")]
    assert steps == sorted(steps) and len(steps) <= 200


def test_sending_never_waits_for_a_hub_that_does_not_read(tmp_path: Path) -> None:
    """A hub that accepts but never reads: the lesson's sends still return at once."""
    import socket

    path = socket_path_in(tmp_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen()
    try:
        link = ClassLink(path, "t0ken").start()
        big = {"answers": "x" * 60_000}

        def lesson() -> None:
            for _ in range(100):  # ~6 MB: far beyond what the socket buffers hold
                link.send_progress(big, "part06")
            link.close(flush_timeout=0.2)

        # A blocking send would never return (nothing reads): bounded by the join.
        sender = threading.Thread(target=lesson, daemon=True)
        sender.start()
        sender.join(timeout=20)
        assert not sender.is_alive(), "the lesson waited for a hub that does not read"
    finally:
        server.close()


def test_the_command_line_links_the_lesson_when_served_and_flushes_at_the_end(
    hub: FakeLessonHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NEURON_TUI_CLASS_SOCKET/TOKEN set: a linked store; its last report is sent on exit."""
    from neuron_tui.__main__ import main
    from neuron_tui.lesson.linked_progress import LinkedProgressStore

    seen = {}

    def fake_run(self) -> None:  # type: ignore[no-untyped-def]
        seen["store"] = self.store
        self.progress_meet("part02-by-hand")  # saved, queued for the hub, flushed on exit

    monkeypatch.setattr("neuron_tui.app.NeuronApp.run", fake_run)
    monkeypatch.setattr("neuron_tui.__main__.terminal_problem", lambda: "")
    monkeypatch.setenv(SOCKET_VARIABLE, str(hub.path))
    monkeypatch.setenv(TOKEN_VARIABLE, "t0ken")
    assert main(["--progress", str(tmp_path / "ada.json"), "--part", "2"]) == 0
    assert isinstance(seen["store"], LinkedProgressStore)
    hub.wait_for(lambda m: m["t"] == "progress"
                 and m["progress"]["self_checks"] == ["part02-by-hand"] and m["page"] == "part02")


def test_the_command_line_keeps_a_plain_file_when_not_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from neuron_tui.__main__ import main
    from neuron_tui.lesson.linked_progress import LinkedProgressStore

    seen = {}
    monkeypatch.setattr("neuron_tui.app.NeuronApp.run",
                        lambda self: seen.setdefault("store", self.store))
    monkeypatch.setattr("neuron_tui.__main__.terminal_problem", lambda: "")
    monkeypatch.delenv(SOCKET_VARIABLE, raising=False)
    assert main(["--progress", str(tmp_path / "ada.json")]) == 0
    assert not isinstance(seen["store"], LinkedProgressStore)
