"""Overlays on top of a page: help, the lesson text, exact value entry, too small."""
