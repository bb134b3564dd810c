"""The argument parser every neuron-tui command line uses: one-line errors, exit code 2."""

from __future__ import annotations

import argparse
from typing import NoReturn

__all__ = ["OneLineErrorParser"]


class OneLineErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage dump) and exit with 2.

    The line names the command and points at its ``--help``, so a learner who
    mistypes a flag sees what went wrong and where to look, never a traceback.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")
