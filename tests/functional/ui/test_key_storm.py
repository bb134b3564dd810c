"""A seeded storm of random keys across every screen at random sizes.

Asserts that nothing raises and the lesson stays consistent: a known page on
screen, every slider inside its range, every number on a neuron finite. A failure
names its seed; rerun it with NEURON_TUI_STORM_SEED=<seed>.
"""

from __future__ import annotations

import math
import os
import random

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.proof_training import MoonsSettings
from neuron_tui.lesson.registry import LESSON
from neuron_tui.widgets.slider import Slider

KEYS = [
    "left", "right", "up", "down", "shift+left", "shift+right", "home", "tab", "enter",
    "escape", "space", "question_mark", "n", "p", "1", "2", "3", "4", "5", "6", "l", "g",
    "t", "r", "a", "b", "c", "d", "o", "x", "s", "f", "plus", "minus", "left_square_bracket",
    "right_square_bracket", "backspace", "7", "z", "ctrl+p",
]
SIZES = [(80, 24), (120, 40), (60, 20), (45, 14), (100, 30), (200, 60)]
PRESSES = int(os.environ.get("NEURON_TUI_STORM_KEYS", "3000"))


def check_consistent(app: NeuronApp, seed: int, step: int) -> None:
    where = f"seed {seed}, after key {step}"
    assert app.current_page in LESSON.order, where
    for slider in app.page_screen(app.current_page).query(Slider):
        scale = slider.scale
        assert scale.minimum <= slider.value <= scale.maximum, where
        assert math.isfinite(slider.value), where
    state = getattr(app.page_screen(app.current_page), "state", None)
    neuron = getattr(state, "neuron", None)
    if neuron is not None and hasattr(neuron, "params"):
        assert all(math.isfinite(value) for value in neuron.params), where


async def test_key_storm(content) -> None:  # type: ignore[no-untyped-def]
    seed = int(os.environ.get("NEURON_TUI_STORM_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    fast = MoonsSettings(n_samples=60, mlp_epochs=20, neuron_epochs=50)
    app = NeuronApp(content, lesson=LESSON.with_options("part05", settings=fast))
    async with app.run_test(size=(80, 24)) as pilot:
        for step in range(PRESSES):
            if rng.random() < 0.01:
                await pilot.resize_terminal(*rng.choice(SIZES))
            key = rng.choice(KEYS)
            try:
                await pilot.press(key)
            except Exception as error:  # pragma: no cover - reported with the seed
                raise AssertionError(f"seed {seed}: key {step} ({key}) raised") from error
            if step % 250 == 0:
                check_consistent(app, seed, step)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        check_consistent(app, seed, PRESSES)
        await app.workers.wait_for_complete()
    assert app.return_code in (0, None), f"seed {seed}: the app exited with an error"
