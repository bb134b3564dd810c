"""The private attributes neuron_tui/compat.py relies on still exist upstream.

Each test fails with the library's name and installed version, so an upgrade that
renames one says exactly what to fix in compat.py before anything else breaks.
"""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version
from pathlib import Path

import asyncssh
import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext.plot import Plot

from neuron_tui import compat


def upstream(package: str) -> str:
    return f"{package} {version(package)}"


async def test_textual_app_keeps_line_filters_and_notifications() -> None:
    app: App[None] = App()
    async with app.run_test():
        assert isinstance(getattr(app, "_filters", None), list), (
            f"{upstream('textual')}: App._filters is gone; update compat.add_line_filter")
        assert hasattr(app, "_notifications"), (
            f"{upstream('textual')}: App._notifications is gone; update "
            "compat.app_notifications")
        assert hasattr(app.screen, "_compositor"), (
            f"{upstream('textual')}: Screen._compositor is gone; update compat.screen_strips")
        assert compat.screen_strips(app.screen)


def test_textual_app_has_the_fatal_error_hook() -> None:
    for name in ("_fatal_error", "_close_messages_no_wait"):
        assert callable(getattr(App, name, None)), (
            f"{upstream('textual')}: App.{name} is gone; update compat.FatalErrorHook")
    assert "_compositor" in inspect.getsource(Screen.__init__), upstream("textual")


def test_the_fatal_error_hook_routes_to_on_fatal_error() -> None:
    class Hooked(compat.FatalErrorHook):
        def on_fatal_error(self) -> None:
            self.called = True

    hooked = Hooked()
    hooked._fatal_error()
    assert hooked.called


def test_textual_plotext_plot_has_set_size() -> None:
    plot = Plot()
    assert callable(getattr(plot, "_set_size", None)), (
        f"{upstream('textual-plotext')}: Plot._set_size is gone; update compat.set_plot_size")
    compat.set_plot_size(plot, 30, 10)
    plot.plot([0, 1], [0, 1])
    lines = plot.build().splitlines()
    assert len(lines) == 10


def test_plot_cells_are_the_cells_plotext_builds() -> None:
    plot = Plot()
    compat.set_plot_size(plot, 30, 10)
    plot.plot([0, 1], [0, 1], color=(200, 10, 10))
    markers, colours = compat.plot_cells(plot)
    assert len(markers) == len(colours) == 10, upstream("plotext")
    assert all(len(row) == len(cells) == 30 for row, cells in zip(markers, colours, strict=True))
    text = plot.build()  # the same figure through plotext's own public way
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text).split("\n")[:10]
    assert ["".join(row) for row in markers] == plain, upstream("plotext")
    red = [cell for cells in colours for cell in cells if cell[0] == (200, 10, 10)]
    assert red and compat.plot_cell_codes(red[0]) in text, upstream("plotext")


def drawn(update: str) -> str:
    """A partial update's text without cursor moves that draw nothing before the next."""
    return re.sub(r"\x1b\[\d+;\d+H(?=\x1b\[\d+;\d+H|\n|$)", "", update)


class Boxes(App[None]):
    """A title row, two bordered boxes side by side and a footer row: one change in
    each box makes a bounding box that covers every widget."""

    CSS = """
    #top, #bottom { height: 1; }
    Horizontal { height: 1fr; }
    Vertical { border: round $primary; width: 1fr; }
    .line { height: 1; width: 12; }
    """

    def compose(self) -> ComposeResult:
        yield Static("title", id="top")
        with Horizontal():
            with Vertical():
                yield Static("left 0", id="left", classes="line")
                yield Static("still", classes="line")
            with Vertical():
                yield Static("still", classes="line")
                yield Static("right 0", id="right", classes="line")
        yield Static("footer", id="bottom")


async def test_a_partial_update_sends_what_textual_sends_rendering_fewer_widgets(
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = Boxes()
    async with app.run_test(size=(40, 10)) as pilot:
        compat.render_only_dirty_widgets(app.screen)
        compat.render_only_dirty_widgets(app.screen)  # twice: no second subclass
        compositor = app.screen._compositor
        stock = type(compositor).__mro__[1]
        assert stock.__name__ == type(compositor).__name__, upstream("textual")
        rendered: list[str] = []
        render_lines = Widget.render_lines

        def counted(widget: Widget, crop: Region) -> list[Strip]:
            rendered.append(widget.id or type(widget).__name__)
            return render_lines(widget, crop)

        monkeypatch.setattr(Widget, "render_lines", counted)
        for step in range(1, 4):
            await pilot.pause()
            changed = [app.query_one("#left", Static), app.query_one("#right", Static)]
            changed[0].update(f"left {step}")
            changed[1].update(f"right {step}")
            compositor.update_widgets(set(changed))
            dirty = set(compositor._dirty_regions)
            assert dirty, upstream("textual")
            rendered.clear()
            ours = compositor.render_partial_update()
            ours_rendered = list(rendered)
            compositor._dirty_regions.update(dirty)
            rendered.clear()
            theirs = stock.render_partial_update(compositor)
            # The same cells from the same widgets; Textual also sends a cursor move to a
            # widget behind the changed cells with nothing after it, which we leave out.
            assert drawn(ours.render_segments(app.console)) == drawn(
                theirs.render_segments(app.console))
            assert f"{step}" in ours.render_segments(app.console)
            assert "top" in rendered and "bottom" in rendered  # stock renders everything
            assert "top" not in ours_rendered and "bottom" not in ours_rendered
            assert {"left", "right"} <= set(ours_rendered)


class Second(Screen[None]):
    """A page to build off-screen: a line, and two lines side by side."""

    def compose(self) -> ComposeResult:
        yield Static("second page", id="second")
        with Horizontal():
            yield Static("left", classes="line")
            yield Static("right", classes="line")


async def test_a_screen_built_offscreen_is_laid_out_and_rendered_but_not_shown() -> None:
    """Textual 8's private mount, layout and compositor steps, on a screen not shown."""
    app: App[None] = App()
    async with app.run_test(size=(40, 10)) as pilot:
        shown = app.export_screenshot()
        second = Second()
        app.install_screen(second, "second")
        compat.start_screen_offscreen(app, second)
        await pilot.pause()
        assert second.is_mounted and second not in app.screen_stack, upstream("textual")
        assert compat.lay_out_offscreen(second, app.size), upstream("textual")
        assert not compat.lay_out_offscreen(second, app.size)  # done: not again
        await pilot.pause()
        assert second.outer_size == app.size, upstream("textual")
        assert second.query_one("#second").size.width == 40, upstream("textual")
        second.query_one("#second").styles.height = 2  # a widget asks for a new layout
        await pilot.pause()
        assert compat.needs_layout(second), upstream("textual")
        assert compat.lay_out_offscreen(second, app.size)
        assert not compat.needs_layout(second)
        compat.render_offscreen(second)
        assert not compat.needs_repaint(second), upstream("textual")
        assert app.export_screenshot() == shown  # nothing of it was shown
        await app.push_screen("second")
        await pilot.pause()
        assert app.screen is second
        assert "second page" in "".join(strip.text for strip in compat.screen_strips(second))


async def test_only_the_screen_shown_sets_the_pointer_shape(monkeypatch: pytest.MonkeyPatch,
                                                             ) -> None:
    class Quiet(compat.PointerOnlyWhenShown, Second):
        pass

    assert callable(getattr(Screen, "_watch__pointer_shape", None)), (
        f"{upstream('textual')}: Screen._watch__pointer_shape is gone; update "
        "compat.PointerOnlyWhenShown")
    app: App[None] = App()
    async with app.run_test(size=(40, 10)) as pilot:
        written: list[str] = []
        monkeypatch.setattr(app, "_set_pointer_shape", written.append)
        quiet = Quiet()
        app.install_screen(quiet, "quiet")
        compat.start_screen_offscreen(app, quiet)
        await pilot.pause()
        quiet._pointer_shape = "pointer"  # a watcher Textual runs on mount too
        await pilot.pause()
        assert written == []
        await app.push_screen("quiet")
        quiet._pointer_shape = "text"
        await pilot.pause()
        assert written == ["text"], upstream("textual")


def test_plot_tick_labels_are_the_labels_plotext_writes() -> None:
    ticks = [0.0, 1.2, 2.4]
    labels = compat.plot_tick_labels(ticks)
    assert labels == ["0.0", "1.2", "2.4"], upstream("plotext")
    plot = Plot()
    compat.set_plot_size(plot, 30, 8)
    plot.ylim(0.0, 2.4)
    plot.yticks(ticks)
    plot.plot([0, 1], [0.0, 2.4])
    plain = re.sub(r"\x1b\[[0-9;]*m", "", plot.build())
    assert all(label in plain for label in labels), upstream("plotext")


def test_plot_canvas_area_is_where_plotext_puts_data() -> None:
    plot = Plot()
    plot.theme("clear")
    compat.set_plot_size(plot, 30, 10)
    plot.xlim(0.0, 1.0)
    plot.ylim(0.0, 1.0)
    plot.scatter([0.0, 1.0], [0.0, 1.0], marker="@")  # the area's two far corners
    markers, _ = compat.plot_cells(plot)
    left, right, bottom, top = compat.plot_canvas_area(plot)
    rows = len(markers)
    assert markers[rows - 1 - bottom][left] == "@", upstream("plotext")
    assert markers[rows - top][right - 1] == "@", upstream("plotext")


def test_plot_marker_tables_are_the_ones_plotext_draws_with() -> None:
    names, braille = compat.plot_marker_tables()
    plot = Plot()
    compat.set_plot_size(plot, 12, 6)
    plot.xlim(0.0, 1.0)
    plot.ylim(0.0, 1.0)
    plot.scatter([0.5], [0.5], marker="dot")
    plot.scatter([0.0], [0.0], marker="braille")  # the bottom-left dot of a cell
    plain = "".join("".join(row) for row in compat.plot_cells(plot)[0])
    assert names["dot"] in plain, upstream("plotext")
    assert braille[(0, 0, 0, 0, 0, 0, 1, 0)] in plain, upstream("plotext")


def test_asyncssh_connection_keeps_its_transport() -> None:
    source = inspect.getsource(asyncssh.connection.SSHConnection)
    assert "self._transport" in source, (
        f"{upstream('asyncssh')}: SSHConnection._transport is gone; update "
        "compat.ssh_transport_backlog")


def test_textual_linux_driver_asks_for_its_size_privately() -> None:
    from textual.drivers.linux_driver import LinuxDriver

    assert callable(getattr(LinuxDriver, "_get_terminal_size", None)), (
        f"{upstream('textual')}: LinuxDriver._get_terminal_size is gone; update "
        "compat.filter_terminal_size (the lesson's drawing-size cap)")
    capped = compat.filter_terminal_size(LinuxDriver, lambda driver, size: (7, 5))
    assert capped is not LinuxDriver and issubclass(capped, LinuxDriver)


def test_asyncssh_checks_user_names_with_its_own_saslprep() -> None:
    import asyncssh.connection as connection

    assert callable(getattr(connection, "saslprep", None)) and hasattr(
        connection, "SASLPrepError"), (
        f"{upstream('asyncssh')}: asyncssh.connection.saslprep is gone; update "
        "compat.explain_refused_user_names")


@pytest.mark.parametrize("transport, expected", [(None, 0), (object(), 0)])
def test_transport_backlog_is_zero_when_unknown(transport: object, expected: int) -> None:
    class Connection:
        _transport = transport

    assert compat.ssh_transport_backlog(Connection()) == expected


def test_transport_backlog_reads_the_buffer() -> None:
    class Transport:
        def get_write_buffer_size(self) -> int:
            return 1234

    class Connection:
        _transport = Transport()

    assert compat.ssh_transport_backlog(Connection()) == 1234


#: The library privates compat.py wraps; no other file of the package or tests names them.
PRIVATES = ("_filters", "_fatal_error", "_close_messages_no_wait", "_compositor",
            "_notifications", "_set_size", "_transport", "_option_string_actions",
            "_get_terminal_size", "_set_sizes", "_build_matrix", "_get_renders",
            "_dirty_regions", "get_labels", "Cols_canvas", "Rows_canvas", "marker_codes",
            "braille_codes", "_load_screen_css", "_get_screen", "_refresh_layout",
            "_layout_required", "_dirty_widgets", "_repaint_required", "_watch__pointer_shape")


def test_no_other_module_touches_a_library_private() -> None:
    """compat.py is the only place: a regression guard for the rule itself."""
    package = Path(compat.__file__).parent
    pattern = re.compile(r"\.(" + "|".join(PRIVATES) + r")\b")
    files = [*package.rglob("*.py"), *package.parent.joinpath("tests").rglob("*.py"),
             *package.parent.joinpath("benchmarks").rglob("*.py")]
    offenders = [
        f"{path}:{number}"
        for path in files if path.name not in ("compat.py", "test_compat.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, offenders
