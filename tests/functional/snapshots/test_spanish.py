"""Every screen of the lesson in Spanish at 80×24, compared with reviewed SVGs.

The same screens and states as the English snapshots (test_screens.py,
test_parts_03_04.py, test_parts_05_06.py, the class view's), with the Spanish content
(content/es) and the Spanish catalog, all at 80×24, plus the overlays English has no
snapshot of: exact value entry (and a refused value), the quiz's results, the
too-small notice, and the opening after picking Spanish with `i` (the same SVG as a
Spanish start: nothing drawn before the switch may stay English). A leftover English
string, a point where Spanish writes a comma, or a Spanish sentence cut by its box
shows up as a change to review here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from neuron_tui.app import NeuronApp
from neuron_tui.class_view.language import class_view_app
from neuron_tui.i18n import SOURCE_LANGUAGE, set_language
from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.lesson.proof_training import MoonsSettings
from neuron_tui.lesson.registry import LESSON
from tests.functional.snapshots.test_parts_03_04 import run_presets
from tests.functional.snapshots.test_parts_05_06 import wait_for_training
from tests.functional.snapshots.test_screens import PAGES, SIZE
from tests.functional.ui.test_class_view import (  # noqa: F401 (hub: a fixture)
    NOW,
    FakeHub,
    forty_learners,
    hub,
    until,
)
from tests.languages import content_in, in_language

LANGUAGE = "es"
#: Below the lesson's minimum (60×20): the notice asking for a larger window.
TOO_SMALL = (50, 15)


@pytest.fixture(autouse=True)
def spanish() -> Iterator[None]:
    """Every test here draws in Spanish; English is back for the next module."""
    with in_language(LANGUAGE):
        yield


def spanish_app(page: str, **options: Any) -> NeuronApp:
    """The lesson as `neuron-tui --lang es` starts it, opened at `page`."""
    return NeuronApp(content_in(LANGUAGE), start_page=page, language_flag=LANGUAGE, **options)


def keys_then_run(*keys: str) -> Callable[[Any], Awaitable[None]]:
    """A run_before that presses `keys`, then runs the page's run to its end."""

    async def run_before(pilot: Any) -> None:
        await pilot.press(*keys)
        pilot.app.screen.run_to_end()
        await pilot.pause()

    return run_before


def stored(folder: Path, **progress: Any) -> ProgressStore:
    """A progress file in `folder` holding `progress`."""
    store = ProgressStore(folder / "progress.json")
    store.save(Progress(**progress))
    return store


# -- every page as it opens, and the overlays every page has -----------------------------

@pytest.mark.parametrize("page", PAGES)
def test_es_screen_at_80x24(snap_compare, page: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(spanish_app(page), terminal_size=SIZE)


def test_es_opening_continue(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A learner back with progress: "welcome back", continue at Part 04, the ticks."""
    store = stored(tmp_path, visited={"part01", "part02", "part03", "part04"},
                   done={"part01", "part02", "part03"}, self_checks={"part02-90"},
                   resume_page="part04")
    assert snap_compare(spanish_app("opening", store=store), terminal_size=SIZE)


def test_es_picked_on_the_opening(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Started in English, `i` on the opening: the same page as a Spanish start."""
    set_language(SOURCE_LANGUAGE)
    app = NeuronApp(content_in(SOURCE_LANGUAGE), start_page="opening")
    assert snap_compare(app, press=["i"], terminal_size=SIZE)


def test_es_help_overlay(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(spanish_app("part01"), press=["question_mark"], terminal_size=SIZE)


def test_es_lesson_text_overlay(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(spanish_app("part01"), press=["l"], terminal_size=SIZE)


def test_es_value_entry(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Enter on w₁: the box asking for an exact value, with its range."""
    assert snap_compare(spanish_app("part02"), press=["enter"], terminal_size=SIZE)


def test_es_value_entry_refused(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """A value that is no number: the box says why and keeps it for correcting."""
    keys = ["enter", "z", "z", "enter"]
    assert snap_compare(spanish_app("part02"), press=keys, terminal_size=SIZE)


def test_es_too_small(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Below 60×20: the notice asking for a larger window, whole."""
    assert snap_compare(spanish_app("part02"), terminal_size=TOO_SMALL)


# -- Part 01 and Part 02 -----------------------------------------------------------------

def test_es_part01_after_keys(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """ReLU, w₁ up ten steps, b down ten: decimal commas in the diagram and formula."""
    keys = ["a", "down", "down", "shift+right", "down", "down", "shift+left"]
    assert snap_compare(spanish_app("part01"), press=keys, terminal_size=SIZE)


def test_es_part01_tanh(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(spanish_app("part01"), press=["a", "a"], terminal_size=SIZE)


def test_es_part02_one_slider(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """w₁ = 1 alone: the self-check not met, the gap to the loss goal, the guidance."""
    assert snap_compare(spanish_app("part02"), press=["shift+right"], terminal_size=SIZE)


def test_es_part02_by_hand(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """w₁ = 1, w₂ = 1, b = -1: the self-check met."""
    keys = ["shift+right", "down", "shift+right", "down", "shift+left"]
    assert snap_compare(spanish_app("part02"), press=keys, terminal_size=SIZE)


def test_es_part02_after_training(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """`t` run to its end: the optimum, its loss, the epoch it converged at."""
    app = spanish_app("part02")
    assert snap_compare(app, run_before=keys_then_run(), terminal_size=SIZE)


def test_es_part02_shading(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Shading on: the legend's bands named in Spanish."""
    keys = ["right"] * 5 + ["down"] + ["right"] * 10 + ["g"]
    assert snap_compare(spanish_app("part02"), press=keys, terminal_size=SIZE)


# -- Part 03 and Part 04 -----------------------------------------------------------------

def test_es_part03_after_too_big_run(snap_compare) -> None:  # type: ignore[no-untyped-def]
    keys = ["f", *["space"] * 10]
    assert snap_compare(spanish_app("part03"), press=keys, terminal_size=SIZE)


@pytest.mark.parametrize("presets", [
    pytest.param("d", id="good"), pytest.param("f", id="overshoot"),
    pytest.param("e", id="diverged"), pytest.param("sfd", id="compared"),
])
def test_es_part03_run(snap_compare, presets: str) -> None:  # type: ignore[no-untyped-def]
    """Each preset's verdict: at the bottom, zig-zag, flung out, the runs compared."""
    app = spanish_app("part03")
    assert snap_compare(app, run_before=run_presets(*presets), terminal_size=SIZE)


def test_es_part03_glossary(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(spanish_app("part03"), press=["w"], terminal_size=SIZE)


def test_es_part04_after_xor_run(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = spanish_app("part04")
    assert snap_compare(app, run_before=keys_then_run("x"), terminal_size=SIZE)


def test_es_part04_xor_one_hidden_unit(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Both plots blank and saying so; the verdict on the network's lucky 75 %."""
    app = spanish_app("part04")
    assert snap_compare(app, run_before=keys_then_run("x", "minus"), terminal_size=SIZE)


# -- Part 05, the quiz, the completion ---------------------------------------------------

def test_es_part05_after_training(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = spanish_app("part05")
    assert snap_compare(app, run_before=wait_for_training, terminal_size=SIZE)


def test_es_part05_four_hidden_units(snap_compare) -> None:  # type: ignore[no-untyped-def]
    lesson = LESSON.with_options("part05", settings=MoonsSettings().with_hidden_units(4))
    app = spanish_app("part05", lesson=lesson)
    assert snap_compare(app, run_before=wait_for_training, terminal_size=SIZE)


def test_es_quiz_wrong_answer(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Question 1 answered with a: why not, and the right answer."""
    app = spanish_app("part06")
    assert snap_compare(app, press=["down", "up", "a"], terminal_size=SIZE)


def test_es_quiz_results(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Every question answered b: the score against the aim, and how to retake."""
    keys = ["b", "enter"] * 5
    assert snap_compare(spanish_app("part06"), press=keys, terminal_size=SIZE)


def test_es_completion(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = stored(tmp_path, visited={"part01", "part02", "part03", "part04", "part05",
                                      "part06"},
                   done={"part01", "part02", "part03", "part05", "part06"},
                   self_checks={"part02-90"}, resume_page="completion", quiz_best=4)
    assert snap_compare(spanish_app("completion", store=store), terminal_size=SIZE)


def test_es_completion_up_next(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(spanish_app("completion"), press=["enter"], terminal_size=SIZE)


# -- the class view, in a Spanish-speaking teacher's language ----------------------------

def test_es_class_view_forty_learners(snap_compare, hub: FakeHub) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A full class: the summary, the column heads, the keys, in Spanish."""
    hub.send(forty_learners())
    view = class_view_app(hub.path, clock=lambda: NOW, retry_seconds=0.2)

    async def loaded(pilot: Any) -> None:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 40)
        await asyncio.sleep(0.05)
        await pilot.pause()

    assert snap_compare(view, terminal_size=SIZE, run_before=loaded)
