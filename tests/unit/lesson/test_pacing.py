"""Pacing: where a hold and a closed quiz let a learner go, and what they are told."""

from __future__ import annotations

import pytest

from neuron_tui.lesson.pacing import QUIZ_CLOSED, Pacing
from neuron_tui.lesson.registry import LESSON


def test_no_pacing_allows_every_page() -> None:
    assert all(Pacing().allows(page) for page in LESSON.order)


def test_a_hold_at_4_lets_in_the_opening_and_parts_1_to_4_only() -> None:
    held = Pacing(hold=4)
    allowed = [page for page in LESSON.order if held.allows(page)]
    assert allowed == ["opening", "part01", "part02", "part03", "part04"]
    assert held.refusal("part05") == "Your teacher opens Part 05 soon."
    assert held.refusal("part06") == "Your teacher opens Part 06 soon."
    assert held.refusal("completion") == "Your teacher opens Part 05 soon."


def test_a_hold_at_0_keeps_everyone_on_the_opening() -> None:
    assert [page for page in LESSON.order if Pacing(hold=0).allows(page)] == ["opening"]


def test_a_hold_at_the_last_part_keeps_only_the_completion_waiting() -> None:
    held = Pacing(hold=LESSON.part_count)
    assert held.allows("part06")
    assert held.refusal("completion") == "Your teacher opens the rest of the lesson soon."
    assert Pacing(hold=LESSON.part_count + 1).allows("completion")


def test_a_closed_quiz_closes_the_quiz_page_only() -> None:
    closed = Pacing(quiz_open=False)
    assert closed.refusal("part06") == QUIZ_CLOSED == "The quiz opens when your teacher says so."
    assert [page for page in LESSON.order if not closed.allows(page)] == ["part06"]


def test_last_allowed_steps_back_to_the_nearest_open_page() -> None:
    assert Pacing(hold=4).last_allowed("part06") == "part04"
    assert Pacing(quiz_open=False).last_allowed("part06") == "part05"
    assert Pacing(hold=0).last_allowed("part03") == "opening"
    assert Pacing(hold=4).last_allowed("part02") == "part02"


@pytest.mark.parametrize(("data", "expected"), [
    ({"hold": 4, "quiz_open": False}, Pacing(4, False)),
    ({"hold": None, "quiz_open": True}, Pacing()),
    ({"hold": "4", "quiz_open": "no"}, Pacing()),
    ({"hold": True, "quiz_open": 0}, Pacing()),
    ({"hold": -1}, Pacing()),
    ({"t": "pacing", "hold": 2, "quiz_open": True, "extra": 1}, Pacing(2, True)),
    (None, Pacing()),
    ([4, False], Pacing()),
])
def test_pacing_from_a_hub_message_ignores_anything_malformed(data: object,
                                                              expected: Pacing) -> None:
    assert Pacing.from_dict(data) == expected


def test_pacing_round_trips_through_the_protocol_object() -> None:
    for pacing in (Pacing(), Pacing(3, False), Pacing(0, True)):
        assert Pacing.from_dict(pacing.to_dict()) == pacing


def test_news_names_what_opened_and_nothing_else() -> None:
    assert Pacing(hold=5).news(Pacing(hold=4)) == "Your teacher opened Part 05."
    assert Pacing().news(Pacing(hold=2)) == "Your teacher opened Part 03."
    assert Pacing().news(Pacing(quiz_open=False)) == "Your teacher opened the quiz."
    assert Pacing(hold=3).news(Pacing()) is None  # a new hold closes, opens nothing
    assert Pacing(hold=3).news(Pacing(hold=4)) is None
    assert Pacing(quiz_open=False).news(Pacing()) is None
    assert Pacing().news(Pacing(hold=LESSON.part_count)) is None  # only the end opened


def test_a_learner_past_the_hold_may_step_back_but_not_forward_again() -> None:
    held = Pacing(hold=2)
    assert held.allows("part04", current="part05")
    assert held.allows("opening", current="part05")
    assert held.refusal("part06", current="part05") == "Your teacher opens Part 06 soon."
    assert held.refusal("part04", current="part03") == "Your teacher opens Part 04 soon."
    assert held.refusal("part04") == "Your teacher opens Part 04 soon."  # --part: no current


def test_a_closed_quiz_cannot_be_entered_even_stepping_back() -> None:
    assert Pacing(quiz_open=False).refusal("part06", current="completion") == QUIZ_CLOSED
