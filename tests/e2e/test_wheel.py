"""The wheel carries content/ inside the package, so a plain install works anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_content_and_loads_it_from_any_folder(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path),
         str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("neuron_tui-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("neuron_tui/content/quiz.toml", "neuron_tui/content/part02.md",
                     "neuron_tui/app.tcss"):
        assert expected in names
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from neuron_tui.lesson.content import load_content; c = load_content();"
        "print(c.folder); print(len(c.pages), len(c.quiz))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(unpacked)],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
    )
    folder, counts = result.stdout.strip().splitlines()
    assert Path(folder).is_relative_to(unpacked)
    assert counts == "8 5"
