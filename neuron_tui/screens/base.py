"""LessonScreen: the frame every part shares.

A header with the part and its title, the part's interactive area, its lesson
text (beside the work at 120 columns and wider, one key away below that), a line
of guidance and a footer of keys. Subclasses fill in `compose_work` and their keys.

`l` is the lesson text's key: below 120 columns it opens the text over the page
(built once, then kept); wider, it moves the focus into the text beside the work
(`screens/side_text.py`), and `l` or Escape go back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from neuron_tui.compat import PointerOnlyWhenShown, render_only_dirty_widgets
from neuron_tui.i18n import _
from neuron_tui.screens.animated_run import AnimatedRun, StopReason
from neuron_tui.screens.host import LessonHost
from neuron_tui.screens.side_text import LessonSide, leave_side_text, toggle_lesson_text
from neuron_tui.widgets.keybar import KeyBar, KeyHint
from neuron_tui.widgets.quiet_static import QuietStatic
from neuron_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from neuron_tui.lesson.content import Page
    from neuron_tui.lesson.registry import PageSpec
    from neuron_tui.widgets.slider import Slider

#: From this width on, the lesson text sits beside the work instead of behind `l`.
WIDE_LAYOUT_COLUMNS = 120
#: Below this width a screen has the class `-narrow`, below this height `-short`, so a
#: page's CSS can make its layout fit the 60×20 minimum without cutting text.
NARROW_COLUMNS, SHORT_ROWS = 80, 24


class LessonScreen(PointerOnlyWhenShown, Screen[None]):
    """Base of every page of the lesson: same header, body, guidance and footer."""

    DEFAULT_CSS = """
    LessonScreen #body { height: 1fr; }
    LessonScreen #work { width: 1fr; height: 1fr; }
    LessonScreen #lesson-side {
        display: none; width: 30%; min-width: 36; max-width: 64; height: 1fr;
        border-left: vkey $primary 50%; padding: 0 1;
    }
    LessonScreen.wide #lesson-side { display: block; }
    LessonScreen #lesson-side:focus { border-left: vkey $accent; }
    LessonScreen #guidance { height: auto; padding: 0 1; color: $text-muted; }
    """

    #: One line that tells the learner what to do now (English, marked with `N_`: it is
    #: translated when shown, as are the key hints below).
    GUIDANCE: ClassVar[str] = ""
    #: The keys shown in the footer, most useful first.
    KEY_HINTS: ClassVar[list[KeyHint]] = []
    #: Whether wide terminals show the page's text beside the work (not when the
    #: work area already tells the page's story, as on the opening).
    SHOW_TEXT_BESIDE: ClassVar[bool] = True
    #: Every key of this screen for the help overlay (footer hints are added).
    KEY_HELP: ClassVar[list[KeyHint]] = []

    BINDINGS = [Binding("l", "toggle_lesson", "lesson text")]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        """`spec` is this page's row of the lesson registry; `options` are the page's
        own settings (e.g. faster training in tests), given by the registry row."""
        super().__init__()
        render_only_dirty_widgets(self)  # a slider step: only the widgets under its cells
        self.spec = spec
        self.options = {**spec.options, **options}
        #: The page's animated training run, if it has one: any key or leaving stops it.
        self.animated_run: AnimatedRun | None = None
        #: What had the focus before `l` moved it into the side text.
        self.focus_before_side: Widget | None = None
        #: What the page's styles were worked out from when it was last left (or built).
        self._styled_for: tuple[object, ...] | None = None

    @property
    def lesson_app(self) -> LessonHost:
        """The app, as far as a page needs it."""
        return cast("LessonHost", self.app)

    @property
    def page(self) -> Page:
        """This screen's lesson text."""
        return self.lesson_app.content.page(self.spec.key)

    @property
    def heading(self) -> str:
        """`Part 02 · Build a neuron`, or the page title where there is no part number."""
        if self.spec.number is None:
            return self.page.title
        return _("Part {number} · {title}").format(number=self.spec.number_text,
                                                   title=self.page.title)

    def compose(self) -> ComposeResult:
        yield TitleBar(self.heading, self.spec.number, self.lesson_app.lesson.part_count,
                       id="titlebar")
        with Horizontal(id="body"):
            with Vertical(id="work"):
                yield from self.compose_work()
            # Built with the page when the window is wide already, so the text is in
            # the first frames rather than a Markdown mount after the first layout.
            wide = self.app.size.width >= WIDE_LAYOUT_COLUMNS and self._text_beside
            yield LessonSide(*([self._side_markdown()] if wide else []), id="lesson-side")
        text = self.with_numbers(_(self.GUIDANCE)) if self.GUIDANCE else ""
        guidance = QuietStatic(text, id="guidance", markup=False)
        guidance.display = bool(self.GUIDANCE)  # no empty row where there is nothing to say
        yield guidance
        yield KeyBar(self.key_hints(), id="keybar")

    def compose_work(self) -> ComposeResult:
        """The part's own interactive area; by default its lesson text, in full."""
        from textual.widgets import Markdown  # costly to import: only when text is shown

        text = Markdown(self.page.markdown, open_links=False)
        yield VerticalScroll(text, id="lesson-main", can_focus=True)

    @property
    def _text_beside(self) -> bool:
        """Whether this page puts its text beside the work when the window is wide."""
        return self.SHOW_TEXT_BESIDE and type(self).compose_work is not LessonScreen.compose_work

    def _side_markdown(self) -> Widget:
        from textual.widgets import Markdown  # costly to import: only when text is shown

        return Markdown(self.page.markdown, open_links=False)

    @property
    def shows_text_in_work(self) -> bool:
        """Whether the work area already is the lesson text (no side panel needed)."""
        return bool(self.query("#lesson-main"))

    def on_resize(self, event: events.Resize | None = None) -> None:
        if event is not None and event.size == self.outer_size:
            # Sent by the page's own first layout, at the size it was just laid out at:
            # Textual's handler would lay the whole page out again for nothing.
            event.prevent_default()
        wide = (
            self.size.width >= WIDE_LAYOUT_COLUMNS
            and self.SHOW_TEXT_BESIDE
            and not self.shows_text_in_work
        )
        self.set_class(wide, "wide")
        self.set_class(self.size.width < NARROW_COLUMNS, "-narrow")
        self.set_class(self.size.height < SHORT_ROWS, "-short")
        side = self.query_one("#lesson-side", VerticalScroll)
        if wide and not side.children:
            # Mounted on first need: Markdown is costly and unseen at 80×24.
            side.mount(self._side_markdown())

    def on_slider_entry_requested(self, event: Slider.EntryRequested) -> None:
        """Enter on any slider of the page: ask for an exact value in a small dialog."""
        from neuron_tui.screens.dialogs.value_entry import ask_for_value

        event.stop()
        ask_for_value(event.slider)

    def on_key(self, event: events.Key) -> None:
        run = self.animated_run
        if run is not None and run.running:
            # The key that stops a run does only that (it is not also a command).
            run.stop(StopReason.KEY)
            event.stop()
            event.prevent_default()

    def on_screen_suspend(self) -> None:
        if self.animated_run is not None:
            self.animated_run.stop(StopReason.LEFT)
        # A part the learner has left keeps its widgets (their state is the learner's
        # work) and their rendered lines: dropping those (refresh()) saved about 0.4 MiB
        # a page (3 MiB PSS over a whole walk) but made every return render each widget
        # again (a return's CPU, median 42 → 25 ms with the skipped restyle below).
        self._styled_for = self._style_inputs()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler, which restyles every widget of the page
        # (most of a return's CPU): needed only if what styles depend on has changed.
        if self._styled_for is not None and self._styled_for == self._style_inputs():
            event.refresh_styles = False
        self.lesson_app.progress_visit(self.spec.key)

    def built_ahead(self) -> None:
        """Built off-screen (screens/ahead.py): showing it skips the restyle as a return does."""
        self._styled_for = self._style_inputs()

    def _style_inputs(self) -> tuple[object, ...]:
        """What a page's styles depend on beyond its own widgets (whose class changes
        restyle them at once, shown or not): the theme, the app's classes and focus,
        and the CSS loaded (a page seen for the first time adds its own)."""
        app = self.app
        return (app.theme, frozenset(app.classes), app.app_focus, len(app.stylesheet.source))

    def set_animation(self, seconds: float, frame: Callable[[], None]) -> Timer:
        """Call `frame` every `seconds` (at most 20 a second is the house rule).

        In low-bandwidth mode frames come at most 4 a second, and each tick does
        the work of the frames it replaces, so a run takes as long as it would.
        """
        interval = self.lesson_app.frame_seconds(seconds)
        repeats = max(1, round(interval / seconds))

        def tick() -> None:
            for __ in range(repeats):
                frame()

        return self.set_interval(interval, tick)

    def set_guidance(self, text: str) -> None:
        """Replace the line of guidance under the work area."""
        guidance = self.query_one("#guidance", QuietStatic)
        guidance.display = bool(text)
        guidance.show(text)

    def action_toggle_lesson(self) -> None:
        """Go to the lesson text: into the side text when wide (and back), else an overlay."""
        toggle_lesson_text(self)

    def leave_side_text(self) -> None:
        """Focus what had the focus before `l` moved it into the side text."""
        leave_side_text(self)

    def with_numbers(self, text: str) -> str:
        """`text` with "{numbers}" replaced by the number keys of the parts ("1–6")."""
        return text.replace("{numbers}", self.lesson_app.lesson.number_keys)

    def key_hints(self) -> list[KeyHint]:
        """The footer's keys, most useful first."""
        return [(self.with_numbers(key), self.with_numbers(action))
                for key, action in self.KEY_HINTS]

    def help_entries(self) -> list[KeyHint]:
        """Every key of this screen, each once, for the help overlay (keys that work
        everywhere, `l` among them, are in help's own list)."""
        from neuron_tui.screens.dialogs.help import global_keys, screen_keys

        details = [(self.with_numbers(key), self.with_numbers(action))
                   for key, action in self.KEY_HELP]
        return screen_keys(self.key_hints(), details,
                           global_keys(self.lesson_app.lesson.number_keys))
