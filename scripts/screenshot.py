"""Export the README's screenshots from the real app (Textual's SVG export).

Usage: python scripts/screenshot.py   (writes docs/*.svg)
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.content import load_content

DOCS = Path(__file__).resolve().parent.parent / "docs"
SHOTS = {
    "part02.svg": ("part02", ["right"] * 5 + ["down"] + ["right"] * 10 + ["g"]),
    "part01.svg": ("part01", []),
    "opening.svg": ("opening", []),
}


async def shoot(filename: str, page: str, keys: list[str]) -> None:
    """Run the app headless at 80×24, press keys, save an SVG."""
    app = NeuronApp(load_content(), start_page=page)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await pilot.pause(3.5)  # let notifications time out
        app.save_screenshot(filename=filename, path=str(DOCS))


def main() -> None:
    """Write every screenshot."""
    os.environ.pop("TEXTUAL_THEME", None)
    DOCS.mkdir(exist_ok=True)
    for filename, (page, keys) in SHOTS.items():
        asyncio.run(shoot(filename, page, keys))
        print(f"wrote docs/{filename}")


if __name__ == "__main__":
    main()
