"""`neuron-tui serve web` in a real headless Chromium (the system's `chromium` package).

Playwright for Python drives ``/usr/bin/chromium`` (no browser download). The
terminal bytes the page receives over its websocket are fed to a pyte screen,
so the test reads exactly what the browser's terminal draws; a screenshot is
saved under ``tests/e2e/artifacts/`` for people to look at.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyte
import pytest

from benchmarks.ptyharness import default_env
from tests.e2e.conftest import ARTIFACTS, ROOT

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system's Chromium, if installed."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[int]:
    """`neuron-tui serve web` on a free 127.0.0.1 port; yields the port."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "neuron_tui.serve", "web", "--port", str(port)],
        cwd=ROOT,
        env=default_env({"NEURON_TUI_STATE_DIR": str(tmp_path / "state")}),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, "serve web exited"
                assert time.monotonic() < deadline, "serve web did not listen"
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class WebTerminal:
    """What the page's terminal shows: the websocket's terminal bytes fed to pyte."""

    def __init__(self, cols: int = 200, rows: int = 60) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.bytes = 0

    def feed(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.bytes += len(payload)
            self.stream.feed(payload)

    def resize_from(self, url: str) -> None:
        from urllib.parse import parse_qs, urlparse

        query = parse_qs(urlparse(url).query)
        cols = int(query.get("width", ["80"])[0])
        rows = int(query.get("height", ["24"])[0])
        self.screen.resize(rows, cols)

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)


def test_lesson_in_headless_chromium(web_server: int, tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    if executable is None:
        pytest.skip("the system's chromium is not installed: apt-get install chromium")
    terminal = WebTerminal()

    def wait_for(page, text: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while text not in terminal.text:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not shown in the browser:\n{terminal.text}")
            page.wait_for_timeout(100)

    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a new, empty user-data-dir
            executable_path=executable,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1100, "height": 700},
        )
        try:
            page = context.new_page()

            def on_websocket(ws) -> None:  # type: ignore[no-untyped-def]
                terminal.resize_from(ws.url)
                ws.on("framereceived", terminal.feed)

            page.on("websocket", on_websocket)
            page.goto(f"http://127.0.0.1:{web_server}/", wait_until="load")
            wait_for(page, "The neuron")
            page.locator("body").click()  # focus the terminal
            page.keyboard.press("2")
            wait_for(page, "Part 02 · Build a neuron")
            page.wait_for_timeout(700)  # let the plot settle before the picture
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / "serve-web-part02.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
        finally:
            context.close()


def test_the_page_fetches_nothing_from_another_host(web_server: int, tmp_path: Path) -> None:
    """Every request the page makes (fonts, scripts, the websocket) goes to the server."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    if executable is None:
        pytest.skip("the system's chromium is not installed: apt-get install chromium")
    from urllib.parse import urlparse

    terminal = WebTerminal()
    requested: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=executable,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1100, "height": 700},
        )
        try:
            # Every request, and every other host refused (an offline classroom).
            context.on("request", lambda request: requested.append(request.url))
            context.route(
                "**/*",
                lambda route: route.continue_()
                if urlparse(route.request.url).hostname == "127.0.0.1"
                else route.abort(),
            )
            page = context.new_page()

            def on_websocket(ws) -> None:  # type: ignore[no-untyped-def]
                requested.append(ws.url)
                terminal.resize_from(ws.url)
                ws.on("framereceived", terminal.feed)

            page.on("websocket", on_websocket)
            page.goto(f"http://127.0.0.1:{web_server}/", wait_until="load")
            deadline = time.monotonic() + 30
            while "The neuron" not in terminal.text:
                assert time.monotonic() < deadline, f"no lesson in the browser:\n{terminal.text}"
                page.wait_for_timeout(100)
            page.wait_for_load_state("networkidle")
            fonts = page.evaluate("document.fonts.check('16px \"Roboto Mono\"')")
        finally:
            context.close()
    assert requested, "no request recorded"
    elsewhere = [url for url in requested if urlparse(url).netloc != f"127.0.0.1:{web_server}"]
    assert not elsewhere, f"the page fetched from other hosts: {elsewhere}"
    assert any("/fonts/" in url for url in requested), "the font is not served locally"
    assert fonts
