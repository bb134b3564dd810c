"""The baseline: a bare Textual hello-world app.

It is what any Textual program costs before doing anything (interpreter,
``import textual``, the first frame), the yardstick of ``benchmarks.startup``.
Keep it minimal: no extra imports, no CSS, no plots.

Run it as ``python benchmarks/hello_app.py`` or ``python -m benchmarks.hello_app``;
``q`` quits.
"""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class HelloApp(App[None]):
    """Header, one line of text, footer."""

    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello, world")
        yield Footer()


def main() -> None:
    HelloApp().run()


if __name__ == "__main__":
    main()
