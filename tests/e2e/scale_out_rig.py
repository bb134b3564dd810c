"""Issue 17's school on one machine: PostgreSQL, two `serve ssh` nodes and HAProxy, on loopback.

:class:`ScaleOutRig` starts, in this order, and stops in reverse:

- a throwaway PostgreSQL cluster (:class:`tests.pg_fixture.ThrowawayCluster`) with one
  database, the store every node shares;
- one host key, made here and given to every node (``--host-key``), and a
  ``known_hosts`` file holding only it: a learner's ``ssh`` refuses any other key;
- two ``neuron-tui serve ssh`` nodes (:class:`Node`: ``--store URL --proxy-protocol
  --host-key FILE --node NAME``), each in its own process group so a test can kill a
  node with everything it started, as a failing machine would;
- HAProxy (Debian's package) in front, configured as docs/scale-out.md's recipe (TCP,
  ``balance leastconn``, banner health checks, ``send-proxy-v2``), with faster checks
  and a stats socket through which the rig reads which nodes HAProxy counts as up.

Learners are the real OpenSSH client, each from its own loopback address
(``ssh -b 127.0.0.N``), through HAProxy's port: :meth:`ScaleOutRig.learner_argv`.
The end-to-end test (tests/e2e/test_scale_out.py) and the failover benchmark
(benchmarks/failover.py) share this rig. Ports come from 24280–24339 (this work's share).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path

import asyncssh

from benchmarks.ptyharness import default_env
from neuron_tui.process.identity import is_lesson
from neuron_tui.process.procfs import cmdline, descendants
from neuron_tui.serve.store import STORE_VARIABLE, ClassStore, LearnerRecord, open_store
from tests.e2e.haproxy import haproxy_binary, haproxy_config, missing_haproxy
from tests.pg_fixture import ThrowawayCluster
from tests.pg_fixture import missing_reason as postgres_missing
from tests.ports import unbound_ports

__all__ = [
    "PORTS",
    "Balancer",
    "Node",
    "RigError",
    "ScaleOutRig",
    "missing_reason",
]

ROOT = Path(__file__).resolve().parents[2]
#: This work's ports: PostgreSQL takes the first ten, HAProxy and the nodes the rest.
PORTS = range(24280, 24340)
POSTGRES_PORTS = range(PORTS.start, PORTS.start + 10)
SERVICE_PORTS = range(PORTS.start + 10, PORTS.stop)
_LISTENING = re.compile(r"serving the lesson over SSH on (\S+):(\d+)")
HOST_KEY_FILE = "ssh_host_ed25519_key"


class RigError(RuntimeError):
    """A piece of the rig did not start (the message says which, with its output)."""


def missing_reason() -> str | None:
    """Why the rig cannot run here (a binary is missing), or None when it can."""
    reason = missing_haproxy()
    if reason is not None:
        return reason
    if shutil.which("ssh") is None:
        return "the OpenSSH client is not installed: apt-get install openssh-client"
    return postgres_missing()


def free_ports(count: int, ports: range = SERVICE_PORTS) -> list[int]:
    """`count` loopback ports of `ports` nothing listens on now."""
    found = list(islice(unbound_ports(ports), count))
    if len(found) < count:
        raise RigError(f"fewer than {count} free ports in {ports.start}–{ports.stop - 1}")
    return found


class Node:
    """One `serve ssh` node in its own process group; :meth:`kill` is a machine failing."""

    def __init__(self, name: str, state_dir: Path, port: int, args: Sequence[str],
                 env: dict[str, str]) -> None:
        self.name = name
        self.state_dir = state_dir
        self.port = port
        self.argv = [sys.executable, "-m", "neuron_tui.serve", "ssh", "--host", "127.0.0.1",
                     "--port", str(port), "--state-dir", str(state_dir), "--no-class-view",
                     *args]
        self.env = env
        self.lines: list[str] = []
        self.proc: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        #: What the node had started when it was killed: ended by :meth:`stop` if still there.
        self._orphans: list[int] = []

    def start(self, timeout: float = 60.0) -> Node:
        """Start the node and wait until it listens."""
        self.proc = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # its own process group: kill() takes all it started
        )
        listening = threading.Event()

        def read() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                if _LISTENING.search(line):
                    listening.set()

        self._reader = threading.Thread(target=read, name=f"{self.name}-log", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not listening.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RigError(f"{self.name} did not start:\n{self.log}")
        return self

    @property
    def pid(self) -> int:
        """The node's process id (and its process group's)."""
        assert self.proc is not None
        return self.proc.pid

    @property
    def alive(self) -> bool:
        """Whether the node's own process still runs."""
        return self.proc is not None and self.proc.poll() is None

    @property
    def log(self) -> str:
        """Everything the node printed so far."""
        return "\n".join(self.lines)

    def processes(self) -> list[int]:
        """Every process the node started that exists now (its lessons, fork server …)."""
        return list(descendants(self.pid)) if self.alive else []

    def lessons(self) -> list[int]:
        """Pids of the node's lesson processes now."""
        return [pid for pid in self.processes() if is_lesson(cmdline(pid))]

    def lessons_started(self, name: str) -> list[str]:
        """The client addresses `name`'s lessons on this node were started from, in order."""
        pattern = re.compile(rf"lesson started for '{re.escape(name)}' from (\S+) ")
        return [match.group(1) for line in self.lines if (match := pattern.search(line))]

    def wait_for_log(self, pattern: str | re.Pattern[str], timeout: float = 15.0) -> str:
        """Wait until the node prints a line matching `pattern`; returns that line."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            for line in list(self.lines):
                if regex.search(line):
                    return line
            if time.monotonic() > deadline:
                raise AssertionError(f"{regex.pattern!r} not in {self.name}'s log:\n{self.log}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the node's whole process group, as a failing machine ends it; reap it."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self._orphans += self.processes()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)  # the group exists: its leader is not reaped
        self.proc.wait(10)

    def stop(self) -> None:
        """SIGTERM (the node ends its lessons), SIGKILL the group if it hangs; reap it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        for pid in self._orphans:  # a killed node's lessons should end alone; if not, here
            if "neuron_tui" in " ".join(cmdline(pid)):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self._orphans.clear()
        if self._reader is not None:
            self._reader.join(2)


class Balancer:
    """HAProxy in the foreground (``-db``) on `config`; its stats socket says who is up."""

    def __init__(self, binary: str, config: Path, stats: Path) -> None:
        self.binary = binary
        self.config = config
        self.stats = stats
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Balancer:
        """Check the configuration, start HAProxy and wait for its stats socket."""
        checked = subprocess.run([self.binary, "-c", "-q", "-f", str(self.config)],
                                 capture_output=True, text=True, timeout=30, check=False)
        if checked.returncode != 0:
            raise RigError(f"haproxy -c refused the configuration: {checked.stderr.strip()}")
        self.proc = subprocess.Popen([self.binary, "-db", "-f", str(self.config)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while not self.stats.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                error = self.proc.stderr.read().decode() if self.proc.stderr else ""
                self.stop()
                raise RigError(f"haproxy did not start: {error.strip()}")
            time.sleep(0.05)
        return self

    def command(self, text: str) -> str:
        """One command on the stats socket (e.g. ``show stat``); its whole answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(self.stats))
            sock.sendall(text.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def states(self) -> dict[str, str]:
        """Each node's status as HAProxy sees it now: "UP", "DOWN", "UP 1/2" …"""
        text = self.command("show stat").lstrip("# ")
        rows = csv.DictReader(io.StringIO(text))
        return {row["svname"]: row["status"] for row in rows
                if row["pxname"] == "nodes" and row["svname"] not in ("BACKEND", "FRONTEND")}

    def wait_for(self, node: str, status: str, timeout: float = 15.0) -> float:
        """Wait until HAProxy counts `node` as `status` ("UP", "DOWN"); returns when."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if self.states().get(node) == status:
                return now
            if now > deadline:
                raise AssertionError(f"HAProxy never counted {node} {status}: {self.states()}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop HAProxy and reap it."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


class ScaleOutRig:
    """PostgreSQL, `nodes` lesson nodes and HAProxy on loopback; a context manager.

    `node_args` go to every node (e.g. ``--max-per-address 1``); `check_interval` is
    HAProxy's ``inter`` (docs/scale-out.md says 2s; the test uses less); `redispatch`
    False leaves ``option redispatch`` out (the benchmark compares the two).
    """

    def __init__(self, nodes: int = 2, node_args: Sequence[str] = (),
                 check_interval: str = "200ms", redispatch: bool = True) -> None:
        reason = missing_reason()
        if reason is not None:
            raise RigError(reason)
        self.node_count = nodes
        self.node_args = list(node_args)
        self.check_interval = check_interval
        self.redispatch = redispatch
        self.folder = Path(tempfile.mkdtemp(prefix="nt-scale-"))
        self.cluster: ThrowawayCluster | None = None
        self.url = ""
        self.nodes: list[Node] = []
        self.balancer: Balancer | None = None
        self.front = 0
        self.known_hosts = self.folder / "known_hosts"
        self.host_key = self.folder / HOST_KEY_FILE

    # ------------------------------------------------------------------ life

    def __enter__(self) -> ScaleOutRig:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Everything, in order; waits until HAProxy counts every node up."""
        self.cluster = ThrowawayCluster(ports=POSTGRES_PORTS)
        self.url = self.cluster.create_database("scaleout")
        self._make_host_key()
        ports = free_ports(self.node_count + 1)
        self.front, node_ports = ports[0], ports[1:]
        self.known_hosts.write_text(
            f"[127.0.0.1]:{self.front} {self.host_key.with_suffix('.pub').read_text()}")
        for number, port in enumerate(node_ports, start=1):
            self.nodes.append(self._node(f"node{number}", port).start())
        self.balancer = self._balancer().start()
        for node in self.nodes:
            self.balancer.wait_for(node.name, "UP", timeout=30)

    def stop(self) -> None:
        """Stop HAProxy, every node (and whatever a killed one left) and the database."""
        if self.balancer is not None:
            self.balancer.stop()
        for node in self.nodes:
            node.stop()
        if self.cluster is not None:
            self.cluster.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _make_host_key(self) -> None:
        key = asyncssh.generate_private_key("ssh-ed25519", comment="neuron-tui school")
        fd = os.open(self.host_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key())
        self.host_key.with_suffix(".pub").write_bytes(key.export_public_key())

    def _node(self, name: str, port: int) -> Node:
        state = self.folder / name
        state.mkdir()
        args = [*self.node_args, "--proxy-protocol", "--store", self.url,
                "--host-key", str(self.host_key), "--node", name]
        # The store's address comes from the flag alone: no $NEURON_TUI_STORE to fall back on.
        return Node(name, state, port, args, default_env({STORE_VARIABLE: None}))

    def _balancer(self) -> Balancer:
        binary = haproxy_binary()
        assert binary is not None
        stats = self.folder / "haproxy.sock"
        config = self.folder / "haproxy.cfg"
        config.write_text(haproxy_config(
            self.front, [(node.name, node.port) for node in self.nodes], stats=stats,
            stats_level="admin", connect="2s", idle="4h", inter=self.check_interval,
            redispatch=self.redispatch))
        return Balancer(binary, config, stats)

    # ------------------------------------------------------------------ learners

    def learner_argv(self, name: str, address: str) -> list[str]:
        """A learner's `ssh -tt` from `address` through HAProxy, trusting only the school's key."""
        return [
            "ssh", "-tt", "-F", "/dev/null", "-b", address, "-p", str(self.front),
            "-o", "StrictHostKeyChecking=yes", "-o", f"UserKnownHostsFile={self.known_hosts}",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "CheckHostIP=no",
            "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10",
            "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no",
            f"{name}@127.0.0.1",
        ]

    def node_of(self, name: str) -> Node:
        """The one node that has started lessons for `name` (by the nodes' logs)."""
        serving = [node for node in self.nodes if node.lessons_started(name)]
        if len(serving) != 1:
            raise AssertionError(f"{name} has lessons on {[n.name for n in serving]}, not one")
        return serving[0]

    # ------------------------------------------------------------------ the store

    @contextlib.contextmanager
    def store(self) -> Iterator[ClassStore]:
        """The school's store, opened as a teacher's `neuron-tui class` command would."""
        with tempfile.TemporaryDirectory(prefix="nt-teacher-") as folder:
            opened = open_store(Path(folder), self.url)
            try:
                yield opened
            finally:
                opened.close()

    def learners(self) -> dict[str, LearnerRecord]:
        """Every learner the store keeps, by name."""
        with self.store() as store:
            return {record.name: record for record in store.learners()}

    def export(self, answers: Path) -> subprocess.CompletedProcess[str]:
        """`neuron-tui class export --csv ANSWERS` on the school's store."""
        argv = [sys.executable, "-m", "neuron_tui", "class", "export", "--csv", str(answers),
                "--state-dir", str(self.folder / "teacher"), "--store", self.url]
        return subprocess.run(argv, cwd=ROOT, env=default_env({STORE_VARIABLE: None}),
                              capture_output=True, text=True, timeout=60, check=False)
