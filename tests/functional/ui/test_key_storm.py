"""A seeded storm of random keys across every screen at random sizes.

Asserts that nothing raises and the lesson stays consistent: a known page on
screen, every slider inside its range, every number on a neuron finite. A failure
names its seed; rerun it with NEURON_TUI_STORM_SEED=<seed>.

Keys come one at a time (each handled before the next) and in bursts: several keys
in one write, as a paste or a fast typist sends them, all queued before the first is
handled. Two Enters in one burst used to dismiss a dialog twice and empty the screen
stack.
"""

from __future__ import annotations

import math
import os
import random
import unicodedata

from textual import events

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
BURSTS = int(os.environ.get("NEURON_TUI_STORM_BURSTS", "300"))


def key_event(key: str) -> events.Key:
    """The event a terminal driver posts for `key` (a Textual key name)."""
    try:
        character: str | None = unicodedata.lookup(key.upper().replace("_", " "))
    except KeyError:
        character = {"enter": "\r", "escape": "\x1b", "tab": "\t", "space": " ",
                     "backspace": "\x7f"}.get(key, key if len(key) == 1 else None)
    return events.Key(key, character)


async def send_burst(app: NeuronApp, pilot, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Queue every key before any is handled, as one write of several keys does."""
    for key in keys:
        app.post_message(key_event(key))
    await pilot.pause()


def check_screen_stack(app: NeuronApp, where: str) -> None:
    """The lesson's own page is always under any dialogs: never a blank stack."""
    from neuron_tui.screens.base import LessonScreen

    stack = app.screen_stack
    assert any(isinstance(screen, LessonScreen) for screen in stack), where
    assert isinstance(stack[-1], LessonScreen) or stack[-1].is_modal, where


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


async def test_a_double_enter_in_one_write_closes_the_value_dialog_once(content) -> None:  # type: ignore[no-untyped-def]
    from neuron_tui.screens.dialogs.value_entry import ValueEntryScreen

    app = NeuronApp(content, start_page="part02")
    async with app.run_test(size=(80, 24)) as pilot:
        part = app.screen
        slider = part.query(Slider).first()
        slider.focus()
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, ValueEntryScreen)
        await send_burst(app, pilot, ["enter", "enter"])
        # The first Enter sets the value and closes the dialog, once. The second either
        # reaches the closing dialog (and is ignored) or the slider again, which asks
        # for a new value: both are what Enter means; a blank screen is not.
        assert app.screen is part or (isinstance(app.screen, ValueEntryScreen)
                                      and app.screen is not dialog)
        check_screen_stack(app, "after one double Enter")
        if app.screen is not part:
            await pilot.press("escape")
        assert app.screen is part
        await send_burst(app, pilot, ["enter", "enter", "enter", "escape", "escape"])
        await pilot.press("right", "x", "escape")
        assert app.screen is part
        check_screen_stack(app, "after double Enters")
    assert app.return_code in (0, None)


async def test_key_bursts(content) -> None:  # type: ignore[no-untyped-def]
    seed = int(os.environ.get("NEURON_TUI_STORM_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    # Enter, Escape, ? and l open and close dialogs: more of them, more double closes.
    burst_keys = [*KEYS, *["enter"] * 6, "escape", "escape", "question_mark", "l", "up", "down"]
    fast = MoonsSettings(n_samples=60, mlp_epochs=20, neuron_epochs=50)
    app = NeuronApp(content, lesson=LESSON.with_options("part05", settings=fast))
    async with app.run_test(size=(80, 24)) as pilot:
        for step in range(BURSTS):
            if rng.random() < 0.02:
                await pilot.resize_terminal(*rng.choice(SIZES))
            keys = [rng.choice(burst_keys) for _ in range(rng.randint(2, 6))]
            where = f"seed {seed}, burst {step} {keys}"
            try:
                await send_burst(app, pilot, keys)
            except Exception as error:  # pragma: no cover - reported with the seed
                raise AssertionError(f"{where} raised") from error
            assert app.is_running, f"{where}: the app stopped"
            check_screen_stack(app, where)
            if step % 50 == 0:
                check_consistent(app, seed, step)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        check_consistent(app, seed, BURSTS)
        await app.workers.wait_for_complete()
    assert app.return_code in (0, None), f"seed {seed}: the app exited with an error"
