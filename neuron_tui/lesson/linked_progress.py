"""Progress kept in the learner's file and reported to the class server, under `serve`.

`LinkedProgressStore` is a `ProgressStore` (same load/save/reset/path) that also
talks to the class server's hub through a channel (`neuron_tui.class_link.ClassLink`
in the lesson): loading merges the hub's copy of the learner's progress (the
welcome) with the local file and saves the result to both; every save is sent
to the hub as the whole record. The local file stays the fallback: if the channel
never opens or dies, saves go on locally and nothing is lost. Nothing here waits on
the hub except `load`, once, for at most `WELCOME_TIMEOUT` seconds before the
lesson starts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from neuron_tui.lesson.pacing import Pacing
from neuron_tui.lesson.progress import LoadResult, Progress, ProgressStore, merge
from neuron_tui.lesson.registry import LESSON, Lesson

#: Seconds the lesson waits for the hub's welcome before it starts without it.
WELCOME_TIMEOUT = 2.0


class HubChannel(Protocol):
    """What the store needs of the channel to the hub (`ClassLink` provides it)."""

    def welcome(self, timeout: float) -> dict[str, Any] | None: ...
    def send_progress(self, progress: Mapping[str, Any], page: str,
                      at: float | None = None) -> None: ...
    def send_activity(self, page: str, at: float | None = None) -> bool: ...
    def listen(self, on_message: Callable[[dict[str, Any]], None],
               on_lost: Callable[[str], None]) -> None: ...
    def close(self, flush_timeout: float = 1.0) -> None: ...


class LinkedProgressStore(ProgressStore):
    """The learner's progress file, with every save also sent to the class server's hub."""

    def __init__(self, path: Path, channel: HubChannel, lesson: Lesson = LESSON,
                 welcome_timeout: float = WELCOME_TIMEOUT) -> None:
        super().__init__(path, lesson)
        self.channel = channel
        self.welcome_timeout = welcome_timeout
        #: The page the learner is on, sent with every report.
        self.page = lesson.first
        #: The teacher's pacing and last message, as the welcome gave them.
        self.pacing = Pacing()
        self.message: str | None = None
        #: The name the hub knows the learner by (None until welcomed).
        self.name: str | None = None
        self._last: Progress | None = None
        #: Set by `reset`: the learner asked to start over, so the hub's copy is not merged.
        self._fresh = False

    def load(self) -> LoadResult:
        """The local file merged with the hub's copy (saved back to both)."""
        result = super().load()
        welcome = self.channel.welcome(self.welcome_timeout)
        if welcome is None:
            self._last = result.progress
            return result
        self.pacing = Pacing.from_dict(welcome.get("pacing"))
        message = welcome.get("message")
        self.message = message if isinstance(message, str) and message else None
        name = welcome.get("name")
        self.name = name if isinstance(name, str) else None
        merged, notice = self.save(self.with_hub_copy(result.progress, welcome))
        return LoadResult(merged, result.notice or notice,
                          resumed=bool(merged.visited - {self.lesson.first}))

    def with_hub_copy(self, progress: Progress, welcome: Mapping[str, Any]) -> Progress:
        """`progress` merged with the hub's copy in `welcome` (not after a reset)."""
        remote = welcome.get("progress")
        if self._fresh or not isinstance(remote, dict) or not remote:
            return progress
        # The hub's copy first: it is the class's record, written by whichever node the
        # learner used last, so its page to resume at beats this node's older file.
        return merge(Progress.from_dict(remote, self.lesson), progress)

    def save(self, progress: Progress) -> tuple[Progress, str | None]:
        """Save locally (merged with the file), then send the result to the hub."""
        merged, notice = super().save(progress)
        self._last = merged
        self.channel.send_progress(merged.to_dict(), self.page)
        return merged, notice

    def reset(self) -> Path | None:
        """Start over locally; the hub's copy is not merged back in on load."""
        self._fresh = True
        return super().reset()

    def enter_page(self, page: str) -> None:
        """The learner is now on `page`: tell the hub (with the last saved progress)."""
        if page == self.page:
            return
        self.page = page
        if self._last is not None:
            self.channel.send_progress(self._last.to_dict(), page)

    def activity(self) -> None:
        """The learner pressed a key (the channel sends at most one report every 2 s)."""
        self.channel.send_activity(self.page)

    def listen(self, on_message: Callable[[dict[str, Any]], None],
               on_lost: Callable[[str], None]) -> None:
        """Hear the hub's messages (pacing, goto, message, welcome) and the channel's end."""
        self.channel.listen(on_message, on_lost)

    def close(self) -> None:
        """Send what is still queued, then hang up (when the lesson ends)."""
        self.channel.close()
