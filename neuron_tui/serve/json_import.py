"""Reading a class's ``learners/*.json`` progress files for the store's first start.

Before the class store existed, ``serve ssh`` kept each learner's progress in
``STATE/learners/<stem>.json`` (:func:`neuron_tui.serve.names.learner_file_name`).
:func:`read_learner_files` reads them all with the lesson's own reader
(:mod:`neuron_tui.lesson.progress`), so every answer, answer time, self-check and
part comes across. It only reads: the files stay where they are (the lessons keep
them as their local fallback), and a damaged one is reported and left untouched for
the lesson to move aside when its learner next logs in. The lesson's backups
(``<stem>.corrupt-…json``, ``.newer-…``, ``.reset-…``) are not learners and are skipped.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from neuron_tui.lesson.progress import Progress
from neuron_tui.lesson.progress_file import ProgressFileError, read_document

__all__ = ["ImportedLearner", "JsonImport", "is_backup_name", "read_learner_files"]

#: How the lesson names the copies it keeps beside a progress file (see ProgressStore).
_BACKUP_NAME = re.compile(r"\.(corrupt|newer|reset)-\d{8}-\d{6}(-\d+)?\.json$")


def is_backup_name(file_name: str) -> bool:
    """Whether `file_name` is a backup the lesson made, not a learner's progress file."""
    return bool(_BACKUP_NAME.search(file_name))


@dataclass(frozen=True)
class ImportedLearner:
    """One progress file read: its stem, the progress, and when it shows the learner was seen."""

    stem: str
    file_name: str
    progress: Progress
    first_seen: float
    last_seen: float


@dataclass
class JsonImport:
    """What a learners folder held: the learners read, and the files that could not be."""

    learners: list[ImportedLearner] = field(default_factory=list)
    #: (file name, one line saying why it was not read); the file itself is left as it is.
    problems: list[tuple[str, str]] = field(default_factory=list)


def _seen(progress: Progress, modified: float) -> tuple[float, float]:
    """First and last seen: the earliest and latest time the file records, or its mtime."""
    times = [*progress.quiz_answered_at.values(), modified]
    if progress.quiz_retaken_at is not None:
        times.append(progress.quiz_retaken_at)
    return min(times), max(times)


def read_learner_files(folder: Path) -> JsonImport:
    """Read every learner's progress file in `folder` (none when it does not exist)."""
    result = JsonImport()
    try:
        entries = sorted(folder.iterdir())
    except FileNotFoundError:
        return result
    except OSError as error:
        result.problems.append((str(folder), f"cannot be listed ({error.strerror or error})"))
        return result
    for path in entries:
        if path.suffix != ".json" or is_backup_name(path.name):
            continue
        try:
            document = read_document(path)
            modified = os.stat(path).st_mtime
        except (ProgressFileError, OSError) as error:
            result.problems.append((path.name, str(error)))
            continue
        if document is None:  # removed while we looked
            continue
        progress = Progress.from_dict(document)
        first, last = _seen(progress, modified)
        result.learners.append(ImportedLearner(path.stem, path.name, progress, first, last))
    return result
