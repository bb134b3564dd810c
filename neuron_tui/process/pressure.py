"""How contended the machine's CPUs are right now, from Linux's pressure stall information.

`/proc/pressure/cpu` counts, since boot, the microseconds during which at least one
runnable task waited for a CPU (its `some` line). The share of wall time between two
readings is the machine's recent contention: 0 when nobody waits, 1 when someone always
does. A lesson's animation reads it to draw fewer frames while a class shares the
machine, so other learners' keys find a CPU sooner. Without PSI (older kernels, some
containers) there is no reading, and nothing is throttled.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["PSI_CPU", "CpuPressure"]

PSI_CPU = Path("/proc/pressure/cpu")


class CpuPressure:
    """The share of wall time some task waited for a CPU since the previous reading."""

    def __init__(self, path: Path = PSI_CPU, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self.clock = clock
        self._last: tuple[float, int] | None = None
        self._missing = False

    def share(self) -> float | None:
        """Contention since the last call, between 0 and 1; None on the first call, or
        when the kernel gives no pressure information (then always None)."""
        total = self._stall_us()
        if total is None:
            return None
        now = self.clock()
        last, self._last = self._last, (now, total)
        if last is None or now <= last[0]:
            return None
        waited = (total - last[1]) / 1e6
        return min(1.0, max(0.0, waited / (now - last[0])))

    def _stall_us(self) -> int | None:
        if self._missing:
            return None
        try:
            with self.path.open(encoding="ascii") as stats:
                some = stats.readline().split()
            return int(some[-1].removeprefix("total="))
        except (OSError, ValueError, IndexError):
            self._missing = True
            return None
