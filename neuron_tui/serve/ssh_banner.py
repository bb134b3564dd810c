"""What `neuron-tui serve ssh` prints when it starts: how to connect, and what it serves.

The same lines go to the log when the class view takes the terminal.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import asyncssh

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
        auth = "the class password given with --password"
    elif config.authorized_keys is not None:
        auth = f"a key listed in {config.authorized_keys}"
    else:
        auth = "nothing (this computer only)"
    compression = "zlib, uncompressed clients allowed" if config.allow_uncompressed else "zlib"
    return [
        f"neuron-tui: serving the lesson over SSH on {config.host}:{port}",
        f"  learners connect with:  ssh -p {port} NAME@{host}",
        "  (NAME is any name a learner picks; progress is kept per name)",
        f"  they log in with:       {auth}",
        f"  host key fingerprint:   {key.get_fingerprint('sha256')} ({key.get_algorithm()})"
        + (f", from {config.host_key}" if config.host_key is not None else ""),
        f"  compression:            {compression}",
        f"  sessions:               at most {config.max_sessions}, "
        f"{config.max_per_address} per address",
        "  each lesson may use:    "
        + (config.lesson_limits.describe() if config.lesson_limits else "no limits"),
        f"  progress is kept in:    {learners_dir}",
        f"  the class store:        {_store_shown(config)}",
        f"  this node:              {node}"
        + (", behind a balancer (PROXY protocol v2 required)" if config.proxy_protocol else ""),
        *_class_lines(config, port, host, class_listening),
        "Press Ctrl+C to stop (every running lesson is ended).",
    ]


def _store_shown(config: SSHServeConfig) -> str:
    """The class store: a PostgreSQL address without its password, or the SQLite file."""
    from neuron_tui.serve.store import STORE_VARIABLE

    url = config.store or os.environ.get(STORE_VARIABLE, "").strip()
    if not url:
        return str(config.state_dir / "class.sqlite3")
    from neuron_tui.serve.store_postgres import shown_url

    return shown_url(url)


def _class_lines(config: SSHServeConfig, port: int, host: str, listening: bool) -> list[str]:
    """The lines about the teacher's room."""
    if not listening:
        return ["  class view:             not available (see the log)"]
    lines = [f"  class view:             neuron-tui class --state-dir {config.state_dir}"]
    if config.teacher_keys is not None:
        lines.append(f"  or over SSH:            ssh -p {port} teacher@{host}")
    return lines
