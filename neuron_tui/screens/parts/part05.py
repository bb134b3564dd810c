"""Part 05 · The proof: a single neuron and an MLP side by side on the two moons.

The real scikit-learn trains here, in a thread worker: it is imported the first
time this part needs it (with a visible "loading scikit-learn" line), training
reports its iteration and loss as it goes, the screen stays responsive, and Escape
cancels between two iterations. The numbers shown are the models' real scores.
"""

from __future__ import annotations

import sys
import time
from functools import partial
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from neuron_tui.figures.moons import MoonsFigure, draw_moons
from neuron_tui.glyphs import glyphs
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.model.moons import (
    NOISE_STEP,
    FitResult,
    MoonsResult,
    MoonsSettings,
    TrainingProgress,
    load_sklearn,
    next_hidden_units,
    train_both,
)
from neuron_tui.screens.base import LessonScreen, set_box_text
from neuron_tui.widgets.plot_view import PlotView

MODEL_NAMES = {"neuron": "single neuron", "mlp": "MLP"}
BAR_WIDTH = 12
#: Seconds between two progress lines on screen.
REPORT_INTERVAL = 0.1


def percent(value: float) -> str:
    """`86.7 %`."""
    return f"{100 * value:.1f} %"


class ProofScreen(LessonScreen):
    """Part 05: same data, two models, two shaded plots, the real train and test scores."""

    GUIDANCE = "Same moons, two models: only the MLP can bend its boundary around them."
    KEY_HINTS = [
        ("[/]", "noise"),
        ("-/+", "hidden units"),
        ("t", "retrain"),
        ("Esc", "cancel"),
        ("l", "lesson"),
        ("n", "next"),
        ("?", "help"),
    ]
    KEY_HELP = [
        ("[ / ]", "less or more noise in the moons (0.05 to 0.4)"),
        ("- / +", "fewer or more hidden units in the MLP (1 to 64)"),
        ("t", "train both models again"),
        ("Escape", "cancel the training that is running"),
        ("p", "previous part"),
    ]

    #: The experiment's settings when the part opens (tests swap in a small, fast one).
    SETTINGS: ClassVar[MoonsSettings] = MoonsSettings()

    DEFAULT_CSS = """
    ProofScreen #settings-line {
        height: 1;
        padding: 0 1;
    }
    ProofScreen #models {
        height: 1fr;
    }
    ProofScreen .model-box {
        width: 1fr;
        height: 1fr;
    }
    ProofScreen .score {
        height: 1;
    }
    ProofScreen #status {
        height: 1;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("left_square_bracket", "noise(-1)", "less noise"),
        Binding("right_square_bracket", "noise(1)", "more noise"),
        Binding("minus", "hidden_units(-1)", "fewer hidden units"),
        Binding("plus,equals_sign", "hidden_units(1)", "more hidden units"),
        Binding("t", "retrain", "retrain"),
        Binding("escape", "cancel", "cancel training"),
    ]

    class Update(Message):
        """A training update from the worker thread (run `run` of this screen)."""

        def __init__(self, run: int, update: TrainingProgress | MoonsResult | str) -> None:
            super().__init__()
            self.run = run
            self.update = update

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        super().__init__(spec, **options)
        self.settings: MoonsSettings = self.options.get("settings", self.SETTINGS)
        self.result: MoonsResult | None = None
        self.training = False
        self.run_number = 0
        self._worker: Worker[None] | None = None

    def compose_work(self) -> ComposeResult:
        yield Static(id="settings-line")
        with Horizontal(id="models"):
            for key in ("neuron", "mlp"):
                with Vertical(id=f"{key}-box", classes="box model-box"):
                    yield PlotView(id=f"{key}-plot")
                    yield Static(id=f"{key}-score", classes="score")
        yield Static(id="status")

    def on_mount(self) -> None:
        self.query_one("#neuron-box").border_title = "single neuron"
        self._show_settings()
        self._show_scores()
        self.start_training()

    # -- keys -------------------------------------------------------------------------

    def action_noise(self, direction: int) -> None:
        """Change the noise by one step and retrain."""
        settings = self.settings.with_noise(self.settings.noise + direction * NOISE_STEP)
        self._change(settings)

    def action_hidden_units(self, direction: int) -> None:
        """Change the MLP's hidden layer size and retrain."""
        units = next_hidden_units(self.settings.hidden_units, direction)
        self._change(self.settings.with_hidden_units(units))

    def action_retrain(self) -> None:
        """Train both models again."""
        self.start_training()

    def action_cancel(self) -> None:
        """Stop the training that is running (between two iterations)."""
        if not self.training or self._worker is None:
            return
        self._worker.cancel()
        self.training = False
        self.run_number += 1  # anything the cancelled run still sends is ignored
        self._set_status(Content.assemble(
            ("Training cancelled. ", "bold"), "t trains again with these settings."
        ))

    def _change(self, settings: MoonsSettings) -> None:
        if settings == self.settings:
            return
        self.settings = settings
        self._show_settings()
        self.start_training()

    # -- training ---------------------------------------------------------------------

    def start_training(self) -> None:
        """Start (or restart) training both models on the current settings."""
        if self._worker is not None:
            self._worker.cancel()
        self.run_number += 1
        self.training = True
        if "sklearn.neural_network" not in sys.modules:
            self._set_status("Loading scikit-learn (the first time takes a moment)…")
        else:
            self._set_status("Training…")
        self._worker = self._train(self.run_number, self.settings)

    @work(thread=True, exclusive=True, group="part05-training", exit_on_error=False)
    def _train(self, run: int, settings: MoonsSettings) -> None:
        worker = get_current_worker()
        load_sklearn()
        if worker.is_cancelled:
            return
        last_report = 0.0
        for update in train_both(settings):
            if worker.is_cancelled:
                return
            time.sleep(0)  # hand the GIL to the UI thread between iterations
            now = time.monotonic()
            if isinstance(update, TrainingProgress) and now - last_report < REPORT_INTERVAL:
                continue  # a few progress lines a second are plenty (and cheap over SSH)
            last_report = now
            self.post_message(self.Update(run, update))

    def on_proof_screen_update(self, message: Update) -> None:
        message.stop()
        if message.run != self.run_number:
            return
        update = message.update
        if isinstance(update, TrainingProgress):
            self._show_progress(update)
        elif isinstance(update, MoonsResult):
            self.training = False
            self.result = update
            self._show_result(update)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._worker and event.state == WorkerState.ERROR:
            self.training = False
            self._set_status(f"Training failed: {event.worker.error}")

    # -- showing ----------------------------------------------------------------------

    def _set_status(self, text: str | Content) -> None:
        self.query_one("#status", Static).update(text)

    def _show_settings(self) -> None:
        s = self.settings
        n_test = round(s.n_samples * s.test_fraction)
        self.query_one("#settings-line", Static).update(Content.assemble(
            ("noise ", "$text-muted"), (f"{s.noise:.2f}", "bold"), "   ",
            ("hidden units ", "$text-muted"), (str(s.hidden_units), "bold"), "   ",
            (f"{s.n_samples} points: {s.n_samples - n_test} train, {n_test} test", "$text-muted"),
        ))
        units = "unit" if s.hidden_units == 1 else "units"
        set_box_text(self.query_one("#mlp-box"), title=f"MLP · {s.hidden_units} hidden {units}")

    def _show_progress(self, update: TrainingProgress) -> None:
        chars = glyphs()
        filled = round(BAR_WIDTH * update.iteration / max(update.total, 1))
        bar = chars.progress_full * filled + chars.progress_empty * (BAR_WIDTH - filled)
        self._set_status(Content.assemble(
            (f"Training {MODEL_NAMES[update.model]}", "bold"),
            f"  {bar}  iteration {update.iteration}/{update.total}  ",
            f"loss {update.loss:.3f}   ", ("Esc", "bold $accent"), " cancels",
        ))

    def _show_scores(self) -> None:
        for key in ("neuron", "mlp"):
            fit = None if self.result is None else getattr(self.result, key)
            self.query_one(f"#{key}-score", Static).update(self._score_text(fit))

    @staticmethod
    def _score_text(fit: FitResult | None) -> Content:
        if fit is None:
            return Content.styled("train  --      test  --", "$text-muted")
        return Content.assemble(
            ("train ", "$text-muted"), (percent(fit.train_accuracy), "bold"),
            ("   test ", "$text-muted"), (percent(fit.test_accuracy), "bold"),
        )

    def _show_result(self, result: MoonsResult) -> None:
        data = result.data
        (xlim, ylim) = data.limits()
        for key in ("neuron", "mlp"):
            fit: FitResult = getattr(result, key)
            figure = MoonsFigure(
                X=data.X, y=data.y, xlim=xlim, ylim=ylim,
                wrong=fit.wrong(data.X, data.y), proba=fit.proba,
            )
            self.query_one(f"#{key}-plot", PlotView).show(
                partial(draw_moons, figure=figure), key=(key, result.settings, id(fit))
            )
        self._show_scores()
        chars = glyphs()
        self._set_status(Content.assemble(
            ("o", "bold $text-primary"), " moon A  ", ("x", "bold $text-error"), " moon B  ",
            (chars.wrong, "bold $text-warning"), " wrong   ",
            (f"neuron loss {result.neuron.loss:.3f} · MLP loss {result.mlp.loss:.3f}",
             "$text-muted"),
        ))
