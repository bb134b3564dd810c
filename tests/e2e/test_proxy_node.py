"""One real `serve ssh --proxy-protocol` node behind the real HAProxy, with the real `ssh`.

HAProxy (Debian's package, TCP mode, ``send-proxy-v2``, health checks with
``check-send-proxy``) runs in front of one node on 127.0.0.1. Learners connect through
it from addresses of their own (``ssh -b 127.0.0.N``) and reach the lesson; the node's
log and its per-address cap see those addresses, not the balancer's. HAProxy's health
checks pass (its stats say so) and never take a learner's place. Skipped, with the
reason, where haproxy is not installed.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.ptyharness import PtyApp, default_env
from tests.e2e.conftest import ServerProcess, ssh_options
from tests.e2e.haproxy import haproxy_binary, haproxy_config, missing_haproxy
from tests.ports import free_port as any_free_port

#: This engineer's share of the machine's ports.
PORTS = range(24200, 24240)
HAPROXY = haproxy_binary()
OPENING = "The neuron"
START = 30.0


pytestmark = pytest.mark.skipif(HAPROXY is None, reason=str(missing_haproxy()))


def free_port() -> int:
    return any_free_port(PORTS)


def learner_argv(port: int, name: str, source: str) -> list[str]:
    """`ssh -tt -b SOURCE ... NAME@127.0.0.1`: a learner at their own loopback address."""
    return ["ssh", "-tt", *ssh_options(port), "-b", source, f"{name}@127.0.0.1"]


def node_stats(stats_socket: Path) -> dict[str, str]:
    """HAProxy's `show stat` row of the node: its status and its health checks' results."""
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(str(stats_socket))
        client.sendall(b"show stat\n")
        data = b""
        while chunk := client.recv(65536):
            data += chunk
    header, *rows = data.decode().splitlines()
    fields = header.lstrip("# ").split(",")
    for row in rows:
        values = dict(zip(fields, row.split(","), strict=False))
        if values.get("svname") == "node1":
            return values
    raise AssertionError(f"no node1 in HAProxy's stats:\n{data.decode()}")


def test_learners_through_haproxy_are_seen_at_their_own_addresses(
    start_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    # Two sessions in all, one per address: a health check counted as a learner, or
    # the balancer's address taken for everyone's, would turn a learner away.
    node = start_server("--proxy-protocol", "--max-sessions", "2", "--max-per-address", "1",
                        "--node", "node-one", "--no-prefork")
    assert "this node:              node-one, behind a balancer" in node.log
    front = free_port()
    stats = tmp_path / "haproxy.sock"
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(front, [("node1", node.port)], stats=stats))
    balancer = subprocess.Popen([str(HAPROXY), "-db", "-f", str(config)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not stats.exists() or node_stats(stats).get("check_status") != "L7OK":
            assert balancer.poll() is None, balancer.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "HAProxy's health checks never passed"
            time.sleep(0.1)

        with PtyApp(learner_argv(front, "ada", "127.0.0.5"), cols=80, rows=24) as ada:
            ada.wait_for(OPENING, timeout=START)
            node.wait_for_log("lesson started for 'ada' from 127.0.0.5")
            # A second learner from 127.0.0.5 is over the per-address cap ...
            bob = subprocess.run(
                learner_argv(front, "bob", "127.0.0.5"), env=default_env(),
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
            )
            assert bob.returncode != 0
            assert "too many sessions from your address" in bob.stdout + bob.stderr
            # ... and one from 127.0.0.6 is not, though both came through 127.0.0.1.
            with PtyApp(learner_argv(front, "cy", "127.0.0.6"), cols=80, rows=24) as cy:
                cy.wait_for(OPENING, timeout=START)
                node.wait_for_log("lesson started for 'cy' from 127.0.0.6")
                row = node_stats(stats)
                assert row["status"] == "UP" and row["check_status"] == "L7OK", row
                assert int(row["chkfail"]) == 0, row
                cy.press("q")
                assert cy.wait(timeout=15) == 0
            ada.press("q")
            assert ada.wait(timeout=15) == 0
    finally:
        balancer.terminate()
        balancer.wait(timeout=10)
    # Nothing the node logged is about the balancer's own address: checks are silent.
    assert "from 127.0.0.1" not in node.log, node.log
    assert "turned away 'bob' from 127.0.0.5" in node.log
