"""Who the teacher is: the reserved name, the key files, and the class view's command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import asyncssh
import pytest

from neuron_tui.serve import cli
from neuron_tui.serve.teacher import (
    TEACHER_SOCKET_VARIABLE,
    KeyFileError,
    is_teacher_name,
    key_allowed,
    read_keys,
    view_argv_env,
)


@pytest.mark.parametrize("name", ["teacher", "Teacher", "TEACHER", "TEACHER".casefold()])
def test_the_teacher_name_in_any_case_is_the_teachers(name: str) -> None:
    assert is_teacher_name(name)


# Names compare as learners' do (NFC, case-folded): full-width letters are another name, and
# only a teacher key ever gets the class view, whatever the name looks like.
@pytest.mark.parametrize("name", ["teachers", "teacher ", "the teacher", "ada", "ｔｅａｃｈｅｒ"])
def test_other_names_are_learners(name: str) -> None:
    assert not is_teacher_name(name)


def test_a_listed_key_is_allowed_only_from_where_its_line_says(tmp_path: Path) -> None:
    # Public keys, as a client offers them.
    near, far, other = (
        asyncssh.import_public_key(asyncssh.generate_private_key("ssh-ed25519").export_public_key())
        for _ in range(3)
    )
    listed = tmp_path / "teachers"
    listed.write_bytes(
        near.export_public_key() + b'from="10.0.0.0/8" ' + far.export_public_key()
    )
    keys = read_keys(listed, "--teacher-keys")
    assert key_allowed(keys, near, "127.0.0.1")
    assert key_allowed(keys, far, "10.1.2.3") and not key_allowed(keys, far, "127.0.0.1")
    assert not key_allowed(keys, other, "127.0.0.1")
    assert not key_allowed(None, near, "127.0.0.1")


@pytest.mark.parametrize(
    ("content", "why"), [(None, "cannot read"), ("not a key\n", "not an authorized_keys file")]
)
def test_an_unusable_key_file_is_one_line(tmp_path: Path, content: str | None, why: str) -> None:
    path = tmp_path / "keys"
    if content is not None:
        path.write_text(content)
    with pytest.raises(KeyFileError) as caught:
        read_keys(path, "--teacher-keys")
    message = str(caught.value)
    assert message.startswith("--teacher-keys: ") and why in message and "\n" not in message


def test_the_server_refuses_a_bad_teacher_key_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "teachers"
    bad.write_text("ssh-ed25519 nonsense\n")
    code = cli.main(["ssh", "--teacher-keys", str(bad), "--state-dir", str(tmp_path / "s")])
    error = capsys.readouterr().err
    assert code == 2 and error.count("\n") == 1 and "--teacher-keys" in error


def test_the_class_view_runs_as_the_lessons_do_with_only_its_socket_added(tmp_path: Path) -> None:
    python = ["/usr/bin/python3", "-I", "-m", "neuron_tui"]
    socket_path = tmp_path / "run" / "teacher.sock"
    argv, env = view_argv_env(python, socket_path, "xterm", tmp_path)
    assert argv == [*python, "class", "--socket", str(socket_path)]
    assert env[TEACHER_SOCKET_VARIABLE] == str(socket_path) and env["TERM"] == "xterm"
    assert "NEURON_TUI_CLASS_TOKEN" not in env and "SSH_AUTH_SOCK" not in env


def test_ssh_keygen_and_asyncssh_agree_on_the_fingerprint_the_view_shows(tmp_path: Path) -> None:
    key = tmp_path / "id"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    shown = subprocess.run(
        ["ssh-keygen", "-lf", f"{key}.pub"], capture_output=True, text=True, check=True
    ).stdout.split()[1]
    assert asyncssh.read_public_key(f"{key}.pub").get_fingerprint("sha256") == shown
