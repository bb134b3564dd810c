"""`neuron-tui class`: open the class view, export the results, forget a learner.

- `neuron-tui class [--state-dir DIR] [--socket PATH]` opens the teacher's view of
  the class server running from DIR (its `run/teacher.sock`, mode 0600: only the
  server's user can open it);
- `neuron-tui class export [--state-dir DIR] --csv FILE` writes the answers CSV and
  `<stem>-summary.csv` beside it from the class store;
- `neuron-tui class forget NAME [--state-dir DIR]` removes one learner's data.

Export and forget read the class store of DIR, or the one `--store URL` (else
``$NEURON_TUI_STORE``) names: the PostgreSQL database every lesson node shares.

All of them speak the teacher's language: `--lang CODE`, else the locale's. The CSV
files keep English column names whatever the language (other programs read them).
Every problem is one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
from pathlib import Path
from typing import Any

from neuron_tui.argparsing import OneLineErrorParser, add_language_flag
from neuron_tui.i18n import _, choose_language, language, set_language
from neuron_tui.paths import STATE_DIR_VARIABLE, default_state_dir

__all__ = ["add_class_parser", "run_class"]

#: Where the hub listens for class views, inside the state folder (class-protocol.md).
TEACHER_SOCKET = Path("run") / "teacher.sock"
#: The class store's file inside the state folder.
STORE_FILE = "class.sqlite3"


def add_class_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `class`, `class export` and `class forget` to the command line's subparsers."""
    where = _("the class server's state folder (default ${variable} or the user's)").format(
        variable=STATE_DIR_VARIABLE)
    parser = subparsers.add_parser(
        "class",
        prog="neuron-tui class",
        usage=(
            "neuron-tui class [--state-dir DIR] [--socket PATH] [--lang CODE]\n"
            "       neuron-tui class export [--state-dir DIR] [--store URL] --csv FILE\n"
            "       neuron-tui class forget NAME [--state-dir DIR] [--store URL]"
        ),
        help=_("the teacher's room: see the class live, pace it, export results"),
        description=_(
            "Open the class view of the class server running on this machine "
            "(`neuron-tui serve ssh` or `serve web` from the same state folder): one row "
            "per learner, pacing keys in the footer. `class export` writes the results "
            "as CSV; `class forget NAME` removes one learner's data."
        ),
    )
    parser.add_argument("--state-dir", type=Path, metavar="DIR", help=where)
    _add_store_flag(parser, None)
    parser.add_argument(
        "--socket", type=Path, metavar="PATH",
        help=_("the server's teacher socket (default DIR/{path})").format(path=TEACHER_SOCKET),
    )
    add_language_flag(parser, _("the teacher's language for the view and its messages "
                                "(default: the locale's, else English)"))
    actions = parser.add_subparsers(dest="class_action", metavar="export|forget",
                                    parser_class=OneLineErrorParser)
    export = actions.add_parser(
        "export",
        prog="neuron-tui class export",
        help=_("write the results: one row per learner per question, and a summary"),
        description=_(
            "Write one row per learner per question (name, question, chosen option, "
            "correct or not, when) to FILE, and one row per learner (name, score, parts "
            "done, self-checks, first and last seen) to FILE-summary.csv beside it. "
            "The summary's first two columns import into a gradebook as name, score. "
            "The column names are in English in every language."
        ),
    )
    # SUPPRESS: a default here would overwrite `class --state-dir DIR export`'s DIR.
    export.add_argument("--state-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                        help=where)
    _add_store_flag(export, argparse.SUPPRESS)
    export.add_argument("--csv", type=Path, metavar="FILE", required=True,
                        help=_("the answers CSV to write (the summary goes beside it)"))
    forget = actions.add_parser(
        "forget",
        prog="neuron-tui class forget",
        help=_("remove one learner's data (the name is all that is kept about them)"),
        description=_("Remove everything kept about the learner NAME (names compare "
                      "case-folded, as at login)."),
    )
    forget.add_argument("name", metavar="NAME", help=_("the learner's name, as they logged in"))
    forget.add_argument("--state-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                        help=where)
    _add_store_flag(forget, argparse.SUPPRESS)
    return parser


def _add_store_flag(parser: argparse.ArgumentParser, default: Any) -> None:
    # SUPPRESS on the subcommands: `class --store URL export` keeps its URL.
    parser.add_argument(
        "--store", metavar="URL", default=default,
        help=_("the class store of export and forget: postgresql://USER@HOST/DB, the database "
               "the lesson nodes share (default $NEURON_TUI_STORE, else DIR's SQLite file)"),
    )


def run_class(args: argparse.Namespace) -> int:
    """Run `neuron-tui class ...`; returns the exit code."""
    set_language(choose_language(getattr(args, "lang", None)))
    state_dir: Path = args.state_dir or default_state_dir()
    store: str | None = getattr(args, "store", None)
    if args.class_action == "export":
        return export(state_dir, args.csv, store)
    if args.class_action == "forget":
        return forget(state_dir, args.name, store)
    if store is not None:
        return fail(_("--store is for `class export` and `class forget`: the class view reads "
                      "the class from a running server (--state-dir DIR or --socket PATH)"), 2)
    return open_view(args.socket or state_dir / TEACHER_SOCKET)


def fail(text: str, code: int = 1) -> int:
    """Print one line on stderr; return `code`."""
    print(f"neuron-tui: {text}", file=sys.stderr)
    return code


def open_view(socket_path: Path) -> int:
    """Check the hub answers, then run the class view on this terminal."""
    from neuron_tui.class_view.link import connect_problem

    with contextlib.suppress(ValueError, OSError):
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            return fail(_("the class view needs a terminal: run it in one, with neither "
                          "its input nor its output redirected"), 2)
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(socket_path))
    except OSError as error:
        return fail(_("{problem}; start one with `neuron-tui serve ssh` (or pass "
                      "--state-dir / --socket)").format(
            problem=connect_problem(error, socket_path)), 2)
    finally:
        probe.close()

    from neuron_tui.class_view.language import class_view_app
    from neuron_tui.shutdown import SIGNALS

    with SIGNALS.installed():
        SIGNALS.app_starting = True
        class_view_app(socket_path).run()
    return 0


def has_class_data(state_dir: Path, store: str | None = None) -> bool:
    """Whether there is a class to read: a shared store named, or in `state_dir` a class
    store or learners' files to import."""
    if _shared_url(store):
        return True  # the database says itself whether it can be read
    return (state_dir / STORE_FILE).is_file() or (state_dir / "learners").is_dir()


def no_class_data(state_dir: Path) -> str:
    """The line for a state folder without a class in it."""
    return _("no class data in {folder}: give the server's --state-dir").format(
        folder=state_dir)


def export(state_dir: Path, answers_csv: Path, store_url: str | None = None) -> int:
    """`class export`: write the answers and summary CSVs from the class store."""
    from neuron_tui.lesson.content import ContentError, content_folder, load_content
    from neuron_tui.serve.results import export_results
    from neuron_tui.serve.store import StoreError, open_store

    if not has_class_data(state_dir, store_url):
        return fail(no_class_data(state_dir), 2)
    if answers_csv.is_dir():
        return fail(_("--csv {path}: is a folder; give a file name, e.g. {example}").format(
            path=answers_csv, example=answers_csv / "results.csv"), 2)
    try:
        # The option texts in the teacher's language; the column names stay English.
        quiz = load_content(content_folder(None, language())).quiz
        store = open_store(state_dir, store_url)
    except (ContentError, StoreError, OSError) as error:
        return fail(_problem(_("cannot read the class data in {folder}: {error}"),
                             state_dir, store_url, error))
    try:
        answers, summary = export_results(store, answers_csv, quiz)
    except OSError as error:
        return fail(_("cannot write {path}: {error}").format(
            path=answers_csv, error=error.strerror or error))
    finally:
        store.close()
    print(_("wrote {answers} and {summary}").format(answers=answers, summary=summary))
    return 0


def forget(state_dir: Path, name: str, store_url: str | None = None) -> int:
    """`class forget NAME`: remove the learner's progress, answers and files (the store's
    `forget` also deletes the lesson's own fallback file, which would bring them back)."""
    from neuron_tui.serve.store import StoreError, open_store

    if not has_class_data(state_dir, store_url):
        return fail(no_class_data(state_dir), 2)
    try:
        store = open_store(state_dir, store_url)
        try:
            found = store.forget(name)
        finally:
            store.close()
    except (StoreError, OSError) as error:
        return fail(_problem(_("cannot change the class data in {folder}: {error}"),
                             state_dir, store_url, error))
    if not found:
        return fail(_("no learner named {name} in {folder}").format(
            name=repr(name), folder=_where(state_dir, store_url)))
    print(_("forgot {name}").format(name=name))
    return 0


def _shared_url(store_url: str | None) -> str:
    """The shared store's address in use (``--store``, else ``$NEURON_TUI_STORE``), or ''."""
    import os

    return store_url or os.environ.get("NEURON_TUI_STORE", "").strip()


def _where(state_dir: Path, store_url: str | None) -> str:
    """Where the class data is, for a message: the state folder or the shared store."""
    url = _shared_url(store_url)
    if not url:
        return str(state_dir)
    from neuron_tui.serve.store_postgres import is_postgres_url, shown_url

    return shown_url(url) if is_postgres_url(url) else _("the class store")


def _problem(template: str, state_dir: Path, store_url: str | None, error: Exception) -> str:
    """One line: a shared store's error names the database itself; else `template`
    (with ``{folder}`` and ``{error}``) names the folder."""
    if _shared_url(store_url):
        return str(error)
    return template.format(folder=state_dir, error=error)
