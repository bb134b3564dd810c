"""Every use of a library's private attribute, in one place.

Textual, textual-plotext and asyncssh do not offer public ways to do these few
things. Keeping them here means an upgrade that renames one breaks one file, and
`tests/unit/test_compat.py` says which library and version changed before anything
else fails. Nothing in this module imports those libraries: callers pass their
objects in, so the serve process never pays for importing Textual.
"""

from __future__ import annotations

import contextlib
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
