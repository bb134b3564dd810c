"""The `serve` command's flags: `neuron-tui serve ssh ...` and `serve web ...` as argparse
parsers, each bad value one line on stderr and exit code 2 (:mod:`neuron_tui.serve.cli`
runs what they parse)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from neuron_tui.argparsing import OneLineErrorParser, add_language_flag
from neuron_tui.i18n import N_, _
from neuron_tui.paths import STATE_DIR_VARIABLE
from neuron_tui.serve.limits import LessonLimits

__all__ = ["add_serve_parser"]

def _bounded_int(low: int, high: int, what: str) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("{text} is not a whole number").format(text=repr(text))) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(_("{what} must be from {low} to {high}, not {value}")
                                             .format(what=_(what), low=low, high=high, value=value))
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text} is not a number of seconds").format(text=repr(text))) from None
    if not 1 <= value <= 3600:
        raise argparse.ArgumentTypeError(
            _("seconds must be from 1 to 3600, not {text}").format(text=text))
    return value


def _nonempty(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError(_("the class password must not be empty"))
    return text


def _node(text: str) -> str:
    if not text or len(text) > 64 or not text.isprintable():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a node name: give 1 to 64 printable characters"
        )
    return text


def _add_scale_out_flags(parser: argparse.ArgumentParser) -> None:
    """--store and --node: a lesson node among several, sharing one class store."""
    parser.add_argument(
        "--store",
        metavar="URL",
        help=_("the class store: postgresql://USER@HOST/DB for one database shared by "
               "several lesson nodes (default: $NEURON_TUI_STORE if set, else the state "
               "folder's SQLite file); the password comes from PGPASSWORD or ~/.pgpass"),
    )
    parser.add_argument(
        "--node",
        type=_node,
        metavar="NAME",
        help=_("this server's name in the class view (default: this computer's name:PORT)"),
    )


def add_serve_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `serve ssh` and `serve web` to the lesson's subparsers; returns the `serve` parser."""
    serve = subparsers.add_parser(
        "serve",
        prog="neuron-tui serve",
        help=_("teach a class: serve the lesson over SSH or to web browsers"),
        description=_(
            "Serve the lesson to a whole class: `serve ssh` runs a classroom SSH server "
            "(one lesson per learner), `serve web` serves it to browsers."
        ),
    )
    kinds = serve.add_subparsers(
        dest="serve_kind", metavar="ssh|web", required=True, parser_class=OneLineErrorParser
    )

    ssh = kinds.add_parser(
        "ssh",
        prog="neuron-tui serve ssh",
        help=_("a classroom SSH server: learners run `ssh -p PORT NAME@HOST`"),
        description=_(
            "Start a classroom SSH server. Each learner connects with "
            "`ssh -p PORT NAME@HOST` and gets their own lesson; nothing else can run "
            "(no commands, sftp, scp or forwarding). Progress is kept per NAME. "
            "Authentication is required on any address other than 127.0.0.1."
        ),
        epilog=_(
            "The host key and learners' progress live in the state folder "
            "(${variable} if set, else the user's state folder)."
        ).format(variable=STATE_DIR_VARIABLE),
    )
    ssh.add_argument("--host", default="127.0.0.1",
                     help=_("address to listen on (default 127.0.0.1)"))
    ssh.add_argument(
        "--port",
        type=_bounded_int(0, 65535, N_("the port")),
        default=2222,
        help=_("port to listen on (default 2222; 0 picks a free one)"),
    )
    auth = ssh.add_mutually_exclusive_group()
    auth.add_argument(
        "--password",
        type=_nonempty,
        metavar="CLASSCODE",
        help=_("the class password every learner types"),
    )
    auth.add_argument(
        "--authorized-keys",
        type=Path,
        metavar="FILE",
        help=_("an OpenSSH authorized_keys file of learners' public keys (each name is "
               "bound to the first key that uses it)"),
    )
    ssh.add_argument(
        "--teacher-keys",
        type=Path,
        metavar="FILE",
        help=_("an OpenSSH authorized_keys file of keys that log in as `teacher` and get "
               "the class view (no password or learner key opens it)"),
    )
    _add_class_view_flag(ssh)
    ssh.add_argument(
        "--max-sessions",
        type=_bounded_int(1, 1000, "--max-sessions"),
        default=40,
        metavar="N",
        help=_("most learners at once (default 40)"),
    )
    ssh.add_argument(
        "--max-per-address",
        type=_bounded_int(1, 1000, "--max-per-address"),
        default=10,
        metavar="N",
        help=_("most learners from one client address (default 10; raise it for a class "
               "behind one NAT address)"),
    )
    ssh.add_argument(
        "--login-timeout",
        type=_seconds,
        default=30.0,
        metavar="SECONDS",
        help=_("time to log in and open the lesson (default 30)"),
    )
    ssh.add_argument(
        "--allow-uncompressed",
        action="store_true",
        help=_("also accept clients that will not compress (by default only zlib is offered)"),
    )
    ssh.add_argument(
        "--low-bandwidth",
        action="store_true",
        help=_("run learners' lessons in low-bandwidth mode (NEURON_TUI_LOW_BANDWIDTH=1)"),
    )
    ssh.add_argument(
        "--lesson-memory",
        type=_bounded_int(0, 1_048_576, "--lesson-memory"),
        default=LessonLimits.memory_mib,
        metavar="MIB",
        help=_("address space each lesson may use, in MiB (default {default}; 0: no limit)")
        .format(default=LessonLimits.memory_mib),
    )
    ssh.add_argument(
        "--lesson-nice",
        type=_bounded_int(0, 19, "--lesson-nice"),
        default=LessonLimits.nice,
        metavar="N",
        help=_("run lessons N nice steps below the server (default {default})").format(
            default=LessonLimits.nice),
    )
    ssh.add_argument(
        "--lesson-open-files",
        type=_bounded_int(0, 1_048_576, "--lesson-open-files"),
        default=LessonLimits.open_files,
        metavar="N",
        help=_("open files each lesson may hold (default {default}; 0: no limit)").format(
            default=LessonLimits.open_files),
    )
    ssh.add_argument(
        "--lesson-processes",
        type=_bounded_int(0, 4_194_304, "--lesson-processes"),
        default=LessonLimits.processes,
        metavar="N",
        help=_("processes and threads of the server's user a lesson may start "
               "(default {default}; 0: no limit)").format(default=LessonLimits.processes),
    )
    ssh.add_argument(
        "--no-prefork",
        action="store_true",
        help=_("start each lesson as a new Python process instead of forking it from one "
               "that has already imported the lesson (slower first screen, more memory)"),
    )
    ssh.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help=_("keep the host key and progress in DIR (default: ${variable} "
               "or the user's state folder)").format(variable=STATE_DIR_VARIABLE),
    )
    ssh.add_argument(
        "--host-key",
        type=Path,
        metavar="FILE",
        help=_("serve this private host key (mode 600), the same file on every node behind "
               "a balancer (default: DIR/ssh_host_ed25519_key, made the first time)"),
    )
    ssh.add_argument(
        "--proxy-protocol",
        action="store_true",
        help=_("every connection starts with a PROXY protocol v2 header from a balancer "
               "(HAProxy send-proxy-v2): caps and logs see the learner's address; connections "
               "without one are refused. Let only the balancer reach the port"),
    )
    _add_scale_out_flags(ssh)

    web = kinds.add_parser(
        "web",
        prog="neuron-tui serve web",
        help=_("serve the lesson to web browsers (one lesson per tab)"),
        description=_(
            "Serve the lesson to web browsers with textual-serve: every tab that opens "
            "the page gets its own lesson. Binds to 127.0.0.1 unless --host says otherwise."
        ),
    )
    web.add_argument("--host", default="127.0.0.1",
                     help=_("address to listen on (default 127.0.0.1)"))
    web.add_argument(
        "--port",
        type=_bounded_int(1, 65535, N_("the port")),
        default=8000,
        help=_("port to listen on (default 8000)"),
    )
    web.add_argument(
        "--public-url",
        metavar="URL",
        help=_("the address browsers use, e.g. https://lesson.example.org behind a proxy"),
    )
    web.add_argument(
        "--low-bandwidth",
        action="store_true",
        help=_("run the lessons in low-bandwidth mode (NEURON_TUI_LOW_BANDWIDTH=1)"),
    )
    web.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help=_("keep the class (its store, the class view's socket) in DIR (default: "
               "${variable} or the user's state folder)").format(variable=STATE_DIR_VARIABLE),
    )
    _add_class_view_flag(web)
    _add_scale_out_flags(web)
    web.add_argument(
        "--no-prefork",
        action="store_true",
        help=_("start each lesson as a new Python process instead of forking it from one "
               "that has already imported the lesson (slower first screen, more memory)"),
    )
    return serve


def _add_class_view_flag(parser: argparse.ArgumentParser) -> None:
    add_language_flag(parser, _("the teacher's language, for the class view and the server's "
                                "messages (default: the locale's, else English)"))
    parser.add_argument(
        "--no-class-view",
        action="store_true",
        help=_("log one line per event instead of showing the class view on this terminal "
               "(the default when the output is not a terminal)"),
    )
