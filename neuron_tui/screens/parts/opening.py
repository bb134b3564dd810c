"""The opening: why the neuron matters, what the learner will do, the parts, the language.

In a served class, the parts the teacher's pacing keeps closed are marked
"· opens soon" in the list (and in the Enter line), so Enter's refusal is no surprise.
Its last line is the language picker (`screens/language_picker.py`): `i` draws the
page again in the next language.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import N_, _
from neuron_tui.screens.base import LessonScreen
from neuron_tui.screens.language_picker import LANGUAGE_KEY, language_line, switch_language
from neuron_tui.widgets.network_picture import NetworkPicture


def lead_paragraph(markdown: str) -> str:
    """The first paragraph of a page, without Markdown emphasis."""
    paragraph = markdown.strip().split("\n\n", 1)[0]
    return re.sub(r"\*\*?(.+?)\*\*?", r"\1", " ".join(paragraph.split()))


#: How the list and the Enter line mark a part the teacher's pacing keeps closed.
OPENS_SOON = N_(" · opens soon")


def bold_list_items(markdown: str) -> list[str]:
    """The bold lead-in of each bullet (`- **Tune a neuron by hand.** …`)."""
    return [item.rstrip(".") for item in re.findall(r"^- \*\*(.+?)\*\*", markdown, re.MULTILINE)]


class OpeningScreen(LessonScreen):
    """The first screen: the pitch, a small network, the parts and where to go on."""

    SHOW_TEXT_BESIDE = False
    KEY_HINTS = [
        ("Enter", N_("start/continue")),
        ("{numbers}", N_("jump")),
        ("l", N_("read more")),
        ("?", N_("help")),
        ("q", N_("quit")),
    ]
    KEY_HELP = [(LANGUAGE_KEY, N_("the lesson in another language (your choice is kept)"))]

    DEFAULT_CSS = """
    OpeningScreen #opening {
        height: 1fr;
    }
    OpeningScreen #intro {
        height: auto;
        padding: 1 2 0 2;
    }
    OpeningScreen #pitch {
        width: 1fr;
        height: auto;
    }
    OpeningScreen NetworkPicture {
        margin: 1 2 0 2;
    }
    OpeningScreen #you-will {
        height: auto;
        padding: 1 2 0 2;
    }
    OpeningScreen #parts {
        height: auto;
        padding: 1 2 0 2;
    }
    OpeningScreen #continue {
        height: auto;
        padding: 1 2 0 2;
        text-style: bold;
    }
    OpeningScreen #language {
        height: auto;
        padding: 0 2;
    }
    OpeningScreen.-narrow #intro {
        layout: vertical;
    }
    OpeningScreen.-short #intro, OpeningScreen.-short #you-will {
        padding: 0 2 0 2;
    }
    OpeningScreen.-short NetworkPicture {
        margin: 0 2 0 2;
    }
    """

    BINDINGS = [
        Binding("enter", "continue", "start or continue"),
        Binding(LANGUAGE_KEY, "next_language", "language"),
    ]

    #: Set once the learner has left the opening: "welcome back" is said only once.
    _greeted = False

    def compose_work(self) -> ComposeResult:
        # Scrolls (↑/↓) when the window is too small for all of it, as at 60×20.
        with VerticalScroll(id="opening", can_focus=True):
            with Horizontal(id="intro"):
                yield Static(lead_paragraph(self.page.markdown), id="pitch", markup=False)
                yield NetworkPicture()
            with Vertical(id="you-will"):
                items = bold_list_items(self.page.markdown)
                if items:
                    yield Static(self._you_will(items))
            yield Static(id="parts")
            yield Static(id="continue")
            yield Static(language_line(), id="language")

    def on_mount(self) -> None:
        self.query_one("#opening").focus()
        # The teacher may open or close parts while the learner reads this page.
        self.watch(self.app, "pacing", self._show_parts, init=False)

    async def action_next_language(self) -> None:
        """Switch to the next language and draw this page again in it."""
        if await switch_language(self, self.spec.key):
            await self.recompose()
            self.query_one("#opening").focus()
            self._show_parts()

    @staticmethod
    def _you_will(items: list[str]) -> Content:
        parts: list[str | tuple[str, str]] = []
        for index, item in enumerate(items):
            lead = _("You will")
            label = f"{lead}  " if index == 0 else " " * (len(lead) + 2)
            parts += [(label, "$text-muted"), (item[0].lower() + item[1:] + "\n", "")]
        return Content.assemble(*parts).rstrip()

    def on_screen_resume(self) -> None:
        # LessonScreen's own handler (recording the visit) runs too: Textual calls
        # each class's handler in turn.
        self._show_parts()

    def _show_parts(self) -> None:
        """The parts list and the Enter line, as progress and the pacing stand now."""
        self.query_one("#parts", Static).update(self._parts_table())
        lesson = self.lesson_app.lesson
        page = lesson.page(self.next_page())
        title = self.lesson_app.content.page(page.key).title
        first_part = lesson.parts[0].key if lesson.parts else None
        enter = "  (Enter)" if self._opens(page.key) else _(OPENS_SOON)
        number = page.number_text
        if page.key == first_part and not self.lesson_app.progress.visited - {lesson.first}:
            text = _("Start with Part {number} · {title}").format(number=number, title=title)
        elif page.is_part and self.lesson_app.resumed and not self._greeted:
            dash = "—" if glyphs().unicode else "-"
            text = _("Welcome back {dash} continue at Part {number} · {title}").format(
                dash=dash, number=number, title=title)
        elif page.is_part:
            text = _("Continue at Part {number} · {title}").format(number=number, title=title)
        else:
            text = _("Every part is done: {title}").format(title=title)
        text += enter
        self.query_one("#continue", Static).update(text)

    def _opens(self, page: str) -> bool:
        """Whether the teacher's pacing lets the learner enter `page` from here."""
        return self.lesson_app.pacing.allows(page, self.lesson_app.lesson)

    def next_page(self) -> str:
        """Where Enter goes: the part the learner was last on, or the first not done."""
        progress = self.lesson_app.progress
        parts = self.lesson_app.lesson.part_keys
        if progress.resume_page in parts and progress.resume_page not in progress.done:
            return progress.resume_page
        for page in parts:
            if page not in progress.done:
                return page
        return self.lesson_app.lesson.last

    def _parts_table(self) -> Content:
        chars = glyphs()
        marks = {"done": chars.part_done, "started": chars.part_started, "todo": chars.part_todo}
        progress = self.lesson_app.progress
        specs = self.lesson_app.lesson.parts
        titles = [self.lesson_app.content.page(spec.key).title for spec in specs]
        closed = {spec.key for spec in specs if not self._opens(spec.key)}
        opens_soon = _(OPENS_SOON)
        # Room for "· opens soon" in both columns at 80: titles only as wide as the longest,
        # a narrower gap. Without pacing the list is as it always was.
        width = min(20, max(map(len, titles), default=0)) if closed else 20
        gap = "    " if closed else "       "
        cells = []
        for spec, title in zip(specs, titles, strict=True):
            mark = marks[progress.state_of(spec.key)]
            soon = (opens_soon if spec.key in closed else " " * len(opens_soon)) if closed else ""
            cells.append((f"{spec.number_text} {title:<{width}.{width}} {mark}", soon, spec.key))
        # Two columns, read down the first and then the second, as many rows as needed.
        rows = -(-len(cells) // 2)
        parts: list[str | tuple[str, str]] = []
        for row in range(rows):
            for column in range(2):
                index = row + rows * column
                if index >= len(cells):
                    break
                text, soon, page = cells[index]
                style = "$text-muted" if progress.state_of(page) == "todo" else ""
                parts += [(text, style), (soon, "$text-muted"), gap if column == 0 else ""]
            parts.append("\n")
        return Content.assemble(*parts).rstrip()

    def on_screen_suspend(self) -> None:
        self._greeted = True

    def action_continue(self) -> None:
        """Go to the part the learner should do next."""
        self.lesson_app.show_page(self.next_page())
