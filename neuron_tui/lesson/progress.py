"""What the learner has done so far, and the file that keeps it between sessions.

`Progress` is plain data (parts visited and finished, self-checks met, quiz answers
and best score, the page to resume at) with a `to_dict`/`from_dict` pair; the screens
only ever call the app, which records here. `ProgressStore` saves it as JSON,
atomically and under a lock, and recovers from a damaged file without losing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.paths import default_state_dir

try:  # POSIX; elsewhere two sessions at once are not guarded against
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]



@dataclass
class Progress:
    """A learner's progress through the lesson."""

    visited: set[str] = field(default_factory=set)
    done: set[str] = field(default_factory=set)
    self_checks: set[str] = field(default_factory=set)
    resume_page: str = LESSON.first
    quiz_answers: dict[str, int] = field(default_factory=dict)
    quiz_best: int | None = None

    def visit(self, page: str) -> bool:
        """Record a visit; returns whether anything changed."""
        changed = page not in self.visited or self.resume_page != page
        self.visited.add(page)
        if page != LESSON.first:
            self.resume_page = page
        return changed

    def finish(self, page: str) -> bool:
        """Mark a part as done; returns whether it was new."""
        if page in self.done:
            return False
        self.done.add(page)
        return True

    def meet(self, check: str) -> bool:
        """Record a self-check as met; returns whether it was new."""
        if check in self.self_checks:
            return False
        self.self_checks.add(check)
        return True

    def state_of(self, page: str) -> str:
        """"done", "started" or "todo" for the opening's list of parts."""
        if page in self.done:
            return "done"
        if page in self.visited:
            return "started"
        return "todo"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "visited": sorted(self.visited),
            "done": sorted(self.done),
            "self_checks": sorted(self.self_checks),
            "resume_page": self.resume_page,
            "quiz_answers": dict(self.quiz_answers),
            "quiz_best": self.quiz_best,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], lesson: Lesson = LESSON) -> Progress:
        """Rebuild from `to_dict` output, ignoring anything unknown or malformed."""
        def names(key: str) -> set[str]:
            value = data.get(key, [])
            return {item for item in value if isinstance(item, str)} if isinstance(
                value, list
            ) else set()

        resume = data.get("resume_page")
        answers = data.get("quiz_answers")
        best = data.get("quiz_best")
        return cls(
            visited=names("visited"),
            done=names("done"),
            self_checks=names("self_checks"),
            resume_page=resume if isinstance(resume, str) and lesson.has_page(resume)
            else lesson.first,
            quiz_answers={
                str(k): v for k, v in answers.items() if isinstance(v, int)
            } if isinstance(answers, dict) else {},
            quiz_best=best if isinstance(best, int) else None,
        )


# ---------------------------------------------------------------------------
# Saving progress to disk
# ---------------------------------------------------------------------------

PROGRESS_FILE_NAME = "progress.json"
FORMAT_VERSION = 1

def default_progress_path() -> Path:
    """`$NEURON_TUI_STATE_DIR/progress.json`, else the user's state dir (platformdirs)."""
    return default_state_dir() / PROGRESS_FILE_NAME


def merge(mine: Progress, theirs: Progress) -> Progress:
    """Combine two records of the same learner (two sessions at once) without losing work.

    Sets are united and the best quiz score is the higher one; where only one value can
    win (the page to resume at, the answers of the current quiz attempt) the caller's
    own value wins: it is the session that just did something.
    """
    best_scores = [score for score in (mine.quiz_best, theirs.quiz_best) if score is not None]
    return Progress(
        visited=mine.visited | theirs.visited,
        done=mine.done | theirs.done,
        self_checks=mine.self_checks | theirs.self_checks,
        resume_page=mine.resume_page if mine.resume_page != LESSON.first else theirs.resume_page,
        quiz_answers=dict(mine.quiz_answers),
        quiz_best=max(best_scores) if best_scores else None,
    )


class ProgressFileError(Exception):
    """The progress file exists but cannot be used (not JSON, wrong shape, unreadable)."""


@dataclass
class LoadResult:
    """What `ProgressStore.load` found: the progress and anything the learner must be told."""

    progress: Progress
    notice: str | None = None
    resumed: bool = False


class ProgressStore:
    """The learner's progress file: atomic writes, a lock between sessions, recovery.

    - Every save writes a temporary file in the same folder, flushes and fsyncs it,
      renames it over the real file (`os.replace`, atomic) and fsyncs the folder, so a
      process killed at any moment leaves either the old or the new file, never half.
    - Saves hold an exclusive `flock` on `<file>.lock` and merge with what is on disk
      first, so two sessions of the same learner never lose each other's work.
    - A file that cannot be read or parsed is never overwritten: it is renamed to
      `<name>.corrupt-<timestamp>.json` and the learner is told.
    """

    def __init__(self, path: Path, lesson: Lesson = LESSON) -> None:
        self.path = Path(path)
        self.lesson = lesson
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    # -- reading ------------------------------------------------------------------------

    def _read(self) -> Progress | None:
        """The progress on disk; None when there is no file; ProgressFileError if unusable."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise ProgressFileError(f"cannot be read ({error})") from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ProgressFileError(f"is not valid JSON ({error})") from error
        if not isinstance(data, dict):
            raise ProgressFileError("does not hold a progress record")
        return Progress.from_dict(data, self.lesson)

    def _move_aside(self, reason: str) -> str:
        """Rename the unusable file to a backup name; return what to tell the learner."""
        backup = self.backup_path("corrupt")
        try:
            os.replace(self.path, backup)
        except OSError as error:
            return (
                f"Your progress file {self.path} {reason} and could not be moved aside "
                f"({error.strerror or error}); the lesson starts fresh and will not save."
            )
        return (
            f"Your progress file {reason}. It was kept as {backup.name} in {backup.parent} "
            "and the lesson starts fresh."
        )

    def backup_path(self, label: str) -> Path:
        """A new, unused `<stem>.<label>-<timestamp>.json` beside the progress file."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        candidate = self.path.with_name(f"{self.path.stem}.{label}-{stamp}.json")
        counter = 1
        while candidate.exists():
            counter += 1
            candidate = self.path.with_name(f"{self.path.stem}.{label}-{stamp}-{counter}.json")
        return candidate

    def load(self) -> LoadResult:
        """Read the saved progress; a damaged file is moved aside and the learner told."""
        try:
            with self._locked():
                try:
                    progress = self._read()
                except ProgressFileError as error:
                    return LoadResult(Progress(), self._move_aside(str(error)))
        except OSError as error:
            return LoadResult(Progress(), f"Progress cannot be read or saved: {error}")
        if progress is None:
            return LoadResult(Progress())
        return LoadResult(progress, resumed=bool(progress.visited - {LESSON.first}))

    # -- writing ------------------------------------------------------------------------

    def save(self, progress: Progress) -> tuple[Progress, str | None]:
        """Merge `progress` with the file and write the result atomically.

        Returns the merged progress and a notice for the learner (None when all went
        well). Never raises for file-system trouble: that comes back as the notice.
        """
        notice = None
        try:
            with self._locked():
                try:
                    on_disk = self._read()
                except ProgressFileError as error:
                    notice = self._move_aside(str(error))
                    on_disk = None
                merged = merge(progress, on_disk) if on_disk is not None else progress
                self._write_atomically(merged)
        except OSError as error:
            return progress, f"Progress could not be saved: {error}"
        return merged, notice

    def _write_atomically(self, progress: Progress) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": FORMAT_VERSION, **progress.to_dict()}
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        descriptor, temp_name = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_name, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
        _fsync_folder(self.path.parent)

    def reset(self) -> Path | None:
        """Start over: keep the current file as a `reset` backup; return the backup path."""
        with self._locked():
            if not self.path.exists():
                return None
            backup = self.backup_path("reset")
            os.replace(self.path, backup)
            _fsync_folder(self.path.parent)
            return backup

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the lock file (a no-op where flock does not exist)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+b") as lock_file:
            if fcntl is not None:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (skipped where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
