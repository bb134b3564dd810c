"""Part 05 · The proof: a single neuron and an MLP side by side on the two moons.

The real scikit-learn trains here, in a thread worker: it is imported the first
time this part needs it (with a visible "loading scikit-learn" line); under `serve`
the class server's shared trainer fits each setting once for the class. Training
reports its iteration and loss as it goes, the screen stays responsive, and Escape
cancels between two iterations. The numbers shown are the models' real scores.
"""

from __future__ import annotations

import time
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from neuron_tui.figures.palette import MOON_BANDS
from neuron_tui.figures.regions import MOON_GRID_SAMPLES, RegionFigure, Shading, sample_grid
from neuron_tui.i18n import N_, _
from neuron_tui.lesson.part05 import GUIDANCE as PROOF_GUIDANCE
from neuron_tui.lesson.part05 import MODELS, ProofState, Text
from neuron_tui.lesson.proof_training import MoonsResult, MoonsSettings, MoonsUpdate
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.lesson.shared_training import train_both
from neuron_tui.model.moons import FitResult, TrainingProgress
from neuron_tui.screens.base import LessonScreen
from neuron_tui.widgets.box_text import set_box_text
from neuron_tui.widgets.plot_view import PlotView

#: Seconds between two progress lines on screen.
REPORT_INTERVAL = 0.1


class ProofScreen(LessonScreen):
    """Part 05: same data, two models, two shaded plots, the real train and test scores."""

    GUIDANCE = PROOF_GUIDANCE
    KEY_HINTS = [("[/]", N_("noise")), ("-/+", N_("hidden units")), ("t", N_("retrain")),
                 ("Esc", N_("cancel")), ("l", N_("lesson")), ("n", N_("next")), ("?", N_("help"))]
    #: The help's fuller words for the footer's keys (help lists each key once).
    KEY_HELP = [
        ("[/]", N_("less or more noise in the moons (0.05 to 0.4), and retrain")),
        ("-/+", N_("fewer or more hidden units in the MLP (1 to 64), and retrain")),
        ("t", N_("train both models again")),
        ("Esc", N_("cancel the training that is running")),
    ]

    DEFAULT_CSS = """
    ProofScreen #settings-line, ProofScreen #legend, ProofScreen #status {
        height: auto; padding: 0 1;
    }
    ProofScreen #models { height: 1fr; }
    ProofScreen .model-box { width: 1fr; height: 1fr; }
    ProofScreen .score { height: auto; }
    """

    BINDINGS = [
        Binding("left_square_bracket", "noise(-1)", "less noise"),
        Binding("right_square_bracket", "noise(1)", "more noise"),
        Binding("minus", "hidden_units(-1)", "fewer hidden units"),
        Binding("plus,equals_sign", "hidden_units(1)", "more hidden units"),
        Binding("t", "retrain", "retrain"),
        # Before the focused widget's own Escape (the side text's "back to the page"),
        # but only while a run can be cancelled (see check_action).
        Binding("escape", "cancel", "cancel training", priority=True),
    ]

    class Update(Message):
        """A training update from the worker thread (run `run` of this screen)."""

        def __init__(self, run: int, update: MoonsUpdate) -> None:
            super().__init__()
            self.run = run
            self.update = update

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        """The option `settings` (MoonsSettings) is the experiment's when the part opens."""
        super().__init__(spec, **options)
        self.state = ProofState(self.options.get("settings"))
        self._worker: Worker[None] | None = None

    def compose_work(self) -> ComposeResult:
        yield Static(id="settings-line")
        with Horizontal(id="models"):
            for key in MODELS:
                with Vertical(id=f"{key}-box", classes="box model-box"):
                    yield PlotView(id=f"{key}-plot")
                    yield Static(id=f"{key}-score", classes="score")
        yield Static(id="legend")
        yield Static(id="status")

    def on_mount(self) -> None:
        self.query_one("#neuron-box").border_title = self.state.title("neuron")
        self._show_settings()
        self._show_scores()

    def on_screen_resume(self) -> None:
        # Trains when first shown, not when mounted: a page built ahead while the learner
        # reads Part 04 (screens/ahead.py) must not train before the learner comes.
        if self._worker is None:
            self.start_training()

    # -- keys -------------------------------------------------------------------------

    def action_noise(self, direction: int) -> None:
        """Change the noise by one step and retrain (at a limit, say so)."""
        self._retrain_if(self.state.change_noise(direction))

    def action_hidden_units(self, direction: int) -> None:
        """Change the MLP's hidden layer size and retrain (at a limit, say so)."""
        self._retrain_if(self.state.change_hidden_units(direction))

    def action_retrain(self) -> None:
        """Train both models again."""
        self.start_training()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape cancels only a run; otherwise it is left to the focused widget."""
        return self.state.training if action == "cancel" else True

    def action_cancel(self) -> None:
        """Stop the training that is running (between two iterations)."""
        if self._worker is None or not self.state.cancel():
            return
        self._worker.cancel()
        self._set_status(self.state.shown_status())

    def _retrain_if(self, changed: bool) -> None:
        if changed:
            self._show_settings()
            self.start_training()
        else:
            self._set_status(self.state.shown_status())

    # -- training ---------------------------------------------------------------------

    def start_training(self) -> None:
        """Start (or restart) training both models on the current settings."""
        if self._worker is not None:
            self._worker.cancel()
        run = self.state.start()
        self._set_status(self.state.shown_status())
        self._worker = self._train(run, self.state.settings)

    @work(thread=True, exclusive=True, group="part05-training", exit_on_error=False)
    def _train(self, run: int, settings: MoonsSettings) -> None:
        worker = get_current_worker()
        last_report = 0.0
        # Under `serve` the class's shared trainer fits (or has fitted) these settings;
        # stand-alone, this thread imports scikit-learn and trains.
        for update in train_both(settings, cancelled=lambda: worker.is_cancelled):
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
        if not self.state.receive(message.run, message.update):
            return
        if isinstance(message.update, MoonsResult):
            self._show_result(message.update)
        self._set_status(self.state.shown_status())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._worker and event.state == WorkerState.ERROR:
            self.state.fail(event.worker.error)
            self._set_status(self.state.shown_status())

    # -- showing ----------------------------------------------------------------------

    def _set_status(self, text: Text | Content) -> None:
        content = text if isinstance(text, Content) else Content.assemble(*text)
        self.query_one("#status", Static).update(content)

    def _show_settings(self) -> None:
        self.query_one("#settings-line", Static).update(
            Content.assemble(*self.state.settings_line()))
        set_box_text(self.query_one("#mlp-box"), title=self.state.title("mlp"))

    def _show_scores(self) -> None:
        for key in MODELS:
            self.query_one(f"#{key}-score", Static).update(
                Content.assemble(*self.state.score(key)))

    def _show_result(self, result: MoonsResult) -> None:
        data = result.data
        (xlim, ylim) = data.limits()
        grid = sample_grid(xlim, ylim, *MOON_GRID_SAMPLES)
        for key in ("neuron", "mlp"):
            fit: FitResult = getattr(result, key)
            figure = RegionFigure(
                data.X, data.y, xlim, ylim, wrong=fit.wrong(data.X, data.y),
                shading=Shading.of(grid, fit.proba(grid.cells), MOON_BANDS))
            self.query_one(f"#{key}-plot", PlotView).show_figure(figure)
        self._show_scores()
        # Both figures draw the same marks and bands: one legend explains them.
        self.query_one("#legend", Static).update(Content.assemble(
            (_("moons: "), "$text-muted"), figure.legend(("A", "B"))))
