"""The page `serve web` sends browsers: textual-serve's own, fetching nothing from elsewhere.

textual-serve's page template loads its font from fonts.googleapis.com: an
offline classroom gets a failed request on every page load, and every
learner's browser tells that host it is in the lesson. textual-serve already
ships the same font (Roboto Mono) among its static files, so the page made
here is its template with that link replaced by an ``@font-face`` rule naming
the server's own copy (and the browser's monospace font as the fallback).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

__all__ = ["THIRD_PARTY_LINK", "local_page", "write_local_templates"]

#: A <link> element whose address is on another host (http://, https:// or //).
THIRD_PARTY_LINK = re.compile(r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*/?>", re.DOTALL)

_LOCAL_FONT = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf");
        font-weight: 100 700;
        font-style: normal;
      }
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf");
        font-weight: 100 700;
        font-style: italic;
      }
    </style>"""


def local_page(template: str) -> str:
    """`template` with every third-party <link> removed and the local font declared."""
    stripped, removed = THIRD_PARTY_LINK.subn("", template)
    if removed:
        stripped = stripped.replace("</head>", _LOCAL_FONT + "\n  </head>", 1)
    return stripped


def write_local_templates(textual_serve_templates: Path) -> Path:
    """A new folder holding textual-serve's templates made local; returns its path.

    The folder is made once per server start in the temporary folder (textual-serve
    reads templates from a folder, not from strings).
    """
    folder = Path(tempfile.mkdtemp(prefix="neuron-tui-web-"))
    for source in textual_serve_templates.glob("*.html"):
        (folder / source.name).write_text(
            local_page(source.read_text(encoding="utf-8")), encoding="utf-8"
        )
    return folder
