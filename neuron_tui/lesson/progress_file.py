"""Reading and writing the progress file's bytes safely, whatever is at its path.

A progress file is a small JSON document in a regular file. Whatever else a learner
(or an accident) puts at that path must neither hang, exhaust memory, crash the
lesson nor be renamed or replaced:

- only a regular file (or a symlink to one) is read; a FIFO, a device node, a socket
  or a folder raises `NotARegularFile`, and the store then never moves or replaces it;
- opening never blocks (`O_NONBLOCK`, so a FIFO with no writer cannot hang `open`)
  and at most `MAX_PROGRESS_BYTES` are read;
- any text that is not a JSON object (too many digits, nesting beyond what Python's
  parser allows, not UTF-8, not JSON at all) raises `ProgressFileError`, so the store
  moves it aside and the lesson starts fresh.

Writes go to a temporary file beside the real one (symlinks followed, so a linked
progress file stays a link), keep the file's permissions, and replace it atomically.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

#: A real progress file is a few kilobytes; anything far larger is not one.
MAX_PROGRESS_BYTES = 1024 * 1024

#: Permissions of a new progress file before the umask (as `open()` would create it).
NEW_FILE_MODE = 0o666


class ProgressFileError(Exception):
    """The progress file exists but cannot be used (not JSON, wrong shape, unreadable)."""


class NotARegularFile(ProgressFileError):
    """Something other than a regular file is at the progress path; never touch it."""


def kind_of(mode: int) -> str:
    """A learner-readable name for what a `st_mode` describes."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def special_file_problem(path: Path) -> str:
    """Why `path` cannot be a progress file because of what it is, or "" if it can.

    A path that does not exist yet is fine; so is a regular file or a link to one.
    Never opens the path, so a FIFO cannot block here.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return ""
    except OSError as error:
        return f"cannot be examined ({error.strerror or error})"
    if stat.S_ISREG(mode):
        return ""
    return f"is {kind_of(mode)}, not a regular file"


def real_path(path: Path) -> Path:
    """`path` with symlinks followed, so that saves update a linked file in place."""
    return Path(os.path.realpath(path))


def read_document(path: Path) -> dict[str, Any] | None:
    """The JSON object in the progress file; None when there is no file.

    Raises `NotARegularFile` for anything but a regular file and `ProgressFileError`
    for a file that is unreadable, too large, or not a JSON object.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
            raise NotARegularFile(special_file_problem(path) or "is not a regular file") from error
        raise ProgressFileError(f"cannot be read ({error.strerror or error})") from error
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(f"is {kind_of(mode)}, not a regular file")
        try:
            raw = handle.read(MAX_PROGRESS_BYTES + 1)
        except OSError as error:
            raise ProgressFileError(f"cannot be read ({error.strerror or error})") from error
    if len(raw) > MAX_PROGRESS_BYTES:
        raise ProgressFileError(
            f"is larger than {MAX_PROGRESS_BYTES // 1024} KiB, far more than any progress"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProgressFileError(f"is not UTF-8 text ({error.reason})") from error
    try:
        data = json.loads(text)
    except RecursionError as error:
        raise ProgressFileError("is not a progress record (nested too deeply)") from error
    except ValueError as error:  # JSONDecodeError, and integers of thousands of digits
        raise ProgressFileError(f"is not valid JSON ({error})") from error
    if not isinstance(data, dict):
        raise ProgressFileError("does not hold a progress record")
    return data


def write_document(path: Path, data: dict[str, Any]) -> None:
    """Replace the file at `path` (symlinks followed) by `data`, atomically and durably.

    The new file keeps the old one's permissions (a new one gets the usual
    `0666 & ~umask`). Raises `NotARegularFile` rather than replace anything but a
    regular file, and OSError for file-system trouble.
    """
    target = real_path(path)
    problem = special_file_problem(target)
    if problem:
        raise NotARegularFile(problem)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE & ~current_umask()
    descriptor, temp_name = tempfile.mkstemp(
        dir=target.parent, prefix=temp_prefix(target), suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    fsync_folder(target.parent)


def temp_prefix(target: Path) -> str:
    """The name every temporary file of `target` starts with."""
    return f".{target.name}."


def remove_leftover_temp_files(path: Path) -> None:
    """Delete temporary files a killed save left beside the progress file.

    Call only while holding the store's lock: then no save is writing one.
    """
    target = real_path(path)
    prefix = temp_prefix(target)
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if entry.is_file(follow_symlinks=False):
                        os.unlink(entry.path)


def current_umask() -> int:
    """The process's umask, read without changing it (Linux); 0o077 when unknown."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    return 0o077


def fsync_folder(folder: Path) -> None:
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
