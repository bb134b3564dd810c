"""Hatch build hook: compile the gettext catalogs into the wheel.

The ``.po`` files are in git; the compiled ``neuron_tui.mo`` beside them is not (it is
built, like any binary). Every wheel build, editable installs included, compiles
them with Babel (a ``[build-system].requires``) into ``neuron_tui/locale/`` and
declares them artifacts, since hatch otherwise skips files git ignores.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _load_catalogs(root: Path) -> ModuleType:
    """neuron_tui/catalogs.py by path: the package's dependencies are not installed yet."""
    path = root / "neuron_tui" / "catalogs.py"
    spec = importlib.util.spec_from_file_location("_neuron_tui_catalogs", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]
    """Compile every language's ``.po`` files into its ``neuron_tui.mo`` before a wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile, then list each ``.mo`` as an artifact of the wheel."""
        if self.target_name != "wheel":
            return  # the sdist carries the .po files; its wheel compiles them
        root = Path(self.root)
        catalogs = _load_catalogs(root)
        locale_dir = root / "neuron_tui" / "locale"
        try:
            written = catalogs.compile_all(locale_dir)
        except catalogs.CatalogError as error:
            raise RuntimeError(
                "the translation catalogs do not compile:\n" + "\n".join(error.problems)
            ) from None
        build_data["artifacts"].extend(path.relative_to(root).as_posix() for path in written)
