"""The command line: options, check-content, one-line errors and exit codes."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from neuron_tui.__main__ import build_parser, main
from neuron_tui.lesson.content import default_content_dir


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "neuron_tui", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})},
    )


@pytest.fixture
def broken_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(default_content_dir(), folder)
    (folder / "part04.md").unlink()
    quiz = folder / "quiz.toml"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text.replace('explanation = "That is the job of the weights', 'note = "', 1),
                    encoding="utf-8")
    return folder


def test_help_documents_every_option() -> None:
    result = run("--help")
    assert result.returncode == 0
    for option in ("--part", "--content", "--progress", "--reset-progress", "check-content",
                   "--version"):
        assert option in result.stdout


def test_check_content_accepts_the_shipped_content() -> None:
    result = run("check-content")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_check_content_reports_each_problem_with_file_and_line(broken_content: Path) -> None:
    result = run("check-content", str(broken_content))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{broken_content / 'part04.md'}: missing" in result.stderr
    assert f"{broken_content / 'quiz.toml'}:8: question 1 option a has no explanation" in (
        result.stderr)


def test_check_content_uses_content_option_too(broken_content: Path) -> None:
    assert run("--content", str(broken_content), "check-content").returncode == 1


def test_check_content_on_a_missing_folder(tmp_path: Path) -> None:
    result = run("check-content", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "content folder not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_lesson_refuses_invalid_content_with_the_same_message(broken_content: Path) -> None:
    lesson = run("--content", str(broken_content))
    check = run("check-content", str(broken_content))
    assert lesson.returncode == 1
    assert lesson.stderr == check.stderr
    assert "Traceback" not in lesson.stderr


@pytest.mark.parametrize("args", [["--part", "9"], ["--part", "two"], ["--bogus"],
                                  ["--part", " 3 "], ["--part", "\uff13"], ["--part", "+3"],
                                  ["--part", "\u0663"], ["check-content", "a", "b"],
                                  ["--content", "/no/such/folder"]])
def test_bad_arguments_are_one_line_errors_with_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_part_option_still_parses() -> None:
    args = build_parser().parse_args(["--part", "2"])
    assert args.part == 2 and args.command is None


def test_reset_progress_keeps_a_backup_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run main() with the app's run() stubbed: the reset happens before the lesson starts."""
    progress = tmp_path / "mine.json"
    progress.write_text('{"visited": ["part01"], "resume_page": "part01"}', encoding="utf-8")
    started = {}

    def fake_run(self) -> None:  # type: ignore[no-untyped-def]
        started["progress"] = self.progress
        started["notices"] = list(self.notices)
        started["path"] = self.store.path

    monkeypatch.setattr("neuron_tui.app.NeuronApp.run", fake_run)
    monkeypatch.setattr("neuron_tui.__main__.terminal_problem", lambda: "")
    assert main(["--progress", str(progress), "--reset-progress"]) == 0
    assert started["path"] == progress
    assert started["progress"].visited == set()
    assert any("reset" in notice for notice in started["notices"])
    (backup,) = tmp_path.glob("mine.reset-*.json")
    assert "part01" in backup.read_text(encoding="utf-8")


def test_default_store_lives_in_the_state_dir(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = {}
    monkeypatch.setattr("neuron_tui.app.NeuronApp.run",
                        lambda self: seen.setdefault("path", self.store.path))
    monkeypatch.setattr("neuron_tui.__main__.terminal_problem", lambda: "")
    assert main(["--part", "3"]) == 0
    assert seen["path"] == state_dir / "progress.json"


def test_without_a_terminal_the_lesson_says_so_and_exits_2(tmp_path: Path) -> None:
    """`neuron-tui < /dev/null > out 2> err` used to run forever, filling err."""
    env = {key: value for key, value in os.environ.items() if key != "TEXTUAL_DRIVER"}
    result = subprocess.run(
        [sys.executable, "-m", "neuron_tui", "--progress", str(tmp_path / "p.json")],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30, env=env,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "needs a terminal" in result.stderr
    assert "\x1b" not in result.stderr + result.stdout
    assert not (tmp_path / "p.json").exists()


def special_files(tmp_path: Path) -> list[Path]:
    """A FIFO, and (as root) a twin of /dev/null made with mknod."""
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    found = [fifo]
    if os.geteuid() == 0:
        device = tmp_path / "null.json"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        found.append(device)
    return found


def test_a_special_file_as_progress_is_a_one_line_error(tmp_path: Path) -> None:
    for special in special_files(tmp_path):
        mode = os.lstat(special).st_mode
        result = subprocess.run(
            [sys.executable, "-m", "neuron_tui", "--progress", str(special)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
        )
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "not a regular file" in result.stderr
        assert os.lstat(special).st_mode == mode  # neither renamed nor replaced
    assert not [path for path in tmp_path.iterdir() if "corrupt" in path.name]
