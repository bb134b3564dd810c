"""Part 04 · Why depth wins: one neuron against a small network on AND, OR and XOR.

Two plots side by side: on the left a single neuron (its straight line and the
sides it shades), on the right a network with one hidden layer (its curved
regions), with one legend under both. `a`/`o`/`x` choose the data, `-`/`+` change
the hidden units (1 to 8) and retrain, `t` trains both. A plot whose every output is
unsure (blank: no band, no line) says so across its middle.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static
from textual_plotext.plot import Plot

from neuron_tui.figures.palette import GATE_BANDS, PALETTE
from neuron_tui.figures.regions import GATE_LIMITS, RegionFigure, Shading, plot_grid
from neuron_tui.i18n import N_, _, ngettext, number
from neuron_tui.lesson.part04 import SCHEDULE, UNIVERSAL, DepthLesson, Model, unsure_note
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.lesson.shared_depth import depth_fetch
from neuron_tui.screens.animated_run import AnimatedRun, StopReason
from neuron_tui.screens.base import LessonScreen
from neuron_tui.widgets.box_text import set_box_text
from neuron_tui.widgets.keybar import KeyHint
from neuron_tui.widgets.plot_view import PlotView


def show_text(widget: Static, content: Content) -> None:
    """Show `content` in `widget` unless it shows it already (a repaint costs bytes)."""
    shown = widget.visual
    if not (isinstance(shown, Content) and shown.markup == content.markup):
        widget.update(content)


@dataclass(frozen=True, eq=False)
class NotedFigure:
    """A region figure with a short note written across its middle, one row a line."""

    figure: RegionFigure
    note: tuple[str, ...]
    #: The plot's height in cells: it sets how far apart, in data units, rows are.
    rows: int

    @cached_property
    def key(self) -> tuple[object, ...]:
        return (self.figure.key, self.note, self.rows)

    def draw(self, plot: Plot) -> None:
        self.figure.draw(plot)
        low, high = self.figure.ylim
        # Axes and frame take four rows; a bigger step than a row never merges two lines.
        step = (high - low) / max(self.rows - 4, 1)
        middle_x = sum(self.figure.xlim) / 2
        top = sum(self.figure.ylim) / 2 + step * (len(self.note) - 1) / 2
        for index, line in enumerate(self.note):
            plot.text(line, middle_x, top - index * step, color=PALETTE.text,
                      style="bold", alignment="center")


class DepthScreen(LessonScreen):
    """A single neuron and a one-hidden-layer network, trained side by side."""

    GUIDANCE = N_("t trains both; x for XOR; - and + change the hidden layer.")
    KEY_HINTS: ClassVar[list[KeyHint]] = [
        ("t", N_("train both")), ("a/o/x", "AND/OR/XOR"), ("-/+", N_("hidden units")),
        ("l", N_("lesson")), ("n", N_("next")), ("?", N_("help")),
    ]
    #: The help's fuller words for the footer's keys (help lists each key once).
    KEY_HELP: ClassVar[list[KeyHint]] = [
        ("t", N_("train both models from scratch, side by side")),
        ("a/o/x", N_("data: AND, OR or XOR (both models start again)")),
        ("-/+", N_("one hidden unit fewer or more (1 to 8), and retrain")),
        (N_("any key"), N_("stops training")),
    ]
    #: Seconds between animation frames: 8 a second is enough to watch both
    #: boundaries form, and each frame redraws two shaded plots (~10 KB over SSH).
    FRAME_SECONDS = 1 / 8
    #: The side-by-side run, made with the screen (the base class allows none).
    animated_run: AnimatedRun

    DEFAULT_CSS = """
    DepthScreen #plots { height: 1fr; }
    DepthScreen #neuron-box, DepthScreen #network-box { width: 1fr; }
    DepthScreen #legend, DepthScreen #status { height: auto; padding: 0 1; }
    DepthScreen #verdict { height: auto; min-height: 3; padding: 0 1; }
    DepthScreen #universal { height: auto; padding: 0 1; color: $text-muted; }
    /* Below 24 rows the plots need the room; the lesson text (l) says it in full. */
    DepthScreen.-short #universal { display: none; }
    """

    BINDINGS = [
        Binding("t", "train", "train both"),
        Binding("a", "dataset('a')", "AND", show=False),
        Binding("o", "dataset('o')", "OR", show=False),
        Binding("x", "dataset('x')", "XOR", show=False),
        Binding("plus,equals_sign", "hidden(1)", "more hidden units", show=False),
        Binding("minus,underscore", "hidden(-1)", "fewer hidden units", show=False),
    ]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        """The `schedule` option (a FrameSchedule) sets the epochs a frame (tests)."""
        super().__init__(spec, **options)
        # Under `serve` runs come ready-made from the class's shared trainer when they can.
        self.state = DepthLesson(self.options.get("schedule", SCHEDULE), depth_fetch())
        # A late tick trains through the frames it drops and draws both plots once.
        self.animated_run = AnimatedRun(self, self.train_frame, self.training_stopped,
                                        self.FRAME_SECONDS, skip=self.state.advance,
                                        draw=self.update_view)

    # --------------------------------------------------------------- layout
    def compose_work(self) -> ComposeResult:
        with Horizontal(id="plots"):
            with Vertical(id="neuron-box", classes="box"):
                yield PlotView(id="neuron-plot")
            with Vertical(id="network-box", classes="box"):
                yield PlotView(id="network-plot")
        yield Static(id="legend")
        yield Static(id="verdict")
        yield Static(id="status")
        yield Static(_(UNIVERSAL), id="universal", markup=False)

    def on_mount(self) -> None:
        # Texts and box titles now, before the first layout: set after it (plots need
        # their size), the texts would cost a second layout and screen update.
        self.update_view(plots=False)

    def on_resize(self) -> None:
        super().on_resize()
        self.update_view()

    # -------------------------------------------------------------- actions
    def action_dataset(self, key: str) -> None:
        """Switch to AND, OR or XOR; both models start again, untrained."""
        self.animated_run.stop()
        self.state.choose_dataset(key)
        self.update_view()

    def action_hidden(self, change: int) -> None:
        """One hidden unit more or fewer (1 to 8), then retrain both."""
        self.animated_run.stop()
        if self.state.change_hidden(change):
            self.action_train()
        else:
            self.update_view()

    def action_train(self) -> None:
        """Train both models from scratch, animated; any key stops.

        The first frame is taken at once (it is small), so the run shows on the key
        press rather than a frame later."""
        if self.animated_run.running:
            return
        self.state.start_training()
        if not self.state.advance():
            self.animated_run.start()
        self.update_view()

    # ------------------------------------------------------------- training
    def train_frame(self) -> bool:
        """Advance both models by one frame's epochs and redraw; True when done."""
        done = self.state.advance()
        self.update_view()
        return done

    def training_stopped(self, reason: StopReason) -> None:
        """A key, leaving the page or new data stopped the run."""
        if reason is not StopReason.FINISHED:  # a finished run's last frame said so
            self.state.stop_training()
            self.update_view()

    def run_to_end(self) -> None:
        """Train both to the end at once, without animation (tests, snapshots)."""
        if not self.animated_run.running:
            self.action_train()
        self.animated_run.run_to_end()

    # ----------------------------------------------------------------- view
    def update_view(self, plots: bool = True) -> None:
        """Both plots, their titles, the legend, the verdict and the status, as now.

        Without `plots`, all but the plots themselves (in `on_mount`, before they
        have a size to be drawn at)."""
        if plots and not self.is_mounted:
            return
        state = self.state
        neuron = self.show_plot("neuron", _("one neuron · {data}").format(data=state.dataset_name),
                                state.neuron_accuracy, state.neuron_epoch, plots)
        units = state.hidden_units
        self.show_plot("network", ngettext("network · {n} hidden", "network · {n} hidden",
                                           units).format(n=units),
                       state.network_accuracy, state.network_epoch, plots)
        # The neuron's figure has every mark the network's has, and its line.
        legend = Content.assemble(neuron.legend(("0", "1")),
                                  ("  " + _("blank unsure"), "$text-muted"))
        for selector, content in (("#legend", legend), ("#verdict", Content(state.verdict())),
                                  ("#status", Content(state.status))):
            show_text(self.query_one(selector, Static), content)

    def show_plot(self, model: Model, title: str, accuracy: float,
                  epoch: int, draw: bool = True) -> RegionFigure:
        """Draw `model`'s plot (unless not `draw`) and box texts; its region figure (for
        the legend)."""
        state = self.state
        view = self.query_one(f"#{model}-plot", PlotView)
        set_box_text(self.query_one(f"#{model}-box"), title=title,
                     subtitle=_("{accuracy} % · epoch {epoch}").format(
                         accuracy=number(accuracy * 100, 0), epoch=epoch))
        grid = plot_grid(GATE_LIMITS, GATE_LIMITS, view.size)
        probabilities = state.probabilities(model, grid.xs, grid.ys)
        fitted = state.neuron if model == "neuron" else state.network
        segment = (state.neuron.line_segment(GATE_LIMITS, GATE_LIMITS)
                   if model == "neuron" else None)
        figure = RegionFigure(
            state.X, state.y, GATE_LIMITS, GATE_LIMITS, fitted.predict(state.X) != state.y,
            segment, Shading.of(grid, probabilities, GATE_BANDS))
        if draw:
            view.show_figure(NotedFigure(figure, unsure_note(probabilities, model),
                                         view.size.height))
        return figure
