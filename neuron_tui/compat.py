"""Every use of a library's private attribute, in one place.

Textual, textual-plotext and asyncssh do not offer public ways to do these few
things. Keeping them here means an upgrade that renames one breaks one file, and
`tests/unit/test_compat.py` says which library and version changed before anything
else fails. Nothing in this module imports those libraries: callers pass their
objects in, so the serve process never pays for importing Textual.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Sequence
from typing import Any


def add_line_filter(app: Any, line_filter: Any) -> None:
    """Add a line filter to a Textual app (Textual 8: the private list `App._filters`).

    Textual builds its own filters (NO_COLOR, dim) into that list at start; there is
    no public way to add one of ours, such as the ASCII fallback.
    """
    app._filters.append(line_filter)


class FatalErrorHook:
    """Mixin for a Textual App: route an unexpected error to `on_fatal_error`.

    Textual 8 calls `App._fatal_error` when a handler raises; its own version prints
    a traceback over the learner's screen. The subclass decides what to do instead
    and may call `close_now` to end the app without further messages.
    """

    def _fatal_error(self) -> None:  # overrides textual.app.App._fatal_error
        self.on_fatal_error()

    def on_fatal_error(self) -> None:
        """Handle the error being raised now (`traceback.format_exc()` has it)."""
        raise NotImplementedError

    def close_now(self) -> None:
        """End the app at once, dropping queued messages (Textual's own way out)."""
        self._close_messages_no_wait()  # type: ignore[attr-defined]


def set_plot_size(plot: Any, width: int, height: int) -> None:
    """Size a textual-plotext `Plot` before building it outside a widget.

    textual-plotext 1.0 keeps its own size apart from plotext's `plotsize`, and
    `build()` uses both; only the private `_set_size` sets the first.
    """
    plot.plotsize(width, height)
    plot._set_size(width, height)


def plot_cells(plot: Any) -> tuple[list[list[str]], list[list[tuple[Any, Any, Any]]]]:
    """Build a textual-plotext `Plot` and return its cells, top row first.

    Each row is a list of characters and a list of (foreground, style, background)
    colours in plotext's own terms. plotext's public `build()` also writes every cell's
    ANSI codes into one string (about a third of a build), only for a widget to parse
    them back; plotext 5's private `_set_sizes`, `_build_matrix` and `monitor.matrix`
    (what `build()` itself does first) give the cells without that round trip.
    """
    plot._set_sizes()
    plot._build_matrix()
    matrix = plot.monitor.matrix
    rows = range(matrix.rows - 1, -1, -1)  # plotext keeps the bottom row first
    markers = [matrix.marker[row] for row in rows]
    colours = [list(zip(matrix.fullground[row], matrix.style[row], matrix.background[row],
                        strict=True)) for row in rows]
    return markers, colours


def plot_canvas_area(plot: Any) -> tuple[int, int, int, int]:
    """The plot area (inside the axes) of the `Plot` last built by `plot_cells`: first
    column, the column after the last, first row, the row after the last, rows counted
    from the bottom. plotext 5 keeps it only in its matrix's `Cols_canvas`/`Rows_canvas`."""
    matrix = plot.monitor.matrix
    columns, rows = matrix.Cols_canvas, matrix.Rows_canvas
    return columns.start, columns.stop, rows.start, rows.stop


def plot_marker_tables() -> tuple[dict[str, str], dict[tuple[int, ...], str]]:
    """plotext 5's marker names → characters, and braille dot patterns → characters
    (the private `_utility.marker_codes` and `braille_codes` its build looks up)."""
    utility = importlib.import_module("plotext._utility")
    return dict(utility.marker_codes), dict(utility.braille_codes)


def plot_cell_codes(colours: tuple[Any, Any, Any]) -> str:
    """The ANSI codes plotext writes before a run of cells of these `plot_cells` colours.

    plotext 5's private `_utility.colors_to_ansi`. Looked up when a plot is drawn (plotext
    is loaded by then), so importing this module still loads no plotting library.
    """
    utility = importlib.import_module("plotext._utility")
    return str(utility.colors_to_ansi(*colours))


def plot_tick_labels(ticks: Sequence[float]) -> list[str]:
    """The labels plotext writes for these axis ticks (``0.50``, ``2.4``, ``3``).

    plotext 5's private `_utility.get_labels`: a figure hands plotext the same labels
    with the language's decimal mark, so the axes keep plotext's own rounding and width.
    """
    utility = importlib.import_module("plotext._utility")
    return [str(label) for label in utility.get_labels(list(ticks))]


def ssh_transport_backlog(connection: Any) -> int:
    """Bytes an asyncssh connection's TCP transport has not yet sent (0 if unknown).

    asyncssh does not pass the transport's back-pressure on to its channels; the
    transport itself is the private `SSHConnection._transport`.
    """
    transport = getattr(connection, "_transport", None)
    if transport is None:
        return 0
    with contextlib.suppress(Exception):
        return int(transport.get_write_buffer_size())
    return 0


def screen_strips(screen: Any) -> list[Any]:
    """The strips a Textual screen would send now, before line filters (tests only).

    Textual 8 keeps them in the private compositor `Screen._compositor`.
    """
    return list(screen._compositor.render_strips())


def app_notifications(app: Any) -> list[Any]:
    """The notifications a Textual app is showing now (Textual 8: `App._notifications`)."""
    return list(app._notifications)


class PointerOnlyWhenShown:
    """Mixin for a Textual Screen: only the screen shown sets the terminal's pointer shape.

    Textual 8 writes a screen's pointer shape (OSC 22) from the private watcher
    `Screen._watch__pointer_shape`, which also runs when the screen is mounted: a screen
    built off-screen would write to the terminal while another one is shown.
    """

    def _watch__pointer_shape(self, pointer_shape: str) -> None:  # overrides Textual's
        if self.is_current:  # type: ignore[attr-defined]
            super()._watch__pointer_shape(pointer_shape)  # type: ignore[misc]


def start_screen_offscreen(app: Any, screen: Any) -> None:
    """Compose and mount a Textual screen that is not shown, as showing it would.

    Textual 8 does this only when a screen is shown: it loads the screen's CSS with the
    private `App._load_screen_css`, then `App._get_screen` registers the screen and makes
    the app wait for its mount before its next message (so no key can drop a screen
    half mounted). Showing it later does both again, as for a screen shown before.
    """
    app._load_screen_css(screen)
    app._get_screen(screen)


def lay_out_offscreen(screen: Any, size: Any) -> bool:
    """Lay out a Textual screen that is not shown at `size`, if it needs it; True if it did.

    Textual 8's private `Screen._refresh_layout(size)` reflows and sends its widgets
    Resize and Show (as a shown screen's first layout does) and draws nothing unless the
    screen is current; its update timer (which clears `_layout_required` and
    `_dirty_widgets` after a layout) runs only for the current screen, so that is done here.
    """
    if not screen._layout_required and screen.outer_size == size:
        return False
    screen._refresh_layout(size)
    screen._layout_required = False
    screen._dirty_widgets.clear()
    return True


def needs_layout(screen: Any) -> bool:
    """Whether a Textual screen's widgets asked for a new layout since its last one."""
    return bool(screen._layout_required)


def needs_repaint(screen: Any) -> bool:
    """Whether a Textual screen's widgets asked to be drawn again since its last render."""
    return bool(screen._repaint_required or screen._dirty_widgets)


def render_offscreen(screen: Any) -> None:
    """Render every widget of a laid-out screen that is not shown, sending nothing.

    The widgets keep the lines they rendered, so the full update that shows the screen
    later only joins them. Textual 8's compositor is the private `Screen._compositor`;
    the repaint the screen asked for meanwhile (`_repaint_required`, `_dirty_widgets`)
    is done by this, and showing it repaints it whole anyway.
    """
    screen._compositor.render_update(full=True)
    screen._dirty_widgets.clear()
    screen._repaint_required = False


def explain_refused_user_names(connection_module: Any, message: str) -> None:
    """Make asyncssh refuse a user name SASLprep rejects with `message`, not its own words.

    asyncssh 2.x checks every user name with SASLprep (the module-level `saslprep`
    that `asyncssh.connection` imported) before any server callback runs, and
    disconnects with texts like "Unassigned character in string" (an emoji is
    unassigned in SASLprep's Unicode 3.2 tables). Only that private reference can
    change the text a learner reads. Safe to call twice.
    """
    original = connection_module.saslprep
    if getattr(original, "neuron_tui_wrapped", False):
        return
    error_class = connection_module.SASLPrepError

    def saslprep(text: str) -> str:
        try:
            return original(text)
        except error_class:
            raise error_class(message) from None

    saslprep.neuron_tui_wrapped = True  # type: ignore[attr-defined]
    connection_module.saslprep = saslprep


def filter_terminal_size(driver_class: Any, size_filter: Any) -> Any:
    """A subclass of a Textual driver whose reported terminal size passes `size_filter`.

    Textual 8's Linux driver asks for the size in the private
    `LinuxDriver._get_terminal_size` (at start and on every SIGWINCH) and posts
    the Resize straight to the app, past any public hook. `size_filter(driver,
    (width, height))` returns the size the app is told.
    """
    original = getattr(driver_class, "_get_terminal_size", None)
    if original is None:
        return driver_class

    def _get_terminal_size(self: Any) -> tuple[int, int]:
        return size_filter(self, original(self))

    return type(driver_class.__name__, (driver_class,), {"_get_terminal_size": _get_terminal_size})


#: The compositor subclasses made by `render_only_dirty_widgets`, one per Textual class.
_DIRTY_ONLY_COMPOSITORS: dict[type, type] = {}


def render_only_dirty_widgets(screen: Any) -> None:
    """Make a Textual screen's partial updates render only the widgets they show.

    Textual 8's compositor (the private `Screen._compositor`) renders, on a partial
    update, every widget whose *clip* overlaps the bounding box of all changed regions,
    each over its whole visible area, and then sends only the changed cells. A widget
    directly under the screen has the whole screen as its clip, so a slider step (a
    few cells of the plot, the slider, the numbers) renders every widget on the page.
    The compositor paints front to back and the first widget to cover a cell wins, so
    a widget matters only where it covers a changed cell that no widget in front of it
    covers: this renders just those widgets, over just those rows. The cells sent are
    the same, from the same widgets. Full updates (a new screen, a resize, snapshots)
    are untouched. Safe to call twice.
    """
    compositor = screen._compositor
    base = type(compositor)
    if getattr(base, "neuron_tui_dirty_only", False):
        return
    subclass = _DIRTY_ONLY_COMPOSITORS.get(base)
    if subclass is None:
        subclass = _dirty_only_compositor(base)
        _DIRTY_ONLY_COMPOSITORS[base] = subclass
    compositor.__class__ = subclass


def _dirty_only_compositor(base: type) -> type:
    def render_partial_update(self: Any) -> Any:
        # `_get_renders` sees only the bounding box: keep the regions themselves for it.
        self._neuron_tui_dirty = list(self._dirty_regions)
        try:
            return base.render_partial_update(self)
        finally:
            self._neuron_tui_dirty = None

    def _get_renders(self: Any, crop: Any = None) -> Any:
        dirty = getattr(self, "_neuron_tui_dirty", None)
        if not dirty or crop is None:
            yield from base._get_renders(self, crop)
            return
        # Changed cells no widget yet painted covers: row -> [x1, x2) spans.
        uncovered: dict[int, list[tuple[int, int]]] = {}
        for y, x1, x2 in base._regions_to_spans(dirty):
            uncovered.setdefault(y, []).append((x1, x2))
        intersection = type(crop).intersection
        for widget, (region, clip) in self.visible_widgets.items():
            if not uncovered:
                return
            visible = intersection(region, clip)
            left, right = visible.x, visible.right
            shown_rows = [
                y for y in range(visible.y, visible.bottom)
                if y in uncovered and _cover(uncovered, y, left, right)
            ]
            if not shown_rows:
                continue
            top, bottom = shown_rows[0], shown_rows[-1] + 1
            # Whole rows of the visible region: the compositor cuts them at the same columns.
            rows = type(crop)(left, top, visible.width, bottom - top)
            yield region, rows, widget.render_lines(rows.translate((-region.x, -region.y)))

    return type(base.__name__, (base,), {
        "neuron_tui_dirty_only": True,
        "render_partial_update": render_partial_update,
        "_get_renders": _get_renders,
    })


def _cover(uncovered: dict[int, list[tuple[int, int]]], y: int, left: int, right: int) -> bool:
    """Take [left, right) out of row `y`'s uncovered spans; True if it covered any cell."""
    spans = uncovered[y]
    rest = []
    hit = False
    for x1, x2 in spans:
        if x2 <= left or x1 >= right:
            rest.append((x1, x2))
            continue
        hit = True
        if x1 < left:
            rest.append((x1, left))
        if x2 > right:
            rest.append((right, x2))
    if rest:
        uncovered[y] = rest
    else:
        del uncovered[y]
    return hit
