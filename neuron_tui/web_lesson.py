"""The lesson as `serve web` starts it for one browser tab: progress lives for the tab.

Web learners are anonymous, so each tab keeps its progress in a temporary
folder that is removed when the tab's lesson ends; nothing is shared between
tabs and the teacher's own progress file is never touched. It is a lesson
process's entry point (beside `__main__`), not part of the server, which starts it
by module name and never imports it. Under `serve web` it first asks the server's
fork server (:mod:`neuron_tui.zygote`) for the lesson, already imported, on this
process's own pipes, and only stands in for it; without one it runs the lesson itself.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    """Run the lesson, forked from `serve web`'s fork server if there is one; its exit code."""
    from neuron_tui.process.forkclient import exit_like, run_forked

    # This process is then only the lesson's stand-in for textual-serve: the lesson,
    # already imported, runs on this process's own pipes.
    request = {
        "module": "neuron_tui.web_lesson",
        "argv": [sys.executable, "-I", "-m", "neuron_tui.web_lesson", *sys.argv[1:]],
        "args": sys.argv[1:],
        "env": dict(os.environ),
        "cwd": os.getcwd(),
    }
    code = run_forked(request, os.environ)
    if code is not None:
        return exit_like(code)
    return run_here()


def run_here() -> int:
    """Run the lesson in this process with a throw-away progress file; its exit code."""
    from neuron_tui.__main__ import main as lesson_main

    with tempfile.TemporaryDirectory(prefix="neuron-tui-web-") as folder:
        return lesson_main(["--progress", str(Path(folder) / "progress.json"), *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
