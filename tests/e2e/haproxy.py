"""Debian's HAProxy for the tests: where it is, and the one TCP configuration they use.

Every test that puts HAProxy in front of lesson nodes wants the same thing: TCP mode,
least-connections balancing, a health check that expects the SSH banner, and the PROXY v2
header on every connection (health checks included, so a node can tell them apart).
They differ only in ports, timeouts and whether a refused connection is sent elsewhere.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

__all__ = ["haproxy_binary", "haproxy_config", "missing_haproxy"]

_CONFIG = """\
{globals}defaults
    mode tcp
    timeout connect {connect}
    timeout client {idle}
    timeout server {idle}
    timeout check 2s
{retries}frontend lessons
    bind 127.0.0.1:{front}
    default_backend nodes
backend nodes
    balance leastconn
    option tcp-check
    tcp-check expect rstring ^SSH-2\\.0-
    default-server send-proxy-v2 check-send-proxy check inter {inter} fall 2 rise 1
{servers}
"""


def haproxy_binary() -> str | None:
    """HAProxy from Debian's package (in /usr/sbin, often not on a user's PATH), or None."""
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")


def missing_haproxy() -> str | None:
    """Why HAProxy tests cannot run here, or None when they can."""
    return None if haproxy_binary() else "haproxy is not installed (apt-get install haproxy)"


def haproxy_config(front: int, nodes: Iterable[tuple[str, int]], *, stats: Path | None = None,
                   stats_level: str = "user", connect: str = "5s", idle: str = "60s",
                   inter: str = "200ms", redispatch: bool | None = None) -> str:
    """HAProxy's configuration: 127.0.0.1:`front` balanced over `nodes` (name, port).

    `stats` adds a stats socket at that path (`stats_level` "admin" may disable servers).
    `redispatch` None leaves HAProxy's defaults for a refused connection; False retries
    the same node twice; True retries twice with the last try going to another node.
    """
    globals_ = f"global\n    stats socket {stats} mode 600 level {stats_level}\n" if stats else ""
    retries = ""
    if redispatch is not None:
        # A node that refuses a connection (it has just died, and the checks have not
        # seen it yet) is retried, and with redispatch the last try goes to another node.
        retries = "    retries 2\n" + ("    option redispatch\n" if redispatch else "")
    servers = "\n".join(f"    server {name} 127.0.0.1:{port}" for name, port in nodes)
    return _CONFIG.format(globals=globals_, connect=connect, idle=idle, retries=retries,
                          front=front, inter=inter, servers=servers)
