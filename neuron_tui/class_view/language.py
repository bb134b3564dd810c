"""The class view in the teacher's language: its footer's key descriptions translated.

Textual merges a class's BINDINGS once, when the class is defined, and its Footer
shows their descriptions as they are. Translating them at import would fix the
language before `--lang` is read (and keep it for the whole process); so the view
is built from a subclass whose BINDINGS are translated, made once per language after
the language is chosen. The tests can then open the view in two languages in one
process, and the English class stays exactly as it was.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

from neuron_tui.class_view.app import ClassViewApp
from neuron_tui.i18n import _, language

__all__ = ["class_view_app"]


def class_view_app(socket_path: Path, **options: Any) -> ClassViewApp:
    """A class view whose texts and footer read in the language in use (set it first)."""
    return _app_class(language())(socket_path, **options)


@functools.cache
def _app_class(code: str) -> type[ClassViewApp]:
    """ClassViewApp with its key descriptions in `code` (the language in use: the cache key)."""
    bindings = [dataclasses.replace(binding, description=_(binding.description))
                for binding in ClassViewApp.BINDINGS]
    # The same name, so CSS type selectors and the snapshots' titles stay as they were.
    return type(ClassViewApp.__name__, (ClassViewApp,),
                {"BINDINGS": bindings, "__module__": __name__})
