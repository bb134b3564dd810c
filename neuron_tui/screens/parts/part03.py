"""Part 03 · Gradient descent: roll downhill on the loss bowl, one epoch at a time.

Left, the bowl (the loss over (w₁, w₂) near the current b) and the path on it; right,
the loss per epoch (earlier runs faint), the learning-rate slider and the numbers.
The lesson (runs, presets, texts) is `neuron_tui.lesson.part03`; this screen shows it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from neuron_tui.figures.bowl import BowlMap, bowl_legend
from neuron_tui.figures.losscurve import LossCurve
from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import N_, _, number
from neuron_tui.lesson import part03 as lesson
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.screens.animated_run import DEFAULT_FRAME_SECONDS, AnimatedRun, StopReason
from neuron_tui.screens.base import LessonScreen
from neuron_tui.widgets.box_text import set_box_text
from neuron_tui.widgets.keybar import KeyHint
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.quiet_static import QuietStatic
from neuron_tui.widgets.slider import Slider


class GradientDescentScreen(LessonScreen):
    """The loss bowl, the path of gradient descent on it and the loss curve."""

    GUIDANCE = N_("space: one epoch, t: run; s/d/f/e or ←/→ set the rate.")
    #: ? help, l lesson and n next come early: they must survive at 60 columns.
    KEY_HINTS: ClassVar[list[KeyHint]] = [
        ("space", N_("epoch")), ("t", N_("run")), (lesson.PRESET_KEYS, "η"), ("?", N_("help")),
        ("l", N_("lesson")), ("n", N_("next")), ("r", N_("reset")), ("w", N_("words")),
        ("←/→", "η"),
    ]
    KEY_HELP: ClassVar[list[KeyHint]] = [*lesson.KEY_HELP, ("p", N_("previous part"))]

    DEFAULT_CSS = """
    GradientDescentScreen #gd-main { height: 1fr; }
    GradientDescentScreen #bowl-box { width: 1fr; }
    GradientDescentScreen #bowl-legend { height: auto; }
    GradientDescentScreen #gd-side { width: 34; }
    GradientDescentScreen #curve-box { height: 1fr; }
    GradientDescentScreen #glossary { display: none; height: 1fr; }
    GradientDescentScreen.glossary #glossary { display: block; }
    GradientDescentScreen.glossary #curve { display: none; }
    GradientDescentScreen #readout { height: auto; padding: 0 1; }
    GradientDescentScreen #status { height: auto; min-height: 2; padding: 0 1; }
    """

    BINDINGS = [
        Binding("space", "epoch", "one epoch"),
        Binding("t", "toggle_run", "run or pause"),
        Binding("r", "reset", "reset"),
        *(Binding(key, f"preset('{key}')", preset.name, show=False)
          for key, preset in lesson.PRESETS.items()),
        Binding("w", "toggle_glossary", "glossary"),
    ]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        """Options: `frame_seconds`, the time between frames of a run (1/20 s)."""
        super().__init__(spec, **options)
        #: The part's numbers, run and status: this screen only shows them.
        self.state = lesson.GradientDescentLesson(eta=glyphs().eta)
        self.descent_run = AnimatedRun(
            self, self.run_frame, self.run_stopped,
            self.options.get("frame_seconds", DEFAULT_FRAME_SECONDS))
        self.animated_run = self.descent_run  # the base stops it on any key or on leaving
        self.bowl_map = BowlMap(self.state.X, self.state.y)

    # ---------------------------------------------------------------- layout
    def compose_work(self) -> ComposeResult:
        chars = glyphs()
        with Horizontal(id="gd-main"):
            with Vertical(id="bowl-box", classes="box") as bowl:
                bowl.border_title = _("bowl: loss({w1}, {w2})").format(w1=chars.w1, w2=chars.w2)
                yield PlotView(id="bowl")
                yield QuietStatic(id="bowl-legend")
            with Vertical(id="gd-side"):
                with Vertical(id="curve-box", classes="box") as curve:
                    curve.border_title = _("loss per epoch")
                    yield PlotView(id="curve")
                    with VerticalScroll(id="glossary", can_focus=True):
                        yield Static(Content("\n").join(
                            Content.assemble((f"{word}: ", "bold"), meaning)
                            for word, meaning in self.state.glossary))
                yield Slider(chars.eta, minimum=lesson.RATE_MIN, maximum=lesson.RATE_MAX,
                             step=lesson.RATE_STEP, value=self.state.learning_rate,
                             logarithmic=True, value_format="{:8.4g}", id="rate")
                yield QuietStatic(id="readout")
        yield QuietStatic(id="status")

    def on_mount(self) -> None:
        self.query_one("#rate", Slider).focus()
        # Only the text now, so the first layout has its final heights; the figures
        # are drawn once the plots have their size (drawing now would draw them twice).
        self.show_text(zoomed_out=False)

    def on_resize(self) -> None:
        super().on_resize()
        self.call_after_refresh(self.update_view)

    # --------------------------------------------------------------- actions
    def set_learning_rate(self, rate: float) -> None:
        """Use `rate` from the next epoch on, beyond the slider's 1000 if need be (tests and
        teachers show what a far larger rate does: the weights overflow)."""
        self.descent_run.stop()
        self.state.set_learning_rate(rate)
        self.show_rate()
        self.update_view()

    def on_slider_changed(self, event: Slider.Changed) -> None:
        event.stop()
        self.state.set_learning_rate(event.value)
        self.update_view()

    def action_epoch(self) -> None:
        """Take exactly one epoch of gradient descent."""
        self.state.step()
        self.update_view()

    def action_toggle_run(self) -> None:
        """Run epochs on a timer until the bottom; any key pauses, and t runs on."""
        if self.state.start_running():
            self.descent_run.start()
        self.update_view()

    def action_reset(self) -> None:
        """Back to the start point; the learning rate stays as it is."""
        self.descent_run.stop()
        self.state.reset()
        self.update_view()

    def action_preset(self, key: str) -> None:
        """Set a preset learning rate and start again from the start point."""
        self.descent_run.stop()
        self.state.choose_preset(key)
        self.show_rate()
        self.update_view()

    def action_toggle_glossary(self) -> None:
        """Swap the loss curve for the three words of this part, and back; while shown,
        the words have the focus, so ↑/↓ scroll them where they do not fit."""
        self.toggle_class("glossary")
        target = "#glossary" if self.has_class("glossary") else "#rate"
        self.query_one(target).focus()

    def key_hints(self) -> list[KeyHint]:
        """The footer's keys, with η as this terminal writes it ("lr" in ASCII)."""
        return [(key, action.replace("η", glyphs().eta)) for key, action in super().key_hints()]

    def help_entries(self) -> list[KeyHint]:
        """Every key once, said in full: the presets one by one (not also as s/d/f/e)."""
        said = dict(self.KEY_HELP)
        return [(key, said.get(key, action)) for key, action in super().help_entries()
                if key != lesson.PRESET_KEYS]

    def show_rate(self) -> None:
        """Set the slider to the state's learning rate, without it sending the rate back."""
        with self.prevent(Slider.Changed):
            self.query_one("#rate", Slider).value = self.state.learning_rate

    # --------------------------------------------------------------- the run
    def run_frame(self) -> bool:
        """One animation frame: a few epochs, then redraw; True when the run has ended."""
        finished = self.state.run_frame()
        self.update_view()
        return finished

    def run_stopped(self, reason: StopReason) -> None:
        """A key, leaving the page or a new start paused the run (the end says itself)."""
        if reason is not StopReason.FINISHED:
            self.state.pause()
        self.update_view()

    def run_to_end(self) -> None:
        """Run without animation until training stops by itself (tests, snapshots)."""
        if self.state.start_running():
            self.descent_run.run_to_end()
        self.update_view()

    # ------------------------------------------------------------------ view
    def update_view(self) -> None:
        """Show the state as it is now: map, curve, numbers and status."""
        if not self.is_mounted:
            return
        bowl = self.query_one("#bowl", PlotView)
        width, height = bowl.size
        # The plot's own size: the figure's key is where plotext will put the path on it.
        figure = self.bowl_map.figure(self.state.last.b, width, height, self.state.path)
        bowl.show_figure(figure)
        losses, earlier = self.state.losses, tuple(run.losses for run in self.state.earlier)
        curve = self.query_one("#curve", PlotView)
        curve.show_figure(LossCurve(losses, earlier, (curve.size.width, curve.size.height)))
        self.show_text(figure.zoomed_out)

    def show_text(self, zoomed_out: bool) -> None:
        """The boxes' subtitles, the map's legend, the numbers and the status (each
        repainted only on change; all set before the first paint, see on_mount)."""
        chars = glyphs()
        set_box_text(self.query_one("#bowl-box"),
                     subtitle=_("map at b = {b}").format(b=number(self.bowl_map.b, 2)))
        set_box_text(self.query_one("#curve-box"), subtitle=self.state.earlier_label)
        self.query_one("#bowl-legend", QuietStatic).show(bowl_legend(chars, zoomed_out))
        self.query_one("#readout", QuietStatic).show(Content("\n").join(
            Content("  ").join(Content.assemble((f"{label} ", "$text-muted"),
                                                (value, "" if index else "bold"))
                               for label, value in row)
            for index, row in enumerate(self.state.readout(chars.w1, chars.w2))))
        style = "bold $error" if self.state.diverged else ""
        self.query_one("#status", QuietStatic).show(Content.assemble((self.state.status, style)))
