"""The lesson registry: order, parts, lookups and the rules a lesson must keep."""

from __future__ import annotations

import pytest

from neuron_tui.lesson.registry import LESSON, Lesson, PageSpec


def test_the_shipped_lesson_order() -> None:
    assert LESSON.order == ("opening", "part01", "part02", "part03", "part04", "part05",
                            "part06", "completion")
    assert [page.number for page in LESSON.parts] == [1, 2, 3, 4, 5, 6]
    assert LESSON.part_range == "1 to 6" and LESSON.number_keys == "1–6"
    assert LESSON.quiz_page is not None and LESSON.quiz_page.key == "part06"


def test_next_and_previous_walk_the_order() -> None:
    assert LESSON.next_key("opening") == "part01"
    assert LESSON.next_key("completion") is None
    assert LESSON.previous_key("part01") == "opening"
    assert LESSON.previous_key("opening") is None


def test_part_lookup_explains_a_wrong_number() -> None:
    assert LESSON.part(3).key == "part03"
    with pytest.raises(ValueError, match="there is no part 7: choose 1 to 6"):
        LESSON.part(7)


def test_self_check_names() -> None:
    assert LESSON.self_check_name("part02-90") == "Reached 90% by hand in Part 02"
    assert LESSON.self_check_name("part03-bottom") == "Self-check in Part 03"
    assert LESSON.self_check_name("mystery") == "mystery"


def test_options_reach_one_page_only() -> None:
    lesson = LESSON.with_options("part05", settings="fast")
    assert lesson.page("part05").options == {"settings": "fast"}
    assert lesson.page("part04").options == {}
    assert LESSON.page("part05").options == {}


def page(key: str, number: int | None = None) -> PageSpec:
    return PageSpec(key, key, f"{key}.md", "x:Y", number)


@pytest.mark.parametrize("pages", [
    (page("a"), page("a")),  # keys repeat
    (page("part01", 1), page("end")),  # a part first
    (page("start"), page("part02", 2), page("end")),  # numbering starts at 2
    (page("start"), page("part01", 1), page("part01b", 1), page("end")),  # number repeats
])
def test_a_malformed_lesson_is_refused(pages: tuple[PageSpec, ...]) -> None:
    with pytest.raises(ValueError):
        Lesson(pages)
