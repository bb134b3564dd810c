"""HeapKeeper: keep the garbage collector's full passes short in a long-lived lesson.

CPython's collector walks every tracked object of the oldest generation in a full
pass, and starts one whenever a quarter more objects have grown old since the last.
A lesson grows by a page at a time: each page built adds some 10 000 to 75 000
objects that live as long as the lesson. So the build of a new page, which allocates
the most, kept starting full passes over everything built before: 20 to 140 ms of
CPU inside a single key (measured on the way to Parts 03, 05 and 06), on the
learner's critical path and, on a class server, in every other learner's queue.

Once the learner has been quiet for a moment after entering a page, whatever is
alive then (the pages built so far) is moved out of the collector's way
(``gc.freeze()``, after a pass over what is not frozen yet, so no garbage is
kept): later full passes walk only what was made since. Frozen objects are
still freed when nothing refers to them, but cycles among them are never
collected: a lesson that drops pages (a language switch) calls `release`, and the next settling
unfreezes everything, runs one full pass (which frees the dropped pages) and
freezes what is left. Under `serve` that one pass also walks what the zygote
froze before forking, so those pages stop being shared with the other lessons:
a language switch costs that lesson some memory, once (the class server starts
lessons in the class's language). Nothing unfreezes when the lesson ends: the
process ends with it, and a last full pass over what the zygote froze would copy
those pages for every lesson that quits (a class quitting together held about 10
MiB a learner more for a moment). A process that runs several lessons one after
another (the tests) unfreezes between them itself.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

__all__ = ["QUIET_SECONDS", "HeapKeeper", "Schedule", "settle"]

#: Seconds without input after a page was entered before what is alive is frozen.
QUIET_SECONDS = 1.0

#: Call a function once after a delay in seconds (the app's `set_timer`).
Schedule = Callable[[float, Callable[[], None]], object]


class HeapKeeper:
    """Freezes what is alive once the lesson is quiet after it grew.

    `grown()` says long-lived objects were added (a page entered): the keeper
    settles the heap once the lesson has been quiet for `quiet_seconds`, on a
    timer from `schedule`. `touch()` (input) puts a pending settling off; it
    never asks for one, since keys and runs leave little behind. `release()`
    asks for one that is a full pass.
    """

    def __init__(self, schedule: Schedule, quiet_seconds: float = QUIET_SECONDS) -> None:
        self.schedule = schedule
        self.quiet_seconds = quiet_seconds
        self._last_touch = time.monotonic()
        self._armed = False
        self._pending = False
        self._full = False
        #: Times the heap was settled (tests and benchmarks read it).
        self.settled = 0

    @property
    def pending(self) -> bool:
        """Whether a settling is asked for and not done yet."""
        return self._pending

    def grown(self) -> None:
        """Long-lived objects were added: settle once the lesson is quiet."""
        self._pending = True
        self.touch()

    def touch(self) -> None:
        """Something happened (input): a pending settling waits for quiet again."""
        self._last_touch = time.monotonic()
        if self._pending and not self._armed:
            self._arm(self.quiet_seconds)

    def release(self) -> None:
        """Objects frozen so far may become garbage now (pages dropped): the next
        settling collects everything once before it freezes."""
        self._full = True
        self.grown()

    def _arm(self, delay: float) -> None:
        self._armed = True
        self.schedule(delay, self._wake)

    def _wake(self) -> None:
        self._armed = False
        quiet = time.monotonic() - self._last_touch
        if quiet < self.quiet_seconds:
            self._arm(self.quiet_seconds - quiet)
            return
        settle(full=self._full)
        self._pending = self._full = False
        self.settled += 1


def settle(full: bool = False) -> None:
    """Collect the garbage among what is not frozen (`full`: among everything), then
    freeze everything alive out of later full passes.

    A pass over what is not frozen walks what was made since the last settling (a
    page or so: 1.4 to 7 ms of CPU while the learner reads; 27 ms after Part 05's
    training stand-alone, 21 ms the first time stand-alone, where the imports are
    not frozen yet); a young pass alone would
    freeze the cycles that had already grown old, and keep them for good (about
    1 MiB a learner over the class benchmark's walk).
    """
    if full:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
