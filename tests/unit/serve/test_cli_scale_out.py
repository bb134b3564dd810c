"""The flags of a lesson node among several: --store, --host-key, --node, --proxy-protocol.

Each bad value is one line on stderr and a non-zero exit, never a traceback; a good
one reaches what it names (the store the export reads, the key the client sees, the
hub's node name).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

import asyncssh
import pytest

from neuron_tui.__main__ import build_parser
from neuron_tui.class_view import cli as class_cli
from neuron_tui.lesson.progress import Progress
from neuron_tui.lesson.registry import LESSON
from neuron_tui.serve import cli
from neuron_tui.serve.class_server import close_class, open_class
from neuron_tui.serve.names import learner_key
from neuron_tui.serve.ssh import SSHServeConfig, listen_socket, node_name, start_ssh_server
from neuron_tui.serve.ssh_config import HostKeyError, read_host_key
from neuron_tui.serve.store import open_store
from tests.ports import free_port as any_free_port

ROOT = Path(__file__).resolve().parents[3]
#: This engineer's share of the machine's ports (24239: kept free, nothing listens there).
PORTS = range(24200, 24239)
NOTHING_LISTENS = 24239


def free_port() -> int:
    return any_free_port(PORTS)


def host_key(path: Path, mode: int = 0o600) -> asyncssh.SSHKey:
    key = asyncssh.generate_private_key("ssh-ed25519")
    path.write_bytes(key.export_private_key())
    path.chmod(mode)
    return key


def not_a_key(path: Path) -> None:
    path.write_text("not a key\n")
    path.chmod(0o600)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


# -- --host-key ----------------------------------------------------------------------------


def test_a_host_key_file_is_read(tmp_path: Path) -> None:
    key = host_key(tmp_path / "key")
    assert read_host_key(tmp_path / "key").get_fingerprint() == key.get_fingerprint()


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda path: None, "No such file or directory"),
        (lambda path: host_key(path, 0o640), "permissions 0640 are too open"),
        (lambda path: not_a_key(path), "not an unencrypted private key"),
        (lambda path: path.mkdir(), "not a file"),
    ],
)
def test_an_unusable_host_key_is_one_line(tmp_path: Path, make: object, why: str) -> None:
    path = tmp_path / "key"
    make(path)  # type: ignore[operator]
    with pytest.raises(HostKeyError, match=why):
        read_host_key(path)


def test_serve_ssh_refuses_an_unusable_host_key_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host_key(tmp_path / "key", 0o644)
    code = cli.main(["ssh", "--state-dir", str(tmp_path / "state"), "--port", str(free_port()),
                     "--host-key", str(tmp_path / "key")])
    assert code == 2
    assert "permissions 0644 are too open" in one_line(capsys.readouterr().err)


async def test_every_node_serves_the_host_key_it_is_given(tmp_path: Path) -> None:
    shared = host_key(tmp_path / "shared_key")
    seen = []
    for node in ("one", "two"):  # two state folders: without the flag, two keys
        port = free_port()
        config = SSHServeConfig(state_dir=tmp_path / node, port=port, prefork=False,
                                host_key=tmp_path / "shared_key")
        acceptor, classroom, key = await start_ssh_server(
            config, None, listen_socket("127.0.0.1", port)
        )
        try:
            async with asyncssh.connect("127.0.0.1", port, username="ada", known_hosts=None,
                                        preferred_auth="none") as conn:
                served = conn.get_server_host_key()
                assert served is not None
                seen.append(served.get_fingerprint())
        finally:
            acceptor.close()
            await classroom.close()
        assert key.get_fingerprint() == shared.get_fingerprint()
        assert not (tmp_path / node / "ssh_host_ed25519_key").exists()
    assert seen == [shared.get_fingerprint()] * 2


# -- --node --------------------------------------------------------------------------------


def test_the_node_flag_names_the_hub_and_defaults_to_host_and_port(tmp_path: Path) -> None:
    args = cli.build_parser().parse_args(["serve", "ssh", "--node", "lab-2"])
    assert args.node == "lab-2"
    assert node_name(SSHServeConfig(state_dir=tmp_path, node="lab-2"), 2222) == "lab-2"
    assert node_name(SSHServeConfig(state_dir=tmp_path), 2345) == f"{socket.gethostname()}:2345"
    hub = open_class(tmp_path, node="lab-2")
    try:
        assert hub.node == "lab-2"
    finally:
        hub.store.close()


@pytest.mark.parametrize("name", ["", "x" * 65, "tab\there"])
def test_a_bad_node_name_is_a_flag_error(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.build_parser().parse_args(["serve", "web", "--node", name])
    assert caught.value.code == 2
    assert "is not a node name" in one_line(capsys.readouterr().err)


# -- --store -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("mysql://root@db/school", "the class store mysql://… is not one neuron-tui knows"),
        (f"postgresql://nobody@127.0.0.1:{NOTHING_LISTENS}/school",
         f"the class database postgresql://nobody@127.0.0.1:{NOTHING_LISTENS}/school cannot be "
         "opened"),
    ],
)
def test_serve_ssh_with_an_unusable_store_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, why: str
) -> None:
    port = free_port()
    code = cli.main(["ssh", "--state-dir", str(tmp_path), "--port", str(port), "--store", url,
                     "--no-prefork", "--no-class-view"])
    assert code == 1
    assert one_line(capsys.readouterr().err).startswith(f"neuron-tui serve ssh: {why}")
    with socket.socket() as probe:  # the port was given back
        probe.bind(("127.0.0.1", port))


def test_serve_web_with_an_unusable_store_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "neuron_tui.serve", "web", "--port", str(free_port()),
         "--state-dir", str(tmp_path), "--store", "mysql://root@db/school", "--no-prefork",
         "--no-class-view"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "NEURON_TUI_STORE": ""},
    )
    assert done.returncode == 1
    assert one_line(done.stderr).startswith("neuron-tui serve web: the class store mysql://…")


def save_learner(store_url: str, state_dir: Path, name: str) -> None:
    store = open_store(state_dir, store_url)
    try:
        made = Progress(visited={LESSON.first, "part01"}, resume_page="part01")
        made.answer("1", 2, now=100.0)
        store.save_progress(learner_key(name), name, made.to_dict(), "part01", 100.0)
    finally:
        store.close()


def test_class_export_and_forget_read_the_store_named(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The node's state folder is elsewhere: the teacher's machine has only the URL.
    save_learner(postgres_url, tmp_path / "node", "Ada")
    save_learner(postgres_url, tmp_path / "node", "Bob")
    here = tmp_path / "teacher"
    answers = tmp_path / "answers.csv"
    parser = cli_parser()
    args = parser.parse_args(["class", "--state-dir", str(here), "--store", postgres_url,
                              "export", "--csv", str(answers)])
    assert class_cli.run_class(args) == 0
    names = [line.split(",")[0] for line in answers.read_text().splitlines()[1:]]
    assert names == ["Ada", "Bob"]  # each answered question 1 on a node elsewhere
    args = parser.parse_args(["class", "forget", "Ada", "--state-dir", str(here),
                              "--store", postgres_url])
    assert class_cli.run_class(args) == 0
    store = open_store(here, postgres_url)
    try:
        assert [record.name for record in store.learners()] == ["Bob"]
    finally:
        store.close()
    assert not (here / "class.sqlite3").exists()  # nothing was written beside the teacher
    capsys.readouterr()


def cli_parser() -> argparse.ArgumentParser:
    return build_parser()


def test_class_export_uses_the_environments_store_and_says_why_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql://nobody@127.0.0.1:{NOTHING_LISTENS}/school"
    monkeypatch.setenv("NEURON_TUI_STORE", url)
    assert class_cli.export(tmp_path, tmp_path / "answers.csv") == 1
    assert one_line(capsys.readouterr().err).startswith(
        f"neuron-tui: the class database {url} cannot be opened"
    )


async def test_the_class_view_refuses_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = cli_parser().parse_args(
        ["class", "--state-dir", str(tmp_path), "--store", "postgresql://x@y/z"]
    )
    assert class_cli.run_class(args) == 2
    assert "--store is for `class export` and `class forget`" in one_line(capsys.readouterr().err)


async def test_open_class_passes_the_store_on(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="is not one neuron-tui knows"):
        open_class(tmp_path, store_url="mysql://root@db/school")
    hub = open_class(tmp_path)
    await close_class(hub)
