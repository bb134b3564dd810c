"""The translators' commands: extract the strings, compile the catalogs, check a language.

    python tools/i18n.py extract          # neuron_tui/ -> neuron_tui/locale/neuron_tui.pot
    python tools/i18n.py compile          # every locale/<lang>/LC_MESSAGES/*.po -> neuron_tui.mo
    python tools/i18n.py check es         # every msgid of the .pot translated in es

Needs Babel (``pip install -e '.[test]'``). Problems are printed one a line as
``file:line: what``; the exit code is 1 when there are any, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Paths from the checkout's root, as problems print them (neuron_tui/locale/...:12: ...).
PACKAGE = Path("neuron_tui")
LOCALE_DIR = PACKAGE / "locale"
TEMPLATE = LOCALE_DIR / "neuron_tui.pot"

sys.path.insert(0, str(ROOT))  # run from a checkout: the package beside this folder

from neuron_tui.catalogs import (  # noqa: E402 (after the path above)
    CatalogError,
    catalog_languages,
    compile_all,
    extract,
    missing_translations,
)


def run_extract() -> int:
    """Write the template of every marked string."""
    changed = extract(PACKAGE, TEMPLATE, Path())
    print(f"{TEMPLATE}: {'written' if changed else 'unchanged'}")
    return 0


def run_compile() -> int:
    """Compile every language; print what was written or every problem."""
    try:
        written = compile_all(LOCALE_DIR)
    except CatalogError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    for path in written:
        print(f"{path}: compiled")
    return 0


def run_check(codes: list[str]) -> int:
    """Report every msgid of the template that a language leaves untranslated."""
    problems = []
    for code in codes or catalog_languages(LOCALE_DIR):
        problems += missing_translations(TEMPLATE, LOCALE_DIR, code)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("every string is translated")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="tools/i18n.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="write neuron_tui/locale/neuron_tui.pot")
    commands.add_parser("compile", help="merge each language's .po files into neuron_tui.mo")
    check = commands.add_parser("check", help="list the strings a language does not translate")
    check.add_argument("codes", nargs="*", metavar="LANG", help="default: every language")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.command == "extract":
        return run_extract()
    if args.command == "compile":
        return run_compile()
    return run_check(args.codes)


if __name__ == "__main__":
    sys.exit(main())
