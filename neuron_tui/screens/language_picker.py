"""The language picker of the opening: the line that shows it, and the switch itself.

"Language: English  [i] Español" is how a learner picks a language, and the only way
over `serve ssh` and `serve web`, where their own locale never reaches the lesson.
`i` switches at once: the app loads the language's content and catalog, the choice is
saved with the progress (so the next start, here or on the class server, opens in
it), the other pages, built in the old language, are dropped to be built again when
visited, and the opening is composed anew.
"""

from __future__ import annotations

from typing import Protocol, cast

from textual.content import Content
from textual.screen import Screen

from neuron_tui.i18n import LANGUAGES, _, language
from neuron_tui.screens.host import LessonHost

#: The key that switches the language (bound on no page, so it means one thing).
LANGUAGE_KEY = "i"


class LanguageHost(LessonHost, Protocol):
    """What the picker needs of the app beyond a page's needs."""

    def use_language(self, code: str) -> str | None: ...
    def save_progress(self) -> None: ...
    def pages_dropped(self) -> None: ...


def next_language(code: str) -> str:
    """The language after `code` in the picker's round (English, Español, English...)."""
    codes = list(LANGUAGES)
    return codes[(codes.index(code) + 1) % len(codes)] if code in codes else codes[0]


def language_line() -> Content:
    """"Language: English  [i] Español": the language in use and the key to change it."""
    here = _("Language: {name}").format(name=LANGUAGES[language()])
    other = LANGUAGES[next_language(language())]
    return Content.assemble((here, "$text-muted"), "  ", (f"[{LANGUAGE_KEY}]", "bold"),
                            f" {other}")


async def switch_language(page: Screen[None], key: str) -> bool:
    """Show the lesson in the next language, from the page `key` (kept: it is on screen,
    the caller composes it again). False, the learner told why, if that cannot load."""
    host = cast(LanguageHost, page.app)
    code = next_language(language())
    problem = host.use_language(code)
    if problem is not None:
        page.notify(problem, severity="warning", timeout=8)
        return False
    host.progress.lang = code
    host.save_progress()
    app = page.app
    for spec in host.lesson.pages:
        if spec.key == key or not app.is_screen_installed(spec.key):
            continue
        screen = app.get_screen(spec.key)
        if screen not in app.screen_stack:
            app.uninstall_screen(spec.key)
            await screen.remove()
    host.pages_dropped()
    return True
