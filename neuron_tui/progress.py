"""What the learner has done so far: parts visited and finished, self-checks met.

Kept as plain data with a `to_dict`/`from_dict` pair so it can be saved as JSON;
the screens only ever call the app, which records here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PAGE_ORDER: tuple[str, ...] = (
    "opening",
    "part01",
    "part02",
    "part03",
    "part04",
    "part05",
    "part06",
    "completion",
)
PART_PAGES: tuple[str, ...] = PAGE_ORDER[1:7]


@dataclass
class Progress:
    """A learner's progress through the lesson."""

    visited: set[str] = field(default_factory=set)
    done: set[str] = field(default_factory=set)
    self_checks: set[str] = field(default_factory=set)
    resume_page: str = "opening"
    quiz_answers: dict[str, int] = field(default_factory=dict)
    quiz_best: int | None = None

    def visit(self, page: str) -> bool:
        """Record a visit; returns whether anything changed."""
        changed = page not in self.visited or self.resume_page != page
        self.visited.add(page)
        if page != "opening":
            self.resume_page = page
        return changed

    def finish(self, page: str) -> bool:
        """Mark a part as done; returns whether it was new."""
        if page in self.done:
            return False
        self.done.add(page)
        return True

    def meet(self, check: str) -> bool:
        """Record a self-check as met; returns whether it was new."""
        if check in self.self_checks:
            return False
        self.self_checks.add(check)
        return True

    def state_of(self, page: str) -> str:
        """"done", "started" or "todo" for the opening's list of parts."""
        if page in self.done:
            return "done"
        if page in self.visited:
            return "started"
        return "todo"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "visited": sorted(self.visited),
            "done": sorted(self.done),
            "self_checks": sorted(self.self_checks),
            "resume_page": self.resume_page,
            "quiz_answers": dict(self.quiz_answers),
            "quiz_best": self.quiz_best,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Progress:
        """Rebuild from `to_dict` output, ignoring anything unknown or malformed."""
        def names(key: str) -> set[str]:
            value = data.get(key, [])
            return {item for item in value if isinstance(item, str)} if isinstance(
                value, list
            ) else set()

        resume = data.get("resume_page")
        answers = data.get("quiz_answers")
        best = data.get("quiz_best")
        return cls(
            visited=names("visited"),
            done=names("done"),
            self_checks=names("self_checks"),
            resume_page=resume if resume in PAGE_ORDER else "opening",
            quiz_answers={
                str(k): v for k, v in answers.items() if isinstance(v, int)
            } if isinstance(answers, dict) else {},
            quiz_best=best if isinstance(best, int) else None,
        )
