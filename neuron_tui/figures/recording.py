"""What a figure draws, recorded instead of built: the calls it makes on a plotext plot.

A figure draws itself with plotext calls (`xlim`, `xticks`, `scatter`, `plot`, `text` …).
A `Recording` stands in for the plot, keeps every call in order, and can replay them
on a real plot later (the full plotext build). It also reads the calls as a `Scene`: the
axes (what plotext draws before any data, the same for every frame of an animation)
and the layers drawn over them (points, lines, text). `neuron_tui.figures.raster` draws
a scene's layers onto a cached build of its axes; anything a scene cannot say exactly
(a call or an argument it does not know) makes `scene()` None, and the caller replays
the calls on plotext instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Limits = tuple[float, float]
Colour = tuple[int, int, int]
Call = tuple[str, tuple[Any, ...], dict[str, Any]]

#: Calls that set up the axes: plotext draws them before any data, whatever the data.
AXES_CALLS = frozenset({"xlim", "ylim", "xticks", "yticks", "xlabel", "ylabel", "title"})
#: plotext's name for "no colour / no style" (`plotext._dict.no_color`).
NO_STYLE = "default"
#: The styles a scene passes through as plotext stores them (plotext checks others).
STYLES = frozenset({"bold"})
#: Keyword arguments a data call may leave at None and still be drawn as a scene.
_UNSET_KEYWORDS = ("fillx", "filly", "xside", "yside", "label")


@dataclass(frozen=True, eq=False)
class Signal:
    """One `scatter` or `plot` call: its points, marker, colour, style, joined or not."""

    xs: FloatArray
    ys: FloatArray
    marker: str
    colour: Colour
    style: str
    lines: bool


@dataclass(frozen=True)
class Label:
    """One `text` call: horizontal text anchored at (x, y)."""

    text: str
    x: float
    y: float
    colour: Colour
    style: str
    alignment: str


@dataclass(frozen=True, eq=False)
class Scene:
    """A recording read as axes and layers (only built when every call was understood)."""

    #: The axes calls, frozen: equal for two scenes whose axes plotext draws alike.
    axes: Hashable
    axes_calls: tuple[Call, ...]
    xlim: Limits
    ylim: Limits
    layers: tuple[Signal | Label, ...]


class Recording:
    """Stands in for a textual-plotext `Plot` while a figure draws: records every call."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name.startswith("__"):
            raise AttributeError(name)

        def record(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, args, kwargs))

        return record

    def replay(self, plot: Any) -> None:
        """Make the recorded calls on `plot`, in order: the figure as drawn directly."""
        for name, args, kwargs in self.calls:
            getattr(plot, name)(*args, **kwargs)

    def scene(self) -> Scene | None:
        """The calls as a scene, or None if any is one a scene cannot draw exactly."""
        axes_calls: list[Call] = []
        layers: list[Signal | Label] = []
        for call in self.calls:
            name = call[0]
            if name in AXES_CALLS:
                axes_calls.append(call)
                continue
            layer = _signal(call) if name in ("scatter", "plot") else (
                _label(call) if name == "text" else None)
            if layer is None:
                return None
            layers.append(layer)
        limits = _limits(axes_calls)
        axes = _frozen(axes_calls)
        if limits is None or axes is None or not layers:
            return None
        return Scene(axes, tuple(axes_calls), *limits, tuple(layers))


def _limits(calls: list[Call]) -> tuple[Limits, Limits] | None:
    """The x and y limits the calls set, if they set both, finite and apart, and set the
    ticks of both axes (else plotext works them out from the data)."""
    found: dict[str, tuple[Any, ...]] = {}
    for name, args, kwargs in calls:
        if kwargs and name in ("xlim", "ylim", "xticks", "yticks"):
            return None
        found[name] = args
    if any((found.get(name) or (None,))[0] is None for name in ("xticks", "yticks")):
        return None
    limits = []
    for name in ("xlim", "ylim"):
        args = found.get(name, ())
        if len(args) != 2 or not all(_finite_number(value) for value in args):
            return None
        low, high = args
        if low == high:
            return None
        limits.append((low, high))
    return limits[0], limits[1]


def _frozen(calls: list[Call]) -> str | None:
    """The axes calls as a key: their repr, which tells apart every value plotext could
    label apart (1 and 1.0, 0.0 and -0.0); None if an argument is anything but a number,
    a string, None, or a flat list or tuple of those (another repr may hide its value)."""
    for _, args, kwargs in calls:
        for value in (*args, *kwargs.values()):
            items = value if isinstance(value, (list, tuple)) else (value,)
            if not all(item is None or isinstance(item, (str, int, float)) for item in items):
                return None
    return repr(calls)


def _finite_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _colour(value: Any) -> Colour | None:
    """An RGB colour as plotext keeps it (three ints 0–255), else None."""
    if isinstance(value, tuple) and len(value) == 3 and all(
            isinstance(part, int) and not isinstance(part, bool) and 0 <= part <= 255
            for part in value):
        return value
    return None


def _style(value: Any) -> str | None:
    if value is None:
        return NO_STYLE
    return value if value in STYLES else None


def _coordinates(values: Any) -> FloatArray | None:
    """Finite coordinates as an array; None for anything else (NaN, text, dates)."""
    if not isinstance(values, (list, tuple)):
        return None
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):
        return None
    if array.ndim != 1 or array.dtype.kind not in "iuf":
        return None
    array = array.astype(float)
    return array if np.isfinite(array).all() else None


def _signal(call: Call) -> Signal | None:
    name, args, kwargs = call
    if len(args) != 2 or any(kwargs.get(key) is not None for key in _UNSET_KEYWORDS):
        return None
    if set(kwargs) - {"marker", "color", "style", *_UNSET_KEYWORDS}:
        return None
    xs, ys = _coordinates(args[0]), _coordinates(args[1])
    marker, colour = kwargs.get("marker"), _colour(kwargs.get("color"))
    # plotext's `plot` does not pass its style on: its lines are always unstyled.
    style = NO_STYLE if name == "plot" else _style(kwargs.get("style"))
    if (xs is None or ys is None or len(xs) != len(ys) or colour is None or style is None
            or not isinstance(marker, str) or not marker):
        return None
    return Signal(xs, ys, marker, colour, style, lines=name == "plot")


def _label(call: Call) -> Label | None:
    _, args, kwargs = call
    if len(args) != 3 or set(kwargs) - {"color", "style", "alignment"}:
        return None
    text, x, y = args
    colour, style = _colour(kwargs.get("color")), _style(kwargs.get("style"))
    # plotext's own default for text is centred.
    alignment = kwargs.get("alignment") or "center"
    if (not isinstance(text, str) or not _finite_number(x) or not _finite_number(y)
            or colour is None or style is None or alignment not in ("left", "center", "right")):
        return None
    return Label(text, float(x), float(y), colour, style, alignment)
