"""Every screen and state a learner can reach, at 80×24 and 60×20, in every shipped
language: no text is cut off.

Text may wrap, and it may scroll, but it may never be cut. Two ways text gets cut:

- a widget lies partly or wholly outside the area its parents give it (a box too
  small for its rows, a label wider than its dialog). That is fine only inside a
  container that scrolls in that direction, shows its scrollbar and can take the
  keyboard focus, so a learner without a mouse can read the rest;
- a widget is big enough on screen but its text, wrapped to its width, needs more
  rows than it has (a one-line guidance whose sentence wraps to two), or, for
  text that does not wrap, more columns.

Each page is walked through the states a learner reaches with its keys: as it
opens, every key of the page pressed once (runs shown running and finished),
values at their limits, the help, the lesson text and the value-entry overlays,
a refused value, every quiz answer, the completion's "up next". All failures of
a page are reported together, each with its state, widget and text.

The walk runs in every language of ``neuron_tui.i18n.LANGUAGES``, with that
language's content and catalog: Spanish runs 20–30 % longer than English, so a
page, a guidance line or a quiz feedback that fits in one language may not fit in
another. A new language is walked as soon as it is shipped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.errors import NoWidget
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.widgets.slider import Slider
from tests.languages import SHIPPED, content_in, in_language

SIZES = [(80, 24), (60, 20)]
PAGES = ["opening", "part01", "part02", "part03", "part04", "part05", "part06", "completion"]

#: Keys the walk presses on purpose elsewhere (overlays, navigation) or never (quit),
#: and Textual's own screen keys (focus moves, copying).
NOT_PAGE_ACTIONS = {"l", "n", "p", "q", "question_mark", "ctrl+c", "enter", *"123456789",
                    *(key.strip() for binding in Screen.BINDINGS
                      if isinstance(binding, Binding) for key in binding.key.split(","))}

#: A key pressed this many times reaches the end of any range in the lesson.
LIMIT_PRESSES = 12


# -- detection ---------------------------------------------------------------------------

def _text_of(widget: Widget) -> str:
    """What the widget (or, for a container, the text inside it) shows, on one line."""
    if widget.is_container:
        text = " ".join(_text_of(child) for child in widget.query(Static))
    else:
        try:
            text = str(widget.render())
        except Exception:  # noqa: BLE001 - only for the message
            text = ""
    text = " ".join(text.split())
    return text[:70] + ("…" if len(text) > 70 else "")


def _name(widget: Widget) -> str:
    name = type(widget).__name__
    return f"{name}#{widget.id}" if widget.id else name


def _scrolls_for_keyboard(widget: Widget, vertical: bool) -> bool:
    """Whether `widget` scrolls in that direction, shows a scrollbar and takes focus."""
    if vertical:
        return widget.show_vertical_scrollbar and widget.max_scroll_y > 0 and widget.can_focus
    return widget.show_horizontal_scrollbar and widget.max_scroll_x > 0 and widget.can_focus


def _cut_by_parents(screen: Screen[object], widget: Widget, region: Region,
                    clip: Region) -> str | None:
    """Why `widget`'s region is cut by its parents, or None when it is whole or may scroll."""
    visible = region.intersection(clip)
    if visible == region:
        return None
    cut_vertically = region.y < clip.y or region.bottom > clip.bottom
    cut_horizontally = region.x < clip.x or region.right > clip.right
    ancestors = [node for node in widget.ancestors if isinstance(node, Widget)]
    if cut_vertically and any(_scrolls_for_keyboard(node, True) for node in ancestors):
        cut_vertically = False
    if cut_horizontally and any(_scrolls_for_keyboard(node, False) for node in ancestors):
        cut_horizontally = False
    if not (cut_vertically or cut_horizontally):
        return None
    shown = f"{visible.width}×{visible.height}" if visible.area else "nothing"
    return f"needs {region.width}×{region.height} cells, {shown} visible"


def _text_cut_inside(screen: Screen[object], widget: Widget) -> str | None:
    """Why `widget`'s own text does not fit its content area, or None when it does."""
    if widget.is_container or widget.is_scrollable:
        return None
    if not isinstance(widget, Static) and type(widget).render is Widget.render:
        return None
    content = widget.content_region
    parent = widget.parent if isinstance(widget.parent, Widget) else screen
    container, viewport = parent.content_region.size, screen.size
    if widget.styles.text_wrap == "nowrap":
        needed_width = widget.get_content_width(container, viewport)
        if needed_width > content.width:
            return f"text needs {needed_width} columns, has {content.width}"
    if content.width <= 0:
        return "has no columns for its text" if _text_of(widget) else None
    needed = widget.get_content_height(container, viewport, content.width)
    if needed > content.height:
        return f"text needs {needed} rows at width {content.width}, has {content.height}"
    return None


def cut_text(screen: Screen[object]) -> list[str]:
    """Every widget on `screen` whose text is cut, as "Widget#id: why: 'text'"."""
    found: list[str] = []
    cut: set[Widget] = set()
    for widget in screen.walk_children(with_self=False):
        if not widget.display or not widget.visible:
            continue
        if any(ancestor in cut for ancestor in widget.ancestors):
            cut.add(widget)  # inside a widget already reported: one report is enough
            continue
        try:
            geometry = screen.find_widget(widget)
        except NoWidget:
            continue  # not laid out: hidden with its parent
        why = _cut_by_parents(screen, widget, geometry.region, geometry.clip)
        if why is not None:
            cut.add(widget)
        else:
            why = _text_cut_inside(screen, widget)
        if why is not None:
            found.append(f"{_name(widget)}: {why}: {_text_of(widget)!r}")
    return found


# -- the walk ----------------------------------------------------------------------------

class Walk:
    """Drives one app through states, checking each; collects every failure."""

    def __init__(self, pilot: Pilot[None], page: str, size: tuple[int, int]) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.where = f"{page} at {size[0]}×{size[1]}"
        #: Each cut widget (with why and its text) and the states it is cut in.
        self.cuts: dict[str, list[str]] = {}
        self.states = 0

    async def settle(self) -> None:
        """Let every message, worker and refresh finish."""
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()
        await self.pilot.pause()

    async def check(self, state: str, settle: bool = True) -> None:
        """Check the screen shown now; `state` names it in the failures."""
        if settle:
            await self.settle()
        else:
            await self.pilot.pause()
        self.states += 1
        for line in cut_text(self.app.screen):
            self.cuts.setdefault(line, []).append(state)

    @property
    def failures(self) -> list[str]:
        """One line a cut widget: where, what, and in which states."""
        return [f"{self.where}: {line}  [in: {'; '.join(states)}]"
                for line, states in self.cuts.items()]

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def close_overlays(self) -> None:
        while self.app.screen.is_modal:
            self.app.pop_screen()
            await self.pilot.pause()

    async def run_key(self, key: str, state: str) -> None:
        """Press `key`; a run it starts is checked running, then finished and checked."""
        await self.press(key)
        screen = self.app.screen
        run = getattr(screen, "animated_run", None)
        if run is not None and run.running:
            await self.check(f"{state}, running", settle=False)
            run_to_end = getattr(screen, "run_to_end", None)
            if run_to_end is not None:
                run_to_end()
            else:
                run.stop()
        elif self.app.workers:
            await self.check(f"{state}, working", settle=False)
        await self.check(state)


async def walk_common(walk: Walk) -> None:
    """The states every page has: as it opens, help, lesson text, its keys, its sliders."""
    app, screen = walk.app, walk.app.screen
    await walk.check("as it opens")
    await walk.press("question_mark")
    await walk.check("help overlay")
    await walk.close_overlays()
    await walk.press("l")
    await walk.check("lesson text (l)")
    await walk.close_overlays()
    sliders = list(screen.query(Slider))
    if sliders:
        sliders[0].focus()
        await walk.press("enter")
        await walk.check("value entry")
        await walk.press("z", "z", "enter")
        await walk.check("value entry, refused")
        await walk.press("ctrl+a", "backspace", "enter")
        await walk.check("value entry, empty")
        await walk.close_overlays()
        for direction in ("shift+right", "shift+left"):
            for slider in sliders:
                slider.focus()
                await walk.press(*[direction] * LIMIT_PRESSES)
            await walk.check(f"every slider at its limit ({direction})")
    page_keys = [key for key, active in screen.active_bindings.items()
                 if active.node is screen and key not in NOT_PAGE_ACTIONS]
    for key in page_keys:
        await walk.run_key(key, f"after {key}")
    for key in page_keys:
        # The second and third presses too (a key may cycle: sigmoid, ReLU, tanh),
        # then on to the end of its range.
        for presses in (2, 3):
            if app.screen is not screen:
                return
            await walk.run_key(key, f"after {key} ×{presses}")
        await walk.press(*[key] * (LIMIT_PRESSES - 4))
        await walk.run_key(key, f"after {key} ×{LIMIT_PRESSES} (at its limit)")


async def walk_part04(walk: Walk) -> None:
    """Each data set trained to the end; hidden units at both limits, trained."""
    for dataset in ("a", "o", "x"):
        await walk.press(dataset)
        await walk.run_key("t", f"{dataset} trained")
    for change in ("minus", "plus"):
        await walk.press(*[change] * LIMIT_PRESSES)
        await walk.run_key("t", f"{change} ×{LIMIT_PRESSES} then trained")


async def walk_quiz(walk: Walk) -> None:
    """Every option of every question answered (four attempts), and the results."""
    for letter in "abcd":
        for question in range(1, 6):
            await walk.press(letter)
            await walk.check(f"question {question} answered {letter}")
            await walk.press("enter")
        await walk.check(f"results after answering {letter} throughout")
        await walk.press("r")
    await walk.check("retaken")


async def walk_completion(walk: Walk) -> None:
    """Up next, opened and closed."""
    await walk.press("enter")
    await walk.check("up next (Enter)")
    await walk.close_overlays()


async def walk_opening(walk: Walk) -> None:
    """Back on the opening after starting Part 03: "Continue at Part 03 …"."""
    await walk.press("3")
    await walk.settle()
    await walk.press("p", "p", "p")
    await walk.check("continue at Part 03")


PAGE_WALKS: dict[str, Callable[[Walk], Awaitable[None]]] = {
    "part04": walk_part04,
    "part06": walk_quiz,
    "completion": walk_completion,
    "opening": walk_opening,
}


def _stored_app(content, folder: Path, page: str) -> App[None]:  # type: ignore[no-untyped-def]
    """An app with some progress: self-checks met, a quiz score, a part started."""
    store = ProgressStore(folder / "progress.json")
    store.save(Progress(
        visited={"part01", "part02", "part03", "part04", "part05", "part06"},
        done={"part01", "part02", "part03", "part05"},
        self_checks={"part02-90"}, resume_page="part04", quiz_best=3,
    ))
    return NeuronApp(content, start_page=page, store=store)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", SHIPPED)
async def test_no_text_is_cut_in_any_state(language: str, tmp_path: Path, page: str,
                                           size: tuple[int, int]) -> None:
    app = _stored_app(content_in(language), tmp_path, page)
    with in_language(language):
        async with app.run_test(size=size) as pilot:
            walk = Walk(pilot, f"{page} ({language})", size)
            await walk_common(walk)
            await walk.close_overlays()
            extra = PAGE_WALKS.get(page)
            if extra is not None and app.screen is app.get_screen(page):
                await extra(walk)
    assert walk.states > 3, "the walk checked too few states to mean anything"
    assert not walk.failures, "text is cut off:\n" + "\n".join(walk.failures)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("language", SHIPPED)
async def test_the_opening_shows_every_part_title_whole(language: str, tmp_path: Path,
                                                        size: tuple[int, int]) -> None:
    """The parts table cuts titles to a fixed width: every title must fit it."""
    content = content_in(language)
    app = _stored_app(content, tmp_path, "opening")
    with in_language(language):
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            table = " ".join(str(app.screen.query_one("#parts").render()).split())
    for spec in app.lesson.parts:
        title = content.page(spec.key).title
        assert f"{spec.number_text} {title} " in table, f"{title!r} is cut: {table!r}"


async def test_the_check_finds_a_label_cut_by_its_box(make_app) -> None:  # type: ignore[no-untyped-def]
    """The detector itself: a sentence in a one-row box, and a wide label, are found."""
    from textual.containers import Vertical
    from textual.widgets import Label

    app = make_app("part01")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert cut_text(app.screen) == []
        box = Vertical(Label("a label far wider than the box it sits in", id="wide"),
                       Static("one two three four five six seven eight nine", id="tall"))
        box.styles.width = 20
        box.styles.height = 3
        await app.screen.mount(box)
        app.screen.query_one("#tall", Static).styles.height = 1
        await pilot.pause()
        found = "\n".join(cut_text(app.screen))
        assert "Label#wide" in found
        assert "Static#tall" in found
