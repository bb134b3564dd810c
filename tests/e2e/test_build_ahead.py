"""A real lesson in a pty builds the next part while the learner reads, and writes nothing.

Pilot tests (tests/functional/ui/test_prebuild.py) see the screens; only a real
terminal sees every byte: building ahead must send none of them (not even the pointer
shape a mounted screen sets), and still make `n` as cheap as a return.
"""

from __future__ import annotations

from benchmarks import bytes as bytes_bench
from benchmarks.common import launch, lesson_argv, part_marker
from benchmarks.cpu_actions import cpu_seconds

#: Longer than the lesson's quiet spell (1.5 s) plus the build itself.
READ_SECONDS = 4.0


def test_reading_builds_the_next_part_without_writing_a_byte() -> None:
    with launch(lesson_argv(3)) as app:
        app.wait_for(part_marker(3), timeout=30)
        app.wait_quiet(0.5, timeout=30)
        before = cpu_seconds(app.pid)
        written = bytes_bench.idle(app, READ_SECONDS)
        reading = cpu_seconds(app.pid) - before
        before = cpu_seconds(app.pid)
        app.send("n")
        app.wait_for(part_marker(4), timeout=30)
        app.wait_quiet(0.5, timeout=30)
        entering = cpu_seconds(app.pid) - before
        app.send("q")
        assert app.wait(timeout=10) == 0

    assert written == 0, f"building Part 04 ahead wrote {written} bytes"
    # Part 04's first visit costs about 60 ms of CPU and a return about 10: the build
    # happened while reading (an idle lesson spends no CPU), and entering cost less.
    assert reading >= 0.02, f"nothing was built while reading ({reading * 1000:.0f} ms of CPU)"
    assert entering < reading, (entering, reading)
