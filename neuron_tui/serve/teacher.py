"""Who may open the class view over SSH, and how it is started for them.

``--teacher-keys FILE`` (OpenSSH authorized_keys format) lets those keys log in
as ``teacher``; that session runs the class view (``python -m neuron_tui class
--socket PATH``) in its own pty, as a learner's runs the lesson. The name
``teacher`` (case-folded, as every learner name) is reserved: no learner can use
it, and no password and no learner key opens it, whatever the server's other
flags. Learners' keys (``--authorized-keys``) are checked here too, so the server
knows which key logged in and can bind a name to the first key that used it.
"""

from __future__ import annotations

from pathlib import Path

import asyncssh

from neuron_tui.i18n import N_, SOURCE_LANGUAGE, _
from neuron_tui.serve.names import learner_key

__all__ = [
    "TEACHER_NAME",
    "TEACHER_SOCKET_VARIABLE",
    "KeyFileError",
    "is_teacher_name",
    "key_allowed",
    "read_keys",
    "view_argv_env",
]

#: The SSH user name that opens the class view.
TEACHER_NAME = "teacher"
#: The environment variable that tells the class view where the hub listens.
TEACHER_SOCKET_VARIABLE = "NEURON_TUI_TEACHER_SOCKET"

#: Told to a learner who picks the reserved name (translated where it is said).
NAME_RESERVED = N_(
    "neuron-tui: the name 'teacher' is kept for the teacher; log in with your own name"
)
#: Told when the class view cannot be opened (the hub is not listening).
VIEW_UNAVAILABLE = N_("neuron-tui: the class view is not available on this server now")


class KeyFileError(ValueError):
    """An authorized_keys file that cannot be used; the message is one line."""


def is_teacher_name(username: str) -> bool:
    """Whether `username` is the teacher's (``teacher``, ``Teacher``, ``TEACHER`` …)."""
    return learner_key(username) == TEACHER_NAME


def read_keys(path: Path, flag: str) -> asyncssh.SSHAuthorizedKeys:
    """The keys listed in `path`; KeyFileError naming `flag` when it cannot be used."""
    try:
        keys = asyncssh.read_authorized_keys(str(path))
    except OSError as error:
        raise KeyFileError(f"{flag}: " + _("cannot read {path}: {error}").format(
            path=path, error=error.strerror or error)) from None
    except (ValueError, asyncssh.KeyImportError) as error:
        raise KeyFileError(f"{flag}: " + _("{path} is not an authorized_keys file: {error}")
                           .format(path=path, error=error)) from None
    return keys


def key_allowed(
    keys: asyncssh.SSHAuthorizedKeys | None, key: asyncssh.SSHKey, address: str
) -> bool:
    """Whether `key` is listed in `keys` for a client at `address` (``from=`` is honoured)."""
    return keys is not None and keys.validate(key, address, address) is not None


def view_argv_env(
    python_argv: list[str], socket_path: Path, term: str, home: Path,
    lang: str = SOURCE_LANGUAGE,
) -> tuple[list[str], dict[str, str]]:
    """The class view's command line and whole environment for a teacher's SSH session.

    `python_argv` is how the server starts the lesson (``python -I -m neuron_tui``);
    the view is its ``class`` command, in the server's language `lang` (the teacher's:
    the client's locale does not reach the server; ``LANG=C.UTF-8`` below means English).
    """
    argv = [*python_argv, "class", "--socket", str(socket_path)]
    if lang != SOURCE_LANGUAGE:
        argv += ["--lang", lang]
    env = {
        "TERM": term,
        "LANG": "C.UTF-8",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        TEACHER_SOCKET_VARIABLE: str(socket_path),
        # Opening a link must never start a program on the server.
        "BROWSER": "true",
    }
    return argv, env
