"""What `neuron-tui serve ssh` was asked to do (:class:`SSHServeConfig`) and its host key.

The host key is ``STATE/ssh_host_ed25519_key``, made there the first time, unless
``--host-key FILE`` names one: behind a balancer every node serves the same key, so a
learner's client never warns that it changed, whichever node it lands on.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from neuron_tui.i18n import _
from neuron_tui.serve.auth import AuthPolicy
from neuron_tui.serve.limits import LessonLimits

__all__ = ["HOST_KEY_FILE", "HostKeyError", "SSHServeConfig", "load_host_key", "read_host_key"]

HOST_KEY_FILE = "ssh_host_ed25519_key"


class HostKeyError(Exception):
    """A ``--host-key`` file that cannot be used; the message is one line."""


@dataclass
class SSHServeConfig:
    """Everything `neuron-tui serve ssh` was asked to do."""

    state_dir: Path
    host: str = "127.0.0.1"
    port: int = 2222
    password: str | None = None
    authorized_keys: Path | None = None
    #: Keys that log in as `teacher` and get the class view (authorized_keys format).
    teacher_keys: Path | None = None
    max_sessions: int = 40
    max_per_address: int = 10
    login_timeout: float = 30.0
    keepalive_interval: float = 15.0
    keepalive_count_max: int = 4
    allow_uncompressed: bool = False
    low_bandwidth: bool = False
    content: Path | None = None
    #: Password attempts, backoff and the bound on connections still logging in.
    auth_policy: AuthPolicy = field(default_factory=AuthPolicy)
    #: Memory, priority, files and processes each lesson may use (None: no limits).
    lesson_limits: LessonLimits | None = field(default_factory=LessonLimits)
    #: The lesson's command line, before its per-learner flags (tests may change it).
    lesson_argv: list[str] = field(
        default_factory=lambda: [sys.executable, "-I", "-m", "neuron_tui"]
    )
    #: Fork lessons from a preloaded process (neuron_tui.zygote) rather than exec each one.
    prefork: bool = True
    #: Every connection starts with a PROXY v2 header from the balancer (--proxy-protocol).
    proxy_protocol: bool = False
    #: The host key file every node shares (--host-key; None: the state folder's own).
    host_key: Path | None = None
    #: The class store's address (--store; None: $NEURON_TUI_STORE, else SQLite).
    store: str | None = None
    #: This node's name in the class view (--node; None: hostname:port).
    node: str | None = None

    @property
    def auth_required(self) -> bool:
        """Whether learners must authenticate (always, except for the no-auth loopback case)."""
        return self.password is not None or self.authorized_keys is not None

    @property
    def compression_algs(self) -> list[str]:
        """zlib first; `none` only when uncompressed clients are allowed."""
        algs = ["zlib@openssh.com", "zlib"]
        if self.allow_uncompressed:
            algs.append("none")
        return algs


def read_host_key(path: Path) -> asyncssh.SSHKey:
    """The private host key in `path` (``--host-key``), refused as sshd refuses it.

    Raises :class:`HostKeyError` (one line) when the file is missing, unreadable, open
    to other users (group or others may read it: the key would no longer be secret), or
    not an unencrypted private key.
    """
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise HostKeyError(_("--host-key {path}: not a file").format(path=path))
        if mode & 0o077:
            raise HostKeyError(_(
                "--host-key {path}: permissions {mode} are too open "
                "(others could read the key); chmod 600 {path}"
            ).format(path=path, mode=f"{stat.S_IMODE(mode):04o}"))
        return asyncssh.read_private_key(path)
    except OSError as error:
        raise HostKeyError(f"--host-key {path}: {error.strerror or error}") from None
    except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError, ValueError) as error:
        raise HostKeyError(_(
            "--host-key {path}: not an unencrypted private key ({error})"
        ).format(path=path, error=error)) from None


def load_host_key(state_dir: Path, path: Path | None = None) -> asyncssh.SSHKey:
    """The server's host key: `path` if given, else the state folder's (made the first time)."""
    if path is not None:
        return read_host_key(path)
    path = state_dir / HOST_KEY_FILE
    if path.exists():
        return asyncssh.read_private_key(path)
    state_dir.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="neuron-tui classroom")
    data = key.export_private_key()
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)
    (path.with_name(path.name + ".pub")).write_bytes(key.export_public_key())
    return key
