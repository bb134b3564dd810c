"""LessonHost: what a page needs of the app that hosts it.

The app is above the screens in the layers, so pages know it only by this protocol.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from neuron_tui.lesson.content import Content
    from neuron_tui.lesson.pacing import Pacing
    from neuron_tui.lesson.progress import Progress
    from neuron_tui.lesson.registry import Lesson
    from neuron_tui.terminal import TerminalProfile


class LessonHost(Protocol):
    """What a page needs of the app that hosts it (the app is above screens: no import)."""

    lesson: Lesson
    content: Content
    progress: Progress
    #: Where the teacher lets the class go (no limit outside a served class).
    pacing: Pacing
    resumed: bool
    profile: TerminalProfile

    def frame_seconds(self, seconds: float) -> float: ...
    def show_page(self, page: str) -> None: ...
    def progress_visit(self, page: str) -> None: ...
    def progress_meet(self, check: str) -> None: ...
    def progress_quiz_answer(self, question: int, option: int) -> None: ...
    def progress_quiz_score(self, score: int) -> None: ...
    def progress_quiz_retake(self) -> None: ...
