"""Pure functions that draw the lesson's figures with plotext, from plain data.

A figure is a frozen description (points, bands, lines) that knows how to draw
itself on a plotext plot and its own cache key; widgets only show figures.
"""
