"""The argument parser every neuron-tui command line uses: one-line errors, exit code 2.

Also the `--lang` flag of the commands that take one, and how the language is read
from the command line before any parser is built (every help text is translated when
its parser is built, so the language must be known first).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NoReturn

from neuron_tui.i18n import LANGUAGES, _

__all__ = ["OneLineErrorParser", "add_language_flag", "early_language"]


class OneLineErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage dump) and exit with 2.

    The line names the command and points at its ``--help``, so a learner who
    mistypes a flag sees what went wrong and where to look, never a traceback.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, _("{prog}: error: {message} (see {prog} --help)").format(
            prog=self.prog, message=message) + "\n")


def add_language_flag(parser: argparse.ArgumentParser, help_text: str) -> None:
    """Add `--lang CODE` (one of the shipped languages) to `parser`.

    Its default is SUPPRESS: a subcommand's default would overwrite a `--lang` given
    before the subcommand's name (`neuron-tui --lang es class`).
    """
    parser.add_argument("--lang", choices=sorted(LANGUAGES), metavar="CODE",
                        default=argparse.SUPPRESS, help=help_text)


def early_language(argv: Sequence[str]) -> str | None:
    """The shipped language given with `--lang CODE` or `--lang=CODE` in `argv`, if any.

    Read before the parser is built, so that `--help` is already in that language. An
    unknown code counts as none (the locale decides the language of the parser's error
    about it).
    """
    for index, word in enumerate(argv):
        if word == "--":
            break
        code = None
        if word == "--lang" and index + 1 < len(argv):
            code = argv[index + 1]
        elif word.startswith("--lang="):
            code = word.partition("=")[2]
        if code is not None:
            return code if code in LANGUAGES else None
    return None
