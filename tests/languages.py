"""The lesson in one of its shipped languages, for tests: its content and its catalog.

A test that shows the lesson in a language needs both halves: the pages and quiz of
``content/<code>/`` (English, the source, is ``content/`` itself) and the gettext
catalog switched on for the strings in the code. The language is a process-wide
setting, so :func:`in_language` always puts English back, even when the test fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from neuron_tui.i18n import LANGUAGES, SOURCE_LANGUAGE, set_language
from neuron_tui.lesson.content import Content, content_folder, load_content

#: Every shipped language, the source first: what a per-language test is parametrized on.
SHIPPED = [SOURCE_LANGUAGE, *sorted(code for code in LANGUAGES if code != SOURCE_LANGUAGE)]


@cache
def content_in(code: str) -> Content:
    """The shipped content of language ``code``, loaded once per test run."""
    folder = content_folder(None, code)
    if code != SOURCE_LANGUAGE:
        # content_folder falls back to English: a shipped language must have its own.
        assert folder.name == code, f"{code!r} is shipped without a content/{code}/ folder"
    return load_content(folder)


@contextmanager
def in_language(code: str) -> Iterator[None]:
    """Draw every string in language ``code`` inside the block; English after it."""
    assert set_language(code) == code, f"{code!r} is not a shipped language"
    try:
        yield
    finally:
        set_language(SOURCE_LANGUAGE)
