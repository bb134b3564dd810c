"""Whatever is at the progress path, the lesson neither hangs, crashes nor destroys it.

Hostile contents are moved aside; special files (FIFOs, device nodes) are never read,
renamed or replaced; a file from a newer version is kept; saves keep the file's mode
and its symlink, and clean up after killed saves; nonsense values are not believed.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neuron_tui.lesson.progress import FORMAT_VERSION, Progress, ProgressStore
from neuron_tui.lesson.progress_file import (
    MAX_PROGRESS_BYTES,
    NotARegularFile,
    special_file_problem,
)


def names_in(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


# -- 1. hostile contents are moved aside, never fatal -----------------------------------

HOSTILE = {
    "a number of 5000 digits": '{"quiz_best": ' + "9" * 5000 + "}",
    "100 000 nested brackets": "[" * 100_000,
    "5000 nested inside visited": '{"visited": ' + "[" * 5000 + "]" * 5000 + "}",
    "nested objects": '{"a": ' * 3000 + "1" + "}" * 3000,
    "larger than any progress": json.dumps({"visited": ["x" * 1000] * 2000}),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_contents_are_moved_aside_and_the_lesson_starts(
    progress_path: Path, text: str
) -> None:
    progress_path.parent.mkdir(parents=True)
    progress_path.write_text(text, encoding="utf-8")
    result = ProgressStore(progress_path).load()
    assert result.progress == Progress()
    assert result.notice is not None and "kept as" in result.notice
    backups = [name for name in names_in(progress_path.parent) if ".corrupt-" in name]
    assert len(backups) == 1
    assert (progress_path.parent / backups[0]).read_text(encoding="utf-8") == text
    merged, notice = ProgressStore(progress_path).save(Progress(visited={"part01"}))
    assert notice is None and merged.visited == {"part01"}


def test_a_large_file_is_not_read_whole(progress_path: Path) -> None:
    progress_path.parent.mkdir(parents=True)
    with open(progress_path, "wb") as handle:
        handle.truncate(50 * MAX_PROGRESS_BYTES)  # sparse: costs no disk
    result = ProgressStore(progress_path).load()
    assert result.notice is not None and "larger than" in result.notice


# -- 2. special files: never read, renamed or replaced ----------------------------------


def run_isolated(code: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (a hang must not hang the test run)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=timeout,
    )


def test_a_fifo_is_neither_read_nor_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "progress.json"
    os.mkfifo(fifo)
    result = run_isolated(f"""
        from pathlib import Path
        from neuron_tui.lesson.progress import Progress, ProgressStore
        store = ProgressStore(Path({str(fifo)!r}))
        print(store.load().notice)
        print(store.save(Progress(visited={{"part01"}}))[1])
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("not a regular file") == 2, result.stdout
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert not [name for name in names_in(tmp_path) if "corrupt" in name or ".tmp" in name]


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
@pytest.mark.parametrize("device", [(1, 3), (1, 5)], ids=["null", "zero"])
def test_a_device_node_is_neither_read_nor_renamed(
    tmp_path: Path, device: tuple[int, int]
) -> None:
    node = tmp_path / "progress.json"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(*device))
    store = ProgressStore(node)
    assert "a device" in (store.load().notice or "")
    assert "a device" in (store.save(Progress(visited={"part01"}))[1] or "")
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert names_in(tmp_path) == ["progress.json", "progress.json.lock"]
    with pytest.raises(NotARegularFile):
        store.reset()
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_a_link_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "progress.json"
    link.symlink_to("/dev/zero")
    assert "a device" in special_file_problem(link)
    assert "a device" in (ProgressStore(link).load().notice or "")
    assert link.is_symlink()


# -- 3. a file from a newer version is kept ---------------------------------------------


def test_a_newer_version_is_kept_before_it_is_written_over(progress_path: Path) -> None:
    progress_path.parent.mkdir(parents=True)
    newer = {"version": FORMAT_VERSION + 98, "visited": ["part01"], "future": {"x": 1}}
    progress_path.write_text(json.dumps(newer), encoding="utf-8")
    store = ProgressStore(progress_path)
    loaded = store.load()
    assert loaded.progress.visited == {"part01"}
    assert loaded.notice is not None and "newer neuron-tui" in loaded.notice
    store.save(Progress(visited={"part02"}))
    store.save(Progress(visited={"part03"}))  # the same newer file is kept once
    backups = [name for name in names_in(progress_path.parent) if ".newer-" in name]
    assert len(backups) == 1
    assert json.loads((progress_path.parent / backups[0]).read_text()) == newer
    assert json.loads(progress_path.read_text())["visited"] == ["part01", "part02", "part03"]


def test_a_newer_version_written_meanwhile_is_kept_too(progress_path: Path) -> None:
    store = ProgressStore(progress_path)
    store.save(Progress(visited={"part01"}))
    newer = {"version": FORMAT_VERSION + 1, "visited": ["part04"], "future": True}
    progress_path.write_text(json.dumps(newer), encoding="utf-8")
    merged, notice = store.save(Progress(visited={"part02"}))
    assert notice is not None and "newer neuron-tui" in notice
    assert merged.visited == {"part02", "part04"}
    backups = [name for name in names_in(progress_path.parent) if ".newer-" in name]
    assert [json.loads((progress_path.parent / b).read_text()) for b in backups] == [newer]


# -- 4. mode, symlinks, leftovers, nonsense values ---------------------------------------


def test_a_save_keeps_the_files_mode(progress_path: Path) -> None:
    store = ProgressStore(progress_path)
    store.save(Progress())
    for mode in (0o644, 0o600, 0o640):
        os.chmod(progress_path, mode)
        store.save(Progress(visited={"part01"}))
        assert stat.S_IMODE(os.stat(progress_path).st_mode) == mode


def test_a_new_file_gets_the_usual_mode(progress_path: Path) -> None:
    old = os.umask(0o022)
    try:
        ProgressStore(progress_path).save(Progress())
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(progress_path).st_mode) == 0o644


def test_a_symlinked_file_stays_a_link_and_its_target_is_updated(tmp_path: Path) -> None:
    target = tmp_path / "kept" / "real.json"
    target.parent.mkdir()
    link = tmp_path / "progress.json"
    link.symlink_to(target)
    store = ProgressStore(link)
    store.save(Progress(visited={"part01"}))
    store.save(Progress(visited={"part02"}))
    assert link.is_symlink()
    assert json.loads(target.read_text())["visited"] == ["part01", "part02"]
    assert store.load().progress.visited == {"part01", "part02"}


def test_leftover_temp_files_of_killed_saves_are_cleaned(progress_path: Path) -> None:
    progress_path.parent.mkdir(parents=True)
    leftover = progress_path.parent / f".{progress_path.name}.k1ll3d.tmp"
    leftover.write_text("half a save")
    unrelated = progress_path.parent / ".other.json.abc.tmp"
    unrelated.write_text("not ours")
    ProgressStore(progress_path).save(Progress())
    assert not leftover.exists()
    assert unrelated.exists()


@pytest.mark.parametrize("best", [-3, True, False, 2.5, "4"])
def test_nonsense_scores_are_not_believed(best: object) -> None:
    assert Progress.from_dict({"quiz_best": best}).quiz_best is None


def test_nonsense_answers_are_not_believed() -> None:
    progress = Progress.from_dict({"quiz_answers": {"1": True, "2": -1, "3": 2, "4": 1.0}})
    assert progress.quiz_answers == {"3": 2}


def test_answers_and_scores_beyond_the_quiz_are_dropped() -> None:
    progress = Progress(quiz_answers={"1": 0, "6": 1, "x": 2}, quiz_best=9)
    progress.fit_quiz(5)
    assert progress.quiz_answers == {"1": 0} and progress.quiz_best is None
