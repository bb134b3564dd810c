"""Unit tests of the lesson layer: registry, progress, and each part's state, without a Pilot."""
