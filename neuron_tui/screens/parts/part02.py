"""Part 02 · Build a neuron: tune w₁, w₂ and b by hand, then let gradient descent finish.

The heart of the lesson. Three sliders move the decision line across 40 points;
accuracy, log loss and the wrong points follow on the next frame. `t` runs real
gradient descent from where the learner left the sliders and animates it; any
key stops it. The self-check (95 % and loss ≤ 0.30 by hand, not by `t`) sits in the
side panel from the start and the loss row shows the gap to it; when it is met it
turns green there, where it covers nothing (no notice over the guidance or a box).
The numbers, the run and the text live in `neuron_tui.lesson.part02.BuildNeuronState`;
this screen shows them and sends the learner's changes to it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from neuron_tui.figures.palette import PROBABILITY_BANDS
from neuron_tui.figures.regions import RegionFigure, Shading, plot_grid
from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import N_, _, number
from neuron_tui.lesson.part02 import (
    ASCII_SYMBOLS,
    FRAME_SCHEDULE,
    GUIDANCE,
    PARAMETERS,
    PLOT_LIMITS,
    WEIGHT_RANGE,
    BuildNeuronState,
    Symbols,
)
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.screens.animated_run import AnimatedRun, StopReason
from neuron_tui.screens.base import LessonScreen
from neuron_tui.widgets.metrics import Metrics
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.quiet_static import QuietStatic
from neuron_tui.widgets.slider import Slider

#: The legend's width at the smallest screen (60 columns), used until it is laid out.
NARROWEST_LEGEND = 28


class BuildNeuronScreen(LessonScreen):
    """40 points, three sliders, a live decision line and "train this for me"."""

    GUIDANCE = GUIDANCE
    # Short enough that at 60 columns "t train" still fits beside help, lesson and next;
    # shading and reset give way there (help lists every key).
    KEY_HINTS = [("←/→", N_("adjust")), ("↑/↓", N_("choose")), ("t", N_("train")),
                 ("?", N_("help")), ("l", N_("lesson")), ("n", N_("next")),
                 ("g", N_("shading")), ("r", N_("reset"))]
    KEY_HELP = [("Shift+←/→", N_("adjust ten steps at a time")),
                ("Home", N_("reset the chosen slider to 0")),
                ("Enter", N_("type an exact value")),
                (N_("any key"), N_("stops training while it runs")),
                ("p", N_("previous part"))]

    DEFAULT_CSS = """
    BuildNeuronScreen #main { layout: horizontal; height: 1fr; }
    BuildNeuronScreen #plot-box { width: 1fr; height: 1fr; padding: 0; }
    BuildNeuronScreen #plot { height: 1fr; }
    BuildNeuronScreen #legend { height: auto; }
    BuildNeuronScreen #side { width: 28; height: 1fr; }
    BuildNeuronScreen #formula { height: 2; }
    BuildNeuronScreen #metrics { margin-top: 1; }
    BuildNeuronScreen #self-check { margin-top: 1; height: 3; }
    BuildNeuronScreen #self-check.met { color: $text-success; }
    """

    BINDINGS = [
        Binding("t", "train", "train for me"),
        Binding("g", "toggle_shading", "shading"),
        Binding("r", "reset", "reset"),
    ]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        super().__init__(spec, **options)
        check = spec.self_checks[0].id if spec.self_checks else None
        self.state = BuildNeuronState(check, self.options.get("schedule", FRAME_SCHEDULE))
        self.animated_run = AnimatedRun(self, self.train_frame, self.on_run_stopped)
        self._showing_params = False

    # ----------------------------------------------------------------- layout
    def compose_work(self) -> ComposeResult:
        chars = glyphs()
        with Vertical(id="main"):
            with Vertical(id="plot-box", classes="box") as plot_box:
                plot_box.border_title = _("40 points · find a line")
                yield PlotView(id="plot")
                yield QuietStatic(id="legend")
            with Vertical(id="side", classes="box") as side:
                side.border_title = _("your neuron")
                gap = " " if chars.unicode else ""  # "sigma" is long: keep it on one line
                yield Static(
                    f"y = {chars.sigma}({chars.w1}{chars.x1}{gap}+{gap}{chars.w2}{chars.x2}"
                    f"{gap}+{gap}b)",
                    id="formula",
                    markup=False,
                )
                labels = (chars.w1, chars.w2, "b")
                for key, label, value in zip(PARAMETERS, labels, self.state.params, strict=True):
                    yield Slider(label, minimum=-WEIGHT_RANGE, maximum=WEIGHT_RANGE, step=0.1,
                                 value=value, value_format="{:5.2f}", id=key)
                yield Metrics(id="metrics")
                yield QuietStatic(id="self-check")

    def on_mount(self) -> None:
        # A slider's move is shown from a watcher, in the slider's own key handler, so
        # the slider, the numbers and the plot are painted in one frame: its Changed
        # message reaches the page only after the slider has been painted alone, and
        # every frame costs milliseconds of CPU whatever it shows (a class pays it
        # for every learner).
        for slider in self.query(Slider):
            self.watch(slider, "value", partial(self.slider_moved, slider), init=False)
        self.query_one("#w1", Slider).focus()
        self.update_view()

    def on_resize(self) -> None:
        super().on_resize()
        # Once the boxes have their new size: shading to the plot's cells, legend to its width.
        self.call_after_refresh(self.update_view)

    # ------------------------------------------------------------ the learner
    def slider_moved(self, slider: Slider, value: float) -> None:
        """The learner moved `slider` to `value` (not `show_params` moving it)."""
        if self._showing_params:
            return
        met = self.state.set_param(slider.id or "", value)
        self.update_view()
        for check in met:
            self.lesson_app.progress_meet(check)

    def on_slider_changed(self, event: Slider.Changed) -> None:
        event.stop()  # already shown by `slider_moved`

    def action_toggle_shading(self) -> None:
        """Show or hide the sigmoid probability behind the points."""
        self.state.toggle_shading()
        self.update_view()

    def action_reset(self) -> None:
        """Back to w₁ = w₂ = b = 0, ready to try by hand again."""
        self.state.reset()
        self.animated_run.stop()
        self.show_params()
        self.update_view()

    def show_params(self) -> None:
        """Move the sliders to the state's weights (not the learner's move: no Changed)."""
        self._showing_params = True
        try:
            with self.prevent(Slider.Changed):
                for key, value in zip(PARAMETERS, self.state.params, strict=True):
                    self.query_one(f"#{key}", Slider).value = value
        finally:
            self._showing_params = False

    # --------------------------------------------------------------- training
    def action_train(self) -> None:
        """Run gradient descent from the current weights, animated."""
        if self.state.start_training():
            self.update_view()
            self.animated_run.start()

    def train_frame(self) -> bool:
        """One frame of training shown; True when the run has ended by itself."""
        finished = self.state.train_frame()
        self.show_params()
        self.update_view()
        return finished

    def on_run_stopped(self, reason: StopReason) -> None:
        if reason in (StopReason.KEY, StopReason.LEFT):
            self.state.stop_training(left_page=reason is StopReason.LEFT)
        self.update_view()

    def run_to_end(self) -> None:
        """Train to convergence at once, without animation (tests, snapshots)."""
        self.action_train()
        self.animated_run.run_to_end()

    # ------------------------------------------------------------------- view
    def update_view(self) -> None:
        """Show the neuron as it is now: plot, metrics, self-check and guidance."""
        chars = glyphs()
        state, fit = self.state, self.state.fit
        neuron, wrong, segment = state.neuron, fit.wrong, fit.segment
        plot = self.query_one(PlotView)
        shading = None
        if state.shading:
            grid = plot_grid(PLOT_LIMITS, PLOT_LIMITS, plot.size, minimum=(20, 8))
            shading = Shading.of(grid, neuron.probability(grid.cells), PROBABILITY_BANDS)
        figure = RegionFigure(state.X, state.y, PLOT_LIMITS, PLOT_LIMITS, wrong, segment, shading)
        plot.show_figure(figure)
        legend = self.query_one("#legend", QuietStatic)
        legend.show(self._legend(figure, legend.content_size.width or NARROWEST_LEGEND))

        epoch = f"{state.last_step.epoch}" if state.last_step else "–"
        symbols = Symbols() if chars.unicode else ASCII_SYMBOLS
        self.query_one(Metrics).show_rows([
            (_("accuracy"), f"{number(fit.accuracy * 100, 1, width=5)} %", "bold"),
            (_("loss"), state.loss_to_goal(symbols), "bold"),
            (_("wrong"), f"{fit.wrong_count:3d} {chars.wrong}", "bold $warning"),
            (_("epoch"), f"{epoch:>5}", "" if state.last_step else "$text-muted"),
        ])
        check = self.query_one("#self-check", QuietStatic)
        check.show(state.self_check_lines(symbols))
        check.set_class(state.self_check_met, "met")
        self.set_guidance(state.guidance(chars.w1, chars.w2))

    def _legend(self, figure: RegionFigure, width: int) -> Content:
        if figure.line is None:
            return Content.assemble(figure.legend(width=width), "\n",
                                    (self.state.no_line_note(), "$warning"))
        return figure.legend(width=width)
