"""Reusable Textual widgets of the lesson: slider, plots, header, key bar, diagrams."""
