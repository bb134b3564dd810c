"""A throwaway PostgreSQL cluster for the tests and the store benchmark, on 127.0.0.1 only.

:class:`ThrowawayCluster` runs the server binaries of the Debian ``postgresql`` package
(``/usr/lib/postgresql/<version>/bin``) on a temporary folder: ``initdb`` (as the
``postgres`` user when run as root, since initdb refuses root), then ``pg_ctl start``
on a free port of 23900–23949 with its Unix socket in that folder. Nothing of the
machine's own PostgreSQL (if any) is touched.

Tests use the fixtures: ``postgres_cluster`` (one per test session, skipped with the
reason when the binaries are missing) and ``postgres_url`` (a fresh database per test).
Declare them in the conftest.py of the tests that use them (tests/unit/serve has them).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ports import unbound_ports

__all__ = ["PORTS", "ClusterError", "ThrowawayCluster", "postgres_cluster", "postgres_url"]

#: The ports the throwaway clusters may use (this project's share of the machine).
PORTS = range(23900, 23950)
#: The cluster's superuser (trusted on loopback: it lives for one test session).
SUPERUSER = "neuron_tui_admin"
#: The user that runs the server when the tests run as root.
SERVER_USER = "postgres"
_COUNTER = itertools.count(1)


class ClusterError(Exception):
    """The throwaway cluster could not be made or started (the message says why)."""


def server_binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding initdb and pg_ctl, or None."""
    found = [path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")
             if (path.parent / "pg_ctl").exists()]
    if not found:
        return None
    return max(found, key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit()
               else 0)


def missing_reason() -> str | None:
    """Why no throwaway cluster can run here, or None when one can."""
    if server_binaries() is None:
        return ("the PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin/initdb): "
                "apt-get install postgresql")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no {SERVER_USER!r} user for initdb"
        if shutil.which("runuser") is None:
            return "running as root and runuser (util-linux) is missing"
    return None


class ThrowawayCluster:
    """A PostgreSQL server in a temporary folder; :meth:`stop` removes every trace.

    `durable` False turns fsync off (fast tests); the benchmark keeps it on, as a
    school's server would.
    """

    def __init__(self, durable: bool = False, ports: range = PORTS) -> None:
        binaries = server_binaries()
        if binaries is None or missing_reason() is not None:
            raise ClusterError(missing_reason() or "no PostgreSQL binaries")
        self.binaries = binaries
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="neuron-tui-pg-"))
        self.data = self.folder / "data"
        self.port = 0
        self._as_server_user = os.geteuid() == 0
        if self._as_server_user:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        try:
            self._run("initdb", "--pgdata", str(self.data), "--username", SUPERUSER,
                      "--auth", "trust", "--encoding", "UTF8", "--no-locale", "--no-sync")
            self._start(ports)
        except BaseException:
            self.stop()
            raise

    def _run(self, program: str, *arguments: str) -> str:
        command = [str(self.binaries / program), *arguments]
        if self._as_server_user:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                  cwd=self.folder, check=False)
        except subprocess.TimeoutExpired as error:
            raise ClusterError(f"{program} took longer than 120 s") from error
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
            raise ClusterError(f"{program} failed ({done.returncode}): {last[0]}")
        return done.stdout

    def _start(self, ports: range) -> None:
        settings = [
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.folder}",
            "-c max_connections=200",
            f"-c fsync={'on' if self.durable else 'off'}",
            f"-c synchronous_commit={'on' if self.durable else 'off'}",
            f"-c full_page_writes={'on' if self.durable else 'off'}",
        ]
        problem = f"no free port in {ports.start}–{ports.stop - 1}"
        for port in unbound_ports(ports):
            try:
                self._run("pg_ctl", "start", "--pgdata", str(self.data), "--wait",
                          "--timeout", "60", "--log", str(self.folder / "server.log"),
                          "-o", " ".join([f"-c port={port}", *settings]))
            except ClusterError as error:
                problem = str(error)  # most likely another process took the port meanwhile
                continue
            self.port = port
            return
        raise ClusterError(problem)

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """The address of `database` on this cluster, as ``--store`` takes it."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "test") -> str:
        """A new empty database; returns its address."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(_COUNTER)}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is kept) and remove the folder."""
        if self.port:
            with contextlib.suppress(ClusterError):
                self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "immediate",
                          "--wait")
            self.port = 0
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[ThrowawayCluster]:
    """One throwaway cluster for the session; skipped (with why) when it cannot run here."""
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    cluster = ThrowawayCluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: ThrowawayCluster) -> str:
    """The address of a fresh, empty database on the session's cluster."""
    return postgres_cluster.create_database()
