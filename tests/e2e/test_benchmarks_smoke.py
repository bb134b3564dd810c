"""Keep the benchmark code from rotting: one cheap measurement, run for real.

Part 01 through a real pty: a few slider steps are measured by
:mod:`benchmarks.bytes` (bytes and changed cells), then the screen is left
alone for a second. No speed or size is asserted here (targets live in the
benchmarks); that an idle screen writes nothing is behaviour, so it is.
"""

from __future__ import annotations

from benchmarks import bytes as bytes_bench
from benchmarks.common import Figure, launch, lesson_argv, part_marker, render_table


def test_part01_step_bytes_and_idle() -> None:
    with launch(lesson_argv(1)) as app:
        app.wait_for(part_marker(1), timeout=30)
        steps = bytes_bench.slider_steps(app, 2)
        idle = bytes_bench.idle(app, 1.0)
        app.send("q")
        assert app.wait(timeout=10) == 0

    assert len(steps) == 2
    for step in steps:
        assert step.nbytes > 0, "a slider step drew nothing"
        assert step.changed_cells > 0, "a slider step changed no cell on screen"
    assert idle == 0, f"Part 01 wrote {idle} bytes while idle"

    figure = Figure("smoke", "Part 01 slider step", steps[0].nbytes, "B", limit=None)
    assert figure.status == "INFO"
    assert "Part 01 slider step" in render_table([figure])
