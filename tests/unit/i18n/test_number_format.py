"""Numbers written for the language in use, and which language the lesson starts in.

`number` is how every learner-visible number reaches the screen: a Spanish screen
must write the decimal comma and nothing else differently (the same sign, the same
width, so that columns and sliders line up in every language). `choose_language`
and `language_from_environment` decide the language before anything is drawn:
`--lang`, else the POSIX locale as setlocale(3) reads it, else English.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuron_tui.i18n import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    choose_language,
    language,
    language_from_environment,
    number,
    set_language,
)
from tests.languages import in_language

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    """Whatever a test switches to, the next test starts in English."""
    yield
    set_language(SOURCE_LANGUAGE)


def in_both(value: float, digits: int = 2, **options: bool | int) -> tuple[str, str]:
    """`number(value, digits, **options)` in English, then in Spanish."""
    with in_language("en"):
        english = number(value, digits, **options)  # type: ignore[arg-type]
    with in_language("es"):
        spanish = number(value, digits, **options)  # type: ignore[arg-type]
    return english, spanish


# -- number --------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "digits", "options", "english", "spanish"), [
    (0.25, 2, {}, "0.25", "0,25"),               # a weight
    (0.26845, 3, {}, "0.268", "0,268"),          # Part 02's lowest loss
    (0.95 * 100, 1, {}, "95.0", "95,0"),         # an accuracy, in per cent
    (-1.0, 1, {"sign": True}, "-1.0", "-1,0"),   # a bias, signed
    (0.5, 2, {"sign": True}, "+0.50", "+0,50"),
    (-0.3, 2, {"width": 6}, " -0.30", " -0,30"),  # a slider's column
    (12.6, 0, {}, "13", "13"),                   # no decimals: no mark at all
    (1234.5, 1, {}, "1234.5", "1234,5"),         # no thousands separator to misread
])
def test_numbers_are_written_with_the_languages_decimal_mark(
    value: float, digits: int, options: dict[str, bool | int], english: str, spanish: str
) -> None:
    assert in_both(value, digits, **options) == (english, spanish)


@pytest.mark.parametrize("value", [-0.0, -0.004, -1e-17])
@pytest.mark.parametrize("sign", [False, True])
def test_negative_zero_is_written_the_same_way_in_every_language(value: float,
                                                                 sign: bool) -> None:
    """A bias a rounding below zero: one zero, signed alike in English and Spanish."""
    english, spanish = in_both(value, 2, sign=sign, width=6)
    assert spanish == english.replace(".", ",")
    assert english.strip().lstrip("+-") == "0.00" and len(english) == 6


@given(value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
       digits=st.integers(min_value=0, max_value=4), sign=st.booleans(),
       width=st.integers(min_value=0, max_value=12))
def test_spanish_changes_only_the_decimal_mark(value: float, digits: int, sign: bool,
                                              width: int) -> None:
    """Same digits, same sign, same width: a Spanish column lines up as the English one."""
    english, spanish = in_both(value, digits, sign=sign, width=width)
    assert spanish == english.replace(".", ",")
    assert english.count(".") == (1 if digits else 0)
    assert len(spanish) == len(english) >= width
    assert float(english) == pytest.approx(value, abs=10 ** -digits)


def test_the_mark_follows_a_language_change_at_runtime() -> None:
    """The opening's picker switches language mid-session: the next number follows."""
    assert number(0.5) == "0.50"
    set_language("es")
    assert number(0.5) == "0,50"
    set_language("en")
    assert number(0.5) == "0.50"


def test_an_unknown_language_means_english() -> None:
    assert set_language("xx") == SOURCE_LANGUAGE
    assert language() == SOURCE_LANGUAGE
    assert number(0.5) == "0.50"


# -- language_from_environment -------------------------------------------------------

@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "es_MX.UTF-8"}, "es"),
    ({"LANG": "es_ES.UTF-8"}, "es"),
    ({"LANG": "es_ES@euro"}, "es"),
    ({"LANG": "es"}, "es"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    # setlocale(3): LC_ALL beats LC_MESSAGES beats LANG, even when it says C.
    ({"LC_ALL": "C", "LANG": "es_ES.UTF-8"}, None),
    ({"LC_ALL": "C.UTF-8", "LC_MESSAGES": "es_AR.UTF-8"}, None),
    ({"LC_ALL": "es_AR.UTF-8", "LC_MESSAGES": "en_US.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
    ({"LC_MESSAGES": "es_CO.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
    ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "es_CO.UTF-8"}, "en"),
    # An empty variable is unset (as `LC_ALL= neuron-tui` leaves it).
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "es_CL.UTF-8"}, "es"),
    # A locale with no shipped language: no choice, whatever comes after it.
    ({"LANG": "pt_BR.UTF-8"}, None),
    ({"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "es_ES.UTF-8"}, None),
    ({"LANG": "POSIX"}, None),
    ({"LANG": "C.UTF-8"}, None),
    ({}, None),
])
def test_the_locale_names_the_language(environ: dict[str, str], expected: str | None) -> None:
    assert language_from_environment(environ) == expected


def test_the_real_environment_is_read_when_none_is_given(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    assert language_from_environment() == "es"
    monkeypatch.setenv("LC_ALL", "C")
    assert language_from_environment() is None


# -- choose_language -----------------------------------------------------------------

@pytest.mark.parametrize(("flag", "environ", "expected"), [
    ("es", {"LANG": "en_US.UTF-8"}, "es"),        # --lang beats the locale
    ("en", {"LANG": "es_MX.UTF-8"}, "en"),
    ("es", {"LC_ALL": "C"}, "es"),
    (None, {"LANG": "es_MX.UTF-8"}, "es"),        # else the locale
    (None, {"LC_ALL": "C", "LANG": "es_MX.UTF-8"}, "en"),
    (None, {"LANG": "pt_BR.UTF-8"}, "en"),        # else English
    (None, {}, "en"),
    ("", {"LANG": "es_ES.UTF-8"}, "es"),          # an empty --lang is no flag
])
def test_the_flag_beats_the_locale_which_beats_english(
        flag: str | None, environ: dict[str, str], expected: str) -> None:
    assert choose_language(flag, environ) == expected


def test_the_chosen_language_is_always_a_shipped_one() -> None:
    for flag in (None, "es", "en", "xx", "ES"):
        for lang in ("es_ES.UTF-8", "de_DE.UTF-8", "C", ""):
            assert choose_language(flag, {"LANG": lang}) in LANGUAGES
