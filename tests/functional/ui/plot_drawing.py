"""Which plots draw: a list every PlotView joins when it builds a figure or draws a line,
for tests that a page shown again (or built ahead) draws none of its plots anew."""

from __future__ import annotations

import pytest

from neuron_tui.widgets.plot_view import PlotView


def count_plot_drawing(monkeypatch: pytest.MonkeyPatch) -> list[PlotView]:
    """From now on (for the test), each figure build or plot line drawn appends its view."""
    drawn: list[PlotView] = []
    draw_rows, render_line = PlotView._draw_rows, PlotView.render_line

    def counted_rows(self: PlotView, width: int, height: int):  # type: ignore[no-untyped-def]
        drawn.append(self)
        return draw_rows(self, width, height)

    def counted_line(self: PlotView, y: int):  # type: ignore[no-untyped-def]
        drawn.append(self)
        return render_line(self, y)

    monkeypatch.setattr(PlotView, "_draw_rows", counted_rows)
    monkeypatch.setattr(PlotView, "render_line", counted_line)
    return drawn
