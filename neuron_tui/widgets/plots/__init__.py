"""Everything that calls plotext lives in this package, so a change of plotting
library touches only here. `PlotView` shows a figure; each other module draws one
kind of figure onto a plotext `Plot` given plain numbers from the model."""

from neuron_tui.widgets.plots.view import Draw, PlotView

__all__ = ["Draw", "PlotView"]
