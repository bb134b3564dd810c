"""The `?` overlay: every key of the current screen and the keys that work everywhere.

Each key is listed once: a page's footer hint ("s/d/f presets") gives way to the
page's fuller help for the same keys ("s  too small: ..."), and keys that work
everywhere are listed only under "Everywhere". Long actions wrap under their own
column, not under the key.

Entries stay in English (as `N_` marked them) until the table is drawn: the keys are
compared by their English names, and the words are translated in `_table`.
"""

from __future__ import annotations

import re

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from neuron_tui.i18n import N_, _
from neuron_tui.screens.dialogs.navigation import NAVIGATION_BINDINGS
from neuron_tui.screens.dialogs.once import OnceDialog
from neuron_tui.widgets.keybar import KeyHint

#: Columns of the key column: two of indent and the longest key ("Shift+←/→") and a gap.
KEY_COLUMN = 14

#: Names a key goes by in hints, and the one name help compares them under.
KEY_ALIASES = {"esc": "escape", "return": "enter", "spacebar": "space"}


def global_keys(number_keys: str) -> list[KeyHint]:
    """The keys that work on every page; `number_keys` is "1–6" for six parts."""
    return [
        ("n", N_("next part")),
        ("p", N_("previous part")),
        (number_keys, N_("jump to a part")),
        ("l", N_("the lesson text; from 120 columns it is beside the page: l moves "
                 "into it (↑/↓, PgUp/PgDn scroll), l or Esc back")),
        ("?", N_("this help")),
        ("q", N_("quit (your progress is kept)")),
    ]


def keys_of(label: str) -> frozenset[str]:
    """The single keys a hint's label names: "s/d/f" → s, d, f; "a–d" → a, b, c, d;
    "Shift+←/→" → shift+←, shift+→; "[ / ]" → [, ]; "Esc" → escape."""
    parts = [part.strip().lower() for part in re.split(r"\s*[/,]\s*", label.strip())]
    keys: set[str] = set()
    modifier = ""
    for index, part in enumerate(parts):
        if not part:
            continue
        if index == 0 and re.fullmatch(r"(\w+\+)+.+", part):
            modifier = part[: part.rindex("+", 0, len(part) - 1) + 1]
        elif modifier and "+" not in part[:-1]:
            part = modifier + part
        span = re.fullmatch(r"(\w)\s*[–-]\s*(\w)", part)
        if span:
            first, last = (ord(letter) for letter in span.groups())
            keys.update(chr(code) for code in range(first, last + 1))
        else:
            keys.add(KEY_ALIASES.get(part, part))
    return frozenset(keys)


def screen_keys(hints: list[KeyHint], details: list[KeyHint],
                everywhere: list[KeyHint]) -> list[KeyHint]:
    """A screen's keys for help, each key once, in the footer's order.

    `hints` are the footer's, `details` the page's fuller help. A hint whose keys
    the details cover is replaced by those details, in its place; keys that work
    everywhere are left to that list.
    """
    taken: set[str] = set().union(*(keys_of(key) for key, __ in everywhere))
    detailed: set[str] = set().union(*(keys_of(key) for key, __ in details))
    entries: list[KeyHint] = []

    def add(entry: KeyHint) -> None:
        keys = keys_of(entry[0])
        if keys and not keys <= taken:
            entries.append(entry)
            taken.update(keys)

    for hint in hints:
        keys = keys_of(hint[0])
        if keys <= detailed:
            for detail in details:
                if keys_of(detail[0]) & keys:
                    add(detail)
        else:
            add(hint)
    for detail in details:
        add(detail)
    return entries


class HelpScreen(OnceDialog[None]):
    """Lists keys in two groups: this screen's, and everywhere."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "close"),
        Binding("question_mark", "close", "close", show=False),
        Binding("q", "close", "close", show=False),
        *NAVIGATION_BINDINGS,
    ]

    def __init__(self, title: str, screen_keys: list[KeyHint], number_keys: str) -> None:
        super().__init__()
        self.title_text = title
        self.screen_keys = screen_keys
        self.global_keys = global_keys(number_keys)

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(Static(self._table(), id="keys"), can_focus=True)
        scroll.border_title = _("Keys · {title}").format(title=self.title_text)
        scroll.border_subtitle = _("Esc close")
        yield scroll

    def _table(self) -> Table:
        """Two columns: a long action wraps under itself, not under the key.

        One table in one widget: a widget a row would take twice as long to open.
        """
        accent = self.app.current_theme.accent or "yellow"
        table = Table.grid(expand=True)
        table.add_column(width=KEY_COLUMN, no_wrap=True)
        table.add_column(ratio=1)
        groups = ((_("On this screen"), self.screen_keys), (_("Everywhere"), self.global_keys))
        for index, (heading, keys) in enumerate(group for group in groups if group[1]):
            if index:
                table.add_row("", "")
            table.add_row(Text(heading, style="bold"), "")
            for key, action in keys:
                table.add_row(Text(f"  {_(key)}", style=f"bold {accent}"), Text(_(action)))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
