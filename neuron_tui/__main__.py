"""The command line: start the lesson (optionally at a part), or check content/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from neuron_tui import __version__

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
    """The parser for `neuron-tui`."""
    parser = OneLineErrorParser(
        prog="neuron-tui",
        description=(
            "A terminal lesson: what an artificial neuron is, how gradient descent "
            "trains it, and why a multi-layer network solves what one neuron cannot."
        ),
        epilog="Keys inside the lesson: n next, p previous, 1-6 jump, ? help, q quit.",
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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from neuron_tui.content import ContentError, load_content

    try:
        content = load_content(args.content)
    except ContentError as error:
        print("neuron-tui: the lesson content has problems:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1

    from neuron_tui.app import NeuronApp, page_for_part

    start_page = page_for_part(args.part) if args.part else "opening"
    NeuronApp(content, start_page=start_page).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
