"""Every text colour is readable: 4.5:1 against its background (WCAG AA), as a
terminal with 256 colours or with 16 shows it.

Two checks. The theme's text colours (foreground, muted, the text-* variants and
the accent used for keys) against each background the lesson draws on, each
colour first reduced as Rich reduces it for that terminal. And every letter and
digit the lesson's text widgets actually draw on each page at 80×24 (plots
excluded: their marks have their own palette and legend), with the colour and
background it is drawn in, so a theme colour used for text that is not a text
colour (Part 01's inputs were `$secondary`: colour 24 on 233, 2.7:1) is caught.
"""

from __future__ import annotations

import pytest
import textual.constants
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.style import Style
from textual.color import Color
from textual.geometry import Region
from textual.widget import Widget

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.registry import LESSON
from neuron_tui.widgets.plot_view import PlotView

MIN_CONTRAST = 4.5
SYSTEMS = {"256 colours": ColorSystem.EIGHT_BIT, "16 colours": ColorSystem.STANDARD}
#: What TEXTUAL_COLOR_SYSTEM says for each (the app picks its theme from it).
SYSTEM_NAMES = {"256 colours": "256", "16 colours": "standard"}
#: The theme's colours the lesson writes text in.
TEXT_VARIABLES = ("foreground", "text", "text-muted", "text-primary", "text-secondary",
                  "text-accent", "text-success", "text-warning", "text-error", "accent")
#: The backgrounds the lesson draws text on (page, dialogs, title bar and footer).
BACKGROUNDS = ("background", "surface", "panel")


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    red, green, blue = (_linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def as_shown(rgb: tuple[int, int, int], system: ColorSystem) -> tuple[int, int, int]:
    """The colour a terminal with `system` shows for `rgb` (Rich's reduction)."""
    shown = RichColor.from_rgb(*rgb).downgrade(system).get_truecolor()
    return shown.red, shown.green, shown.blue


def theme_colour(variables: dict[str, str], name: str, background: Color) -> Color:
    """A theme variable's colour as drawn on `background` ("auto 60%" included)."""
    value = variables[name]
    if value.startswith("auto"):
        alpha = float(value.split()[1].rstrip("%")) / 100 if " " in value else 1.0
        return background + background.get_contrast_text(alpha)
    return background + Color.parse(value)


@pytest.fixture
def colour_system(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the app as if the terminal had `system` (Textual reads it when it starts)."""

    def use(system: str) -> None:
        monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", SYSTEM_NAMES[system])

    return use


@pytest.mark.parametrize("system", SYSTEMS)
def test_the_themes_text_colours_are_readable_on_its_backgrounds(  # type: ignore[no-untyped-def]
    content, colour_system, system: str,
) -> None:
    colour_system(system)
    variables = NeuronApp(content).get_css_variables()
    failures = []
    for background_name in BACKGROUNDS:
        background = Color.parse(variables[background_name])
        for name in TEXT_VARIABLES:
            text = theme_colour(variables, name, background)
            ratio = contrast(as_shown(text.rgb, SYSTEMS[system]),
                             as_shown(background.rgb, SYSTEMS[system]))
            if ratio < MIN_CONTRAST:
                failures.append(f"${name} {text.hex} on ${background_name} "
                                f"{background.hex}: {ratio:.1f}:1")
    assert not failures, f"too little contrast in {system}:\n" + "\n".join(failures)


def _cells(widget: Widget) -> list[tuple[str, Style]]:
    """Every character the widget draws, with its style."""
    width, height = widget.outer_size
    cells = []
    for strip in widget.render_lines(Region(0, 0, width, height)):
        for segment in strip:
            style = segment.style or Style()
            cells += [(character, style) for character in segment.text]
    return cells


def _rgb(color: RichColor | None) -> tuple[int, int, int] | None:
    if color is None or color.triplet is None:
        return None
    return color.triplet.red, color.triplet.green, color.triplet.blue


def unreadable_text(screen: Widget, system_name: str) -> list[str]:
    """"Widget: #004578 on #121212 (e.g. 'x') 2.7:1", once a widget and pair."""
    found: dict[str, None] = {}
    for widget in screen.walk_children(with_self=False):
        if (widget.is_container or not widget.display or not widget.region.area
                or isinstance(widget, PlotView)
                or any(isinstance(node, PlotView) for node in widget.ancestors)):
            continue
        for character, style in _cells(widget):
            if not character.isalnum():
                continue
            foreground, background = _rgb(style.color), _rgb(style.bgcolor)
            if style.reverse:
                foreground, background = background, foreground
            if foreground is None or background is None:
                continue
            system = SYSTEMS[system_name]
            ratio = contrast(as_shown(foreground, system), as_shown(background, system))
            if ratio < MIN_CONTRAST:
                name = type(widget).__name__ + (f"#{widget.id}" if widget.id else "")
                pair = (f"{name}: {RichColor.from_rgb(*foreground).name} on "
                        f"{RichColor.from_rgb(*background).name}")
                if not any(line.startswith(pair) for line in found):
                    found[f"{pair} (e.g. {character!r}) {ratio:.1f}:1"] = None
    return list(found)


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("page", LESSON.order)
async def test_every_letter_on_each_page_is_readable(  # type: ignore[no-untyped-def]
    content, colour_system, page: str, system: str,
) -> None:
    colour_system(system)
    app = NeuronApp(content, start_page=page)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        found = unreadable_text(app.screen, system)
    assert not found, f"text too faint on {page} in {system}:\n" + "\n".join(found)


def test_the_check_finds_part01s_old_input_colour() -> None:
    """Colour 24 on 233, as Part 01's inputs were drawn: 2.7:1, found."""
    ratio = contrast(as_shown((0x00, 0x45, 0x78), ColorSystem.EIGHT_BIT),
                     as_shown((0x12, 0x12, 0x12), ColorSystem.EIGHT_BIT))
    assert ratio == pytest.approx(2.7, abs=0.1)
