"""ClassViewApp: the teacher's room, one row per learner, pacing keys in the footer.

It reads the class from the hub (`HubLink`) and redraws within one snapshot of a
learner's action; relative times ("4m") are redrawn every few seconds on their
own. What is shown and who is stuck are decided in `summary`; the table's cells in
`table`; this module wires keys, dialogs and the connection.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from neuron_tui.app import SIXTEEN_COLOUR_SYSTEMS, sixteen_colour_theme
from neuron_tui.class_view.dialogs import RELEASE, MessageDialog, PartDialog, parse_part
from neuron_tui.class_view.link import RETRY_SECONDS, HubLink
from neuron_tui.class_view.model import Snapshot, read_snapshot
from neuron_tui.class_view.summary import SORT_ORDERS, sort_learners, summary_lines, title_line
from neuron_tui.class_view.table import COLUMNS, detail_text, row_cells
from neuron_tui.i18n import N_, _, number
from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.shutdown import SIGNALS

#: Seconds between redraws of the relative times when nothing else changes.
TICK_SECONDS = 5.0
#: Seconds within which a second `q` quits (quitting may stop the whole class server).
QUIT_WINDOW = 3.0


class ClassViewApp(App[None]):
    """The class at a glance: who is where, who is stuck, how the quiz went; pacing keys."""

    TITLE = "neuron-tui class"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #title { height: 1; text-style: bold; color: $text; }
    #summary { height: auto; color: $text; }
    #status { height: auto; color: $text-error; text-style: bold; display: none; }
    #status.shown { display: block; }
    #learners { height: 1fr; }
    #detail { height: 1; color: $text-muted; }
    """

    #: English descriptions: `language.class_view_app` builds the view with them translated.
    BINDINGS = [
        Binding("b", "bring", N_("bring")),
        Binding("h", "hold", N_("hold")),
        Binding("o", "quiz", N_("quiz")),
        Binding("m", "message", N_("message")),
        Binding("e", "export", N_("export")),
        Binding("s", "sort", N_("sort")),
        Binding("q", "quit", N_("quit")),
        Binding("ctrl+c", "quit_now", N_("quit"), show=False, priority=True),
    ]

    def __init__(self, socket_path: Path, lesson: Lesson = LESSON,
                 clock: Callable[[], float] = time.time,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        super().__init__()
        if self.console.color_system in SIXTEEN_COLOUR_SYSTEMS:
            theme = sixteen_colour_theme()
            self.register_theme(theme)
            self.theme = theme.name
        self.lesson = lesson
        self.clock = clock
        self.snapshot = Snapshot()
        self.sort_order = SORT_ORDERS[0]
        self.link = HubLink(socket_path, self.on_hub_message, self.on_hub_status, retry_seconds)
        #: The last "exported" message's paths, for the teacher and for tests.
        self.exported: tuple[str, str] | None = None
        self._quit_asked_at: float | None = None
        self._shown_keys: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="title", markup=False)
        yield Static(id="summary", markup=False)
        yield Static(_("Connecting to the class server at {path}…").format(
            path=self.link.socket_path), id="status", classes="shown", markup=False)
        table: DataTable[Any] = DataTable(id="learners", cursor_type="row")
        for label, key, width in COLUMNS:
            table.add_column(_(label), key=key, width=width)
        yield table
        yield Static(id="detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        SIGNALS.attach(asyncio.get_running_loop(), lambda number: self.exit())
        self.run_worker(self.link.run(), name="hub link", exit_on_error=False)
        self.set_interval(TICK_SECONDS, self.redraw)
        self.query_one(DataTable).focus()
        self.redraw()

    # ---------------------------------------------------------------- the hub
    def on_hub_message(self, message: dict[str, Any]) -> None:
        """Show what the hub sent: the class, where an export went, or a refusal."""
        kind = message.get("t")
        if kind == "class":
            self.snapshot = read_snapshot(message)
            self.redraw()
        elif kind == "exported":
            answers, summary = str(message.get("answers")), str(message.get("summary"))
            self.exported = (answers, summary)
            self.notify(_("Results written to {answers} and {summary}").format(
                answers=answers, summary=summary), title=_("Exported"), timeout=30, markup=False)
        elif kind == "error":
            # The hub's own words, in the server's language (the teacher's, as this view's).
            self.notify(str(message.get("text", _("the class server refused that"))),
                        severity="error", timeout=10, markup=False)

    def on_hub_status(self, why: str) -> None:
        """Say plainly when the view is not connected ("" once it is)."""
        status = self.query_one("#status", Static)
        if why:
            seconds = self.link.retry_seconds
            status.update(_("Not connected: {why}. Trying again every {seconds} s; "
                            "q q quits.").format(
                why=why, seconds=number(seconds, 0 if float(seconds).is_integer() else 1)))
        status.set_class(bool(why), "shown")

    # ---------------------------------------------------------------- drawing
    def redraw(self) -> None:
        """Draw the snapshot: title, summary lines, the table (cells in place if the order
        holds, so scrolling and the highlighted row stay), the highlighted learner."""
        now = self.clock()
        snapshot = self.snapshot
        self.query_one("#title", Static).update(
            title_line(snapshot, self.sort_order, self.size.width))
        self.query_one("#summary", Static).update(
            "\n".join(summary_lines(snapshot, now, self.size.width, self.lesson)))
        learners = sort_learners(snapshot.learners, self.sort_order, self.lesson)
        keys = [learner.key for learner in learners]
        table: DataTable[Any] = self.query_one(DataTable)
        rows = [row_cells(learner, now, len(snapshot.quiz), self.lesson) for learner in learners]
        if keys == self._shown_keys:
            for key, cells in zip(keys, rows, strict=True):
                for (__, column, ___), cell in zip(COLUMNS, cells, strict=True):
                    table.update_cell(key, column, cell)
        else:
            highlighted = self.highlighted_key()
            table.clear()
            for key, cells in zip(keys, rows, strict=True):
                table.add_row(*cells, key=key)
            self._shown_keys = keys
            if highlighted in keys:
                table.move_cursor(row=keys.index(highlighted), animate=False)
        self.show_detail()

    def highlighted_key(self) -> str | None:
        """The key of the learner whose row is highlighted, if any."""
        table: DataTable[Any] = self.query_one(DataTable)
        if not self._shown_keys or not 0 <= table.cursor_row < len(self._shown_keys):
            return None
        return self._shown_keys[table.cursor_row]

    def show_detail(self) -> None:
        """The highlighted learner's details (key fingerprint, node, first seen) below."""
        key = self.highlighted_key()
        learner = next((item for item in self.snapshot.learners if item.key == key), None)
        self.query_one("#detail", Static).update(detail_text(
            learner, self.clock(), self.lesson, self.size.width) if learner else _(
            "No learner yet."))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_resize(self, event: events.Resize) -> None:
        # The title and detail lines leave out what does not fit: fit them again.
        self.call_after_refresh(self.redraw)

    # ---------------------------------------------------------------- keys
    def request(self, message: dict[str, Any], done: str) -> None:
        """Send a request to the hub and say so, or say that it could not be sent."""
        if self.link.send(message):
            self.notify(done, timeout=5, markup=False)
        else:
            self.notify(_("Not connected to the class server: nothing was sent."),
                        severity="error", timeout=8)

    def action_bring(self) -> None:
        """Ask for N, then bring every connected learner to Part N."""
        def bring(text: str | None) -> None:
            part = parse_part(text or "", self.lesson)[0]
            if text is not None and part:
                self.request({"t": "bring", "part": part},
                             _("Bringing everyone to Part {part:02d}.").format(part=part))

        self.push_screen(PartDialog(_("Bring everyone to Part ({parts}):").format(
            parts=self.lesson.part_range), self.lesson), bring)

    def action_hold(self) -> None:
        """Ask for N, then hold learners at Part N (an empty answer releases the hold)."""
        def hold(text: str | None) -> None:
            if text is None:
                return
            part = parse_part(text, self.lesson, allow_release=True)[0]
            if part == RELEASE:
                self.request({"t": "hold", "part": None}, _("Hold released."))
            elif part is not None:
                self.request({"t": "hold", "part": part},
                             _("Holding at Part {part:02d}.").format(part=part))

        held = self.snapshot.pacing.hold
        question = (_("Hold at Part ({parts}) (now Part {part:02d}):") if held
                    else _("Hold at Part ({parts}):")).format(parts=self.lesson.part_range,
                                                               part=held or 0)
        self.push_screen(PartDialog(question, self.lesson, allow_release=True), hold)

    def action_quiz(self) -> None:
        """Open the quiz if it is closed, close it if it is open."""
        opening = not self.snapshot.pacing.quiz_open
        self.request({"t": "quiz", "open": opening},
                     _("Opening the quiz.") if opening else _("Closing the quiz."))

    def action_message(self) -> None:
        """Ask for one line, then show it to every learner."""
        def send(text: str | None) -> None:
            if text:
                self.request({"t": "message", "text": text}, _("Message sent to everyone."))

        self.push_screen(MessageDialog(), send)

    def action_export(self) -> None:
        """Have the server write the results CSVs into the state folder (it says where)."""
        self.request({"t": "export"}, _("Writing the results…"))

    def action_sort(self) -> None:
        """Sort by the next order: name, part (furthest behind first), activity (idlest)."""
        index = SORT_ORDERS.index(self.sort_order)
        self.sort_order = SORT_ORDERS[(index + 1) % len(SORT_ORDERS)]
        self.redraw()

    async def action_quit(self) -> None:
        """Quit on a second `q` (on the server's own terminal, quitting stops the class)."""
        now = time.monotonic()
        if self._quit_asked_at is not None and now - self._quit_asked_at <= QUIT_WINDOW:
            self.exit()
            return
        self._quit_asked_at = now
        self.notify(_("Press q again to leave the class view."), timeout=QUIT_WINDOW)

    def action_quit_now(self) -> None:
        """Ctrl+C leaves at once."""
        self.exit()

