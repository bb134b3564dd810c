"""End-to-end tests: the real program in a real pseudo-terminal (or a plain subprocess)."""
