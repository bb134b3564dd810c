"""The lesson under a teacher's pacing: a fake hub on a real Unix socket drives it.

Bring (goto), hold, a closed quiz and messages reach the learner's screen; a hub
that dies leaves a lesson that carries on and saves locally.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from neuron_tui.app import NeuronApp
from neuron_tui.class_link import ClassLink
from neuron_tui.lesson.linked_progress import LinkedProgressStore
from neuron_tui.lesson.pacing import Pacing
from tests.fake_lesson_hub import FakeLessonHub, socket_path_in
from tests.functional.ui.waiting import until

SIZE = (100, 30)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[FakeLessonHub]:
    hub = FakeLessonHub(socket_path_in(tmp_path))
    yield hub
    hub.stop()


@pytest.fixture
def make_linked_app(content, hub: FakeLessonHub, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A lesson as `serve` starts it: its progress file, linked to the hub."""
    links: list[ClassLink] = []

    def factory(start_page: str = "opening", welcome_timeout: float = 2.0) -> NeuronApp:
        link = ClassLink(hub.path, "t0ken").start()
        links.append(link)
        store = LinkedProgressStore(tmp_path / "ada.json", link, welcome_timeout=welcome_timeout)
        return NeuronApp(content, start_page=start_page, store=store)

    yield factory
    for link in links:
        link.close(flush_timeout=0.2)


def toasts(app: NeuronApp) -> str:
    """Every notification on screen, as text."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def test_bring_everyone_moves_the_learner_and_says_why(make_linked_app,  # type: ignore[no-untyped-def]
                                                             hub: FakeLessonHub) -> None:
    app = make_linked_app("part01")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        hub.wait_connected()
        hub.send({"t": "goto", "part": 3, "why": "We look at gradient descent together."})
        await until(pilot, lambda: app.current_page == "part03")
        await until(pilot, lambda: "gradient descent together" in toasts(app))
        assert "part01" not in app.progress.done  # moved by the teacher, not finished
    hub.wait_for(lambda m: m["t"] == "progress" and m["page"] == "part03"
                 and "part03" in m["progress"]["visited"])


async def test_a_goto_to_no_such_part_is_ignored(make_linked_app,  # type: ignore[no-untyped-def]
                                                 hub: FakeLessonHub) -> None:
    app = make_linked_app("part02")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        hub.wait_connected()
        for part in (0, 99, "3", True, None):
            hub.send({"t": "goto", "part": part, "why": "nowhere"})
        hub.send({"t": "message", "text": "after the bad ones"})
        await until(pilot, lambda: "after the bad ones" in toasts(app))
        assert app.current_page == "part02" and "nowhere" not in toasts(app)


async def test_hold_stops_next_and_number_keys_with_the_reason(make_linked_app,  # type: ignore[no-untyped-def]
                                                               hub: FakeLessonHub) -> None:
    app = make_linked_app("part01")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        hub.wait_connected()
        hub.send({"t": "pacing", "hold": 2, "quiz_open": True})
        await until(pilot, lambda: app.pacing == Pacing(hold=2))
        await pilot.press("n")
        await until(pilot, lambda: app.current_page == "part02")
        await pilot.press("n")
        await pilot.press("4")
        await until(pilot, lambda: "Your teacher opens Part 04 soon." in toasts(app))
        assert "Your teacher opens Part 03 soon." in toasts(app)
        assert app.current_page == "part02"
        assert "part02" not in app.progress.done  # a refused `n` finishes nothing
        hub.send({"t": "pacing", "hold": None, "quiz_open": True})
        await until(pilot, lambda: "Your teacher opened Part 03." in toasts(app))
        await pilot.press("n")
        await until(pilot, lambda: app.current_page == "part03")
        assert "part02" in app.progress.done


async def test_a_learner_past_the_hold_stays_and_keeps_their_progress(make_linked_app,  # type: ignore[no-untyped-def]
                                                                      hub: FakeLessonHub) -> None:
    app = make_linked_app("part03")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        hub.wait_connected()
        await until(pilot, lambda: "part03" in app.progress.visited)
        hub.send({"t": "pacing", "hold": 1, "quiz_open": True})
        await until(pilot, lambda: app.pacing.hold == 1)
        assert app.current_page == "part03"
        await pilot.press("n")
        await until(pilot, lambda: "Your teacher opens Part 04 soon." in toasts(app))
        assert app.current_page == "part03"
        await pilot.press("p")  # looking back is allowed
        await until(pilot, lambda: app.current_page == "part02")
        assert {"part02", "part03"} <= app.progress.visited


async def test_a_closed_quiz_cannot_be_entered_until_it_opens(make_linked_app,  # type: ignore[no-untyped-def]
                                                              hub: FakeLessonHub) -> None:
    hub.pacing = {"hold": None, "quiz_open": False}
    app = make_linked_app("part03")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.pacing == Pacing(quiz_open=False)  # from the welcome, before the start
        await pilot.press("6")
        await until(pilot, lambda: "The quiz opens when your teacher says so." in toasts(app))
        assert app.current_page == "part03"
        hub.send({"t": "pacing", "hold": None, "quiz_open": True})
        await until(pilot, lambda: "Your teacher opened the quiz." in toasts(app))
        await pilot.press("6")
        await until(pilot, lambda: app.current_page == "part06")


async def test_part_past_the_hold_starts_at_the_held_part_and_says_why(make_linked_app,  # type: ignore[no-untyped-def]
                                                                       hub: FakeLessonHub) -> None:
    hub.pacing = {"hold": 2, "quiz_open": True}
    app = make_linked_app("part05")  # as `--part 5` would
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "Your teacher opens Part 05 soon." in toasts(app))
        assert app.current_page == "part02"
    hub.wait_for(lambda m: m["t"] == "progress" and m["page"] == "part02")


async def test_messages_to_everyone_are_notices_shown_as_written(make_linked_app,  # type: ignore[no-untyped-def]
                                                                 hub: FakeLessonHub) -> None:
    hub.message = "Welcome! We start at 10:00."
    app = make_linked_app("part01")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "We start at 10:00." in toasts(app))  # a later arrival
        hub.send({"t": "message", "text": "Look at [b]w1[/b] now"})
        await until(pilot, lambda: "Look at [b]w1[/b] now" in toasts(app))
        assert "Your teacher" in toasts(app)


async def test_key_presses_are_reported_as_activity_on_the_current_page(make_linked_app,  # type: ignore[no-untyped-def]
                                                                        hub: FakeLessonHub) -> None:
    app = make_linked_app("part01")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        hub.wait_connected()
        for _ in range(10):
            await pilot.press("right")
        hub.wait_for(lambda m: m["t"] == "activity" and m["page"] == "part01")
        assert len(hub.of_type("activity")) == 1  # at most one every 2 s


async def test_when_the_hub_dies_the_lesson_carries_on_and_saves_locally(  # type: ignore[no-untyped-def]
    make_linked_app, hub: FakeLessonHub, tmp_path: Path,
) -> None:
    hub.pacing = {"hold": 2, "quiz_open": True}
    app = make_linked_app("part01")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        hub.wait_connected()
        hub.stop()
        await until(pilot, lambda: "out of reach" in toasts(app))
        assert app.pacing == Pacing()  # nobody could lift the hold now
        await pilot.press("3")
        await until(pilot, lambda: app.current_page == "part03")
        assert toasts(app).count("out of reach") == 1  # said once, quietly
        await pilot.press("q")
    saved = json.loads((tmp_path / "ada.json").read_text(encoding="utf-8"))
    assert "part03" in saved["visited"]


async def test_without_a_hub_the_lesson_starts_at_once_and_saves_locally(  # type: ignore[no-untyped-def]
    content, tmp_path: Path,
) -> None:
    link = ClassLink(tmp_path / "no-such.sock", "t0ken").start()
    store = LinkedProgressStore(tmp_path / "ada.json", link)
    app = NeuronApp(content, start_page="part02", store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "out of reach" in toasts(app))
        await pilot.press("n")
        await until(pilot, lambda: app.current_page == "part03")
    saved = json.loads((tmp_path / "ada.json").read_text(encoding="utf-8"))
    assert {"part02", "part03"} <= set(saved["visited"]) and "part02" in saved["done"]


async def test_a_late_welcome_still_brings_the_progress_and_the_pacing(make_linked_app,  # type: ignore[no-untyped-def]
                                                                       hub: FakeLessonHub) -> None:
    """The lesson stopped waiting for a slow hub; its welcome is applied when it comes."""
    hub.welcome_delay = 0.5
    hub.progress = {"visited": ["part01", "part02"], "done": ["part01"],
                    "self_checks": ["part02-by-hand"], "resume_page": "part02",
                    "quiz_answers": {"1": 2}, "quiz_answered_at": {"1": 1000.0}}
    hub.pacing = {"hold": 3, "quiz_open": False}
    app = make_linked_app("part01", welcome_timeout=0.05)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.store.name is None  # the lesson started without waiting for it
        await until(pilot, lambda: app.pacing == Pacing(hold=3, quiz_open=False))
        await until(pilot, lambda: "part02-by-hand" in app.progress.self_checks)
        assert app.progress.quiz_answers == {"1": 2} and "part01" in app.progress.done
    hub.wait_for(lambda m: m["t"] == "progress" and m["progress"]["quiz_answers"] == {"1": 2})


def opening_text(app: NeuronApp) -> tuple[str, str]:
    """The opening's parts list and its Enter line, as shown."""
    screen = app.page_screen("opening")
    return (str(screen.query_one("#parts", Static).render()),
            str(screen.query_one("#continue", Static).render()))


def marked(parts: str) -> list[str]:
    """The numbers of the parts the list marks as opening soon, in order."""
    # A cell: its number, then anything up to its mark that is not the next cell's number.
    return sorted(re.findall(r"(\d\d) (?:(?!\d\d )[^\n])*?· opens soon", parts))


async def test_the_opening_marks_the_parts_the_pacing_keeps_closed(make_linked_app,  # type: ignore[no-untyped-def]
                                                                   hub: FakeLessonHub) -> None:
    hub.pacing = {"hold": 2, "quiz_open": False}
    hub.progress = {"visited": ["opening", "part01", "part02"], "done": ["part01", "part02"],
                    "resume_page": "part02"}
    app = make_linked_app("opening")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        parts, enter = opening_text(app)
        assert marked(parts) == ["03", "04", "05", "06"]
        assert enter.startswith("Welcome back") and enter.endswith(
            "Part 03 · Gradient descent · opens soon")
        await pilot.press("enter")  # refused, and the list said so beforehand
        await until(pilot, lambda: "Your teacher opens Part 03 soon." in toasts(app))
        assert app.current_page == "opening"
        # The teacher releases the hold while the learner reads: the list follows.
        hub.send({"t": "pacing", "hold": None, "quiz_open": False})
        await until(pilot, lambda: marked(opening_text(app)[0]) == ["06"])
        assert opening_text(app)[1].endswith("Part 03 · Gradient descent  (Enter)")
        hub.send({"t": "pacing", "hold": None, "quiz_open": True})
        await until(pilot, lambda: "opens soon" not in "".join(opening_text(app)))
        await pilot.press("enter")
        await until(pilot, lambda: app.current_page == "part03")


async def test_without_pacing_the_opening_marks_nothing(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("opening")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        parts, enter = opening_text(app)
        assert "opens soon" not in parts + enter and enter.endswith("(Enter)")
        app.pacing = Pacing(hold=4)  # what a hub's pacing message sets
        await until(pilot, lambda: marked(opening_text(app)[0]) == ["05", "06"])


def test_the_opening_under_a_hold_at_80x24(snap_compare, content) -> None:  # type: ignore[no-untyped-def]
    """Held at Part 03 with the quiz closed: 04 to 06 say they open soon, in both columns."""
    app = NeuronApp(content, start_page="opening")

    async def held(pilot: Pilot[None]) -> None:
        app.pacing = Pacing(hold=3, quiz_open=False)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=held)
