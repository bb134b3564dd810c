"""The lesson's language: gettext catalogs, the language in use, numbers written for it.

English is the source language: every learner-visible string in the code is English,
wrapped in :func:`_` where it is shown (or marked with :func:`N_` where it is defined as
a constant and translated later, at display time). The catalogs are the standard
library's gettext ``.mo`` files, compiled from the ``.po`` files in
``neuron_tui/locale/<lang>/LC_MESSAGES/`` by Babel (at build time; see
``tools/i18n.py``).

The language can change while the app runs (the opening screen's picker), so nothing
may translate at import time: call :func:`_` when the text is drawn, not when the
module loads. Each lesson is its own process, so one language per process is enough.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "CLASS_LANGUAGE_VARIABLE",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "SOURCE_LANGUAGE",
    "N_",
    "_",
    "choose_language",
    "decimal_mark",
    "in_every_language",
    "language",
    "language_from_environment",
    "ngettext",
    "number",
    "set_language",
]

#: The gettext domain: ``neuron_tui.mo`` in each language's ``LC_MESSAGES``.
DOMAIN = "neuron_tui"
#: Where the catalogs live, inside the package (the wheel carries the compiled ``.mo``).
LOCALE_DIR = Path(__file__).parent / "locale"
#: The language the code and ``content/`` are written in.
SOURCE_LANGUAGE = "en"
#: Every shipped language, by code, with its name written in itself (for the picker).
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
#: Set by `serve ssh` / `serve web` in each lesson's environment: the teacher's language,
#: which a served learner starts in (the client's own locale never reaches the server).
CLASS_LANGUAGE_VARIABLE = "NEURON_TUI_LANG"
#: Languages that write a decimal comma (all others write a point).
_DECIMAL_COMMA = frozenset({"es"})

_translations: dict[str, gettext.NullTranslations] = {}
_current: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def _catalog(code: str) -> gettext.NullTranslations:
    """The compiled catalog of ``code``; an identity catalog for English or if missing."""
    if code not in _translations:
        _translations[code] = (
            gettext.NullTranslations()
            if code == SOURCE_LANGUAGE
            else gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
        )
    return _translations[code]


def set_language(code: str) -> str:
    """Use ``code`` from now on (an unknown code means English); return the code in use."""
    global _current, _language
    code = code if code in LANGUAGES else SOURCE_LANGUAGE
    _current = _catalog(code)
    _language = code
    return code


def language() -> str:
    """The code of the language in use (``"en"``, ``"es"``)."""
    return _language


def _(message: str) -> str:
    """``message`` in the language in use (itself when there is no translation)."""
    return _current.gettext(message)


def in_every_language(message: str) -> list[str]:
    """``message`` as each shipped language writes it, the source first, no repeats.

    For reading text that may be in any language whatever the one in use (content
    of another language than the screens', as in tests, or a quoted answer).
    """
    found: list[str] = []
    for code in LANGUAGES:
        text = _catalog(code).gettext(message)
        if text not in found:
            found.append(text)
    return found


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for the marker)
    """Mark ``message`` for the catalog without translating it yet (module constants)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the language in use."""
    return _current.ngettext(singular, plural, count)


def number(value: float, digits: int = 2, *, sign: bool = False, width: int = 0) -> str:
    """``value`` with ``digits`` decimals as the language writes it: ``0.25`` or ``0,25``.

    ``sign`` always writes ``+`` or ``-``; ``width`` pads on the left (right-aligned),
    like ``f"{value:+{width}.{digits}f}"``.
    """
    return decimal_mark(f"{value:{'+' if sign else ''}{width}.{digits}f}")


def decimal_mark(text: str) -> str:
    """`text` (numbers written with a point, e.g. by plotext) with the language's mark."""
    return text.replace(".", ",") if _language in _DECIMAL_COMMA else text


def language_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The shipped language the environment asks for, if any.

    First ``$NEURON_TUI_LANG`` (:data:`CLASS_LANGUAGE_VARIABLE`: a class server gives its
    lessons the teacher's language to start in), then the POSIX locale (LC_ALL,
    LC_MESSAGES, LANG). ``es_ES.UTF-8``, ``es_MX`` and ``es`` all mean Spanish; ``C``,
    ``POSIX`` and an unshipped language mean no choice (the caller falls back to English).
    """
    environ = os.environ if environ is None else environ
    if environ.get(CLASS_LANGUAGE_VARIABLE, "") in LANGUAGES:
        return environ[CLASS_LANGUAGE_VARIABLE]
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if not value:
            continue
        code = value.split(".")[0].split("@")[0].split("_")[0].lower()
        # The first variable that is set decides, as in setlocale(3): LC_ALL=C means C.
        return code if code in LANGUAGES else None
    return None


def choose_language(flag: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``--lang`` if given, else the locale's language if shipped, else English."""
    if flag:
        return flag if flag in LANGUAGES else SOURCE_LANGUAGE
    return language_from_environment(environ) or SOURCE_LANGUAGE
