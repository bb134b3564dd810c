"""What a widget shows, as plain text, for Pilot tests to assert on."""

from __future__ import annotations

from textual.app import App

from neuron_tui.widgets.metrics import Metrics


def shown(app: App[None], selector: str) -> str:
    """The text the widget matching `selector` on the current screen shows."""
    widget = app.screen.query_one(selector)
    if isinstance(widget, Metrics):
        return widget.render_text()
    return str(widget.render())
