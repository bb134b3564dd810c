"""Part 05 · The proof, as plain Python: the experiment's settings, its runs and what
the learner is told about them.

The screen trains in a worker thread (that is Textual's) and hands every update to
:class:`ProofState`, which keeps the settings, the run that counts (a cancelled or
replaced run's late updates are ignored), the result and the status line. Texts are
tuples of segments, plain strings or ``(text, style)`` pairs in the theme's terms,
which the screen assembles as they are.
"""

from __future__ import annotations

from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import N_, _, ngettext, number
from neuron_tui.lesson.numbers import general
from neuron_tui.lesson.proof_training import (
    HIDDEN_UNIT_STEPS,
    NOISE_MAX,
    NOISE_MIN,
    NOISE_STEP,
    MoonsResult,
    MoonsSettings,
    MoonsUpdate,
    next_hidden_units,
    sklearn_loaded,
)
from neuron_tui.lesson.shared_training import shared
from neuron_tui.model.moons import FitResult, TrainingProgress

Segment = str | tuple[str, str]
Text = tuple[Segment, ...]

#: English, as every text below: shown through `_()`.
GUIDANCE = N_("Two models, same moons: only the MLP's boundary can bend.")
MODEL_NAMES = {"neuron": N_("single neuron"), "mlp": N_("MLP")}
#: The two panels, in the order they are shown.
MODELS = ("neuron", "mlp")
BAR_WIDTH = 10
NO_SCORE = N_("train  --      test  --")
#: An MLP whose train accuracy beats the neuron's by less than this did no better: its
#: boundary came out about as straight as the neuron's line.
NO_BETTER = 0.03
#: Up to this many hidden units are too few to bend around the moons reliably.
FEW_UNITS = 4


def percent(value: float) -> str:
    """`86.7 %` (`86,7 %` in a language with a decimal comma)."""
    return f"{number(100 * value, 1)} %"


def score_text(fit: FitResult | None) -> Text:
    """One model's train and test accuracy, or dashes before it is trained."""
    if fit is None:
        return ((_(NO_SCORE), "$text-muted"),)
    return (
        # Translators: the spaces are the layout ("train" is a noun here: the training set).
        (_("train "), "$text-muted"), (percent(fit.train_accuracy), "bold"),
        (_("   test "), "$text-muted"), (percent(fit.test_accuracy), "bold"),
    )


def progress_text(update: TrainingProgress) -> Text:
    """Which model is training, a bar, its epoch and loss, and how to cancel (one line
    at 80 columns, the longest name and counts included)."""
    chars = glyphs()
    filled = round(BAR_WIDTH * update.iteration / max(update.total, 1))
    bar = chars.progress_full * filled + chars.progress_empty * (BAR_WIDTH - filled)
    return (
        (_("Training {model}").format(model=_(MODEL_NAMES[update.model])), "bold"),
        " " + _("{bar} epoch {epoch}/{total} · loss {loss} · ").format(
            bar=bar, epoch=update.iteration, total=update.total, loss=number(update.loss, 3)),
        ("Esc", "bold $accent"), " " + _("cancels"),
    )


def insights(result: MoonsResult) -> list[str]:
    """What the learner is seeing when the scores surprise: an MLP no better than the
    neuron, a test score above the train score."""
    said: list[str] = []
    neuron, mlp = result.neuron, result.mlp
    units = result.settings.hidden_units
    if mlp.train_accuracy < neuron.train_accuracy + NO_BETTER:
        if units <= FEW_UNITS:
            said.append(ngettext(
                "{units} hidden unit is too few to bend: the MLP stays as straight as the "
                "neuron's line. Press +.",
                "{units} hidden units are too few to bend: the MLP stays as straight as the "
                "neuron's line. Press +.", units).format(units=units))
        else:
            said.append(_("This time the MLP's boundary came out straight, like the neuron's "
                          "line: try more units (+)."))
    if any(fit.test_accuracy > fit.train_accuracy for fit in (neuron, mlp)):
        count = result.settings.test_count
        said.append(_("Test beats train by chance: only {count} test points, {each} % each."
                      ).format(count=count, each=general(100 / count, ".3g")))
    return said


class ProofState:
    """Part 05's experiment: settings, the run that counts, its result and its status."""

    def __init__(self, settings: MoonsSettings | None = None) -> None:
        self.settings = settings or MoonsSettings()
        #: The last finished result (kept while a new run trains).
        self.result: MoonsResult | None = None
        self.training = False
        #: Number of the run whose updates count; older runs' updates are ignored.
        self.run_number = 0
        #: The status under the plots: progress, or the result's losses and insights.
        self.status: Text = ()
        #: A line above the status after a key that changed nothing (at its limit).
        self.notice = ""

    # -- what the learner changes ---------------------------------------------------

    def change_noise(self, direction: int) -> bool:
        """One noise step up or down; whether the settings changed (then retrain).

        At a limit nothing changes and the notice says so, and which key goes back."""
        at_limit = (_("Noise {noise} is the most here; [ lowers it.").format(
                        noise=number(NOISE_MAX, 2)) if direction > 0
                    else _("Noise {noise} is the least here; ] raises it.").format(
                        noise=number(NOISE_MIN, 2)))
        noise = self.settings.noise + direction * NOISE_STEP
        return self._change(self.settings.with_noise(noise), at_limit)

    def change_hidden_units(self, direction: int) -> bool:
        """One hidden-layer size up or down; whether the settings changed (then retrain).

        At a limit nothing changes and the notice says so, and which key goes back."""
        most, fewest = HIDDEN_UNIT_STEPS[-1], HIDDEN_UNIT_STEPS[0]
        at_limit = (_("{units} hidden units is the most here; - takes some away.").format(
                        units=most) if direction > 0
                    else _("{units} hidden unit is the fewest; + adds more.").format(
                        units=fewest))
        units = next_hidden_units(self.settings.hidden_units, direction)
        return self._change(self.settings.with_hidden_units(units), at_limit)

    def _change(self, settings: MoonsSettings, at_limit: str) -> bool:
        if settings == self.settings:
            self.notice = at_limit
            return False
        self.settings = settings
        self.notice = ""
        return True

    # -- runs ------------------------------------------------------------------------

    def start(self) -> int:
        """A new run on the current settings: its number (updates carry it back)."""
        self.run_number += 1
        self.training = True
        self.notice = ""
        if sklearn_loaded() or shared():
            self.status = (_("Training…"),)
        else:
            self.status = (_("Loading scikit-learn (the first time takes a moment)…"),)
        return self.run_number

    def cancel(self) -> bool:
        """Stop counting the running run; whether one was running."""
        if not self.training:
            return False
        self.training = False
        self.run_number += 1  # anything the cancelled run still sends is ignored
        self.status = ((_("Training cancelled.") + " ", "bold"),
                       _("t trains again with these settings."))
        return True

    def receive(self, run: int, update: MoonsUpdate) -> bool:
        """Take an update of run `run`; whether it counted (it is of the current run)."""
        if run != self.run_number:
            return False
        if isinstance(update, TrainingProgress):
            self.status = progress_text(update)
        else:
            self.training = False
            self.result = update
            losses = _("neuron loss {neuron} · MLP loss {mlp}").format(
                neuron=number(update.neuron.loss, 3), mlp=number(update.mlp.loss, 3))
            self.status = ((losses, "$text-muted"),
                           *(f"\n{sentence}" for sentence in insights(update)))
        return True

    def fail(self, error: BaseException | None) -> None:
        """The run stopped on an error: say so."""
        self.training = False
        self.status = (_("Training failed: {error}").format(error=error),)

    # -- what is shown ---------------------------------------------------------------

    def shown_status(self) -> Text:
        """The notice (if any) on its own line, then the status."""
        if not self.notice:
            return self.status
        return ((self.notice, "bold $text-warning"), "\n", *self.status)

    def fit(self, model: str) -> FitResult | None:
        """The last result's fit of `model` ("neuron" or "mlp"), if there is one."""
        return None if self.result is None else getattr(self.result, model)

    def score(self, model: str) -> Text:
        """`model`'s train and test accuracy as shown under its plot."""
        return score_text(self.fit(model))

    def settings_line(self) -> Text:
        """The noise, the hidden units (either marked at its limit) and the split."""
        s = self.settings
        n_test = s.test_count

        def limit(value: float, low: float, high: float, least: str) -> str:
            return (" " + _("(most)") if value >= high else " " + least if value <= low
                    else "")

        return (
            (_("noise") + " ", "$text-muted"), (number(s.noise, 2), "bold"),
            (limit(s.noise, NOISE_MIN, NOISE_MAX, _("(least)")), "$text-muted"), "   ",
            (_("hidden units") + " ", "$text-muted"), (str(s.hidden_units), "bold"),
            (limit(s.hidden_units, HIDDEN_UNIT_STEPS[0], HIDDEN_UNIT_STEPS[-1], _("(fewest)")),
             "$text-muted"),
            "   ", (_("{train} train + {test} test points").format(
                train=s.n_samples - n_test, test=n_test), "$text-muted"),
        )

    def title(self, model: str) -> str:
        """The title of `model`'s panel: "MLP · 16 hidden units"."""
        if model == "neuron":
            return _(MODEL_NAMES["neuron"])
        units = self.settings.hidden_units
        return ngettext("MLP · {units} hidden unit", "MLP · {units} hidden units", units
                        ).format(units=units)
