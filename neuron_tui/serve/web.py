"""`neuron-tui serve web`: the lesson in a browser, one lesson process per tab (textual-serve).

textual-serve starts ``python -I -m neuron_tui.web_lesson`` for every
browser tab that opens the page and relays its terminal over a websocket; that
command gets its lesson forked from the server's preloaded fork server
(:class:`neuron_tui.serve.web_forkserver.LauncherForkServer`). It
listens on 127.0.0.1 unless told otherwise; on any other address anyone who
reaches the port gets a lesson (a process on this computer), so the command
warns and suggests a reverse proxy with TLS and a login in front. The page
fetches nothing from any other host (:mod:`neuron_tui.serve.webpage`).
"""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from neuron_tui.i18n import CLASS_LANGUAGE_VARIABLE, N_, _, language
from neuron_tui.serve.state import is_loopback
from neuron_tui.serve.training_service import ServiceThread, socket_path_in
from neuron_tui.serve.web_forkserver import LauncherForkServer

__all__ = ["lesson_command", "public_url_for", "serve_web"]

#: Printed when serving beyond this computer (translated where it is printed).
EXPOSED_WARNING = N_(
    "neuron-tui serve web: warning: listening on {host}, not 127.0.0.1: anyone who can "
    "reach port {port} gets a lesson (a process on this computer), with no login and no "
    "encryption. For a class, keep the default 127.0.0.1 and put a reverse proxy with TLS "
    "and a login (e.g. Caddy or nginx with basic auth) in front, passing websockets "
    "through; give it --public-url https://your.host/."
)


def lesson_command(content: Path | None = None) -> str:
    """The shell command textual-serve runs for each tab."""
    argv = [sys.executable, "-I", "-m", "neuron_tui.web_lesson"]
    if content is not None:
        argv += ["--content", str(content)]
    return shlex.join(argv)


def public_url_for(host: str, port: int) -> str:
    """Where browsers reach the server when nothing else is said."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve_web(
    host: str = "127.0.0.1",
    port: int = 8000,
    public_url: str | None = None,
    content: Path | None = None,
    low_bandwidth: bool = False,
    state_dir: Path | None = None,
    class_view: bool = False,
    prefork: bool = True,
    store: str | None = None,
    node: str | None = None,
) -> int:
    """Serve the lesson until Ctrl+C; returns the exit code.

    With `state_dir`, the tabs' lessons report to the class hub (anonymous learners,
    ``web 1``, ``web 2`` …) and get its pacing; with `class_view` as well, the class
    view runs on this terminal and quitting it stops the server. With `prefork`, each
    tab's lesson is forked from a preloaded process; without, each tab's command
    imports and runs the lesson itself. `store` is the class store's address (``--store``;
    None: ``$NEURON_TUI_STORE``, else the state folder's SQLite file): one that cannot be
    opened is exit code 1, since a node without the school's store would keep progress
    nobody else sees. `node` names this server in the class view (default host:port).
    """
    import os
    import shutil

    import textual_serve
    from textual_serve.server import Server

    from neuron_tui.serve.webpage import write_local_templates

    if not is_loopback(host):
        print(_(EXPOSED_WARNING).format(host=host, port=port), file=sys.stderr, flush=True)
    # textual-serve hands its own environment to each lesson: keep it predictable.
    for name in ("TEXTUAL_THEME", "NO_COLOR", "COLUMNS", "LINES"):
        os.environ.pop(name, None)
    os.environ["NEURON_TUI_WEB"] = "1"
    # Every tab starts in the teacher's language (as over SSH); the learner may pick another.
    os.environ[CLASS_LANGUAGE_VARIABLE] = language()
    if low_bandwidth:
        os.environ["NEURON_TUI_LOW_BANDWIDTH"] = "1"
    url = (public_url or public_url_for(host, port)).rstrip("/")
    node = node or f"{socket.gethostname()}:{port}"
    hub_thread = _start_hub(state_dir, content, url, class_view, store, node) if state_dir else None
    if state_dir and hub_thread is None and _shared_store(store):
        return 1  # _start_hub said why
    if hub_thread is not None and hub_thread.hub.listening:
        # textual-serve gives every tab's lesson a copy of this environment.
        os.environ["NEURON_TUI_CLASS_SOCKET"] = str(hub_thread.hub.lesson_socket)
        os.environ["NEURON_TUI_CLASS_TOKEN"] = hub_thread.hub.open_door()
    templates = write_local_templates(Path(textual_serve.__file__).parent / "templates")
    # The class's shared trainer (Parts 04 and 05): every tab's lesson finds its socket
    # in the environment textual-serve hands on.
    training = ServiceThread(socket_path_in(None))
    try:
        os.environ.update(training.start())
    except (OSError, TimeoutError) as error:
        print("neuron-tui serve web: " + _("no shared trainer ({error}); each lesson trains "
                                           "by itself").format(error=error), file=sys.stderr)
    # Each tab's lesson is forked from a preloaded process: the tab's command only asks.
    forkserver = LauncherForkServer(os.environ) if prefork else None
    if forkserver is not None:
        os.environ.update(forkserver.start())
    server = Server(
        lesson_command(content),
        host=host,
        port=port,
        title="neuron-tui: the neuron",
        public_url=url,
        templates_path=templates,
    )
    if hub_thread is not None and hub_thread.view is not None:
        # The class view holds this terminal: textual-serve's own words go to the log.
        from rich.console import Console

        server.console = Console(file=_log_file(state_dir), force_terminal=False)
    try:
        server.serve()
    except OSError as error:
        print(
            "neuron-tui serve web: " + _("cannot listen on {address}: {error}").format(
                address=f"{host}:{port}", error=error.strerror or error),
            file=sys.stderr,
        )
        return 1
    finally:
        if forkserver is not None:
            forkserver.stop()
        training.stop()
        shutil.rmtree(templates, ignore_errors=True)
        if hub_thread is not None:
            hub_thread.stop()
    return 0


def _start_hub(
    state_dir: Path, content: Path | None, url: str, class_view: bool, store: str | None,
    node: str,
) -> Any:
    """The class hub in its own thread (None, and why on stderr, if the store cannot open)."""
    import os
    import signal

    from neuron_tui.serve.class_server import ClassServerError, HubThread

    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        thread = HubThread(
            state_dir,
            content,
            serving=url,
            class_view=class_view,
            # Quitting the view stops the server, as Ctrl+C does.
            on_view_exit=lambda: os.kill(os.getpid(), signal.SIGTERM),
            store_url=store,
            node=node,
        )
    except (ClassServerError, OSError) as error:
        if _shared_store(store):
            print(f"neuron-tui serve web: {error}", file=sys.stderr)
        else:
            print("neuron-tui serve web: " + _("no class view or pacing: {error}").format(
                error=error), file=sys.stderr)
        return None
    if class_view:
        print(_("neuron-tui: serving the lesson to browsers at {url}").format(url=url),
              flush=True)
    thread.start()
    return thread


def _shared_store(store: str | None) -> bool:
    """Whether a store other than the state folder's SQLite file was asked for."""
    import os

    return bool(store or os.environ.get("NEURON_TUI_STORE", "").strip())


def _log_file(state_dir: Path) -> Any:
    from neuron_tui.serve.class_server import LOG_FILE

    # Left open for the server's whole life: the console writes to it until the end.
    return open(state_dir / LOG_FILE, "a", encoding="utf-8")
