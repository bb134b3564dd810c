"""The characters the lesson draws with, in a Unicode set and a plain-ASCII set.

Every widget asks `glyphs()` instead of hard-coding box drawing, braille or Greek,
so one switch (``--ascii``, or an output encoding that cannot show Unicode) turns
the whole lesson into ASCII. Without colour (NO_COLOR) a wrongly classified point
cannot be marked amber, so `colourless` gives the set that draws it as a capital.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: The glyphs of wrongly classified points where colour cannot mark them: the
#: class's own letter, in capitals (wrong A, wrong B).
CAPITAL_WRONG = ("O", "X")


@dataclass(frozen=True)
class GlyphSet:
    """Characters and symbol names used across the lesson."""

    name: str
    unicode: bool
    track: str
    knob: str
    class_a: str
    class_b: str
    #: A point of class A or B the model gets wrong: its own glyph, drawn amber and
    #: bold where there is colour, a capital where there is none.
    wrong_a: str
    wrong_b: str
    #: Both wrong marks as legends and counts name them ("o/x").
    wrong: str
    check: str
    cross: str
    arrow: str
    part_done: str
    part_started: str
    part_todo: str
    progress_full: str
    progress_empty: str
    sigma: str
    big_sigma: str
    w1: str
    w2: str
    x1: str
    x2: str
    eta: str
    line_marker: str  # plotext marker for lines: "braille", or one character
    dot: str
    times: str


UNICODE = GlyphSet(
    name="unicode",
    unicode=True,
    track="━",
    knob="●",
    class_a="o",
    class_b="x",
    wrong_a="o",
    wrong_b="x",
    wrong="o/x",
    check="✓",
    cross="✗",
    arrow="▶",
    part_done="✓",
    part_started="◐",
    part_todo=" ",
    progress_full="■",
    progress_empty="□",
    sigma="σ",
    big_sigma="Σ",
    w1="w₁",
    w2="w₂",
    x1="x₁",
    x2="x₂",
    eta="η",
    line_marker="braille",
    dot="●",
    times="·",
)

ASCII = GlyphSet(
    name="ascii",
    unicode=False,
    track="-",
    knob="O",
    class_a="o",
    class_b="x",
    wrong_a=CAPITAL_WRONG[0],
    wrong_b=CAPITAL_WRONG[1],
    wrong="/".join(CAPITAL_WRONG),
    check="ok",
    cross="X",
    arrow=">",
    part_done="*",
    part_started="~",
    part_todo=" ",
    progress_full="#",
    progress_empty=".",
    sigma="sigma",
    big_sigma="sum",
    w1="w1",
    w2="w2",
    x1="x1",
    x2="x2",
    eta="lr",
    line_marker=".",
    dot="*",
    times="*",
)

#: Unicode without braille, for the Linux console whose fonts lack it.
CONSOLE = replace(UNICODE, name="console", line_marker="•")

_current: GlyphSet = UNICODE


def colourless(glyph_set: GlyphSet) -> GlyphSet:
    """`glyph_set` for a terminal without colour (NO_COLOR): a wrong point cannot be told
    by its amber, so it is drawn as a capital (O, X) instead of its own glyph."""
    if (glyph_set.wrong_a, glyph_set.wrong_b) == CAPITAL_WRONG:
        return glyph_set
    return replace(glyph_set, name=f"{glyph_set.name}-colourless", wrong_a=CAPITAL_WRONG[0],
                   wrong_b=CAPITAL_WRONG[1], wrong="/".join(CAPITAL_WRONG))


def glyphs() -> GlyphSet:
    """The glyph set in force for this process."""
    return _current


def use_glyphs(glyph_set: GlyphSet) -> None:
    """Switch the whole lesson to `glyph_set` (done once, at start-up)."""
    global _current
    _current = glyph_set
