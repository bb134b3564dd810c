"""The progress file: atomic saves, merging sessions, recovery, resume, reset."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neuron_tui.compat import app_notifications
from neuron_tui.lesson.progress import (
    Progress,
    ProgressStore,
    default_progress_path,
    merge,
)
from neuron_tui.lesson.registry import LESSON
from neuron_tui.paths import STATE_DIR_VARIABLE

SIZE = (80, 24)


def saved(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text(encoding="utf-8"))


def leftovers(folder: Path) -> list[str]:
    """Temporary files left in the folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- the store on its own ---------------------------------------------------------------


def test_default_path_follows_the_state_dir_variable(state_dir: Path) -> None:
    assert default_progress_path() == state_dir / "progress.json"


def test_default_path_without_the_variable_is_the_user_state_dir(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(STATE_DIR_VARIABLE)
    path = default_progress_path()
    assert path.name == "progress.json"
    assert "neuron-tui" in str(path)


def test_no_file_means_fresh_progress_without_a_notice(progress_path: Path) -> None:
    result = ProgressStore(progress_path).load()
    assert result.progress == Progress()
    assert result.notice is None
    assert not result.resumed


def test_save_then_load_round_trips(progress_path: Path) -> None:
    store = ProgressStore(progress_path)
    progress = Progress()
    progress.visit("part02")
    progress.finish("part01")
    progress.meet("part02-90")
    progress.quiz_answers["1"] = 2
    progress.quiz_best = 4
    merged, notice = store.save(progress)
    assert notice is None
    assert merged == progress
    data = saved(progress_path)
    assert data["version"] == 1
    assert data["resume_page"] == "part02"
    loaded = store.load()
    assert loaded.progress == progress
    assert loaded.resumed
    assert leftovers(progress_path.parent) == []


def test_save_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "progress.json"
    ProgressStore(path).save(Progress(visited={"part01"}))
    assert saved(path)["visited"] == ["part01"]


@pytest.mark.parametrize(
    "text",
    ["{not json", "", "[1, 2, 3]", '"just a string"', "\x00\x01garbage"],
    ids=["broken", "empty", "list", "string", "binary"],
)
def test_corrupt_file_is_moved_aside_and_the_lesson_starts_fresh(
    progress_path: Path, text: str
) -> None:
    progress_path.parent.mkdir(parents=True)
    progress_path.write_text(text, encoding="utf-8")
    result = ProgressStore(progress_path).load()
    assert result.progress == Progress()
    assert result.notice is not None and "starts fresh" in result.notice
    backups = list(progress_path.parent.glob("progress.corrupt-*.json"))
    assert len(backups) == 1
    assert backups[0].read_text(encoding="utf-8") == text  # kept exactly as it was
    assert backups[0].name in result.notice
    assert not progress_path.exists()


def test_non_utf8_file_is_moved_aside(progress_path: Path) -> None:
    progress_path.parent.mkdir(parents=True)
    progress_path.write_bytes(b"\xff\xfe\xfa")
    result = ProgressStore(progress_path).load()
    assert result.notice is not None
    assert list(progress_path.parent.glob("progress.corrupt-*.json"))


def test_unknown_or_malformed_fields_are_ignored_not_fatal(progress_path: Path) -> None:
    progress_path.parent.mkdir(parents=True)
    progress_path.write_text(json.dumps({
        "visited": ["part01", 7], "done": "oops", "resume_page": "nowhere",
        "quiz_answers": {"1": 2, "2": "b"}, "quiz_best": "five", "extra": True,
    }), encoding="utf-8")
    result = ProgressStore(progress_path).load()
    assert result.notice is None
    assert result.progress == Progress(visited={"part01"}, quiz_answers={"1": 2})


def test_a_corrupt_file_found_while_saving_is_kept_not_overwritten(progress_path: Path) -> None:
    store = ProgressStore(progress_path)
    store.save(Progress(visited={"part01"}))
    progress_path.write_text("{garbage", encoding="utf-8")  # damaged by something else
    merged, notice = store.save(Progress(visited={"part02"}))
    assert notice is not None
    assert merged.visited == {"part02"}
    assert saved(progress_path)["visited"] == ["part02"]
    (backup,) = progress_path.parent.glob("progress.corrupt-*.json")
    assert backup.read_text(encoding="utf-8") == "{garbage"


def test_failed_write_keeps_the_old_file_and_leaves_no_temp_file(
    progress_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ProgressStore(progress_path)
    store.save(Progress(visited={"part01"}))
    before = progress_path.read_bytes()

    def broken_replace(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("neuron_tui.lesson.progress.os.replace", broken_replace)
    progress, notice = store.save(Progress(visited={"part01", "part02"}))
    assert notice is not None and "could not be saved" in notice
    assert progress.visited == {"part01", "part02"}  # kept in memory
    assert progress_path.read_bytes() == before
    assert leftovers(progress_path.parent) == []


KILLED_WRITER = """
import os, sys
from pathlib import Path
from neuron_tui.lesson import progress as module
path = Path(sys.argv[1])
store = module.ProgressStore(path)
store.save(module.Progress(visited={"part01"}, done={"part01"}))
real_fsync = module.os.fsync
def die(fd):
    real_fsync(fd)
    os._exit(9)  # killed after the new data is written, before the rename
module.os.fsync = die
store.save(module.Progress(visited={"part01", "part02"}, done={"part01", "part02"}))
"""


def test_a_process_killed_during_a_write_loses_nothing_already_saved(
    progress_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(progress_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 9, result.stderr
    assert len(leftovers(progress_path.parent)) == 1  # the half-finished temporary file
    loaded = ProgressStore(progress_path).load()
    assert loaded.notice is None
    assert loaded.progress.done == {"part01"}
    merged, notice = ProgressStore(progress_path).save(loaded.progress)
    assert notice is None and merged.done == {"part01"}


CONCURRENT_WRITER = """
import sys
from pathlib import Path
from neuron_tui.lesson.progress import Progress, ProgressStore
path, name = Path(sys.argv[1]), sys.argv[2]
store = ProgressStore(path)
progress = store.load().progress
for index in range(40):
    progress.meet(f"{name}-{index}")
    progress.visit("part0" + str(1 + index % 6))
    progress, notice = store.save(progress)
    assert notice is None, notice
"""


def test_two_sessions_at_once_never_corrupt_or_lose_each_others_work(
    progress_path: Path,
) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", CONCURRENT_WRITER, str(progress_path), name],
                         stderr=subprocess.PIPE, text=True)
        for name in ("one", "two")
    ]
    for writer in writers:
        _, error = writer.communicate(timeout=120)
        assert writer.returncode == 0, error
    data = saved(progress_path)
    expected = {f"{name}-{index}" for name in ("one", "two") for index in range(40)}
    assert set(data["self_checks"]) == expected
    assert leftovers(progress_path.parent) == []
    assert not list(progress_path.parent.glob("*.corrupt-*"))


def test_merge_unites_work_and_keeps_the_best_score() -> None:
    mine = Progress(visited={"part01"}, done={"part01"}, resume_page="part02",
                    quiz_answers={"1": 1}, quiz_best=2)
    theirs = Progress(visited={"part03"}, self_checks={"part02-90"}, resume_page="part03",
                      quiz_answers={"1": 0, "2": 1}, quiz_best=4)
    merged = merge(mine, theirs)
    assert merged.visited == {"part01", "part03"}
    assert merged.done == {"part01"}
    assert merged.self_checks == {"part02-90"}
    assert merged.resume_page == "part02"
    assert merged.quiz_answers == {"1": 1, "2": 1}  # a tie on "1": the caller's own wins
    assert merged.quiz_best == 4
    assert merge(Progress(), theirs).resume_page == "part03"


def test_reset_keeps_a_backup(progress_path: Path) -> None:
    store = ProgressStore(progress_path)
    assert store.reset() is None  # nothing to reset
    store.save(Progress(visited={"part04"}))
    backup = store.reset()
    assert backup is not None and backup.name.startswith("progress.reset-")
    assert saved(backup)["visited"] == ["part04"]
    assert store.load().progress == Progress()


def test_self_check_names_are_human() -> None:
    assert LESSON.self_check_name("part02-90") == "Reached 90% by hand in Part 02"
    assert LESSON.self_check_name("part03-something") == "Self-check in Part 03"


# -- the app with a store ---------------------------------------------------------------


async def test_every_change_is_saved_as_it_happens(  # type: ignore[no-untyped-def]
    make_stored_app, progress_path: Path,
) -> None:
    app = make_stored_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert saved(progress_path)["resume_page"] == "part01"
        await pilot.press("n")
        await pilot.pause()
        data = saved(progress_path)
        assert data["done"] == ["part01"]
        assert data["resume_page"] == "part02"
        app.progress_meet("part02-90")
        assert saved(progress_path)["self_checks"] == ["part02-90"]


async def test_resume_says_welcome_back_and_enter_continues(  # type: ignore[no-untyped-def]
    make_stored_app, progress_path: Path,
) -> None:
    ProgressStore(progress_path).save(
        Progress(visited={"opening", "part01", "part02", "part03"}, done={"part01", "part02"},
                 resume_page="part03")
    )
    app = make_stored_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.resumed
        text = str(app.screen.query_one("#continue").render())
        assert "Welcome back" in text and "Part 03" in text
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_page == "part03"
        await pilot.press("p", "p", "p")
        await pilot.pause()
        assert app.current_page == "opening"
        assert "Welcome back" not in str(app.screen.query_one("#continue").render())


async def test_a_corrupt_file_is_reported_and_the_lesson_starts_fresh(  # type: ignore[no-untyped-def]
    make_stored_app, progress_path: Path,
) -> None:
    progress_path.parent.mkdir(parents=True)
    progress_path.write_text('{"visited": ["part01", ', encoding="utf-8")
    app = make_stored_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_page == "opening"
        assert not app.resumed
        messages = [n.message for n in app_notifications(app)]
        assert any("starts fresh" in message for message in messages)
        assert "Start with Part 01" in str(app.screen.query_one("#continue").render())
        await pilot.press("1")
        await pilot.pause()
    assert saved(progress_path)["visited"] == ["opening", "part01"]
    (backup,) = progress_path.parent.glob("progress.corrupt-*.json")
    assert backup.read_text(encoding="utf-8") == '{"visited": ["part01", '


async def test_app_without_a_store_writes_nothing(  # type: ignore[no-untyped-def]
    make_app, state_dir: Path,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
    assert not state_dir.exists()


OPENING_WITHOUT_SKLEARN = textwrap.dedent("""
    import asyncio, sys
    from neuron_tui.app import NeuronApp
    from neuron_tui.lesson.content import load_content
    async def main():
        app = NeuronApp(load_content())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("1")
            await pilot.pause()
        print("sklearn" in sys.modules)
    asyncio.run(main())
""")


def test_the_lesson_starts_without_importing_sklearn() -> None:
    result = subprocess.run([sys.executable, "-c", OPENING_WITHOUT_SKLEARN],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
