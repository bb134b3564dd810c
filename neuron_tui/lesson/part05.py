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
from neuron_tui.lesson.proof_training import (
    NOISE_STEP,
    MoonsResult,
    MoonsSettings,
    MoonsUpdate,
    next_hidden_units,
    sklearn_loaded,
)
from neuron_tui.model.moons import FitResult, TrainingProgress

Segment = str | tuple[str, str]
Text = tuple[Segment, ...]

GUIDANCE = "Same moons, two models: only the MLP can bend its boundary around them."
MODEL_NAMES = {"neuron": "single neuron", "mlp": "MLP"}
#: The two panels, in the order they are shown.
MODELS = ("neuron", "mlp")
BAR_WIDTH = 12
NO_SCORE: Text = (("train  --      test  --", "$text-muted"),)


def percent(value: float) -> str:
    """`86.7 %`."""
    return f"{100 * value:.1f} %"


def score_text(fit: FitResult | None) -> Text:
    """One model's train and test accuracy, or dashes before it is trained."""
    if fit is None:
        return NO_SCORE
    return (
        ("train ", "$text-muted"), (percent(fit.train_accuracy), "bold"),
        ("   test ", "$text-muted"), (percent(fit.test_accuracy), "bold"),
    )


def progress_text(update: TrainingProgress) -> Text:
    """Which model is training, a bar, its iteration and loss, and how to cancel."""
    chars = glyphs()
    filled = round(BAR_WIDTH * update.iteration / max(update.total, 1))
    bar = chars.progress_full * filled + chars.progress_empty * (BAR_WIDTH - filled)
    return (
        (f"Training {MODEL_NAMES[update.model]}", "bold"),
        f"  {bar}  iteration {update.iteration}/{update.total}  ",
        f"loss {update.loss:.3f}   ", ("Esc", "bold $accent"), " cancels",
    )


class ProofState:
    """Part 05's experiment: settings, the run that counts, its result and its status."""

    def __init__(self, settings: MoonsSettings | None = None) -> None:
        self.settings = settings or MoonsSettings()
        #: The last finished result (kept while a new run trains).
        self.result: MoonsResult | None = None
        self.training = False
        #: Number of the run whose updates count; older runs' updates are ignored.
        self.run_number = 0
        #: The status line under the plots (after a result the screen adds the legend).
        self.status: Text = ()

    # -- what the learner changes ---------------------------------------------------

    def change_noise(self, direction: int) -> bool:
        """One noise step up or down; whether the settings changed (then retrain)."""
        return self._change(self.settings.with_noise(self.settings.noise + direction * NOISE_STEP))

    def change_hidden_units(self, direction: int) -> bool:
        """One hidden-layer size up or down; whether the settings changed (then retrain)."""
        units = next_hidden_units(self.settings.hidden_units, direction)
        return self._change(self.settings.with_hidden_units(units))

    def _change(self, settings: MoonsSettings) -> bool:
        if settings == self.settings:
            return False
        self.settings = settings
        return True

    # -- runs ------------------------------------------------------------------------

    def start(self) -> int:
        """A new run on the current settings: its number (updates carry it back)."""
        self.run_number += 1
        self.training = True
        if sklearn_loaded():
            self.status = ("Training…",)
        else:
            self.status = ("Loading scikit-learn (the first time takes a moment)…",)
        return self.run_number

    def cancel(self) -> bool:
        """Stop counting the running run; whether one was running."""
        if not self.training:
            return False
        self.training = False
        self.run_number += 1  # anything the cancelled run still sends is ignored
        self.status = (("Training cancelled. ", "bold"), "t trains again with these settings.")
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
            self.status = ((
                f"neuron loss {update.neuron.loss:.3f} · MLP loss {update.mlp.loss:.3f}",
                "$text-muted",
            ),)
        return True

    def fail(self, error: BaseException | None) -> None:
        """The run stopped on an error: say so."""
        self.training = False
        self.status = (f"Training failed: {error}",)

    # -- what is shown ---------------------------------------------------------------

    def fit(self, model: str) -> FitResult | None:
        """The last result's fit of `model` ("neuron" or "mlp"), if there is one."""
        return None if self.result is None else getattr(self.result, model)

    def score(self, model: str) -> Text:
        """`model`'s train and test accuracy as shown under its plot."""
        return score_text(self.fit(model))

    def settings_line(self) -> Text:
        """The noise, the hidden units and the train/test split."""
        s = self.settings
        n_test = s.test_count
        return (
            ("noise ", "$text-muted"), (f"{s.noise:.2f}", "bold"), "   ",
            ("hidden units ", "$text-muted"), (str(s.hidden_units), "bold"), "   ",
            (f"{s.n_samples} points: {s.n_samples - n_test} train, {n_test} test",
             "$text-muted"),
        )

    def title(self, model: str) -> str:
        """The title of `model`'s panel: "MLP · 16 hidden units"."""
        if model == "neuron":
            return MODEL_NAMES["neuron"]
        units = "unit" if self.settings.hidden_units == 1 else "units"
        return f"MLP · {self.settings.hidden_units} hidden {units}"
