"""What the learner has done so far, and the file that keeps it between sessions.

`Progress` is plain data (parts visited and finished, self-checks met, quiz answers
with the time each was given, the best score, the page to resume at) with a
`to_dict`/`from_dict` pair; the screens only ever call the app, which records here.
`ProgressStore` saves it as JSON, atomically and under a lock, merges with any other
session's saves without dropping an answer, and recovers from a damaged file without
losing it. The bytes on disk are read and written by `progress_file`, which refuses
anything but a regular file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neuron_tui.lesson.progress_file import (
    NotARegularFile,
    ProgressFileError,
    fsync_folder,
    read_document,
    real_path,
    remove_leftover_temp_files,
    special_file_problem,
    write_document,
)
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
    #: When each answer in `quiz_answers` was given (seconds since the epoch); an
    #: answer without a time (saved before times were kept) counts as the oldest.
    quiz_answered_at: dict[str, float] = field(default_factory=dict)
    #: When the learner last chose to retake the quiz: answers given before it are
    #: no longer part of the current attempt, in this session or any other.
    quiz_retaken_at: float | None = None
    #: The language the learner picked on the opening screen ("es"), None if never:
    #: it beats the locale on the next start (not --lang), here or on a class server.
    lang: str | None = None

    def _stamp(self, now: float | None) -> float:
        """A time later than every time already recorded here (clocks can step back)."""
        now = time.time() if now is None else now
        latest = max([*self.quiz_answered_at.values(), self.quiz_retaken_at or 0.0])
        return now if now > latest else latest + 1e-6

    def answer(self, question: str, option: int, now: float | None = None) -> None:
        """Record the answer `option` to quiz question `question` ("1".."5"), timed."""
        self.quiz_answers[question] = option
        self.quiz_answered_at[question] = self._stamp(now)

    def retake(self, now: float | None = None) -> None:
        """Forget the current attempt's answers (the best score stays)."""
        self.quiz_retaken_at = self._stamp(now)
        self.quiz_answers.clear()
        self.quiz_answered_at.clear()

    def fit_quiz(self, questions: int) -> None:
        """Drop what cannot belong to a quiz of `questions` questions (a hand-edited file)."""
        for key in [key for key in self.quiz_answers if key not in
                    {str(number) for number in range(1, questions + 1)}]:
            del self.quiz_answers[key]
            self.quiz_answered_at.pop(key, None)
        if self.quiz_best is not None and self.quiz_best > questions:
            self.quiz_best = None

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
            "quiz_answered_at": {
                key: at for key, at in self.quiz_answered_at.items() if key in self.quiz_answers
            },
            "quiz_retaken_at": self.quiz_retaken_at,
            "quiz_best": self.quiz_best,
            # Only once picked: files without a choice stay as they were.
            **({"lang": self.lang} if self.lang else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], lesson: Lesson = LESSON) -> Progress:
        """Rebuild from `to_dict` output, ignoring anything unknown or malformed."""
        def names(key: str) -> set[str]:
            value = data.get(key, [])
            return {item for item in value if isinstance(item, str)} if isinstance(
                value, list
            ) else set()

        def times(value: Any) -> dict[str, float]:
            if not isinstance(value, dict):
                return {}
            return {str(k): float(v) for k, v in value.items() if is_time(v)}

        resume = data.get("resume_page")
        answers = data.get("quiz_answers")
        best = data.get("quiz_best")
        retaken = data.get("quiz_retaken_at")
        lang = data.get("lang")
        quiz_answers = {
            str(k): v for k, v in answers.items() if is_count(v)
        } if isinstance(answers, dict) else {}
        return cls(
            visited=names("visited"),
            done=names("done"),
            self_checks=names("self_checks"),
            resume_page=resume if isinstance(resume, str) and lesson.has_page(resume)
            else lesson.first,
            quiz_answers=quiz_answers,
            quiz_best=best if is_count(best) else None,
            quiz_answered_at={
                k: at for k, at in times(data.get("quiz_answered_at")).items()
                if k in quiz_answers
            },
            quiz_retaken_at=float(retaken) if is_time(retaken) else None,
            # Any well-formed code is kept, so a newer neuron-tui's language survives a save.
            lang=lang if is_language_code(lang) else None,
        )


def is_count(value: Any) -> bool:
    """A whole number from 0 up (not a bool, which JSON's true would give)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_language_code(value: Any) -> bool:
    """A language code as the progress keeps it: two or three lowercase ASCII letters."""
    return isinstance(value, str) and 2 <= len(value) <= 3 and value.isascii() and (
        value.isalpha() and value.islower())


def is_time(value: Any) -> bool:
    """A finite, non-negative number of seconds since the epoch."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and 0 <= value < float("inf"))


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

    Sets are united and the best quiz score is the higher one. Each quiz answer keeps
    the time it was given: for a question both answered, the later answer wins (the
    caller's on a tie); answers to other questions stay. Only the learner's own
    choice to retake the quiz drops answers, and only those given before it. The page
    to resume at is the caller's: it is the session that just did something, and so is
    the language, if the caller's session has picked one.
    """
    best_scores = [score for score in (mine.quiz_best, theirs.quiz_best) if score is not None]
    retakes = [at for at in (mine.quiz_retaken_at, theirs.quiz_retaken_at) if at is not None]
    retaken_at = max(retakes) if retakes else None
    answers: dict[str, int] = {}
    answered_at: dict[str, float] = {}
    for record in (theirs, mine):  # mine second: it wins a tie
        for question, option in record.quiz_answers.items():
            at = record.quiz_answered_at.get(question, 0.0)
            if retaken_at is not None and at <= retaken_at:
                continue
            if question not in answers or at >= answered_at[question]:
                answers[question] = option
                answered_at[question] = at
    return Progress(
        visited=mine.visited | theirs.visited,
        done=mine.done | theirs.done,
        self_checks=mine.self_checks | theirs.self_checks,
        resume_page=mine.resume_page if mine.resume_page != LESSON.first else theirs.resume_page,
        quiz_answers=answers,
        quiz_best=max(best_scores) if best_scores else None,
        quiz_answered_at={q: at for q, at in answered_at.items() if at > 0.0},
        quiz_retaken_at=retaken_at,
        lang=mine.lang or theirs.lang,
    )


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
      A symlinked file is updated through the link, and keeps its permissions.
    - Saves hold an exclusive `flock` on `<file>.lock` and merge with what is on disk
      first, so two sessions of the same learner never lose each other's work.
    - A file that cannot be read or parsed is never overwritten: it is renamed to
      `<name>.corrupt-<timestamp>.json` and the learner is told.
    - Anything but a regular file at the path (a FIFO, a device) is never read, renamed
      or replaced: the learner is told and nothing is saved.
    - A file written by a newer neuron-tui (a higher "version") is copied to
      `<name>.newer-<timestamp>.json` before this version first writes over it.
    """

    def __init__(self, path: Path, lesson: Lesson = LESSON) -> None:
        self.path = Path(path)
        self.lesson = lesson
        #: The identity (inode, size, mtime) of the newer-format file last backed up.
        self._newer_backed_up: tuple[int, int, int] | None = None

    @property
    def lock_path(self) -> Path:
        """`<file>.lock` beside the real file (links followed: one lock per file)."""
        target = real_path(self.path)
        return target.with_name(target.name + ".lock")

    # -- reading ------------------------------------------------------------------------

    def _read(self) -> tuple[Progress, int] | None:
        """(progress, format version) on disk; None when there is no file.

        Raises ProgressFileError if unusable (NotARegularFile if not a regular file).
        """
        data = read_document(self.path)
        if data is None:
            return None
        version = data.get("version")
        if not is_count(version):
            version = FORMAT_VERSION
        return Progress.from_dict(data, self.lesson), version

    def _move_aside(self, reason: str) -> str:
        """Rename the unusable file to a backup name; return what to tell the learner."""
        backup = self.backup_path("corrupt")
        try:
            os.replace(real_path(self.path), backup)
        except OSError as error:
            return (
                f"Your progress file {self.path} {reason} and could not be moved aside "
                f"({error.strerror or error}); the lesson starts fresh and will not save."
            )
        return (
            f"Your progress file {reason}. It was kept as {backup.name} in {backup.parent} "
            "and the lesson starts fresh."
        )

    def _not_used(self, error: NotARegularFile) -> str:
        return (
            f"{self.path} {error}: progress is not read or saved there "
            "(give a file name with --progress)."
        )

    def _keep_newer(self, version: int) -> str | None:
        """Copy a file written by a newer neuron-tui before it is written over.

        Returns the learner's notice, or None when this very file is already kept.
        """
        target = real_path(self.path)
        info = os.stat(target)
        identity = (info.st_ino, info.st_size, info.st_mtime_ns)
        if identity == self._newer_backed_up:
            return None
        backup = self.backup_path("newer")
        shutil.copy2(target, backup)
        self._newer_backed_up = identity
        return (
            f"Your progress file was written by a newer neuron-tui (format {version}; this "
            f"one reads format {FORMAT_VERSION}). A copy was kept as {backup.name} in "
            f"{backup.parent}; this version keeps what it understands."
        )

    def backup_path(self, label: str) -> Path:
        """A new, unused `<stem>.<label>-<timestamp>.json` beside the progress file."""
        target = real_path(self.path)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        candidate = target.with_name(f"{target.stem}.{label}-{stamp}.json")
        counter = 1
        while candidate.exists() or candidate.is_symlink():
            counter += 1
            candidate = target.with_name(f"{target.stem}.{label}-{stamp}-{counter}.json")
        return candidate

    def load(self) -> LoadResult:
        """Read the saved progress; a damaged file is moved aside and the learner told."""
        notice = None
        try:
            with self._locked():
                try:
                    found = self._read()
                except NotARegularFile as error:
                    return LoadResult(Progress(), self._not_used(error))
                except ProgressFileError as error:
                    return LoadResult(Progress(), self._move_aside(str(error)))
                if found is not None and found[1] > FORMAT_VERSION:
                    notice = self._keep_newer(found[1])
        except OSError as error:
            return LoadResult(Progress(), f"Progress cannot be read or saved: {error}")
        if found is None:
            return LoadResult(Progress())
        progress = found[0]
        return LoadResult(
            progress, notice, resumed=bool(progress.visited - {self.lesson.first})
        )

    # -- writing ------------------------------------------------------------------------

    def save(self, progress: Progress) -> tuple[Progress, str | None]:
        """Merge `progress` with the file and write the result atomically.

        Returns the merged progress and a notice for the learner (None when all went
        well). Never raises for file-system trouble: that comes back as the notice.
        """
        notice = None
        try:
            with self._locked():
                remove_leftover_temp_files(self.path)
                try:
                    found = self._read()
                except NotARegularFile as error:
                    return progress, self._not_used(error)
                except ProgressFileError as error:
                    notice = self._move_aside(str(error))
                    found = None
                if found is not None and found[1] > FORMAT_VERSION:
                    notice = self._keep_newer(found[1]) or notice
                merged = merge(progress, found[0]) if found is not None else progress
                write_document(self.path, {"version": FORMAT_VERSION, **merged.to_dict()})
        except NotARegularFile as error:
            return progress, self._not_used(error)
        except OSError as error:
            return progress, f"Progress could not be saved: {error}"
        return merged, notice

    def reset(self) -> Path | None:
        """Start over: keep the current file as a `reset` backup; return the backup path.

        Raises OSError if it cannot, and NotARegularFile for anything but a regular file.
        """
        with self._locked():
            target = real_path(self.path)
            if not target.exists():
                return None
            problem = special_file_problem(target)
            if problem:
                raise NotARegularFile(f"{self.path} {problem}")
            backup = self.backup_path("reset")
            os.replace(target, backup)
            fsync_folder(target.parent)
            return backup

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the lock file (a no-op where flock does not exist)."""
        lock_path = self.lock_path
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a+b") as lock_file:
            if fcntl is not None:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
