"""Building the next page while the learner reads (screens/ahead.py).

After a quiet spell the page `n` (on the opening: Enter) opens is composed, mounted,
laid out and rendered off-screen. Nothing shown or recorded changes; entering it then
looks exactly as a normal first visit does and draws none of its plots again; a key,
a language switch, a resize and the teacher's pacing all still win.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot

from neuron_tui.app import NeuronApp
from neuron_tui.i18n import SOURCE_LANGUAGE, set_language
from neuron_tui.lesson.pacing import Pacing
from neuron_tui.lesson.proof_training import MoonsSettings
from neuron_tui.lesson.registry import LESSON
from neuron_tui.screens import ahead
from neuron_tui.screens.parts.part01 import AtomScreen
from neuron_tui.screens.parts.part05 import ProofScreen
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.titlebar import TitleBar
from tests.functional.ui.plot_drawing import count_plot_drawing
from tests.functional.ui.waiting import until

SIZE = (80, 24)
#: Part 05 on a small setting, so a test can wait for its training to end.
FAST = MoonsSettings(n_samples=60, neuron_epochs=60, mlp_epochs=20, report_every=5)


@pytest.fixture(autouse=True)
def short_quiet_spell(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fifth of a second of quiet is enough here (the lesson waits 1.5 s), and a busy
    machine running the tests never defers a build (one test below says it does)."""
    monkeypatch.setattr(ahead, "IDLE_SECONDS", 0.2)
    monkeypatch.setattr(ahead, "BUSY_SHARE", 2.0)
    monkeypatch.delenv(ahead.VARIABLE, raising=False)


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    set_language(SOURCE_LANGUAGE)
    yield
    set_language(SOURCE_LANGUAGE)


@pytest.fixture
def lesson_app(content) -> Callable[..., NeuronApp]:  # type: ignore[no-untyped-def]
    """A lesson at `page`, building ahead or not; Part 05 trains on a small setting."""

    def factory(page: str = "opening", build_ahead: bool = True) -> NeuronApp:
        lesson = LESSON.with_options("part05", settings=FAST)
        return NeuronApp(content, start_page=page, lesson=lesson, build_ahead=build_ahead)

    return factory


async def settled(pilot: Pilot[None]) -> None:
    """Let every message and timer of a key run out (Part 05 trains in a thread)."""
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause(0.3)
    await app.workers.wait_for_complete()
    await pilot.pause(0.3)


async def visited_normally(make: Callable[..., NeuronApp], page: str, keys: list[str],
                           size: tuple[int, int] = SIZE) -> str:
    """What the screen shows after `keys` from `page`, in a lesson that never builds ahead."""
    app = make(page, build_ahead=False)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await settled(pilot)
        return app.export_screenshot()


def key_during_the_build(monkeypatch: pytest.MonkeyPatch, key: str,
                         log: list[str]) -> list[object]:
    """Make `key` arrive while the first build ahead is mounting its page (logged);
    returns the screens built ahead, as they are."""
    start, lay_out = ahead.start_screen_offscreen, ahead.lay_out_offscreen
    built: list[object] = []

    def started(app: App[None], screen: object) -> None:
        log.append("build")
        built.append(screen)
        start(app, screen)
        if log.count("build") == 1:
            app.post_message(events.Key(key, None))  # in the app's queue before the layout

    def laid_out(screen: object, size: object) -> bool:
        log.append("layout")
        return lay_out(screen, size)

    monkeypatch.setattr(ahead, "start_screen_offscreen", started)
    monkeypatch.setattr(ahead, "lay_out_offscreen", laid_out)
    return built


async def test_a_quiet_spell_builds_the_next_page_and_shows_nothing(lesson_app) -> None:  # type: ignore[no-untyped-def]
    app = lesson_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = app.export_screenshot()
        part01 = app.screen
        await until(pilot, lambda: app.ahead.built("part02"))
        part02 = app.get_screen("part02")
        assert part02.is_running and part02 not in app.screen_stack
        assert app.screen is part01 and app.current_page == "part01"
        assert part02.outer_size == app.size
        plots = list(part02.query(PlotView))
        assert plots and all(plot.size.width > 0 and plot.text_lines for plot in plots)
        assert "part02" not in app.progress.visited  # built, not visited
        assert app.export_screenshot() == before
        assert not app.ahead.built("part03")  # one page ahead, no further


async def test_no_page_is_built_when_building_ahead_is_off(lesson_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for app in (lesson_app("part01", build_ahead=False), None):
        if app is None:
            monkeypatch.setenv(ahead.VARIABLE, "0")
            app = lesson_app("part01")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(1.0)
            assert not app.is_screen_installed("part02")


@pytest.mark.parametrize("page, key, size", [
    ("opening", "enter", SIZE),
    ("part01", "n", SIZE),
    ("part02", "n", SIZE),
    ("part03", "n", (120, 30)),  # the lesson text beside the work, mounted at the first layout
    ("part04", "n", SIZE),
    ("part05", "n", SIZE),
    ("part06", "n", (60, 20)),
])
async def test_entering_a_page_built_ahead_shows_what_a_first_visit_shows(  # type: ignore[no-untyped-def]
        lesson_app, monkeypatch, page, key, size) -> None:
    expected = await visited_normally(lesson_app, page, [key], size)
    app = lesson_app(page)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        following = app.likely_next_page()
        assert following is not None
        await settled(pilot)
        await until(pilot, lambda: app.ahead.built(following))
        drawn = count_plot_drawing(monkeypatch)  # plots that build a figure or draw a line
        styled: list[object] = []
        apply = app.stylesheet.apply

        def counted_style(node, *args, **kwargs):  # type: ignore[no-untyped-def]
            styled.append(node)
            return apply(node, *args, **kwargs)

        monkeypatch.setattr(app.stylesheet, "apply", counted_style)
        built = app.get_screen(following)
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is built and app.current_page == following
        # What a return costs: no figure built, no line of a plot drawn, nothing restyled.
        if following != "part05":  # Part 05 draws its figures once trained, after the key
            assert [plot for plot in drawn if plot in built.query(PlotView)] == []
        assert [node for node in styled if node is built or node in built.walk_children()] == []
        await settled(pilot)
        assert following in app.progress.visited
        assert app.export_screenshot() == expected


async def test_a_theme_change_after_the_build_shows_the_page_in_the_new_theme(  # type: ignore[no-untyped-def]
        lesson_app) -> None:
    normal = lesson_app("part01", build_ahead=False)
    async with normal.run_test(size=SIZE) as pilot:
        normal.theme = "textual-light"
        await pilot.press("n")
        await settled(pilot)
        expected = normal.export_screenshot()
    app = lesson_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ahead.built("part02"))
        app.theme = "textual-light"
        await pilot.press("n")
        await settled(pilot)
        assert app.export_screenshot() == expected


async def test_a_key_during_the_build_is_handled_first(lesson_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    expected = await visited_normally(lesson_app, "part01", ["right", "n"])
    log: list[str] = []
    moved = AtomScreen.slider_moved

    def slider_moved(self, slider, value):  # type: ignore[no-untyped-def]
        log.append("key")
        moved(self, slider, value)

    monkeypatch.setattr(AtomScreen, "slider_moved", slider_moved)
    key_during_the_build(monkeypatch, "right", log)
    app = lesson_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "key" in log, 5.0)
        assert log == ["build", "key"]  # the build stopped for the key
        await until(pilot, lambda: app.ahead.built("part02"))  # the next quiet spell ends it
        assert log[:3] == ["build", "key", "layout"]
        assert log.count("build") == 1  # taken up where it stopped, not begun again
        await pilot.press("n")
        await settled(pilot)
        assert app.export_screenshot() == expected


async def test_a_language_switch_drops_the_page_built_ahead(lesson_app) -> None:  # type: ignore[no-untyped-def]
    expected = await visited_normally(lesson_app, "opening", ["i", "enter"])
    set_language(SOURCE_LANGUAGE)
    app = lesson_app("opening")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ahead.built("part01"))
        english = app.get_screen("part01")
        await pilot.press("i")
        await pilot.pause()
        assert not app.ahead.built("part01")
        assert not (app.is_screen_installed("part01") and app.get_screen("part01") is english)
        await until(pilot, lambda: app.ahead.built("part01"))  # built again, in Spanish
        await pilot.press("enter")
        await settled(pilot)
        assert app.screen is not english
        assert "Parte 01" in str(app.screen.query_one(TitleBar).render())
        assert app.export_screenshot() == expected


async def test_a_language_switch_during_the_build_leaves_no_stale_page(lesson_app,  # type: ignore[no-untyped-def]
                                                                       monkeypatch) -> None:
    expected = await visited_normally(lesson_app, "opening", ["i", "enter"])
    set_language(SOURCE_LANGUAGE)
    log: list[str] = []
    built = key_during_the_build(monkeypatch, "i", log)
    app = lesson_app("opening")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "build" in log, 5.0)
        await settled(pilot)
        assert "Idioma" in str(app.screen.query_one("#language").render())
        english = built[0]
        assert not (app.is_screen_installed("part01") and app.get_screen("part01") is english)
        await until(pilot, lambda: app.ahead.built("part01"))  # built again, in Spanish
        assert log.count("build") == 2
        await pilot.press("enter")
        await settled(pilot)
        assert app.current_page == "part01" and app.screen is built[1] is not english
        assert app.export_screenshot() == expected


@pytest.mark.parametrize("wait_after_resize", [False, True])
async def test_a_resize_after_the_build_shows_the_page_at_the_new_size(  # type: ignore[no-untyped-def]
        lesson_app, wait_after_resize) -> None:
    """Entered at once, the page is laid out again on entering; after a quiet spell it
    is built again at the new size beforehand."""
    fresh = lesson_app("part02", build_ahead=False)
    async with fresh.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        expected = fresh.export_screenshot()
    app = lesson_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ahead.built("part02"))
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not app.ahead.built("part02")
        if wait_after_resize:
            await until(pilot, lambda: app.ahead.built("part02"))
        await pilot.press("n")
        await settled(pilot)
        assert app.current_page == "part02"
        assert app.export_screenshot() == expected


async def test_pacing_still_refuses_a_closed_page_built_ahead(lesson_app) -> None:  # type: ignore[no-untyped-def]
    app = lesson_app("part01")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.pacing = Pacing(hold=1)
        await until(pilot, lambda: app.ahead.built("part02"))  # closed, but built: fine
        await pilot.press("n")
        await pilot.pause()
        assert app.current_page == "part01" and app.screen is app.get_screen("part01")
        assert "part02" not in app.progress.visited
        assert "part01" not in app.progress.done
        assert any("Part 02" in str(toast.render()) for toast in app.screen.query("Toast"))


async def test_part05_built_ahead_does_not_train_until_entered(lesson_app) -> None:  # type: ignore[no-untyped-def]
    imported_before = "sklearn" in sys.modules  # another test may have imported it
    app = lesson_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ahead.built("part05"))
        await pilot.pause(0.3)
        assert imported_before or "sklearn" not in sys.modules
        proof = app.get_screen("part05")
        assert isinstance(proof, ProofScreen)
        assert not proof.state.training and not list(app.workers)
        assert str(proof.query_one("#legend").render()) == ""  # no result: nothing trained
        await pilot.press("n")
        await settled(pilot)
        assert not proof.state.training
        assert "moons" in str(proof.query_one("#legend").render())  # trained once entered


async def test_nothing_is_built_while_a_run_animates(lesson_app) -> None:  # type: ignore[no-untyped-def]
    app = lesson_app("part02")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        screen = app.screen
        await pilot.pause(0.5)
        run = screen.animated_run
        if run is not None and run.running:  # a run lasts seconds: still going
            assert not app.is_screen_installed("part03")
        await until(pilot, lambda: app.ahead.built("part03"))
        assert app.screen is screen


async def test_a_contended_machine_defers_the_build_until_a_quieter_spell(  # type: ignore[no-untyped-def]
        lesson_app, monkeypatch) -> None:
    monkeypatch.setattr(ahead, "BUSY_SHARE", 0.3)
    contention = [0.9]
    app = lesson_app("part01")
    # Before the app runs: its first quiet spell may come before run_test hands over.
    app.ahead.pressure = lambda: contention[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(1.0)  # several quiet spells, each on a contended machine
        assert not app.is_screen_installed("part02")
        contention[0] = 0.05
        await until(pilot, lambda: app.ahead.built("part02"))
        assert app.current_page == "part01"
