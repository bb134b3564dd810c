"""The completion screen: what the learner did (from the saved progress), and what next.

The summary (parts done, self-checks met, quiz score) is rebuilt each time the
screen is shown; the words around it (the lead, "Up next") come from
content/completion.md so a teacher can change them. Enter opens what Module 07
covers (its `## Module 07 …` section) over the screen; the module itself is a
lesson of its own.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from neuron_tui.glyphs import glyphs
from neuron_tui.lesson.content import QUIZ_PASS_MARK
from neuron_tui.screens.base import LessonScreen
from neuron_tui.screens.parts.opening import lead_paragraph


def section(markdown: str, heading: str) -> str:
    """The body of the `## heading` section of a page ("" when there is none)."""
    match = re.search(
        rf"^##\s+{re.escape(heading)}\s*$(.*?)(?=^##\s|\Z)", markdown, re.MULTILINE | re.DOTALL
    )
    return match.group(1).strip() if match else ""


class CompletionScreen(LessonScreen):
    """Closes the module: the learner's summary and Module 07 up next."""

    SHOW_TEXT_BESIDE = False
    GUIDANCE = "The end of this module. Enter: what Module 07 covers."
    KEY_HINTS = [("Enter", "up next"), ("↑/↓", "scroll"), ("p", "previous"),
                 ("{numbers}", "revisit a part"), ("?", "help"), ("q", "quit")]
    KEY_HELP = [("Enter", "what comes next: Module 07 and what it covers"),
                ("l", "this page's text in full")]

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
            big_picture = section(self.page.markdown, "The big picture")
            if big_picture:
                yield Static(lead_paragraph(big_picture), id="big-picture", markup=False)
            up_next = section(self.page.markdown, "Up next")
            if up_next:
                yield Static(Content.assemble(("Up next  ", "bold"), lead_paragraph(up_next)),
                             id="up-next")
                yield Static("Press Enter to see what it covers.",
                             id="up-next-hint", markup=False)

    @property
    def next_module(self) -> tuple[str, str]:
        """(title, Markdown) of the next module's section: `## Module 07 · …`."""
        match = re.search(r"^##\s+(Module\b.*?)\s*$", self.page.markdown, re.MULTILINE)
        if match is None:
            return "the next module", section(self.page.markdown, "Up next")
        title = match.group(1)
        return title, section(self.page.markdown, title)

    def action_up_next(self) -> None:
        """Show what the next module covers, over this screen (Escape closes it)."""
        from neuron_tui.screens.dialogs.lesson_text import LessonTextScreen

        title, markdown = self.next_module
        self.app.push_screen(LessonTextScreen(f"Up next · {title}", markdown))

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
            ("What you did", "bold"), "\n",
            f"Parts done: {len(done)} of {lesson.part_count}   ",
        ]
        for spec in lesson.parts:
            page = spec.key
            mark = chars.check if page in progress.done else chars.part_started if (
                page in progress.visited) else ("·" if chars.unicode else "-")
            style = "$text-success" if page in progress.done else "$text-muted"
            parts += [(f"{spec.number_text} {mark}", style), "  "]
        parts.append("\n")
        if progress.self_checks:
            parts.append("Self-checks met: ")
            parts.append("; ".join(lesson.self_check_name(c)
                                   for c in sorted(progress.self_checks)))
        else:
            parts.append(("Self-checks met: none yet", "$text-muted"))
        parts.append("\n")
        total = len(content.quiz)
        quiz = lesson.quiz_page
        key = f"press {quiz.number}" if quiz is not None and quiz.number else "take it"
        if progress.quiz_best is None:
            parts.append((f"Knowledge check: not taken yet ({key})", "$text-muted"))
        else:
            aim = (" (aim reached)" if progress.quiz_best >= QUIZ_PASS_MARK
                   else f" (aim {QUIZ_PASS_MARK}: {key} to retake)")
            parts += ["Knowledge check: best score ", (f"{progress.quiz_best}/{total}", "bold"),
                      aim]
        return Content.assemble(*parts)
