"""Waiting in Pilot tests for what the app does on its own (timers, threads, workers)."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 15.0) -> None:
    """Let the app run until `condition` holds; fail if it still does not after `seconds`."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()
