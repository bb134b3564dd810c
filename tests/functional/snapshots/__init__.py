"""Snapshot tests: every screen at 80×24, compared with reviewed SVGs."""
