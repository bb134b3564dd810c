"""One scripted learner of the class load benchmark: a real ``ssh`` client in a pty, read by pyte.

Each learner runs in its own process (so the clients' screen parsing never
holds one Python lock and skews another learner's clock) and walks the lesson
as a learner would: the opening, a few Part 01 slider steps, Part 02 slider
steps at about two a second with pauses, "train this for me" to the end, a
Part 03 run, a Part 04 XOR run, Part 05's training, and the quiz. Then it
waits for the whole class (so the server holds every learner in Part 06 at
once), goes back to Part 02 and resets it (the class within one second), and,
with everyone else, presses ``t`` within one second: the burst.

Key → screen is the time from writing a key to the pty until the read that
makes the text the key causes appear on the emulated screen (a slider's new
value, the next part's title bar, the quiz's answer count), never "any byte".
Every time is ``time.monotonic()``, the same clock in every process.
"""

from __future__ import annotations

import random
import re
import resource
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from benchmarks.class_probe import process_cpu
from benchmarks.common import lesson_env, part_marker
from benchmarks.ptyharness import KEYS, PtyApp

COLS, ROWS = 80, 24
#: The longest any one awaited screen may take before the learner gives up.
STEP_TIMEOUT = 180.0
#: Part 06's answers in order (any answer is fine: the walk waits for the count).
ANSWERS = "bdcad"
SLIDER01 = ("1.1", "1.2", "1.1", "1.0")
#: Part 02's w₁ values, four groups of six steps at about 2 a second (each one step away).
SLIDER02 = (
    ("0.10", "0.20", "0.30", "0.40", "0.30", "0.20"),
    ("0.10", "0.00", "-0.10", "-0.20", "-0.10", "0.00"),
    ("0.10", "0.20", "0.30", "0.20", "0.10", "0.00"),
    ("-0.10", "-0.20", "-0.10", "0.00", "0.10", "0.00"),
)
PART02_DONE = re.compile(r"Converged at epoch \d+")
PART03_DONE = re.compile(r"At the bottom after \d+ epochs")
PART04_DONE = re.compile(r"Trained both for \d+ epochs")
PART05_DONE = re.compile(r"MLP loss \d")


class Waiter(Protocol):
    """A multiprocessing barrier, as far as the learner uses one."""

    def wait(self, timeout: float | None = None) -> int: ...  # noqa: D102


@dataclass
class Plan:
    """What one learner does: who, where, when to arrive, and its seed for pauses."""

    index: int
    port: int
    arrive_at: float
    ssh_options: list[str]
    fast: bool = False

    @property
    def name(self) -> str:
        """The login name (one progress file each)."""
        return f"learner{self.index:02d}"


@dataclass
class Outcome:
    """Everything one learner measured; plain data, sent back to the coordinator."""

    name: str
    first_screen_s: float | None = None
    #: (kind, key → screen ms, monotonic time the key was sent: the same clock in every
    #: process, so the coordinator can line keys up with its run-queue samples).
    keys: list[tuple[str, float, float]] = field(default_factory=list)
    actions: dict[str, float] = field(default_factory=dict)
    reached_quiz: bool = False
    burst_pressed_at: float | None = None
    burst_s: float | None = None
    client_cpu_s: float = 0.0
    #: (phase, monotonic time it began): with one learner, the server tree's CPU per phase.
    marks: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _slider_row(label: str, value: str) -> re.Pattern[str]:
    # The label, its track, then exactly this value (so "0.10" does not match "-0.10").
    return re.compile(rf"{label} [━●]+ +{re.escape(value)}(?:\s|$)", re.M)


class Learner:
    """Drives one ``ssh`` client through the walk; see the module docstring."""

    def __init__(self, plan: Plan, app: PtyApp) -> None:
        self.plan = plan
        self.app = app
        self.out = Outcome(plan.name)
        self.rng = random.Random(1000 + plan.index)

    def mark(self, phase: str) -> None:
        """Note that a phase of the walk begins now."""
        self.out.marks.append((phase, time.monotonic()))

    def think(self, low: float, high: float) -> None:
        """Pause as a learner reading the screen would (shortened in fast mode)."""
        scale = 0.3 if self.plan.fast else 1.0
        time.sleep(self.rng.uniform(low, high) * scale)

    def key(self, kind: str, data: bytes | str, expect: str | re.Pattern[str]) -> float:
        """Send a key, wait for the text it causes; record and return key → screen in ms."""
        if _visible(self.app, expect):
            raise RuntimeError(f"{expect!r} already on screen before the key ({kind})")
        sent_at = time.monotonic()
        sent = self.app.elapsed()
        self.app.send(data)
        shown = self.app.wait_for(expect, timeout=STEP_TIMEOUT)
        ms = (shown - sent) * 1000
        self.out.keys.append((kind, ms, sent_at))
        return ms

    def action(self, name: str, data: bytes | str, done: re.Pattern[str]) -> float:
        """Send a key that starts heavy work; record seconds until ``done`` is on screen."""
        sent = self.app.elapsed()
        self.app.send(data)
        seconds = self.app.wait_for(done, timeout=STEP_TIMEOUT) - sent
        self.out.actions[name] = seconds
        return seconds

    def walk(self) -> None:
        """Opening to the quiz's score; raises on a screen that never came."""
        app = self.app
        self.mark("connect, opening")
        self.out.first_screen_s = app.wait_for("The neuron", timeout=STEP_TIMEOUT)
        self.think(1.0, 2.0)
        self.mark("part 01")
        self.key("nav", KEYS["enter"], part_marker(1))
        self.think(1.0, 2.0)
        for step, value in enumerate(SLIDER01):
            self.key("slider01", KEYS["right" if step < 2 else "left"], _slider_row("x₁", value))
            self.think(0.5, 1.0)
        self.mark("part 02 sliders")
        self.key("nav", "n", part_marker(2))
        self.think(1.0, 2.0)
        previous = 0.0
        for group in SLIDER02:
            for value in group:
                direction = "right" if float(value) > previous else "left"
                previous = float(value)
                began = time.monotonic()
                self.key("slider02", KEYS[direction], _slider_row("w₁", value))
                # About two steps a second: the next key half a second after this one.
                time.sleep(max(0.0, 0.5 - (time.monotonic() - began)))
            self.think(1.5, 3.0)
        self.mark("part 02 train")
        self.action("part02_train", "t", PART02_DONE)
        self.think(1.0, 2.0)
        self.mark("part 03")
        self.key("nav", "n", part_marker(3))
        self.think(1.0, 2.0)
        self.action("part03_run", "t", PART03_DONE)
        self.think(1.0, 2.0)
        self.mark("part 04")
        self.key("nav", "n", part_marker(4))
        self.think(1.0, 2.0)
        self.key("toggle", "x", "one neuron · XOR")
        self.think(0.5, 1.0)
        self.action("part04_run", "t", PART04_DONE)
        self.think(1.0, 2.0)
        self.mark("part 05")
        sent = app.elapsed()
        self.key("nav", "n", part_marker(5))
        self.out.actions["part05_trained"] = app.wait_for(PART05_DONE, STEP_TIMEOUT) - sent
        self.think(1.0, 2.0)
        self.mark("part 06 quiz")
        self.key("nav", "n", part_marker(6))
        for number, answer in enumerate(ANSWERS, start=1):
            self.think(1.0, 2.0)
            self.key("quiz", answer, re.compile(rf"\d right of {number} answered"))
            self.think(0.5, 1.5)
            nxt = f"Question {number + 1} of 5" if number < 5 else "Knowledge check complete"
            self.key("quiz", KEYS["enter"], nxt)
        self.out.reached_quiz = True
        self.mark("waiting for the class")

    def burst_setup(self) -> None:
        """Back to Part 02, its weights reset, ready for ``t``.

        The class is told together, and like the burst itself each learner acts
        within a second of the others: the barrier releases every learner within a
        millisecond, which no class does (30 learners' ``2`` at the same instant
        measured 200-500 ms p50, queueing for the two CPUs behind each other).
        """
        time.sleep(self.rng.uniform(0.0, 1.0))
        self.mark("burst: back to part 02")
        self.key("nav", "2", part_marker(2))
        self.key("reset", "r", _slider_row("w₁", "0.00"))

    def burst(self, press_at: float) -> None:
        """Press ``t`` at ``press_at`` (monotonic) and time the run to its end."""
        time.sleep(max(0.0, press_at - time.monotonic()))
        self.mark("burst: train")
        self.out.burst_pressed_at = time.monotonic()
        self.out.burst_s = self.action("burst", "t", PART02_DONE)
        self.mark("end")


def _visible(app: PtyApp, expect: str | re.Pattern[str]) -> bool:
    text = app.text()
    return expect.search(text) is not None if isinstance(expect, re.Pattern) else expect in text


def client_cpu(app: PtyApp | None) -> float:
    """CPU-seconds of this learner process plus its ``ssh`` client so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    ssh = process_cpu(app.pid) if app is not None and app.running else 0.0
    return usage.ru_utime + usage.ru_stime + ssh


def run(plan: Plan, barriers: list[Waiter], burst_base: Any, results: Any) -> None:
    """The learner process: walk, meet the class at each barrier, burst, quit, report.

    ``barriers`` are, in order: everyone in Part 06; everyone ready in Part 02;
    the burst's start mark is set (``burst_base``, a shared double); everyone's
    burst is done. A learner whose walk failed still meets every barrier
    (without acting), so one broken learner never stalls the class.
    """
    app: PtyApp | None = None
    outcome = Outcome(plan.name)
    met = 0
    cpu_start = client_cpu(None)

    def meet(upto: int) -> None:
        nonlocal met
        while met < upto:
            barriers[met].wait(timeout=900)
            met += 1

    try:
        with lesson_env() as env:
            time.sleep(max(0.0, plan.arrive_at - time.monotonic()))
            argv = ["ssh", "-tt", *plan.ssh_options, f"{plan.name}@127.0.0.1"]
            app = PtyApp(argv, cols=COLS, rows=ROWS, env=env, rss_interval=1.0)
            app.start()
            learner = Learner(plan, app)
            outcome = learner.out
            ok = _attempt(outcome, learner.walk)
            meet(1)
            ok = ok and _attempt(outcome, learner.burst_setup)
            meet(3)
            if ok:
                # Every learner presses within one second of the coordinator's mark.
                press_at = burst_base.value + learner.rng.random()
                _attempt(outcome, lambda: learner.burst(press_at))
            outcome.client_cpu_s = client_cpu(app) - cpu_start
            meet(4)
            app.send("q")
            try:
                app.wait(timeout=15)
            except TimeoutError:
                pass
    except Exception as err:  # noqa: BLE001 - report any failure as data, never hang the class
        outcome.error = outcome.error or _describe(err)
        try:
            meet(len(barriers))
        except Exception:  # noqa: BLE001 - a broken barrier: the coordinator notices it too
            pass
    finally:
        if app is not None:
            app.close()
        results.put(outcome.as_dict())


def _attempt(outcome: Outcome, step: Any) -> bool:
    """Run one stage; on failure keep the first error (with the screen dump) and go on."""
    if outcome.error is not None:
        return False
    try:
        step()
    except Exception as err:  # noqa: BLE001 - a stage that fails is a measured outcome
        outcome.error = _describe(err)
        return False
    return True


def _describe(err: BaseException) -> str:
    """``Type: message`` (the harness's screen dump follows on the next lines)."""
    return f"{type(err).__name__}: {err}".rstrip()
