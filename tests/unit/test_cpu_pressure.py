"""CpuPressure: the share of wall time some task waited for a CPU, from a PSI file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from neuron_tui.process.pressure import PSI_CPU, CpuPressure


def psi(path: Path, some_total_us: int) -> None:
    path.write_text(f"some avg10=0.00 avg60=0.00 avg300=0.00 total={some_total_us}\n"
                    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")


def test_the_share_is_the_stall_time_over_the_wall_time_between_readings(tmp_path: Path) -> None:
    stats, now = tmp_path / "cpu", [10.0]
    pressure = CpuPressure(stats, clock=lambda: now[0])
    psi(stats, 5_000_000)
    assert pressure.share() is None  # nothing to compare with yet
    psi(stats, 5_250_000)
    now[0] += 0.5
    assert pressure.share() == 0.5
    psi(stats, 9_250_000)  # more stall than wall time (it is summed over CPUs' tasks)
    now[0] += 1.0
    assert pressure.share() == 1.0


def test_no_pressure_file_means_no_reading_ever(tmp_path: Path) -> None:
    pressure = CpuPressure(tmp_path / "missing")
    assert pressure.share() is None
    assert pressure.share() is None


def test_an_unreadable_file_means_no_reading(tmp_path: Path) -> None:
    stats = tmp_path / "cpu"
    stats.write_text("nonsense\n")
    assert CpuPressure(stats).share() is None


def test_this_kernels_pressure_file_gives_a_share_between_0_and_1() -> None:
    if not PSI_CPU.exists():
        pytest.skip("this kernel gives no CPU pressure information (no /proc/pressure/cpu)")
    pressure = CpuPressure()
    pressure.share()
    time.sleep(0.05)
    share = pressure.share()
    assert share is not None and 0.0 <= share <= 1.0
