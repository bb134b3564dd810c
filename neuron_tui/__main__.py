"""The command line: start the lesson (optionally at a part), or check content/.

`neuron-tui [--part N] [--content DIR] [--progress FILE] [--reset-progress]` runs the
lesson; `neuron-tui check-content [DIR]` validates a content folder. Every error is
one line on stderr with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from neuron_tui import __version__
from neuron_tui.progress import STATE_DIR_VARIABLE

PARTS = range(1, 7)


def part_number(text: str) -> int:
    """argparse type for --part: a whole number from 1 to 6."""
    try:
        part = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a part number (1 to 6)") from None
    if part not in PARTS:
        raise argparse.ArgumentTypeError(f"there is no part {part}: choose 1 to 6")
    return part


class OneLineErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage dump) and exit with 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser for `neuron-tui` and its `check-content` command."""
    parser = OneLineErrorParser(
        prog="neuron-tui",
        usage=(
            "neuron-tui [--part N] [--content DIR] [--progress FILE] [--reset-progress]\n"
            "       neuron-tui check-content [DIR]"
        ),
        description=(
            "A terminal lesson: what an artificial neuron is, how gradient descent "
            "trains it, and why a multi-layer network solves what one neuron cannot. "
            "Run without a command to start the lesson."
        ),
        epilog=(
            "Progress is saved after every step in progress.json under the user's state "
            f"folder (or ${STATE_DIR_VARIABLE} if set). "
            "Keys inside the lesson: n next, p previous, 1-6 jump, ? help, q quit."
        ),
    )
    parser.add_argument("--version", action="version", version=f"neuron-tui {__version__}")
    parser.add_argument(
        "--part",
        type=part_number,
        metavar="N",
        help="open directly at part N (1 to 6) instead of the opening screen",
    )
    parser.add_argument(
        "--content",
        type=Path,
        metavar="DIR",
        help="use the lesson text and quiz in DIR instead of the built-in content/",
    )
    parser.add_argument(
        "--progress",
        type=Path,
        metavar="FILE",
        help="keep the learner's progress in FILE instead of the default progress.json",
    )
    parser.add_argument(
        "--reset-progress",
        action="store_true",
        help="start the lesson over (the old progress file is kept as a backup beside it)",
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=OneLineErrorParser
    )
    check = commands.add_parser(
        "check-content",
        help="check a content folder (every part, the quiz) and exit: 0 valid, 1 invalid",
        description=(
            "Check a lesson content folder: every part's page present, the quiz "
            "well-formed, every option explained. Each problem is printed with its "
            "file and line; the exit code is 1 when there are any."
        ),
    )
    check.add_argument(
        "dir",
        type=Path,
        nargs="?",
        metavar="DIR",
        help="the folder to check (default: --content, else the built-in content/)",
    )
    return parser


def print_problems(problems: list[str]) -> None:
    """Report content problems on stderr, one a line."""
    print("neuron-tui: the lesson content has problems:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def check_content(folder: Path | None) -> int:
    """`neuron-tui check-content [DIR]`: 0 when the content is valid, 1 when not."""
    from neuron_tui.content import ContentError, default_content_dir, load_content

    try:
        content = load_content(folder)
    except ContentError as error:
        print_problems(error.problems)
        return 1
    where = folder if folder is not None else default_content_dir()
    print(
        f"{where}: content is valid ({len(content.pages)} pages, {len(content.quiz)} questions)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check-content":
        return check_content(args.dir if args.dir is not None else args.content)

    from neuron_tui.content import ContentError, load_content

    try:
        content = load_content(args.content)
    except ContentError as error:
        print_problems(error.problems)
        return 1

    from neuron_tui.progress import ProgressStore, default_progress_path

    store = ProgressStore(args.progress if args.progress else default_progress_path())
    notices = []
    if args.reset_progress:
        try:
            backup = store.reset()
        except OSError as error:
            print(f"neuron-tui: cannot reset progress: {error}", file=sys.stderr)
            return 1
        if backup is not None:
            notices.append(f"Progress reset; the old progress was kept as {backup.name}.")

    from neuron_tui.app import NeuronApp, page_for_part

    start_page = page_for_part(args.part) if args.part else "opening"
    NeuronApp(content, start_page=start_page, store=store, notices=notices).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
