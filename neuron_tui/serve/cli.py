"""The `serve` command line: `neuron-tui serve ssh ...` and `neuron-tui serve web ...`.

:func:`add_serve_parser` adds the `serve` command to the lesson's argparse
subparsers; :func:`run_serve` runs it. Every bad flag is one line on stderr
and exit code 2, never a traceback. Heavy imports (asyncssh, aiohttp) happen
only when a server actually starts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neuron_tui.argparsing import OneLineErrorParser, early_language
from neuron_tui.i18n import _, choose_language, set_language
from neuron_tui.paths import default_state_dir
from neuron_tui.serve.cli_flags import add_serve_parser
from neuron_tui.serve.limits import LessonLimits
from neuron_tui.serve.state import is_loopback

__all__ = ["add_serve_parser", "build_parser", "main", "run_serve"]


def wants_class_view(args: argparse.Namespace) -> bool:
    """Whether the class view takes this terminal: asked for, and there is a terminal."""
    if getattr(args, "no_class_view", False):
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


def _fail(prog: str, message: str) -> int:
    print(_("{prog}: error: {message}").format(prog=prog, message=message), file=sys.stderr)
    return 2


def run_serve(args: argparse.Namespace) -> int:
    """Run `serve ssh` or `serve web` from parsed arguments; returns the exit code.

    The server speaks the teacher's language (`--lang`, else the locale's): its banner,
    its refusals to learners and the class view on its terminal. The lessons choose
    their own (the learner's), from a clean environment.
    """
    set_language(choose_language(getattr(args, "lang", None)))
    content: Path | None = getattr(args, "content", None)
    if args.serve_kind == "web":
        from neuron_tui.serve.web import serve_web

        return serve_web(
            host=args.host,
            port=args.port,
            public_url=args.public_url,
            content=content,
            low_bandwidth=args.low_bandwidth,
            state_dir=args.state_dir if args.state_dir is not None else default_state_dir(),
            class_view=wants_class_view(args),
            prefork=not args.no_prefork,
            store=args.store,
            node=args.node,
        )

    prog = "neuron-tui serve ssh"
    auth = args.password is not None or args.authorized_keys is not None
    if not auth and not is_loopback(args.host):
        return _fail(
            prog,
            _("refusing to listen on {host} without authentication: anyone who reaches "
              "the port would get a lesson; give --password CLASSCODE or --authorized-keys FILE"
              ).format(host=args.host),
        )
    if args.authorized_keys is not None:
        try:
            import asyncssh

            asyncssh.read_authorized_keys(str(args.authorized_keys))
        except OSError as error:
            return _fail(prog, _("cannot read {path}: {error}").format(
                path=args.authorized_keys, error=error.strerror or error))
        except (ValueError, asyncssh.KeyImportError) as error:
            return _fail(prog, _("{path} is not an authorized_keys file: {error}").format(
                path=args.authorized_keys, error=error))
    if args.teacher_keys is not None:
        from neuron_tui.serve.teacher import KeyFileError, read_keys

        try:
            read_keys(args.teacher_keys, "--teacher-keys")
        except KeyFileError as error:
            return _fail(prog, str(error))
    if args.host_key is not None:
        from neuron_tui.serve.ssh_config import HostKeyError, read_host_key

        try:
            read_host_key(args.host_key)
        except HostKeyError as error:
            return _fail(prog, str(error))
    state_dir = args.state_dir if args.state_dir is not None else default_state_dir()
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return _fail(prog, _("cannot use state folder {folder}: {error}").format(
            folder=state_dir, error=error.strerror or error))

    import asyncio
    import logging

    from neuron_tui.serve.ssh import SSHServeConfig, serve_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    config = SSHServeConfig(
        state_dir=state_dir,
        host=args.host,
        port=args.port,
        password=args.password,
        authorized_keys=args.authorized_keys,
        teacher_keys=args.teacher_keys,
        max_sessions=args.max_sessions,
        max_per_address=args.max_per_address,
        login_timeout=args.login_timeout,
        allow_uncompressed=args.allow_uncompressed,
        low_bandwidth=args.low_bandwidth,
        content=content,
        lesson_limits=LessonLimits(
            memory_mib=args.lesson_memory,
            nice=args.lesson_nice,
            open_files=args.lesson_open_files,
            processes=args.lesson_processes,
        ),
        prefork=not args.no_prefork,
        proxy_protocol=args.proxy_protocol,
        host_key=args.host_key,
        store=args.store,
        node=args.node,
    )
    try:
        return asyncio.run(serve_forever(config, class_view=wants_class_view(args)))
    except KeyboardInterrupt:  # pragma: no cover - Ctrl+C before the handler is set
        return 130


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser for `python -m neuron_tui.serve ssh|web ...`."""
    parser = OneLineErrorParser(
        prog="neuron-tui",
        description=_("Serve the neuron lesson to a class."),
    )
    parser.add_argument(
        "--content",
        type=Path,
        metavar="DIR",
        help=_("serve the lesson text and quiz in DIR instead of the built-in content/"),
    )
    commands = parser.add_subparsers(
        dest="command", metavar="serve", required=True, parser_class=OneLineErrorParser
    )
    add_serve_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """`python -m neuron_tui.serve serve ssh ...` (or without the leading `serve`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(choose_language(early_language(argv)))  # before the help texts are built
    if argv[:1] in (["ssh"], ["web"]):
        argv.insert(0, "serve")
    args = build_parser().parse_args(argv)
    return run_serve(args)
