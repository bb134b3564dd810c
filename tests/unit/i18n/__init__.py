"""Unit tests of the translation layer: the language chosen, numbers written for it."""
