"""PageAhead: while the learner reads, build the page they most likely open next.

A page's first visit costs several times a return: composing and mounting it, its
first layout at the terminal's size (where plots build their first figures) and its
first full render. A learner reads each part for minutes. Once nothing has happened
for `IDLE_SECONDS` (no key or mouse, no run animating, no worker training), the next
page's screen is composed, mounted, laid out at the current size and rendered once,
off-screen: nothing is shown or sent, the page is not "visited", and entering it still
goes through the app's `show_page` (and the teacher's pacing). `n` then costs what a
return costs. On a machine whose CPUs are contended (`BUSY_SHARE`, Linux PSI) the build
waits for a quieter spell: on a class server it would take CPU from learners waiting for
theirs now (a class arriving together waited up to 2 s for its first screens).

Each stage is one message of the app (or a short timer), so a key that arrives meanwhile
is handled first; any input abandons the build, and the next quiet spell takes it up
where it stopped (every stage is skipped when done). A page screen dropped meanwhile (a
language switch uninstalls the pages not shown) is not built further: the next quiet
spell builds the new one. One page ahead at most.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import partial

from textual.app import App
from textual.geometry import Size
from textual.screen import Screen
from textual.timer import Timer

from neuron_tui.compat import (
    lay_out_offscreen,
    needs_layout,
    needs_repaint,
    render_offscreen,
    start_screen_offscreen,
)
from neuron_tui.process.pressure import CpuPressure
from neuron_tui.screens.base import LessonScreen
from neuron_tui.terminal import too_small

#: Seconds without input (and nothing animating) before the next page is built.
IDLE_SECONDS = 1.5
#: Seconds between two stages: the page's widgets handle their Resize meanwhile.
SETTLE_SECONDS = 0.05
#: Layouts or renders at most after the first, while widgets keep changing.
SETTLE_ROUNDS = 6
#: Contention (share of the time since the last look some task waited for a CPU) from
#: which the build waits for a quieter spell.
BUSY_SHARE = 0.3
#: Set to 0 to turn building ahead off (benchmarks measure a first visit with it).
VARIABLE = "NEURON_TUI_BUILD_AHEAD"


def enabled_by_environment() -> bool:
    """Building ahead is on unless NEURON_TUI_BUILD_AHEAD is 0 (or off, no, false)."""
    return os.environ.get(VARIABLE, "1").strip().lower() not in ("0", "off", "no", "false")


class PageAhead:
    """Builds one page ahead of the learner while they read (see the module docstring).

    `target()` names the page to build (None: nothing), `install(page)` returns its
    screen, installed in the app but not shown. `pressure()` is the machine's CPU
    contention since it was last called (default: Linux PSI; None when unknown).
    """

    def __init__(self, app: App[None], target: Callable[[], str | None],
                 install: Callable[[str], Screen[None]], enabled: bool = True,
                 pressure: Callable[[], float | None] | None = None) -> None:
        self.app = app
        self.target = target
        self.install = install
        self.enabled = enabled
        self.pressure = pressure or CpuPressure().share
        self.pressure()  # the first look counts from here
        self._last_input = time.monotonic()
        #: Bumped by every input: a stage of an older build stops there.
        self._generation = 0
        self._timer: Timer | None = None
        #: Pages built ahead and not shown since: the screen and the size it is laid out at
        #: (None until laid out). A screen of the app not in here has been shown.
        self._ahead: dict[str, tuple[Screen[None], Size | None]] = {}

    def touch(self) -> None:
        """Input arrived: stop any build, and wait for the next quiet spell."""
        self._last_input = time.monotonic()
        self._generation += 1
        self._arm(IDLE_SECONDS)

    def entered(self, page: str) -> None:
        """The learner entered `page`: it is no longer ahead; the next one is wanted."""
        self._ahead.pop(page, None)
        self.touch()

    def built(self, page: str) -> bool:
        """Whether `page` is built ahead, laid out at the app's current size."""
        screen, size = self._ahead.get(page, (None, None))
        return screen is not None and size == self.app.size and self._installed(page, screen)

    # ------------------------------------------------------------- waiting
    def _arm(self, delay: float) -> None:
        if self.enabled and self._timer is None:
            self._timer = self.app.set_timer(delay, self._wake, name="page-ahead")

    def _wake(self) -> None:
        self._timer = None
        if not self.app.is_running:
            return
        quiet = time.monotonic() - self._last_input
        if quiet < IDLE_SECONDS:
            self._arm(IDLE_SECONDS - quiet)
        elif self._busy():
            self._arm(IDLE_SECONDS)
        else:
            self._start(self._generation)

    def _busy(self) -> bool:
        """Whether the learner is watching something happen, the page cannot be drawn, or
        the machine's CPUs are contended."""
        screen = self.app.screen
        if isinstance(screen, LessonScreen) and screen.animated_run is not None:
            if screen.animated_run.running:
                return True
        if too_small(*self.app.size) or any(worker.is_running for worker in self.app.workers):
            return True
        share = self.pressure()
        return share is not None and share >= BUSY_SHARE

    # ------------------------------------------------------------- stages
    def _start(self, generation: int) -> None:
        page = self.target()
        if page is None or self.built(page):
            return
        ahead = self._ahead.get(page)
        if ahead is not None and not self._installed(page, ahead[0]):
            ahead = None  # dropped (a language switch): build the new one
        if ahead is None and self.app.is_screen_installed(page):
            if self.app.get_screen(page).is_running:
                return  # shown before: a return is cheap already
        screen = ahead[0] if ahead is not None else self.install(page)
        if not screen.is_running:
            start_screen_offscreen(self.app, screen)
            if isinstance(screen, LessonScreen):
                # Once mounted (the app waits for that), before the app's next message: its
                # styles are worked out from the CSS its own widgets added.
                self.app.call_next(screen.built_ahead)
        self._ahead[page] = (screen, None)
        # The screen's own queue runs this once the screen is composed and mounted; the
        # app's queue then runs the first layout after any key that came meanwhile.
        screen.call_later(self.app.call_later, self._settle, generation, page, screen, 0)

    def _settle(self, generation: int, page: str, screen: Screen[None], rounds: int) -> None:
        """Lay out while the widgets ask for it, then render; built once nothing changes."""
        if not self._wanted(generation, page, screen) or rounds > SETTLE_ROUNDS:
            return  # what is left undone, showing the page does
        size = self.app.size
        if needs_layout(screen) or screen.outer_size != size:
            lay_out_offscreen(screen, size)
            self._ahead[page] = (screen, None)
        elif self._ahead[page][1] != size or needs_repaint(screen):
            render_offscreen(screen)
            self._ahead[page] = (screen, size)
        else:
            return  # laid out and rendered at this size, and nothing changed since: built
        self._later(self._settle, generation, page, screen, rounds + 1)

    def _later(self, stage: Callable[..., None], *args: object) -> None:
        self.app.set_timer(SETTLE_SECONDS, partial(stage, *args), name="page-ahead")

    def _wanted(self, generation: int, page: str, screen: Screen[None]) -> bool:
        """Whether this build is still wanted: no input since, the screen not dropped or shown."""
        return (generation == self._generation and self.app.is_running
                and page in self._ahead and self._installed(page, screen)
                and screen not in self.app.screen_stack)

    def _installed(self, page: str, screen: Screen[None]) -> bool:
        return self.app.is_screen_installed(page) and self.app.get_screen(page) is screen
