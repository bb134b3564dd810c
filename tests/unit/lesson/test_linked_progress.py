"""LinkedProgressStore: the local file and the hub's copy merged, every save sent to both."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from neuron_tui.class_link import ClassLink
from neuron_tui.lesson.linked_progress import LinkedProgressStore
from neuron_tui.lesson.pacing import Pacing
from neuron_tui.lesson.progress import Progress, ProgressStore
from tests.fake_lesson_hub import FakeLessonHub, socket_path_in


class RecordingChannel:
    """A channel to a hub that answered with `welcome` (None: no hub) and records sends."""

    def __init__(self, welcome: dict[str, Any] | None) -> None:
        self._welcome = welcome
        self.sent: list[tuple[dict[str, Any], str]] = []
        self.activity: list[str] = []
        self.waited: list[float] = []
        self.closed = False

    def welcome(self, timeout: float) -> dict[str, Any] | None:
        self.waited.append(timeout)
        return self._welcome

    def send_progress(self, progress: Mapping[str, Any], page: str,
                      at: float | None = None) -> None:
        self.sent.append((dict(progress), page))

    def send_activity(self, page: str, at: float | None = None) -> bool:
        self.activity.append(page)
        return True

    def listen(self, on_message: Callable[[dict[str, Any]], None],
               on_lost: Callable[[str], None]) -> None:
        pass

    def close(self, flush_timeout: float = 1.0) -> None:
        self.closed = True


def hub_copy() -> dict[str, Any]:
    """What the hub keeps for a learner who answered questions 1 and 2 elsewhere."""
    progress = Progress(visited={"part01", "part02", "part06"}, done={"part01"},
                        self_checks={"part02-by-hand"}, resume_page="part06")
    progress.answer("1", 2, now=1000.0)
    progress.answer("2", 0, now=1001.0)
    return progress.to_dict()


def local_file(path: Path) -> Progress:
    progress = Progress(visited={"part03"}, done={"part02"}, resume_page="part03")
    progress.answer("2", 1, now=2000.0)  # later than the hub's answer to question 2
    progress.answer("3", 1, now=2001.0)
    ProgressStore(path).save(progress)
    return progress


def welcome(progress: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"t": "welcome", "name": "ada", "progress": progress,
            "pacing": {"hold": None, "quiz_open": True}, "message": None, **extra}


def test_load_merges_the_hubs_copy_with_the_file_and_saves_both(tmp_path: Path) -> None:
    path = tmp_path / "ada.json"
    local_file(path)
    channel = RecordingChannel(welcome(hub_copy()))
    store = LinkedProgressStore(path, channel)
    loaded = store.load()
    progress = loaded.progress
    assert progress.visited == {"part01", "part02", "part03", "part06"}
    assert progress.done == {"part01", "part02"}
    assert progress.self_checks == {"part02-by-hand"}
    assert progress.quiz_answers == {"1": 2, "2": 1, "3": 1}  # the later answer to 2 wins
    assert loaded.resumed
    on_disk = Progress.from_dict(json.loads(path.read_text(encoding="utf-8")))
    assert on_disk.to_dict() == progress.to_dict()
    assert channel.sent[-1] == (progress.to_dict(), "opening")
    assert channel.waited == [store.welcome_timeout]


def test_a_new_learner_on_a_new_machine_gets_everything_from_the_hub(tmp_path: Path) -> None:
    path = tmp_path / "ada.json"
    store = LinkedProgressStore(path, RecordingChannel(welcome(hub_copy())))
    loaded = store.load()
    assert loaded.progress.to_dict() == Progress.from_dict(hub_copy()).to_dict()
    assert loaded.resumed and path.exists()


def test_without_a_welcome_the_file_alone_is_used(tmp_path: Path) -> None:
    path = tmp_path / "ada.json"
    mine = local_file(path)
    channel = RecordingChannel(None)
    store = LinkedProgressStore(path, channel)
    loaded = store.load()
    assert loaded.progress.to_dict() == mine.to_dict()
    assert store.pacing == Pacing() and store.name is None
    saved, notice = store.save(loaded.progress)
    assert notice is None and channel.sent == [(saved.to_dict(), "opening")]


def test_the_welcome_gives_the_pacing_the_message_and_the_name(tmp_path: Path) -> None:
    channel = RecordingChannel(welcome({}, pacing={"hold": 4, "quiz_open": False},
                                       message="Pairs today"))
    store = LinkedProgressStore(tmp_path / "ada.json", channel)
    store.load()
    assert store.pacing == Pacing(hold=4, quiz_open=False)
    assert store.message == "Pairs today" and store.name == "ada"


def test_every_save_goes_to_the_file_and_the_hub_with_the_current_page(tmp_path: Path) -> None:
    path = tmp_path / "ada.json"
    channel = RecordingChannel(welcome({}))
    store = LinkedProgressStore(path, channel)
    progress = store.load().progress
    store.enter_page("part02")
    progress.meet("part02-by-hand")
    saved, _ = store.save(progress)
    assert channel.sent[-1] == (saved.to_dict(), "part02")
    assert "part02-by-hand" in json.loads(path.read_text(encoding="utf-8"))["self_checks"]


def test_entering_a_page_is_reported_once_with_the_last_saved_progress(tmp_path: Path) -> None:
    channel = RecordingChannel(welcome(hub_copy()))
    store = LinkedProgressStore(tmp_path / "ada.json", channel)
    loaded = store.load().progress
    before = len(channel.sent)
    store.enter_page("part04")
    store.enter_page("part04")
    assert channel.sent[before:] == [(loaded.to_dict(), "part04")]
    store.activity()
    assert channel.activity == ["part04"]


def test_after_a_reset_the_hubs_copy_is_not_merged_back(tmp_path: Path) -> None:
    path = tmp_path / "ada.json"
    local_file(path)
    store = LinkedProgressStore(path, RecordingChannel(welcome(hub_copy())))
    assert store.reset() is not None
    assert store.load().progress.to_dict() == Progress().to_dict()


def test_a_save_the_file_refuses_still_reaches_the_hub(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "ada.json").mkdir()  # a folder where the file should be
    channel = RecordingChannel(welcome({}))
    store = LinkedProgressStore(folder / "ada.json", channel)
    progress = Progress(visited={"part01"}, resume_page="part01")
    saved, notice = store.save(progress)
    assert notice is not None and notice.startswith("Progress could not be saved")
    assert channel.sent[-1] == (progress.to_dict(), "opening")


def test_with_a_real_link_the_hub_hears_the_merged_progress(tmp_path: Path) -> None:
    hub = FakeLessonHub(socket_path_in(tmp_path))
    hub.progress = hub_copy()
    try:
        link = ClassLink(hub.path, "t0ken").start()
        store = LinkedProgressStore(tmp_path / "ada.json", link)
        merged = store.load().progress
        link.close()
        report = hub.wait_for(lambda m: m["t"] == "progress")
        assert report["progress"] == merged.to_dict() and report["page"] == "opening"
        assert merged.quiz_answers == {"1": 2, "2": 0}
    finally:
        hub.stop()
