"""The server's own words in the teacher's language: the banner, refusals, the view's argv.

The server is started in the teacher's language (`serve ... --lang`, else the locale's);
what it says to the teacher and, before a lesson starts, to a learner follows it. The
English banner is the one the server has always printed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from neuron_tui.serve.class_server import TerminalView
from neuron_tui.serve.limits import LessonLimits
from neuron_tui.serve.ssh import Classroom, SSHServeConfig
from neuron_tui.serve.ssh_banner import banner as server_banner
from neuron_tui.serve.teacher import view_argv_env
from tests.languages import in_language

FINGERPRINT = "SHA256:abc"


class HostKey:
    """The host key as the banner shows it."""

    def get_fingerprint(self, hash_name: str) -> str:
        return FINGERPRINT

    def get_algorithm(self) -> str:
        return "ssh-ed25519"


class Connection:
    """A logged-in learner's connection, as far as the caps look at one."""

    address = "10.0.0.1"


def banner(tmp_path: Path, listening: bool = True) -> list[str]:
    config = SSHServeConfig(state_dir=tmp_path, password="x", max_sessions=30,
                            lesson_limits=LessonLimits(memory_mib=512, nice=5, open_files=0,
                                                       processes=64))
    config = replace(config, host="room")
    return server_banner(config, 2222, HostKey(), "room:2222",  # type: ignore[arg-type]
                         Classroom(config).learners_dir, listening)


def test_the_english_banner_is_as_it_was(tmp_path: Path) -> None:
    assert banner(tmp_path) == [
        "neuron-tui: serving the lesson over SSH on room:2222",
        "  learners connect with:  ssh -p 2222 NAME@room",
        "  (NAME is any name a learner picks; progress is kept per name)",
        "  they log in with:       the class password given with --password",
        f"  host key fingerprint:   {FINGERPRINT} (ssh-ed25519)",
        "  compression:            zlib",
        "  sessions:               at most 30, 10 per address",
        "  each lesson may use:    512 MiB memory, nice +5, any number of open files, "
        "64 processes",
        f"  progress is kept in:    {tmp_path / 'learners'}",
        f"  the class store:        {tmp_path / 'class.sqlite3'}",
        "  this node:              room:2222",
        f"  class view:             neuron-tui class --state-dir {tmp_path}",
        "Press Ctrl+C to stop (every running lesson is ended).",
    ]


def test_the_spanish_banner_keeps_its_values_in_one_column(tmp_path: Path) -> None:
    with in_language("es"):
        lines = banner(tmp_path, listening=False)
    assert lines[0] == "neuron-tui: sirviendo la lección por SSH en room:2222"
    assert lines[-1].startswith("Pulsa Ctrl+C para parar")
    labelled = [re.fullmatch(r"  (\S[^:]*:)( +)(\S.*)", line) for line in lines[1:-1]]
    rows = {match.group(1): match.group(3) for match in labelled if match}
    # Every value starts in the same column, two spaces after the longest label.
    starts = {len(match.group(1) + match.group(2)) for match in labelled if match}
    assert starts == {max(len(label) for label in rows) + 2}, lines
    assert rows["sesiones:"] == "como mucho 30, 10 por dirección"
    assert rows["cada lección puede usar:"] == (
        "512 MiB de memoria, nice +5, archivos abiertos sin límite, 64 procesos")
    assert rows["vista de la clase:"] == "no disponible (mira el registro)"
    assert len(rows) == 10 and rows["los estudiantes entran con:"] == "ssh -p 2222 NAME@room"


def test_a_full_class_is_told_in_the_teachers_language(tmp_path: Path) -> None:
    config = SSHServeConfig(state_dir=tmp_path, max_sessions=0)
    classroom = Classroom(config)
    server = Connection()
    assert classroom.admit(server) == (  # type: ignore[arg-type]
        "neuron-tui: the class is full (0 learners); please try again in a minute")
    with in_language("es"):
        assert classroom.admit(server) == (  # type: ignore[arg-type]
            "neuron-tui: la clase está llena (0 estudiantes); prueba otra vez dentro de un minuto")


def test_the_teachers_view_gets_the_servers_language(tmp_path: Path) -> None:
    python = ["python", "-I", "-m", "neuron_tui"]
    socket_path = tmp_path / "t.sock"
    argv, env = view_argv_env(python, socket_path, "xterm", tmp_path, "es")
    assert argv == [*python, "class", "--socket", str(socket_path), "--lang", "es"]
    assert env["LANG"] == "C.UTF-8"  # the client's locale never reaches the server's view
    with in_language("es"):
        assert TerminalView(socket_path, lambda: None).argv(["py"])[-2:] == ["--lang", "es"]
    assert TerminalView(socket_path, lambda: None).argv(["py"])[-2:] == ["--lang", "en"]
