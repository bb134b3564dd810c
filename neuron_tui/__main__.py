"""The command line: start the lesson (optionally at a part), or check content/.

`neuron-tui [--part N] [--content DIR] [--progress FILE] [--reset-progress]` runs the
lesson; `neuron-tui check-content [DIR]` validates a content folder. Every error is
one line on stderr with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

# SIGTERM and SIGHUP must end the lesson cleanly from its first moment, so when run as
# a program the handlers go in before the slower imports below.
if __name__ == "__main__":
    from neuron_tui.shutdown import SIGNALS as _EARLY_SIGNALS

    _EARLY_SIGNALS.install()

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from neuron_tui import __version__
from neuron_tui.argparsing import OneLineErrorParser, early_language
from neuron_tui.i18n import LANGUAGES, SOURCE_LANGUAGE, _
from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.paths import STATE_DIR_VARIABLE

if TYPE_CHECKING:
    from neuron_tui.lesson.progress import ProgressStore
    from neuron_tui.terminal import TerminalProfile


def content_folder(text: str) -> Path:
    """argparse type for --content: an existing folder."""
    folder = Path(text)
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(_("{path}: no such folder").format(path=text))
    return folder


def part_number_type(lesson: Lesson) -> Callable[[str], int]:
    """argparse type for --part: the number of one of `lesson`'s parts."""

    def part_number(text: str) -> int:
        # int() would also take " 3 ", "+3" and full-width "３": only plain digits count.
        if not (text.isascii() and text.isdigit()):
            raise argparse.ArgumentTypeError(
                _("{text} is not a part number ({parts})").format(
                    text=repr(text), parts=lesson.part_range)
            )
        part = int(text)
        try:
            lesson.part(part)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        return part

    return part_number


def build_parser(lesson: Lesson = LESSON) -> argparse.ArgumentParser:
    """The parser for `neuron-tui` and its commands."""
    parser = OneLineErrorParser(
        prog="neuron-tui",
        usage=(
            "neuron-tui [--part N] [--content DIR] [--progress FILE] [--reset-progress]\n"
            "                  [--lang CODE] [--ascii] [--no-color] [--low-bandwidth]\n"
            "       neuron-tui check-content [DIR]\n"
            "       neuron-tui serve {ssh,web} [options]   ({serve})\n"
            "       neuron-tui class [export|forget] [options]   ({room})"
        ).replace("{serve}", _("teach a class; see serve --help")).replace(
            "{room}", _("the teacher's room")),
        description=_(
            "A terminal lesson: what an artificial neuron is, how gradient descent "
            "trains it, and why a multi-layer network solves what one neuron cannot. "
            "Run without a command to start the lesson."
        ),
        epilog=_(
            "Progress is saved after every step in progress.json under the user's state "
            "folder (or ${variable} if set). "
            "Keys inside the lesson: n next, p previous, {numbers} jump, ? help, q quit."
        ).format(variable=STATE_DIR_VARIABLE, numbers=lesson.number_keys),
    )
    parser.add_argument("--version", action="version", version=f"neuron-tui {__version__}")
    parser.add_argument(
        "--part",
        type=part_number_type(lesson),
        metavar="N",
        help=_("open directly at part N ({parts}) instead of the opening screen").format(
            parts=lesson.part_range),
    )
    parser.add_argument(
        "--content",
        type=content_folder,
        metavar="DIR",
        help=_("use the lesson text and quiz in DIR instead of the built-in content/"),
    )
    parser.add_argument(
        "--lang",
        choices=sorted(LANGUAGES),
        metavar="CODE",
        help=_("the lesson's language: {languages}; default: the one picked on the opening "
               "screen, else the locale's (LC_ALL, LC_MESSAGES, LANG), else English").format(
            languages=", ".join(f"{code} ({name})" for code, name in sorted(LANGUAGES.items()))),
    )
    parser.add_argument(
        "--progress",
        type=Path,
        metavar="FILE",
        help=_("keep the learner's progress in FILE instead of the default progress.json"),
    )
    parser.add_argument(
        "--reset-progress",
        action="store_true",
        help=_("start the lesson over (the old progress file is kept as a backup beside it)"),
    )
    looks = parser.add_argument_group(_("how the lesson draws"))
    looks.add_argument(
        "--ascii",
        action="store_true",
        help=_("draw with plain ASCII only: no braille, box drawing or Greek letters "
               "(chosen automatically when the terminal's encoding has no Unicode; "
               "also NEURON_TUI_ASCII=1)"),
    )
    looks.add_argument(
        "--no-color",
        action="store_true",
        help=_("no colour at all; classes, wrong points and shading differ by glyph "
               "(also the NO_COLOR environment variable)"),
    )
    looks.add_argument(
        "--low-bandwidth",
        action="store_true",
        help=_("for slow links: 16 colours, no animations, training drawn at most 4 "
               "frames a second (also NEURON_TUI_LOW_BANDWIDTH=1)"),
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=OneLineErrorParser
    )
    check = commands.add_parser(
        "check-content",
        help=_("check a content folder (every part, the quiz) and exit: 0 valid, 1 invalid"),
        description=_(
            "Check a lesson content folder: every part's page present, the quiz "
            "well-formed, every option explained; and each translation in it (DIR/<lang>/, "
            "only --lang's if given; DIR may be one): every page with the same sections, "
            "every question with the same options and right answer, every string of the "
            "program translated. Each problem is printed with its file and line; the exit "
            "code is 1 when there are any."
        ),
    )
    check.add_argument(
        "dir",
        type=Path,
        nargs="?",
        metavar="DIR",
        help=_("the folder to check (default: --content, else the built-in content/)"),
    )
    from neuron_tui.serve.cli import add_serve_parser

    add_serve_parser(commands)
    from neuron_tui.class_view.cli import add_class_parser

    add_class_parser(commands)
    return parser


def print_problems(problems: list[str]) -> None:
    """Report content problems on stderr, one a line."""
    print("neuron-tui: the lesson content has problems:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def check_content(folder: Path | None, code: str | None = None) -> int:
    """`neuron-tui [--lang CODE] check-content [DIR]`: 0 when valid, 1 when not.

    DIR (default: the built-in content/) and each translation in it (DIR/<lang>/,
    only CODE's if given) with its strings; DIR may itself be a translation folder.
    """
    from neuron_tui.lesson.content import ContentError, default_content_dir, load_content
    from neuron_tui.lesson.translation import (
        catalog_gaps,
        content_gaps,
        translation_folder,
        translations_in,
    )

    where = folder if folder is not None else default_content_dir()
    translated = translation_folder(where)
    source = where.parent if translated else where
    codes = [translated] if translated else [code] if code else translations_in(source)
    try:
        content = load_content(source)
    except ContentError as error:
        print_problems(error.problems)
        return 1
    problems: list[str] = []
    unchecked = []
    for language in codes:
        if language == SOURCE_LANGUAGE:
            continue
        problems += content_gaps(content, source / language)
        gaps = catalog_gaps(language)
        if gaps is None:
            unchecked.append(language)
        problems += gaps or []
    if problems:
        print_problems(problems)
        return 1
    checked = [language for language in codes if language != SOURCE_LANGUAGE]
    print(
        f"{where}: content is valid ({len(content.pages)} pages, {len(content.quiz)} questions"
        + (f"; translations: {', '.join(checked)}" if checked else "") + ")"
    )
    if unchecked:
        print(f"(the strings of {', '.join(unchecked)} were not checked: that needs Babel, "
              "pip install babel)")
    return 0


def main(argv: list[str] | None = None, lesson: Lesson = LESSON) -> int:
    """Run the command line for `lesson`; returns the exit code."""
    from neuron_tui.i18n import choose_language, set_language

    # The help texts are translated as the parser is built: choose the language first
    # (each command chooses again from its parsed flags).
    set_language(choose_language(early_language(sys.argv[1:] if argv is None else argv)))
    parser = build_parser(lesson)
    args = parser.parse_args(argv)
    if args.command == "serve":
        from neuron_tui.serve.cli import run_serve

        return run_serve(args)
    if args.command == "class":
        from neuron_tui.class_view.cli import run_class

        return run_class(args)
    if args.command == "check-content":
        return check_content(args.dir if args.dir is not None else args.content, args.lang)

    from neuron_tui.shutdown import SIGNALS

    with SIGNALS.installed():
        return run_lesson(args, lesson)


def run_lesson(args: argparse.Namespace, lesson: Lesson) -> int:
    """Start the lesson (SIGTERM/SIGHUP already end it cleanly); returns the exit code."""
    from neuron_tui.i18n import choose_language, set_language
    from neuron_tui.lesson.content import ContentError, content_folder, load_content
    from neuron_tui.shutdown import SIGNALS

    # Before anything is drawn; the language picked last time (kept with the progress,
    # read by the app) may still replace the locale's, but not --lang.
    code = set_language(choose_language(args.lang))
    try:
        content = load_content(content_folder(args.content, code), lesson)
    except ContentError as error:
        print_problems(error.problems)
        return 1

    from neuron_tui.lesson.progress import ProgressFileError, default_progress_path

    progress_path = args.progress if args.progress else default_progress_path()
    problem = progress_path_problem(progress_path)
    if problem:
        print(f"neuron-tui: error: {problem}", file=sys.stderr)
        return 2
    problem = terminal_problem()
    if problem:
        print(f"neuron-tui: error: {problem}", file=sys.stderr)
        return 2
    store, close_store = lesson_store(progress_path, lesson)
    notices = []
    if args.reset_progress:
        try:
            backup = store.reset()
        except (OSError, ProgressFileError) as error:
            print(f"neuron-tui: cannot reset progress: {error}", file=sys.stderr)
            return 1
        if backup is not None:
            notices.append(f"Progress reset; the old progress was kept as {backup.name}.")

    profile = apply_terminal_profile(args)

    from neuron_tui.app import NeuronApp

    start_page = lesson.part(args.part).key if args.part else lesson.first
    app = NeuronApp(content, start_page=start_page, store=store, notices=notices,
                    profile=profile, lesson=lesson, language_flag=args.lang)
    SIGNALS.app_starting = True
    try:
        app.run()
    finally:
        close_store()
    if SIGNALS.received is not None:
        return 0  # ended by SIGTERM/SIGHUP, as asked: progress was saved on every change
    if app.out_of_memory:
        print(
            "neuron-tui: the lesson reached its memory limit and had to stop; "
            "your progress is saved.",
            file=sys.stderr,
        )
        return 3
    if app.crash_log is not None or (app.return_code or 0) not in (0, None):
        where = f" Details are in {app.crash_log}." if app.crash_log else ""
        print(
            "neuron-tui stopped after an unexpected error; your progress is saved."
            + where,
            file=sys.stderr,
        )
        return 1
    return 0


def lesson_store(path: Path, lesson: Lesson) -> tuple[ProgressStore, Callable[[], None]]:
    """The progress store, and what to call when the lesson ends.

    Under `serve` (NEURON_TUI_CLASS_SOCKET and NEURON_TUI_CLASS_TOKEN set) progress
    is also reported to the class server, which sends the teacher's pacing back;
    ending the lesson sends what is still queued.
    """
    from neuron_tui.class_link import ClassLink
    from neuron_tui.lesson.progress import ProgressStore

    link = ClassLink.from_environment()
    if link is None:
        return ProgressStore(path, lesson), lambda: None
    from neuron_tui.lesson.linked_progress import LinkedProgressStore

    return LinkedProgressStore(path, link.start(), lesson), link.close


def progress_path_problem(path: Path) -> str:
    """Why the lesson could not keep progress at `path`, or "" when it can."""
    from neuron_tui.lesson.progress_file import special_file_problem

    if path.is_dir():
        return f"--progress {path}: is a folder; give a file name, e.g. {path / 'progress.json'}"
    folder = path.parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"cannot keep progress in {path}: {existing} is not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"cannot keep progress in {path}: {existing} is not writable"
    special = special_file_problem(path)
    if special:
        return f"--progress {path}: {special}; give a file name, e.g. {folder / 'progress.json'}"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"cannot keep progress in {path}: no permission to read and write it"
    return ""


def terminal_problem() -> str:
    """Why the lesson cannot run here (stdin and stdout must be a terminal), or "".

    Without a terminal Textual would wait for input forever and write escape codes
    into a file. textual-serve's web driver (TEXTUAL_DRIVER) needs no terminal.
    """
    if os.environ.get("TEXTUAL_DRIVER"):
        return ""
    if sys.stdin is not None and sys.stdout is not None:
        with contextlib.suppress(ValueError, OSError):  # closed or detached streams
            if sys.stdin.isatty() and sys.stdout.isatty():
                return ""
    return (
        "the lesson needs a terminal: run it in one, with neither its input nor its "
        "output redirected"
    )


def apply_terminal_profile(args: argparse.Namespace) -> TerminalProfile:
    """Decide how to draw (ASCII, colour, bandwidth) and set it up before the app starts."""
    from neuron_tui.glyphs import ASCII, CONSOLE, UNICODE, colourless, use_glyphs
    from neuron_tui.terminal import detect_profile

    profile = detect_profile(
        ascii_flag=args.ascii, no_color_flag=args.no_color, low_bandwidth_flag=args.low_bandwidth
    )
    chosen = ASCII if profile.ascii else UNICODE if profile.braille else CONSOLE
    # Without colour a wrong point cannot be amber: it is drawn as a capital (O, X).
    use_glyphs(colourless(chosen) if profile.no_color else chosen)
    if profile.no_color:
        os.environ["NO_COLOR"] = "1"  # Textual reads it when the app is created
    if profile.low_bandwidth:
        os.environ["TEXTUAL_ANIMATIONS"] = "none"
        os.environ.setdefault("TEXTUAL_COLOR_SYSTEM", "standard")
    return profile


if __name__ == "__main__":
    sys.exit(main())
