"""The teacher's pacing, as the lesson applies it: how far a learner may go, and why not.

Under `serve`, the class server sends `{"hold": N or null, "quiz_open": BOOL}`
(docs/class-protocol.md). `hold: 4` means the learner may enter the opening and
Parts 01 to 04, but no page after Part 04; `quiz_open: false` means the quiz page
cannot be entered. A learner already past the hold stays where they are and may
step back, but not forward again past it: pacing decides where the learner may
*go*, never moves them or drops progress.
Every refusal comes with the one sentence the learner sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neuron_tui.i18n import N_, _
from neuron_tui.lesson.registry import LESSON, Lesson

#: What a learner is told when the teacher keeps the quiz closed (English; shown
#: through `_()`).
QUIZ_CLOSED = N_("The quiz opens when your teacher says so.")


@dataclass(frozen=True)
class Pacing:
    """Where the teacher lets the class go: a part to hold at (None: anywhere), the quiz."""

    hold: int | None = None
    quiz_open: bool = True

    @classmethod
    def from_dict(cls, data: Any) -> Pacing:
        """The pacing in a hub message (PACE); anything malformed means "no limit"."""
        if not isinstance(data, dict):
            return cls()
        hold = data.get("hold")
        quiz_open = data.get("quiz_open")
        return cls(
            hold=hold if isinstance(hold, int) and not isinstance(hold, bool) and hold >= 0
            else None,
            quiz_open=quiz_open if isinstance(quiz_open, bool) else True,
        )

    def to_dict(self) -> dict[str, Any]:
        """The PACE object of the protocol."""
        return {"hold": self.hold, "quiz_open": self.quiz_open}

    def refusal(self, page: str, lesson: Lesson = LESSON, current: str | None = None) -> str | None:
        """Why the learner (on page `current`, if known) may not enter `page`, or None.

        Past the hold, only a step back is allowed (a learner who was already further
        on may look back); the closed quiz cannot be entered from either side.
        """
        position = _position(page, lesson)
        if (self.hold is not None and position > _held_position(self.hold, lesson)
                and (current is None or position > _position(current, lesson))):
            spec = lesson.page(page)
            if spec.is_part:
                return _("Your teacher opens Part {part} soon.").format(part=spec.number_text)
            following = self.hold + 1
            if any(part.number == following for part in lesson.parts):
                return _("Your teacher opens Part {part} soon.").format(part=f"{following:02d}")
            return _("Your teacher opens the rest of the lesson soon.")
        if not self.quiz_open and lesson.page(page).holds_quiz:
            return _(QUIZ_CLOSED)
        return None

    def allows(self, page: str, lesson: Lesson = LESSON, current: str | None = None) -> bool:
        """Whether the learner (on page `current`, if known) may enter `page` now."""
        return self.refusal(page, lesson, current) is None

    def news(self, before: Pacing, lesson: Lesson = LESSON) -> str | None:
        """What opened for the learner since `before` (None when nothing did)."""
        if self.quiz_open and not before.quiz_open:
            return _("Your teacher opened the quiz.")
        if before.hold is None or (self.hold is not None and self.hold <= before.hold):
            return None
        opened = before.hold + 1
        if any(part.number == opened for part in lesson.parts):
            return _("Your teacher opened Part {part}.").format(part=f"{opened:02d}")
        return None

    def last_allowed(self, page: str, lesson: Lesson = LESSON) -> str:
        """`page` if it may be entered, else the nearest page before it that may.

        The opening is always allowed, so there is always one: `--part 6` under a
        hold at Part 04 starts the learner at Part 04.
        """
        order = lesson.order
        for key in reversed(order[: order.index(page) + 1]):
            if self.allows(key, lesson):
                return key
        return lesson.first


def _position(page: str, lesson: Lesson) -> int:
    """Where `page` is in lesson order (KeyError for a page the lesson has not)."""
    lesson.page(page)
    return lesson.order.index(page)


def _held_position(hold: int, lesson: Lesson) -> int:
    """The position of the last page a hold at Part `hold` lets in.

    A hold at 0 lets in only the opening; a hold beyond the last part holds nothing
    back; a hold at the last part keeps the completion page waiting.
    """
    if hold > lesson.part_count:
        return len(lesson.order) - 1
    reachable = [page.key for page in lesson.parts if page.number is not None
                 and page.number <= hold]
    return lesson.order.index(reachable[-1]) if reachable else 0
