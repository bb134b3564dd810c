"""The lesson as `serve web` starts it for one browser tab: progress lives for the tab.

Web learners are anonymous, so each tab keeps its progress in a temporary
folder that is removed when the tab's lesson ends; nothing is shared between
tabs and the teacher's own progress file is never touched. It is a lesson
process's entry point (beside `__main__`), not part of the server, which starts it
by module name and never imports it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main() -> int:
    """Run the lesson with a throw-away progress file; returns its exit code."""
    from neuron_tui.__main__ import main as lesson_main

    with tempfile.TemporaryDirectory(prefix="neuron-tui-web-") as folder:
        return lesson_main(["--progress", str(Path(folder) / "progress.json"), *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
