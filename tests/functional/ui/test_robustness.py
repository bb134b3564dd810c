"""Robustness in the app: tiny windows, resizes on every screen, ASCII, crashes."""

from __future__ import annotations

import os

import pytest

from neuron_tui.app import NeuronApp
from neuron_tui.compat import screen_strips
from neuron_tui.screens.dialogs.too_small import TooSmallScreen
from neuron_tui.terminal import TerminalProfile

PAGES = ["opening", "part01", "part02", "part03", "part04", "part05", "part06", "completion"]


async def test_tiny_window_shows_a_notice_and_resumes(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part02")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        message = str(app.screen.query_one("#message").render())
        assert "60x20" in message and "now 50x15" in message
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)
        assert app.current_page == "part02"
        assert app.screen.state.neuron.w1 == pytest.approx(0.1)  # the learner's work is intact


@pytest.mark.parametrize("page", PAGES)
async def test_every_screen_survives_resizes(content, page: str) -> None:  # type: ignore[no-untyped-def]
    from neuron_tui.lesson.proof_training import MoonsSettings
    from neuron_tui.lesson.registry import LESSON

    fast = MoonsSettings(n_samples=60, mlp_epochs=20, neuron_epochs=50)
    lesson = LESSON.with_options("part05", settings=fast)
    app = NeuronApp(content, start_page=page, lesson=lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        for size in ((40, 12), (80, 24), (200, 60), (61, 20), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, TooSmallScreen) == (size == (40, 12))
        await app.workers.wait_for_complete()
        assert app.current_page == page


async def test_resizing_while_training_keeps_training(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part02")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press("t")
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.1)
        await pilot.resize_terminal(80, 24)
        for _ in range(200):
            if not screen.state.training:
                break
            await pilot.pause(0.05)
        assert not screen.state.training
        assert "Converged" in str(screen.query_one("#guidance").render())


async def test_ascii_profile_draws_only_ascii(content) -> None:  # type: ignore[no-untyped-def]
    """Every line of the frame, after the app's line filters, is ASCII and 80 cells wide."""
    from textual.color import Color

    from neuron_tui.glyphs import ASCII, UNICODE, use_glyphs

    use_glyphs(ASCII)
    try:
        app = NeuronApp(content, start_page="part02", profile=TerminalProfile(ascii=True))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("shift+right", "down", "shift+right", "g", "question_mark")
            await pilot.pause()
            filters = app.get_line_filters()
            for strip in screen_strips(app.screen):
                segments = list(strip)
                for line_filter in filters:
                    segments = line_filter.apply(segments, Color(0, 0, 0))
                text = "".join(segment.text for segment in segments)
                assert text.isascii(), text
                assert len(text) == 80
    finally:
        use_glyphs(UNICODE)


async def test_unexpected_error_writes_a_crash_log_and_keeps_progress(
    content, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from neuron_tui.lesson.progress import ProgressStore
    from neuron_tui.screens.parts.part01 import AtomScreen

    store = ProgressStore(tmp_path / "progress.json")
    app = NeuronApp(content, start_page="part01", store=store)

    def boom(self: AtomScreen) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(AtomScreen, "action_cycle_activation", boom)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("n", "p")  # Part 01 done: saved
            await pilot.pause()
            await pilot.press("a")  # the broken action
            await pilot.pause()
    assert app.crash_log is not None and app.crash_log.exists()
    assert "simulated bug" in app.crash_log.read_text()
    # Beside the progress file, not in the default state folder.
    assert app.crash_log.parent == tmp_path
    assert str(tmp_path) != os.environ["NEURON_TUI_STATE_DIR"]
    assert "part01" in store.load().progress.done
