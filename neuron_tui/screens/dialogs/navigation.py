"""The lesson's moving keys inside an overlay: `n`, `p` and the part numbers.

An overlay (a modal screen) hides the app's own keys, so help's "Everywhere" would
not hold there. Overlays that show text bind them again: the app closes the
overlay and goes to the page, as it would from the page itself.
"""

from __future__ import annotations

from textual.binding import Binding

NAVIGATION_BINDINGS = [
    Binding("n", "app.next_page", "next part", show=False),
    Binding("p", "app.previous_page", "previous part", show=False),
    *(Binding(str(digit), f"app.jump({digit})", f"Part {digit}", show=False)
      for digit in range(1, 10)),
]
