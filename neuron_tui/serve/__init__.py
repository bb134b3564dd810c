"""Teaching a class: the lesson served to many learners at once.

`neuron-tui serve ssh` (:mod:`neuron_tui.serve.ssh`) is a classroom SSH server
that runs one lesson process per learner; `neuron-tui serve web`
(:mod:`neuron_tui.serve.web`) serves the same lesson to browsers with
textual-serve. :mod:`neuron_tui.serve.cli` holds their command lines.
"""

from __future__ import annotations

__all__ = ["add_serve_parser", "run_serve"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # Lazy: `import neuron_tui.serve` must not import asyncssh or aiohttp.
    if name in __all__:
        from neuron_tui.serve import cli

        return getattr(cli, name)
    raise AttributeError(name)
