"""PacedApp: the lesson's side of a served class (pacing, the teacher's moves, messages).

Under `serve`, a lesson's progress store is a `LinkedProgressStore`: the class
server's hub sends pacing, moves and messages over it (docs/class-protocol.md).
This base class of `NeuronApp` applies them on the app's loop, refuses the pages
the pacing keeps closed, and tells the learner why. The stand-alone lesson has no
hub: its pacing stays `Pacing()` (no limit) and none of this runs.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.reactive import var

from neuron_tui.i18n import _
from neuron_tui.lesson.linked_progress import LinkedProgressStore
from neuron_tui.lesson.pacing import Pacing
from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.lesson.registry import Lesson

#: The longest message from the teacher a learner is shown (the protocol's limit).
MESSAGE_CHARACTERS = 200


class PacedApp(App[None]):
    """An app whose pages the teacher's pacing may keep closed (see the module docstring).

    The subclass provides the lesson's state and moves (`lesson`, `store`, `progress`,
    `current_page`, `show_page`, `save_progress`).
    """

    #: Where the teacher lets the class go (no limit without a class server). A reactive,
    #: so a page listing the parts (the opening) redraws when it changes.
    pacing: var[Pacing] = var(Pacing())

    lesson: Lesson
    store: ProgressStore | None
    progress: Progress
    current_page: str

    def __init__(self) -> None:
        super().__init__()
        #: What the teacher said before the first screen was up, told once it is.
        self._teacher_notices: list[str] = []

    def show_page(self, page: str, paced: bool = True) -> None:
        """Go to `page` (the subclass's); `paced=False` is the teacher's own move."""
        raise NotImplementedError

    def save_progress(self) -> None:
        """Save the progress now (the subclass's)."""
        raise NotImplementedError

    # ------------------------------------------------------------- start and mount
    def paced_start(self, start_page: str) -> str:
        """The first page under the pacing the hub's welcome gave (`--part` past a hold)."""
        if not isinstance(self.store, LinkedProgressStore):
            return start_page
        store = self.store
        self.pacing = store.pacing
        refusal = self.pacing.refusal(start_page, self.lesson)
        if refusal is None:
            return start_page
        self._teacher_notices.append(refusal)
        start_page = self.pacing.last_allowed(start_page, self.lesson)
        store.enter_page(start_page)
        return start_page

    def join_class(self) -> None:
        """Once the first screen is up: say what the teacher said, start hearing the hub."""
        for notice in self._teacher_notices:
            self.notify(notice, timeout=8)
        self._teacher_notices.clear()
        if isinstance(self.store, LinkedProgressStore):
            self._listen_to_class(self.store)

    def refused(self, page: str) -> bool:
        """Whether the teacher's pacing keeps `page` closed (the learner is told why)."""
        refusal = None if page == self.current_page else self.pacing.refusal(
            page, self.lesson, self.current_page)
        if refusal is not None:
            self.notify(refusal, timeout=4)
        return refusal is not None

    # ------------------------------------------------------------- the hub
    def _listen_to_class(self, store: LinkedProgressStore) -> None:
        """Hear the hub on this loop: its messages arrive on the channel's thread."""
        loop = asyncio.get_running_loop()

        def on_loop(handler: Callable[[Any], None]) -> Callable[[Any], None]:
            def hand_on(value: Any) -> None:
                # call_later runs the handler as the app's own message, in its context.
                with contextlib.suppress(RuntimeError):  # the loop is closed: lesson over
                    loop.call_soon_threadsafe(self.call_later, handler, value)
            return hand_on

        store.listen(on_loop(self._on_class_message), on_loop(self._on_class_lost))

    def _on_class_message(self, message: dict[str, Any]) -> None:
        """Apply what the hub sent: the welcome, pacing, a move, a message."""
        kind = message.get("t")
        if kind == "welcome" and isinstance(self.store, LinkedProgressStore):
            # Usually already merged before the lesson began; this catches a late one.
            self.pacing = Pacing.from_dict(message.get("pacing"))
            merged = self.store.with_hub_copy(self.progress, message)
            if merged.to_dict() != self.progress.to_dict():
                self.progress = merged
                self.save_progress()
            self._tell_from_teacher(message.get("message"))
        elif kind == "pacing":
            before, self.pacing = self.pacing, Pacing.from_dict(message)
            news = self.pacing.news(before, self.lesson)
            if news:
                self.notify(news, timeout=6)
        elif kind == "goto":
            part, why = message.get("part"), message.get("why")
            if not isinstance(part, int) or isinstance(part, bool):
                return
            try:
                page = self.lesson.part(part)
            except ValueError:
                return
            self.show_page(page.key, paced=False)
            self._tell_from_teacher(why or _(
                "Your teacher brought the class to Part {number}.").format(
                    number=page.number_text))
        elif kind == "message":
            self._tell_from_teacher(message.get("text"))

    def _tell_from_teacher(self, text: Any) -> None:
        if isinstance(text, str) and text.strip():
            self.notify(text.strip()[:MESSAGE_CHARACTERS], title=_("Your teacher"), timeout=12,
                        markup=False)

    def _on_class_lost(self, why: str) -> None:
        """The channel ended: say so once, lift any hold nobody could now release."""
        self.pacing = Pacing()
        self.notify(_("The class server is out of reach; the lesson carries on and keeps "
                      "saving your progress."), timeout=6)
