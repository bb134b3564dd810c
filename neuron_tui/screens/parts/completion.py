"""The completion screen: what the learner did (from the saved progress), and what next.

The summary (parts done, self-checks met, quiz score) is rebuilt each time the
screen is shown; the words around it (the lead, "Up next") come from
content/completion.md so a teacher can change them. Enter opens what Module 07
covers (its `## Module 07 …` section) over the screen; the module itself is a
lesson of its own.

The page's sections are found by their place, not their headings, so a translation
may name them as it likes: after the lead come what you did, the big picture, up
next, and the next module (its heading is that module's title).
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import N_, _
from neuron_tui.lesson.content import QUIZ_PASS_MARK
from neuron_tui.screens.base import LessonScreen
from neuron_tui.screens.parts.opening import lead_paragraph

#: The `##` sections of content/completion.md, by place (0: what you did).
BIG_PICTURE, UP_NEXT, NEXT_MODULE = 1, 2, 3


def sections(markdown: str) -> list[tuple[str, str]]:
    """The page's `## heading` sections in order, as (heading, body)."""
    found = re.findall(r"^##\s+(.+?)\s*$(.*?)(?=^##\s|\Z)", markdown, re.MULTILINE | re.DOTALL)
    return [(heading, body.strip()) for heading, body in found]


def section(markdown: str, place: int) -> tuple[str, str]:
    """The (heading, body) of the section at `place`; ("", "") when there is none."""
    found = sections(markdown)
    return found[place] if place < len(found) else ("", "")


def styled(template: str, styles: dict[str, tuple[str, str]]) -> list[str | tuple[str, str]]:
    """A translated `template` with each `{name}` of `styles` replaced by a styled piece:
    the words around the piece stay in the translation's order."""
    pieces: list[str | tuple[str, str]] = []
    for chunk in re.split(r"(\{\w+\})", template):
        name = chunk[1:-1] if chunk.startswith("{") else ""
        pieces.append(styles[name] if name in styles else chunk)
    return [piece for piece in pieces if piece]


class CompletionScreen(LessonScreen):
    """Closes the module: the learner's summary and Module 07 up next."""

    SHOW_TEXT_BESIDE = False
    GUIDANCE = N_("The end of this module. Enter: what Module 07 covers.")
    KEY_HINTS = [("Enter", N_("up next")), ("↑/↓", N_("scroll")), ("p", N_("previous")),
                 ("{numbers}", N_("revisit a part")), ("?", N_("help")), ("q", N_("quit"))]
    KEY_HELP = [("Enter", N_("what comes next: Module 07 and what it covers")),
                ("l", N_("this page's text in full"))]

    BINDINGS = [Binding("enter", "up_next", "up next")]

    DEFAULT_CSS = """
    CompletionScreen #completion {
        height: 1fr;
        padding: 0 2;
    }
    CompletionScreen #completion > Static {
        height: auto;
        margin-top: 1;
    }
    CompletionScreen #up-next-hint {
        margin-top: 0;
        text-style: bold;
    }
    """

    def compose_work(self) -> ComposeResult:
        with VerticalScroll(id="completion"):
            yield Static(lead_paragraph(self.page.markdown), id="lead", markup=False)
            yield Static(id="summary")
            __, big_picture = section(self.page.markdown, BIG_PICTURE)
            if big_picture:
                yield Static(lead_paragraph(big_picture), id="big-picture", markup=False)
            __, up_next = section(self.page.markdown, UP_NEXT)
            if up_next:
                yield Static(Content.assemble((_("Up next") + "  ", "bold"),
                                              lead_paragraph(up_next)), id="up-next")
                yield Static(_("Press Enter to see what it covers."),
                             id="up-next-hint", markup=False)

    @property
    def next_module(self) -> tuple[str, str]:
        """(title, Markdown) of the next module's section: `## Module 07 · …`."""
        title, markdown = section(self.page.markdown, NEXT_MODULE)
        if not title:
            return _("the next module"), section(self.page.markdown, UP_NEXT)[1]
        return title, markdown

    def action_up_next(self) -> None:
        """Show what the next module covers, over this screen (Escape closes it)."""
        from neuron_tui.screens.dialogs.lesson_text import LessonTextScreen

        title, markdown = self.next_module
        self.app.push_screen(LessonTextScreen(_("Up next · {title}").format(title=title),
                                              markdown))

    def on_mount(self) -> None:
        self.query_one("#completion").focus()

    def on_screen_resume(self) -> None:
        # LessonScreen's own handler (recording the visit) runs too: Textual calls
        # each class's handler in turn.
        self.query_one("#summary", Static).update(self.summary())

    def summary(self) -> Content:
        """Parts done, self-checks met and the quiz score, from the learner's progress."""
        chars = glyphs()
        progress = self.lesson_app.progress
        content = self.lesson_app.content
        lesson = self.lesson_app.lesson
        done = [page for page in lesson.part_keys if page in progress.done]
        parts: list[str | tuple[str, str]] = [
            (_("What you did"), "bold"), "\n",
            _("Parts done: {done} of {total}").format(done=len(done), total=lesson.part_count),
            "   ",
        ]
        for spec in lesson.parts:
            page = spec.key
            mark = chars.check if page in progress.done else chars.part_started if (
                page in progress.visited) else ("·" if chars.unicode else "-")
            style = "$text-success" if page in progress.done else "$text-muted"
            parts += [(f"{spec.number_text} {mark}", style), "  "]
        parts.append("\n")
        if progress.self_checks:
            parts.append(_("Self-checks met: {checks}").format(checks="; ".join(
                lesson.self_check_name(c) for c in sorted(progress.self_checks))))
        else:
            parts.append((_("Self-checks met: none yet"), "$text-muted"))
        parts.append("\n")
        total = len(content.quiz)
        quiz = lesson.quiz_page
        key = (_("press {number}").format(number=quiz.number)
               if quiz is not None and quiz.number else _("take it"))
        if progress.quiz_best is None:
            parts.append((_("Knowledge check: not taken yet ({key})").format(key=key),
                          "$text-muted"))
        else:
            aim = (_("(aim reached)") if progress.quiz_best >= QUIZ_PASS_MARK
                   else _("(aim {aim}: {key} to retake)").format(aim=QUIZ_PASS_MARK, key=key))
            score = (f"{progress.quiz_best}/{total}", "bold")
            parts += styled(_("Knowledge check: best score {score} {aim}"),
                            {"score": score, "aim": (aim, "")})
        return Content.assemble(*parts)
