"""Numbers the lesson writes with a format of their own, in the language's decimal mark.

:func:`neuron_tui.i18n.number` writes a fixed number of decimals. A learning rate
(``.4g``: 0.01, 0.631, 1e+308) or a legend's band edge (``:g``: 0.35) needs a general
format instead; this writes it as Python does, then swaps the decimal point for the
mark the language uses (a comma in Spanish). :func:`listed` writes a few such numbers
in a row.
"""

from __future__ import annotations

from collections.abc import Iterable

from neuron_tui.i18n import decimal_mark


def general(value: float, spec: str = "g") -> str:
    """`value` formatted with `spec` (``".4g"``, ``".3g"``, ``"g"``), with the language's
    decimal mark: ``general(0.631, ".4g")`` is "0.631" in English, "0,631" in Spanish."""
    return decimal_mark(f"{value:{spec}}")


def listed(numbers: Iterable[str]) -> str:
    """Numbers already written, in a row: "0.5, 2" — or "0,5; 2" when one of them has a
    decimal comma (a comma between them would then read as part of a number)."""
    texts = list(numbers)
    return ("; " if any("," in text for text in texts) else ", ").join(texts)
