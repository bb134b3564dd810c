"""The terminal profile: ASCII when the encoding lacks Unicode, no braille on the console."""

from __future__ import annotations

from neuron_tui.terminal import can_encode, detect_profile, too_small


def test_utf8_terminal_gets_unicode_and_braille() -> None:
    profile = detect_profile(environ={"TERM": "xterm-256color"}, encoding="utf-8")
    assert not profile.ascii and profile.braille and not profile.no_color


def test_ascii_encoding_falls_back_to_ascii() -> None:
    profile = detect_profile(environ={"TERM": "xterm"}, encoding="ascii")
    assert profile.ascii and not profile.braille
    assert "ascii" in profile.reason


def test_latin1_cannot_show_the_lessons_glyphs() -> None:
    assert not can_encode("━●σ", "latin-1")
    assert detect_profile(environ={}, encoding="latin-1").ascii


def test_unknown_or_missing_encoding_is_treated_as_ascii() -> None:
    assert detect_profile(environ={}, encoding="no-such-codec").ascii
    assert detect_profile(environ={}, encoding="").ascii


def test_linux_console_keeps_unicode_but_drops_braille() -> None:
    profile = detect_profile(environ={"TERM": "linux"}, encoding="utf-8")
    assert not profile.ascii and not profile.braille
    assert "braille" in profile.reason


def test_flags_and_environment_switches() -> None:
    assert detect_profile(ascii_flag=True, environ={}, encoding="utf-8").ascii
    assert detect_profile(environ={"NEURON_TUI_ASCII": "1"}, encoding="utf-8").ascii
    assert not detect_profile(environ={"NEURON_TUI_ASCII": "0"}, encoding="utf-8").ascii
    assert detect_profile(environ={"NO_COLOR": ""}, encoding="utf-8").no_color
    assert detect_profile(no_color_flag=True, environ={}, encoding="utf-8").no_color
    low = detect_profile(environ={"NEURON_TUI_LOW_BANDWIDTH": "yes"}, encoding="utf-8")
    assert low.low_bandwidth
    assert detect_profile(low_bandwidth_flag=True, environ={}, encoding="utf-8").low_bandwidth


def test_minimum_size() -> None:
    assert too_small(59, 24) and too_small(80, 19) and too_small(40, 12)
    assert not too_small(60, 20) and not too_small(80, 24)
