"""SIGTERM/SIGHUP end the process with exit 0 whatever it is doing, a stall included."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest


def run_until_signalled(body: str, number: int = signal.SIGTERM) -> tuple[int, float, str]:
    """Run `body` after installing a SignalExit (0.5 s grace); signal it; time the end."""
    script = textwrap.dedent("""
        import asyncio, sys, threading, time
        from neuron_tui.shutdown import SignalExit
        signals = SignalExit(grace=0.5, hangup_grace=0.5)
        signals.install()
        print("ready", flush=True)
    """) + textwrap.dedent(body)
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    time.sleep(0.1)
    process.send_signal(number)
    sent = time.monotonic()
    try:
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.stderr is not None
    return process.returncode, time.monotonic() - sent, process.stderr.read()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_before_the_app_a_signal_exits_0_at_once(number: int) -> None:
    code, took, errors = run_until_signalled("time.sleep(30)", number)
    assert code == 0 and took < 0.5, errors
    assert "Traceback" not in errors


def test_a_stalled_shutdown_is_ended_by_the_watchdog() -> None:
    # The app attached, then its event loop stalls (as in Textual's writer thread on
    # shutdown): the scheduled clean exit never runs, and the watchdog ends it.
    code, took, errors = run_until_signalled("""
        loop = asyncio.new_event_loop()
        signals.attach(loop, lambda number: None)
        threading.Event().wait()
    """)
    assert code == 0, errors
    assert 0.4 < took < 3.0


def test_a_busy_loop_is_ended_too() -> None:
    code, took, errors = run_until_signalled("""
        signals.app_starting = True
        while True:
            pass
    """)
    assert code == 0, errors
    assert took < 3.0


def test_a_signal_while_the_app_starts_is_delivered_when_it_attaches() -> None:
    code, _, errors = run_until_signalled("""
        import os
        signals.app_starting = True
        time.sleep(0.3)  # the signal comes now: recorded, not acted on
        loop = asyncio.new_event_loop()
        signals.attach(loop, lambda number: os._exit(40 + number))
        loop.run_forever()
    """)
    assert code == 40 + signal.SIGTERM, errors
