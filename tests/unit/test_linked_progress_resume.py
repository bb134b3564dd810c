"""A served lesson resumes at the page of the learner's latest session, whichever node.

Behind a balancer a learner can come back to a node whose own progress file is older
than the class store's copy (they worked on another node meanwhile): the hub's copy
must decide the page to resume at, while nothing of either record is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from neuron_tui.lesson.linked_progress import LinkedProgressStore
from neuron_tui.lesson.progress import Progress, ProgressStore


class WelcomingChannel:
    """A hub channel whose welcome carries a stored progress record; records the sends."""

    def __init__(self, progress: Mapping[str, Any]) -> None:
        self.progress = dict(progress)
        self.sent: list[dict[str, Any]] = []

    def welcome(self, timeout: float) -> dict[str, Any] | None:
        return {"name": "ada", "progress": self.progress}

    def send_progress(self, progress: Mapping[str, Any], page: str,
                      at: float | None = None) -> None:
        self.sent.append(dict(progress))

    def send_activity(self, page: str, at: float | None = None) -> bool:
        return True

    def listen(self, on_message: Callable[[dict[str, Any]], None],
               on_lost: Callable[[str], None]) -> None:
        return None

    def close(self, flush_timeout: float = 1.0) -> None:
        return None


def _record(resume: str, visited: set[str], answers: dict[str, int]) -> Progress:
    return Progress(visited=set(visited), resume_page=resume,
                    quiz_answers=answers, quiz_answered_at={q: 1.0 for q in answers})


def test_the_hub_copy_decides_the_page_and_the_old_file_adds_what_it_has(tmp_path: Path) -> None:
    file = tmp_path / "ada.json"
    # This node's file: the learner left it on Part 02, having answered question 1.
    ProgressStore(file).save(_record("part02", {"opening", "part01", "part02"}, {"q1": 0}))
    # Since then, on another node: Part 04, question 2 answered.
    later = _record("part04", {"opening", "part01", "part02", "part03", "part04"}, {"q2": 1})
    channel = WelcomingChannel(later.to_dict())

    loaded = LinkedProgressStore(file, channel).load()

    assert loaded.progress.resume_page == "part04"
    assert loaded.progress.quiz_answers == {"q1": 0, "q2": 1}
    assert "part04" in loaded.progress.visited and loaded.resumed
    # The merged record went back to the hub and into this node's file.
    assert channel.sent[-1]["resume_page"] == "part04"
    assert ProgressStore(file).load().progress.resume_page == "part04"
