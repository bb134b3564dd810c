"""What `neuron-tui serve ssh` prints when it starts: how to connect, and what it serves.

The same lines go to the log when the class view takes the terminal.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import asyncssh

from neuron_tui.i18n import _
from neuron_tui.serve.ssh_config import SSHServeConfig

__all__ = ["banner", "connect_host"]


def connect_host(host: str) -> str:
    """What learners type after the @: the host, or this computer's name for a wildcard."""
    if host in ("0.0.0.0", "::", ""):
        return socket.gethostname()
    return host


def banner(
    config: SSHServeConfig,
    port: int,
    key: asyncssh.SSHKey,
    node: str,
    learners_dir: Path,
    class_listening: bool,
) -> list[str]:
    """The start-up lines of a server listening on `port`, serving `key`, named `node`."""
    host = connect_host(config.host)
    if config.password is not None:
        auth = _("the class password given with --password")
    elif config.authorized_keys is not None:
        auth = _("a key listed in {path}").format(path=config.authorized_keys)
    else:
        auth = _("nothing (this computer only)")
    compression = _("zlib, uncompressed clients allowed") if config.allow_uncompressed else "zlib"
    fingerprint = f"{key.get_fingerprint('sha256')} ({key.get_algorithm()})"
    if config.host_key is not None:
        fingerprint += _(", from {path}").format(path=config.host_key)
    this_node = node + (_(", behind a balancer (PROXY protocol v2 required)")
                        if config.proxy_protocol else "")
    rows: list[tuple[str, str]] = [
        (_("learners connect with:"), f"ssh -p {port} NAME@{host}"),
        ("", _("(NAME is any name a learner picks; progress is kept per name)")),
        (_("they log in with:"), auth),
        (_("host key fingerprint:"), fingerprint),
        (_("compression:"), compression),
        (_("sessions:"), _("at most {total}, {per_address} per address").format(
            total=config.max_sessions, per_address=config.max_per_address)),
        (_("each lesson may use:"),
         config.lesson_limits.describe() if config.lesson_limits else _("no limits")),
        (_("progress is kept in:"), str(learners_dir)),
        (_("the class store:"), _store_shown(config)),
        (_("this node:"), this_node),
        *_class_rows(config, port, host, class_listening),
    ]
    # Labels in one column whatever their language's length.
    width = max(len(label) for label, __ in rows) + 2
    return [
        _("neuron-tui: serving the lesson over SSH on {address}").format(
            address=f"{config.host}:{port}"),
        # The note under the command line stands on its own, two columns in.
        *(f"  {label:<{width}}{value}" if label else f"  {value}" for label, value in rows),
        _("Press Ctrl+C to stop (every running lesson is ended)."),
    ]


def _store_shown(config: SSHServeConfig) -> str:
    """The class store: a PostgreSQL address without its password, or the SQLite file."""
    from neuron_tui.serve.store import STORE_VARIABLE

    url = config.store or os.environ.get(STORE_VARIABLE, "").strip()
    if not url:
        return str(config.state_dir / "class.sqlite3")
    from neuron_tui.serve.store_postgres import shown_url

    return shown_url(url)


def _class_rows(
    config: SSHServeConfig, port: int, host: str, listening: bool
) -> list[tuple[str, str]]:
    """The rows about the teacher's room."""
    if not listening:
        return [(_("class view:"), _("not available (see the log)"))]
    rows = [(_("class view:"), f"neuron-tui class --state-dir {config.state_dir}")]
    if config.teacher_keys is not None:
        rows.append((_("or over SSH:"), f"ssh -p {port} teacher@{host}"))
    return rows
