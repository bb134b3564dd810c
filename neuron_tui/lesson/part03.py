"""Part 03 · Gradient descent, as plain Python: the run down the bowl and what it says.

The learner starts high on the side of the loss bowl of the 40 points and rolls
down it one epoch at a time (space), or on a timer (t), at a learning rate they
choose on a log-scale slider or with a preset: s crawls, d converges, f overshoots
and oscillates, e diverges. This object owns the neuron, the learning rate, every
step taken so far, the runs before it (for the loss curve), the training run in
progress and the line of status under the figures; the screen only shows it.

A run ends by itself at the bottom, after `EPOCH_CAP` epochs (saying how far from
the bottom it still is), or when it diverges: the loss shoots above twice its start,
a step throws the weights far off the bowl, or they would overflow. A run that
diverged keeps its finite steps, so the learner sees the blow-up.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import cache

from neuron_tui.i18n import N_, _, number
from neuron_tui.lesson.numbers import general, listed
from neuron_tui.model.datasets import forty_points
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import CONVERGENCE_TOLERANCE, FrameSchedule, RunEnd, TrainingRun
from neuron_tui.model.training import TrainingStep, gradient_descent, train_to_convergence
from neuron_tui.model.validation import check_learning_rate

#: Where every run starts: high on the side of the bowl, far from the bottom.
START = (-4.0, 4.0, 0.0)
#: The learning-rate slider: log scale, 0.001 to 1000, 1/10 of a decade a step. On
#: this bowl up to about 12 converges, about 13 to 50 oscillates, 70 and up diverges.
RATE_MIN, RATE_MAX, RATE_STEP = 0.001, 1000.0, 0.1
#: A run stops at this epoch, if it has not settled or diverged before: 95 frames,
#: under 5 s at 20 frames a second, so even a crawl makes its point in seconds.
EPOCH_CAP = 500
#: One epoch a frame at first, so the big early moves show one by one; then one more
#: every ten frames, up to ten. Frames are counted from 1 (as they always were here).
FRAME_SCHEDULE = FrameSchedule(first=1, grow_every=10, most=10)
#: A run has diverged when a step throws a weight beyond this: the bottom is at about
#: (1.2, 1.2, -0.9), and the log loss, clipped, no longer changes out there.
WEIGHT_LIMIT = 100.0
#: A run has diverged when its loss rises above this many times the loss at START.
CEILING_FACTOR = 2.0
#: How many earlier runs the loss curve keeps, faintly, beside the current one.
EARLIER_RUNS_KEPT = 3
#: An ended run that rose in loss within this many last epochs was still oscillating.
OSCILLATION_WINDOW = 50


@dataclass(frozen=True)
class Preset:
    """A named learning rate, the one thing to watch when it runs, and its help line
    (all three texts in English: shown through `_()`)."""

    key: str
    name: str
    rate: float
    watch: str
    help: str


PRESETS: dict[str, Preset] = {
    "s": Preset("s", N_("too small"), 0.01,
                N_("Too small: each step is tiny, so the path crawls and the loss barely "
                   "falls."),
                N_("learning rate too small (0.01): crawls, far from the bottom")),
    "d": Preset("d", N_("good"), 1.0,
                N_("Good: the path curves down the bowl and the loss settles at its bottom."),
                N_("a good learning rate (1): settles at the bottom")),
    "f": Preset("f", N_("too big"), 30.0,
                N_("Too big: each step overshoots the bottom, so the path zig-zags across "
                   "the valley and the loss jumps up and down."),
                N_("learning rate too big (30): overshoots and oscillates, never settles")),
    "e": Preset("e", N_("diverges"), 100.0,
                N_("Far too big: each step flings the weights far up the other side, "
                   "until the loss shoots up: the run diverges."),
                N_("learning rate far too big (100): diverges, the loss shoots up")),
}
DEFAULT_RATE = PRESETS["d"].rate
#: The preset keys in order, as the footer and the help show them.
PRESET_KEYS = "/".join(PRESETS)

#: The words of this part, each with what it means (shown one a paragraph by `w`;
#: English, translated by `GradientDescentLesson.glossary`).
GLOSSARY: tuple[tuple[str, str], ...] = (
    (N_("Learning rate (η)"), N_("the size of each step downhill. Too small crawls; too big "
                                 "zig-zags; far too big diverges.")),
    (N_("Epoch"), N_("one pass over all the training data: one step here.")),
    (N_("Local minimum"), N_("a ditch that is not the deepest spot. This bowl has one "
                             "bottom; big networks have many ditches, and that is mostly "
                             "fine.")),
)

#: What each key of the part does, for the help overlay (the presets come from PRESETS;
#: the help translates each description, and "any key").
KEY_HELP: tuple[tuple[str, str], ...] = (
    ("space", N_("one epoch: one step downhill")),
    ("t", N_("run epochs on a timer, or pause")),
    ("r", N_("back to the start; the run stays, faintly, on the loss curve")),
    ("w", N_("words: show or hide the glossary (learning rate, epoch, local minimum)")),
    ("←/→", N_("move the learning rate a tenth of a decade")),
    ("Shift+←/→", N_("move the learning rate a whole decade (×10)")),
    ("Enter", N_("type an exact learning rate")),
    *((preset.key, preset.help) for preset in PRESETS.values()),
    (N_("any key"), N_("stops a run")),
)

# The status lines, in English (set through `_()`).
RUNNING = N_("Running… any key pauses.")
BACK_AT_START = N_("Back at the start, high on the side of the bowl.")
BLEW_UP = N_("This run diverged. Press r to start again, then a smaller rate.")
AT_BOTTOM_ALREADY = N_("Already at the bottom. Press r to roll down again.")
OUT_OF_EPOCHS_TEXT = N_("This run has used its {epochs} epochs. Press r to start again.")
OUT_OF_EPOCHS = OUT_OF_EPOCHS_TEXT.format(epochs=EPOCH_CAP)


@dataclass(frozen=True)
class EarlierRun:
    """A run the learner has reset: its loss after each epoch, and its last rate."""

    rate: float
    losses: tuple[float, ...]


@cache
def bottom_loss() -> float:
    """The loss at the bottom of the bowl: the least any run can reach."""
    X, y = forty_points()
    return train_to_convergence(Neuron(*START), X, y, 3.0, 10_000, tol=1e-13).loss


class GradientDescentLesson:
    """Part 03's state: the neuron on its way down the bowl, and what to say about it.

    `history` holds every step since the start, epoch 0 first; only finite steps
    are ever kept. A training run (`TrainingRun`) is kept across single epochs and
    pauses, and a new one starts when the learning rate changes. Once a run reaches
    the bottom, its epoch cap, or diverges, training is blocked until `reset`.

    Args:
        eta: how the learning rate is named in status text ("η", or "lr" in ASCII).
    """

    def __init__(self, eta: str = "η") -> None:
        self.eta = eta
        self.X, self.y = forty_points()
        self.neuron = Neuron(*START)
        self.learning_rate = DEFAULT_RATE
        self.history: list[TrainingStep] = [TrainingStep.of(self.neuron, self.X, self.y)]
        #: Runs reset before this one, oldest first (at most `EARLIER_RUNS_KEPT`).
        self.earlier: list[EarlierRun] = []
        #: How the last run ended, when that blocks training (bottom, cap, diverged).
        self.end: RunEnd | None = None
        #: The line under the figures: what to watch, or what just happened.
        self.status = _(PRESETS["d"].watch)
        self.run: TrainingRun[TrainingStep] | None = None
        #: Frames drawn since the animated run was last started or resumed.
        self.frame = 0

    # ----------------------------------------------------------- the numbers
    @property
    def last(self) -> TrainingStep:
        """The state shown now (epoch 0 before any training)."""
        return self.history[-1]

    @property
    def path(self) -> tuple[tuple[float, float], ...]:
        """Every (w₁, w₂) visited so far, start first."""
        return tuple((step.w1, step.w2) for step in self.history)

    @property
    def losses(self) -> tuple[float, ...]:
        """The loss after each epoch, epoch 0 first."""
        return tuple(step.loss for step in self.history)

    @property
    def loss_ceiling(self) -> float:
        """A loss above this means the run diverged: twice the loss at the start."""
        return CEILING_FACTOR * self.history[0].loss

    @property
    def glossary(self) -> tuple[tuple[str, str], ...]:
        """The words of this part, with η as this terminal writes it."""
        return tuple((_(word).replace("η", self.eta), _(meaning)) for word, meaning in GLOSSARY)

    def readout(self, w1: str = "w₁", w2: str = "w₂") -> list[list[tuple[str, str]]]:
        """The numbers of now, as rows of (label, value): epoch and loss, the weights,
        the accuracy (`w1`, `w2`: how this terminal writes their names)."""
        last = self.last
        return [[(_("epoch"), f"{last.epoch:<5d}"), (_("loss"), number(last.loss, 3))],
                [(w1, weight_text(last.w1)), (w2, weight_text(last.w2)),
                 ("b", weight_text(last.b))],
                [(_("accuracy"), f"{number(last.accuracy * 100, 1)} %")]]

    @property
    def earlier_label(self) -> str:
        """Which rates the faint curves were run at ("" when there are none)."""
        if not self.earlier:
            return ""
        rates = listed(rate_text(run.rate) for run in self.earlier)
        return _("faint: {eta} {rates}").format(eta=self.eta, rates=rates)

    @property
    def converged(self) -> bool:
        """Whether the last run settled at the bottom of the bowl."""
        return self.end is RunEnd.CONVERGED

    @property
    def diverged(self) -> bool:
        """Whether the last run blew up (loss shot up, or the weights flew off)."""
        return self.end is RunEnd.DIVERGED

    # --------------------------------------------------------- the learner's
    def set_learning_rate(self, rate: float) -> None:
        """Use `rate` from the next epoch on, and say what to watch at it.

        Not clamped to the slider's range: a teacher (or a test) may show what a far
        larger rate does. ValueError for a rate that is not finite and above 0.
        """
        self.learning_rate = check_learning_rate(rate)
        self.run = None  # the next epoch starts a new run at the new rate
        self.status = self.watch_message()

    def choose_preset(self, key: str) -> Preset:
        """Back to the start at preset `key`'s learning rate (KeyError if there is none)."""
        preset = PRESETS[key]
        self.reset()
        self.learning_rate = preset.rate
        self.status = _("{watch} Press t to run.").format(watch=_(preset.watch))
        return preset

    def reset(self) -> None:
        """Back to the start point; the learning rate stays as it is. The run so far
        is kept, faintly, on the loss curve."""
        if len(self.history) > 1:
            self.earlier = [*self.earlier, EarlierRun(self.learning_rate, self.losses)]
            self.earlier = self.earlier[-EARLIER_RUNS_KEPT:]
        self.neuron.set_params(*START)
        self.history = [TrainingStep.of(self.neuron, self.X, self.y)]
        self.run = None
        self.end = None
        self.status = _(BACK_AT_START)

    def step(self) -> None:
        """Take exactly one epoch, unless training is blocked (then say why)."""
        if not self.blocked():
            self.advance(1)

    def start_running(self) -> bool:
        """Begin (or resume) the animated run; False, with the reason, when blocked."""
        if self.blocked():
            return False
        self.frame = 0
        self.status = _(RUNNING)
        return True

    def run_frame(self) -> bool:
        """One frame of the animated run; True when the run has ended by itself."""
        self.frame += 1
        return self.advance(FRAME_SCHEDULE.epochs(self.frame))

    def pause(self) -> None:
        """The run was stopped by the learner (a key, or leaving the page)."""
        self.status = _("Paused at epoch {epoch}. t runs on, space steps.").format(
            epoch=self.last.epoch)

    # -------------------------------------------------------------- training
    def blocked(self) -> bool:
        """Whether training cannot go on (diverged, bottom, cap); sets the status."""
        reasons = {RunEnd.DIVERGED: _(BLEW_UP), RunEnd.CONVERGED: _(AT_BOTTOM_ALREADY),
                   RunEnd.EXHAUSTED: _(OUT_OF_EPOCHS_TEXT).format(epochs=EPOCH_CAP)}
        if self.end is not None:
            self.status = reasons[self.end]
            return True
        return False

    def advance(self, epochs: int) -> bool:
        """Take up to `epochs` epochs; True when the run has ended (and why is said)."""
        if self.run is None:
            steps = gradient_descent(self.neuron, self.X, self.y, self.learning_rate,
                                     max(0, EPOCH_CAP - self.last.epoch),
                                     weight_limit=WEIGHT_LIMIT)
            self.run = TrainingRun(steps, FRAME_SCHEDULE, start_loss=self.last.loss,
                                   loss_ceiling=self.loss_ceiling)
        overflowed = False
        for step in self.run.advance(epochs):
            if step.diverged and not _flew_off(step):
                overflowed = True  # never kept: the next weights would not be finite
                break
            # Each run numbers its epochs from 1; the learner counts from the start.
            self.history.append(dataclasses.replace(step, epoch=self.last.epoch + 1))
        end = self.run.end
        if end is None:
            self.status = self.watch_message()
            return False
        self.run = None
        self.end = end
        self.neuron.set_params(*self.last.params)
        self.status = self.ending_message(end, overflowed)
        return True

    # ------------------------------------------------------------ what is said
    def ending_message(self, end: RunEnd, overflowed: bool = False) -> str:
        """Why the run just ended, and what to do next (`overflowed`: the step that
        blew up was not kept, its weights would not have been finite)."""
        last = self.last
        if end is RunEnd.CONVERGED:
            return _("At the bottom after {epochs} epochs: loss {loss} cannot go lower. "
                     "r starts again.").format(epochs=last.epoch, loss=number(last.loss, 3))
        if end is RunEnd.EXHAUSTED:
            return self.stopped_message()
        too_big = _("Diverged at epoch {epoch}: {eta} = {rate} is far too big.").format(
            epoch=last.epoch + overflowed, eta=self.eta, rate=rate_text(self.learning_rate))
        if overflowed:
            what = _("The next step would make the weights infinite.")
        elif _flew_off(last):
            what = _("One step threw the weights to ({weights}), far off the bowl.").format(
                weights=listed((general(last.w1, ".3g"), general(last.w2, ".3g"))))
        elif last.loss > self.loss_ceiling:
            what = _("The loss shot up to {loss}, over twice its start ({start}).").format(
                loss=number(last.loss, 2), start=number(self.history[0].loss, 2))
        else:  # the generator flags only overflow and flying off; the run, the ceiling
            what = _("The loss shot up.")
        return _("{too_big} {what} Press r, then a smaller rate.").format(
            too_big=too_big, what=what)

    def stopped_message(self) -> str:
        """The run used its epochs: how far from the bottom, and why."""
        bottom = bottom_loss()
        recent = self.losses[-OSCILLATION_WINDOW:]
        rising = any(later - earlier > CONVERGENCE_TOLERANCE
                     for earlier, later in zip(recent, recent[1:], strict=False))
        if rising:
            return _("Stopped at epoch {epoch}: the loss still jumps between {low} and "
                     "{high}, never settling at the bottom ({bottom}). Each step overshoots. "
                     "r starts again.").format(
                epoch=self.last.epoch, low=number(min(recent), 2), high=number(max(recent), 2),
                bottom=number(bottom, 3))
        gap = self.last.loss - bottom
        if gap < 5e-4:
            return _("Stopped at epoch {epoch}: loss {loss}, just {gap} above the bottom, "
                     "still creeping down. r starts again.").format(
                epoch=self.last.epoch, loss=number(self.last.loss, 4), gap=f"{gap:.0e}")
        return _("Stopped at epoch {epoch}: loss {loss}, still {gap} above the bottom "
                 "({bottom}). r starts again.").format(
            epoch=self.last.epoch, loss=number(self.last.loss, 3), gap=number(gap, 3),
            bottom=number(bottom, 3))

    def watch_message(self) -> str:
        """What to watch now, from the preset that matches the learning rate."""
        for preset in PRESETS.values():
            if math.isclose(self.learning_rate, preset.rate, rel_tol=1e-3):
                return _(preset.watch)
        return _("Learning rate {eta} = {rate}: watch the path and the loss curve.").format(
            eta=self.eta, rate=rate_text(self.learning_rate))


def rate_text(rate: float) -> str:
    """A learning rate as the learner reads it: 0.01, 0.631, 30, 1000, 1e+308 (0,631 in
    a language that writes a decimal comma)."""
    return general(rate, ".4g")


def _flew_off(step: TrainingStep) -> bool:
    """Whether `step` threw a weight beyond `WEIGHT_LIMIT` (a blow-up that is still finite,
    kept so the learner sees it)."""
    return max(abs(value) for value in step.params) > WEIGHT_LIMIT


def weight_text(value: float) -> str:
    """A weight in at most 7 characters, however far it flew: -4.00, 907, 2e+307."""
    if abs(value) < 100:
        return number(value, 2, width=5)
    return number(value, 0, width=5) if abs(value) < 10_000 else f"{value:.0e}"
