"""The lesson's pages in order: the one table the rest of the lesson derives from.

Key bindings (`n`, `p`, the number keys), `--part` and its message, the title
bar's progress, help, the opening's list of parts, the completion summary, the
content files to load and the page names in the progress file all come from here.
Adding a part is one row below, one screen file and one content file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from neuron_tui.i18n import N_, _


@dataclass(frozen=True)
class SelfCheck:
    """Something a part asks the learner to do themselves, with the name they see."""

    id: str
    name: str


@dataclass(frozen=True)
class PageSpec:
    """One page of the lesson.

    `key` names the page in the progress file and in code ("part02"); `content_file`
    is its text in content/; `screen` is "module:Class", imported on first visit (so
    a learner who never reaches Part 05 never imports scikit-learn); `number` is the
    part number, None for pages that are not parts (the opening, the completion).
    """

    key: str
    title: str
    content_file: str
    screen: str
    number: int | None = None
    self_checks: tuple[SelfCheck, ...] = ()
    #: Whether this page holds the knowledge check (its score is kept).
    holds_quiz: bool = False
    #: Settings handed to the page's screen when it is built (tests use faster ones).
    options: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_part(self) -> bool:
        """Whether this page is a numbered part."""
        return self.number is not None

    @property
    def number_text(self) -> str:
        """The part number as shown: "02"."""
        return f"{self.number:02d}" if self.number is not None else ""


@dataclass(frozen=True)
class Lesson:
    """The ordered pages: an opening first, the parts numbered 1, 2, … in order, an end."""

    pages: tuple[PageSpec, ...]

    def __post_init__(self) -> None:
        keys = [page.key for page in self.pages]
        if len(set(keys)) != len(keys):
            raise ValueError(f"page keys repeat: {keys}")
        if len(self.pages) < 2 or self.pages[0].is_part or self.pages[-1].is_part:
            raise ValueError("a lesson starts with an opening and ends with a last page")
        numbers = [page.number for page in self.pages if page.is_part]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"parts must be numbered 1, 2, … in order, not {numbers}")
        checks = [check.id for page in self.pages for check in page.self_checks]
        if len(set(checks)) != len(checks):
            raise ValueError(f"self-check ids repeat: {checks}")

    @property
    def order(self) -> tuple[str, ...]:
        """Every page key in lesson order."""
        return tuple(page.key for page in self.pages)

    @property
    def parts(self) -> tuple[PageSpec, ...]:
        """The numbered parts, in order."""
        return tuple(page for page in self.pages if page.is_part)

    @property
    def part_keys(self) -> tuple[str, ...]:
        """The numbered parts' keys, in order."""
        return tuple(page.key for page in self.parts)

    @property
    def part_count(self) -> int:
        """How many numbered parts there are."""
        return len(self.parts)

    @property
    def first(self) -> str:
        """The key of the first page (the opening)."""
        return self.pages[0].key

    @property
    def last(self) -> str:
        """The key of the last page (the completion)."""
        return self.pages[-1].key

    @property
    def part_range(self) -> str:
        """"1 to 6": how the parts are named in messages."""
        return _("{first} to {last}").format(first=1, last=self.part_count)

    @property
    def number_keys(self) -> str:
        """"1–6": the number keys that jump to a part, as help and footers show them."""
        last = min(self.part_count, 9)
        return "1" if last == 1 else f"1–{last}"

    @property
    def quiz_page(self) -> PageSpec | None:
        """The page that holds the knowledge check, if there is one."""
        return next((page for page in self.pages if page.holds_quiz), None)

    def page(self, key: str) -> PageSpec:
        """The page called `key`; KeyError when there is none."""
        for page in self.pages:
            if page.key == key:
                return page
        raise KeyError(key)

    def has_page(self, key: str) -> bool:
        """Whether there is a page called `key`."""
        return key in self.order

    def part(self, number: int) -> PageSpec:
        """Part `number`; ValueError with a message a learner can act on otherwise."""
        for page in self.parts:
            if page.number == number:
                return page
        raise ValueError(_("there is no part {part}: choose {parts}").format(
            part=number, parts=self.part_range))

    def next_key(self, key: str) -> str | None:
        """The page after `key`, or None at the end."""
        index = self.order.index(key)
        return self.order[index + 1] if index + 1 < len(self.order) else None

    def previous_key(self, key: str) -> str | None:
        """The page before `key`, or None at the start."""
        index = self.order.index(key)
        return self.order[index - 1] if index > 0 else None

    def self_check_name(self, check_id: str) -> str:
        """The learner-facing name of a self-check; a generic one for an unknown id."""
        for page in self.pages:
            for check in page.self_checks:
                if check.id == check_id:
                    return _(check.name)
        for page in self.parts:
            if check_id.startswith(page.key):
                return _("Self-check in Part {number}").format(number=page.number_text)
        return check_id

    def with_options(self, key: str, **options: Any) -> Lesson:
        """This lesson with `options` handed to page `key`'s screen (e.g. faster runs)."""
        return Lesson(tuple(
            replace(page, options={**page.options, **options}) if page.key == key else page
            for page in self.pages
        ))

    def with_part(self, page: PageSpec) -> Lesson:
        """This lesson with `page` added as the next part, before the last page."""
        return Lesson((*self.pages[:-1], page, self.pages[-1]))


def _part(number: int, title: str, screen: str, *checks: SelfCheck,
          holds_quiz: bool = False) -> PageSpec:
    key = f"part{number:02d}"
    return PageSpec(key, title, f"{key}.md", f"neuron_tui.screens.parts.{key}:{screen}",
                    number, checks, holds_quiz)


#: The neuron lesson: the opening, six parts and the completion.
LESSON = Lesson((
    PageSpec("opening", "The neuron", "opening.md",
             "neuron_tui.screens.parts.opening:OpeningScreen"),
    _part(1, "The atom", "AtomScreen"),
    _part(2, "Build a neuron", "BuildNeuronScreen",
          SelfCheck("part02-by-hand",
                    N_("Reached 95% and a loss of at most 0.30 by hand in Part 02")),
          # The goal before it needed all three sliders: kept so progress files that met it
          # still name it. Part 02 asks for the first check only.
          SelfCheck("part02-90", N_("Reached 90% by hand in Part 02"))),
    _part(3, "Gradient descent", "GradientDescentScreen"),
    _part(4, "Why depth wins", "DepthScreen"),
    _part(5, "The proof", "ProofScreen"),
    _part(6, "Knowledge check", "QuizScreen", holds_quiz=True),
    PageSpec("completion", "Well done", "completion.md",
             "neuron_tui.screens.parts.completion:CompletionScreen"),
))
