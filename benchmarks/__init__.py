"""Whole-program benchmarks for neuron-tui: startup time, memory, bytes per key.

The helpers here drive the real program in a real pseudo-terminal
(:mod:`benchmarks.ptyharness`) and read what a terminal would show, so the
figures include interpreter start-up, imports and the first frame.
"""
