"""NeuronApp: the lesson's pages in order, the keys that work everywhere, progress.

Screens are created the first time a learner reaches them, or while the learner
reads the page before (screens/ahead.py builds it off-screen; Part 05 trains, and
imports scikit-learn, only once entered), and kept, so a part looks as the learner
left it when they come back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import importlib
import sys
import traceback
from functools import partial
from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.driver import Driver
from textual.geometry import Size
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES, Theme

from neuron_tui.app_class import PacedApp
from neuron_tui.compat import FatalErrorHook, add_line_filter
from neuron_tui.fair_driver import KeyBacklog, capped_size, lesson_driver_class
from neuron_tui.i18n import LANGUAGES, _, language, set_language
from neuron_tui.lesson.content import Content
from neuron_tui.lesson.linked_progress import LinkedProgressStore
from neuron_tui.lesson.progress import Progress, ProgressStore, default_progress_path
from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.process import heap
from neuron_tui.screens.ahead import PageAhead, enabled_by_environment
from neuron_tui.shutdown import SIGNALS
from neuron_tui.terminal import TerminalProfile, too_small

#: Frames a second at most while something animates in low-bandwidth mode.
LOW_BANDWIDTH_FPS = 4

#: Rich's names for terminals with only 16 colours (a Linux console, old Windows).
SIXTEEN_COLOUR_SYSTEMS = ("standard", "windows")


def sixteen_colour_theme() -> Theme:
    """Textual's dark theme, readable in 16 colours.

    Reduced to 16 colours, the dark theme's panel (title bar, footer) becomes grey,
    and orange keys on grey are 1:1, white text 3.9:1; its text-secondary is 4.4:1.
    Here the panel is black like the page, and secondary is the primary blue, so
    every text colour is at least 4.5:1 (tests/unit/test_contrast.py).
    """
    dark = BUILTIN_THEMES["textual-dark"]
    return dataclasses.replace(dark, name="neuron-16-colours", panel="#000000",
                               secondary=dark.primary)


class NeuronApp(FatalErrorHook, PacedApp):
    """The lesson: its registry's pages in order, with the keys that work everywhere.

    Under `serve`, `PacedApp` (app_class) applies the teacher's pacing, moves and messages.
    """

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "neuron-tui"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS = [
        Binding("n", "next_page", "next part"),
        Binding("p", "previous_page", "previous part"),
        # Every digit is bound; a number with no part behind it says so.
        *(Binding(str(digit), f"jump({digit})", f"Part {digit}", show=False)
          for digit in range(1, 10)),
        Binding("question_mark", "help", "help"),
        Binding("q", "quit", "quit"),
        # Ctrl+C quits too (progress is saved on every change, and once more here).
        Binding("ctrl+c", "quit", "quit", show=False, priority=True),
    ]

    def __init__(
        self,
        content: Content,
        start_page: str | None = None,
        store: ProgressStore | None = None,
        notices: list[str] | None = None,
        profile: TerminalProfile | None = None,
        lesson: Lesson = LESSON,
        language_flag: str | None = None,
        build_ahead: bool = True,
    ) -> None:
        """`store` saves progress to disk; without one, progress lives in memory only.

        Unless `language_flag` (the command line's --lang) fixed it, a language the
        learner picked before (kept with the progress) is used, with its content.

        `notices` are told to the learner once the first screen is up (e.g. that a
        damaged progress file was moved aside). `build_ahead=False` (or the variable
        NEURON_TUI_BUILD_AHEAD=0) never builds the next page while the learner reads.
        """
        #: Keys waiting for the lesson; the driver drops keys beyond its limit.
        self.key_backlog = KeyBacklog()
        super().__init__()
        if self.console.color_system in SIXTEEN_COLOUR_SYSTEMS:
            theme = sixteen_colour_theme()
            self.register_theme(theme)
            self.theme = theme.name
        self.profile = profile or TerminalProfile()
        if self.profile.ascii:
            from neuron_tui.widgets.ascii_filter import AsciiFilter

            add_line_filter(self, AsciiFilter())
        #: Where the last unexpected error was written, if one happened.
        self.crash_log: Path | None = None
        #: True when the lesson ended because it reached its memory limit.
        self.out_of_memory = False
        #: Whether a signal is ending the lesson (errors while it winds down are not bugs).
        self.ending_on_signal = False
        self.lesson = lesson
        start_page = start_page or lesson.first
        if not lesson.has_page(start_page):
            raise ValueError(f"unknown page {start_page!r}")
        self.content = content
        self.store = store
        self.notices = list(notices or [])
        #: Whether saved progress was found on start (the opening says "welcome back").
        self.resumed = False
        self._told: set[str] = set()
        if isinstance(store, LinkedProgressStore):
            store.page = start_page
        if store is not None:
            loaded = store.load()
            self.progress = loaded.progress
            self.resumed = loaded.resumed
            if loaded.notice:
                self.notices.append(loaded.notice)
        else:
            self.progress = Progress()
        saved = self.progress.lang
        if language_flag is None and saved in LANGUAGES and saved != language():
            self.use_language(saved)
        self.progress.fit_quiz(len(self.content.quiz))
        start_page = self.paced_start(start_page)
        self.start_page = start_page
        self.current_page = start_page
        #: Builds the page the learner most likely opens next while they read this one.
        self.ahead = PageAhead(self, self.likely_next_page, self.page_screen,
                               enabled=build_ahead and enabled_by_environment())
        #: Freezes the pages built so far out of the collector's full passes.
        self.heap = heap.HeapKeeper(partial(self.set_timer, name="heap"))

    def on_mount(self) -> None:
        if self.profile.ascii:
            self.add_class("-ascii")
        self._install_signal_handlers()
        self.push_screen(self._screen_name(self.start_page))
        self._entered(self.start_page)
        for notice in self.notices:
            self.notify(_("Progress: {notice}").format(notice=notice), severity="warning",
                        timeout=12)
        self.notices.clear()
        self.join_class()
        self.call_after_refresh(self.check_size)

    def use_language(self, code: str) -> str | None:
        """Show the lesson in `code` from now on: its strings and its content (the same
        folder's `<code>/`). Returns None when done, else why not (nothing changed)."""
        from neuron_tui.lesson.content import ContentError, content_in

        try:
            self.content = content_in(self.content, code, self.lesson)
        except ContentError as error:
            return error.problems[0]
        set_language(code)
        return None

    def pages_dropped(self) -> None:
        """Pages were uninstalled (a language switch): let the collector free them."""
        self.heap.release()

    # ---------------------------------------------------------------- terminal
    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, with a bounded key backlog and a capped drawing size."""
        return lesson_driver_class(super().get_driver_class(), self.key_backlog)

    @property
    def size(self) -> Size:
        """The size the lesson draws at: the terminal's, capped (see fair_driver)."""
        size = super().size
        return Size(*capped_size(size.width, size.height))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.ahead.touch()  # a build ahead waits: the learner comes first
            self.heap.touch()
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.key_backlog.done()
            if isinstance(self.store, LinkedProgressStore):
                self.store.activity()
        await super().on_event(event)

    def frame_seconds(self, seconds: float) -> float:
        """The time between animation frames: `seconds`, or slower on a slow link."""
        if self.profile.low_bandwidth:
            return max(seconds, 1 / LOW_BANDWIDTH_FPS)
        return seconds

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.check_size)
        self.ahead.touch()  # once quiet again, the page built ahead is laid out at the new size

    def check_size(self) -> None:
        """Cover the lesson with a notice below the minimum size; lift it when it fits."""
        from neuron_tui.screens.dialogs.too_small import TooSmallScreen

        showing = any(isinstance(screen, TooSmallScreen) for screen in self.screen_stack)
        if too_small(*self.size):
            if not showing:
                self.push_screen(TooSmallScreen())
        elif showing:
            while isinstance(self.screen, TooSmallScreen) or self.screen.is_modal:
                if isinstance(self.screen, TooSmallScreen):
                    self.pop_screen()
                    break
                self.pop_screen()

    def _install_signal_handlers(self) -> None:
        """SIGTERM and SIGHUP (a closed SSH connection) save progress and exit cleanly.

        The handlers themselves are installed by the command line before the app
        starts (see `neuron_tui.shutdown`); the app only takes the signals over here.
        """
        SIGNALS.attach(asyncio.get_running_loop(), self._exit_on_signal)

    def _exit_on_signal(self, number: int) -> None:
        self.ending_on_signal = True
        try:
            self.save_progress()
        finally:
            self.exit(return_code=0, message=None)

    async def action_quit(self) -> None:
        """Save progress (already saved on every change) and leave."""
        self.save_progress()
        self.exit()

    def on_fatal_error(self) -> None:
        """An unexpected error: keep progress, write the details to a file, exit.

        Textual would print a traceback; a learner gets one line naming the file
        instead (printed by the command line after the terminal is restored). While
        a signal ends the lesson, a part still loading may find its widgets gone: that
        is the end the learner asked for, not a crash.
        """
        if self.ending_on_signal:
            self.close_now()
            return
        # Under `serve` a lesson has a memory limit: reaching it is no bug to report.
        self.out_of_memory = isinstance(sys.exc_info()[1], MemoryError)
        try:
            self.save_progress()
        except Exception:  # noqa: BLE001 - the crash report matters more now
            pass
        if not self.out_of_memory:
            folder = self.store.path.parent if self.store is not None else None
            self.crash_log = write_crash_log(traceback.format_exc(), folder)
        self.close_now()

    def _screen_name(self, page: str) -> str:
        """Install the page's screen on first use; return the name it is installed as."""
        if not self.is_screen_installed(page):
            spec = self.lesson.page(page)
            module_name, class_name = spec.screen.split(":")
            screen_class = getattr(importlib.import_module(module_name), class_name)
            self.install_screen(screen_class(spec), page)
        return page

    def show_page(self, page: str, paced: bool = True) -> None:
        """Go to a page of the lesson, closing any overlay first.

        Unless `paced` is False (the teacher moving the class), a page the teacher's
        pacing keeps closed is not entered: the learner is told why and stays.
        """
        if paced and self.refused(page):
            return
        while len(self.screen_stack) > 1 and self.screen.is_modal:
            self.pop_screen()
        if self.is_screen_installed(page) and self.screen is self.get_screen(page):
            return
        self.current_page = page
        if isinstance(self.store, LinkedProgressStore):
            self.store.enter_page(page)
        self.switch_screen(self._screen_name(page))
        self._entered(page)
        self.call_after_refresh(self.check_size)

    def _entered(self, page: str) -> None:
        """`page` is on screen: build the next one ahead, and freeze this one's build."""
        self.ahead.entered(page)
        self.heap.grown()

    def page_screen(self, page: str) -> Screen[None]:
        """The screen of `page`, created if needed (for tests and the opening's list)."""
        return self.get_screen(self._screen_name(page))

    def likely_next_page(self) -> str | None:
        """The page the learner most likely opens next (built ahead while they read): the
        next in lesson order; on the opening, the part Enter opens."""
        from neuron_tui.screens.parts.opening import OpeningScreen

        if self.is_screen_installed(self.current_page):
            screen = self.get_screen(self.current_page)
            if isinstance(screen, OpeningScreen):
                return screen.next_page()
        return self.lesson.next_key(self.current_page)

    def action_next_page(self) -> None:
        """Next page in lesson order; leaving a part forward counts it as done."""
        following = self.lesson.next_key(self.current_page)
        if following is not None and not self.refused(following):
            if self.lesson.page(self.current_page).is_part:
                self.progress_finish(self.current_page)
            self.show_page(following)

    def action_previous_page(self) -> None:
        """Previous page in lesson order."""
        previous = self.lesson.previous_key(self.current_page)
        if previous is not None:
            self.show_page(previous)

    def action_jump(self, part: int) -> None:
        """Jump straight to a part by its number."""
        try:
            page = self.lesson.part(part).key
        except ValueError:
            self.notify(_("There is no part {number}: choose 1 to {last}.").format(
                number=part, last=self.lesson.part_count), timeout=3)
            return
        self.show_page(page)

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from neuron_tui.screens.dialogs.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        # Built once a page (and language: the opening can change it) and kept: a page's
        # keys do not change, and the second `?` then opens at once.
        name = f"help:{self.current_page}:{language()}"
        if not self.is_screen_installed(name):
            lesson_screen = self.get_screen(self.current_page)
            entries = getattr(lesson_screen, "help_entries", lambda: [])()
            title = getattr(lesson_screen, "heading", "neuron-tui")
            self.install_screen(HelpScreen(title, entries, self.lesson.number_keys), name)
        self.push_screen(name)

    def progress_visit(self, page: str) -> None:
        """Record that the learner is on `page`."""
        if self.progress.visit(page):
            self.save_progress()

    def progress_meet(self, check: str) -> None:
        """Record a self-check the learner met."""
        if self.progress.meet(check):
            self.save_progress()

    def progress_finish(self, page: str) -> None:
        """Record a part as done."""
        if self.progress.finish(page):
            self.save_progress()

    def progress_quiz_answer(self, question: int, option: int) -> None:
        """Record the learner's answer (option index) to quiz question `question` (1..5)."""
        self.progress.answer(str(question), option)
        self.save_progress()

    def progress_quiz_score(self, score: int) -> None:
        """Record a finished quiz attempt's score; the best one is kept."""
        if self.progress.quiz_best is None or score > self.progress.quiz_best:
            self.progress.quiz_best = score
        self.progress.finish(self.current_page)
        self.save_progress()

    def progress_quiz_retake(self) -> None:
        """Forget the current attempt's answers (the best score stays)."""
        self.progress.retake()
        self.save_progress()

    def save_progress(self) -> None:
        """Write the progress file now (merged with any other session's); tell of trouble."""
        if self.store is None:
            return
        merged, notice = self.store.save(self.progress)
        self.progress = merged
        if notice and notice not in self._told:
            self._told.add(notice)
            self.notify(_("Progress: {notice}").format(notice=notice), severity="warning",
                        timeout=12)


def write_crash_log(details: str, folder: Path | None = None) -> Path | None:
    """Write `details` to crash-<time>.log in `folder`; None if impossible.

    The folder is the progress file's (the default one's when there is no store), so
    `--progress` elsewhere keeps the lesson's files together.
    """
    folder = folder if folder is not None else default_progress_path().parent
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}.log"
        path.write_text(details, encoding="utf-8")
    except OSError:
        return None
    return path
