"""`neuron-tui serve ssh`: a classroom SSH server where the only thing that runs is the lesson.

Each SSH session with a pty gets its own lesson process (``python -I -m
neuron_tui``) in its own pty of the requested size, with a clean environment
the server sets; it is forked from a preloaded fork server when one is ready
(:mod:`neuron_tui.serve.forkserver`), and spawned directly otherwise. Nothing
else is possible: commands (exec requests, legacy scp), subsystems (sftp), port
forwarding both ways, agent and X11 forwarding are refused, and the client's
environment variables never reach the lesson.

The server offers zlib compression only (so a plain ``ssh`` client, which
offers ``none,zlib@openssh.com``, ends up compressing) unless
``allow_uncompressed`` adds ``none``. Connections are capped in total and per
client address, counting only learners who have logged in; connections still
logging in are bounded apart from them, and password guessing is slowed per
address (:mod:`neuron_tui.serve.auth`). An unauthenticated connection has
``login_timeout`` seconds to log in, and an authenticated one that opens no
lesson in that time is closed. Behind a balancer, ``proxy_protocol`` makes every
connection start with a PROXY v2 header (:mod:`neuron_tui.serve.ssh_proxy`).

This module starts the server and runs it; the pieces live beside it:
:mod:`~neuron_tui.serve.ssh_config` (the config, the host key),
:mod:`~neuron_tui.serve.ssh_classroom` (what connections share),
:mod:`~neuron_tui.serve.ssh_server` (one connection: login and caps),
:mod:`~neuron_tui.serve.ssh_session` (one lesson), :mod:`~neuron_tui.serve.ssh_proxy`
(the PROXY header) and :mod:`~neuron_tui.serve.ssh_banner` (what the server prints at
start). Their public names are
re-exported here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
from typing import Any

import asyncssh

from neuron_tui.compat import explain_refused_user_names
from neuron_tui.i18n import _
from neuron_tui.serve.forkserver import ForkServer
from neuron_tui.serve.hub import ClassHub
from neuron_tui.serve.names import NAME_REFUSAL
from neuron_tui.serve.ssh_banner import banner, connect_host
from neuron_tui.serve.ssh_classroom import LEARNERS_FOLDER, Classroom
from neuron_tui.serve.ssh_config import (
    HOST_KEY_FILE,
    HostKeyError,
    SSHServeConfig,
    load_host_key,
)
from neuron_tui.serve.ssh_proxy import ProxyAcceptor
from neuron_tui.serve.ssh_server import ClassroomServer
from neuron_tui.serve.ssh_session import LESSON_STOPPED, LessonSession
from neuron_tui.serve.training_service import TrainingService, socket_path_in

__all__ = [
    "HOST_KEY_FILE",
    "LEARNERS_FOLDER",
    "LESSON_STOPPED",
    "Classroom",
    "ClassroomServer",
    "HostKeyError",
    "LessonSession",
    "SSHServeConfig",
    "connect_host",
    "listen_socket",
    "load_host_key",
    "node_name",
    "serve_forever",
    "start_ssh_server",
]

log = logging.getLogger("neuron_tui.serve.ssh")

#: What the server's listener is: asyncssh's own, or the PROXY-header reader's.
Acceptor = asyncssh.SSHAcceptor | ProxyAcceptor


def listen_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on `host`:`port` (its first address), before the server runs.

    Bound first so the port (``--port 0``) is known to name the node before the class
    opens; connections wait in the kernel's queue until the server accepts them.
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def node_name(config: SSHServeConfig, port: int) -> str:
    """This node's name in the class: ``--node``, else this computer's name and the port."""
    return config.node or f"{socket.gethostname()}:{port}"


async def start_ssh_server(
    config: SSHServeConfig,
    classroom: Classroom | None = None,
    sock: socket.socket | None = None,
) -> tuple[Acceptor, Classroom, asyncssh.SSHKey]:
    """Listen for learners; returns the acceptor, the shared classroom and the host key.

    `sock` is a listening socket to serve on (else one is opened on the config's host
    and port). Raises :class:`HostKeyError` for an unusable ``--host-key`` file and
    OSError when the port cannot be listened on.
    """
    key = load_host_key(config.state_dir, config.host_key)
    explain_refused_user_names(asyncssh.connection, _(NAME_REFUSAL))
    if sock is None:
        sock = listen_socket(config.host, config.port)
    classroom = classroom or Classroom(config)
    if classroom.training is None:
        training = TrainingService(socket_path_in(config.state_dir))
        try:
            await training.start()
            classroom.training = training
        except OSError as error:  # lessons then train by themselves, as stand-alone
            log.warning("no shared trainer: %s", error)
    if config.prefork and classroom.forkserver is None:
        # Started after the trainer, so what it imports sees the lessons' own environment.
        forkserver = ForkServer(classroom.learner_argv_env("zygote", "xterm-256color")[1])
        if forkserver.start():
            classroom.forkserver = forkserver
    port = int(sock.getsockname()[1])
    options: dict[str, Any] = dict(
        server_host_keys=[key],
        compression_algs=config.compression_algs,
        login_timeout=config.login_timeout,
        keepalive_interval=config.keepalive_interval,
        keepalive_count_max=config.keepalive_count_max,
        password_auth=config.password is not None,
        # Keys are checked by ClassroomServer.validate_public_key (it learns which one).
        public_key_auth=config.authorized_keys is not None or config.teacher_keys is not None,
        kbdint_auth=False,
        host_based_auth=False,
        gss_host=None,
        gss_kex=False,
        gss_auth=False,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        allow_pty=True,
        line_editor=False,
        encoding=None,
    )
    if config.proxy_protocol:
        acceptor = ProxyAcceptor(
            sock,
            await asyncssh.SSHServerConnectionOptions.construct(**options),
            lambda address: ClassroomServer(classroom, port, address),
            max_pending=config.auth_policy.max_unauthenticated,
        )
        acceptor.start()
        return acceptor, classroom, key

    def factory() -> ClassroomServer:
        return ClassroomServer(classroom, port)

    try:
        ssh_acceptor = await asyncssh.create_server(factory, sock=sock, **options)
    except BaseException:
        sock.close()
        raise
    return ssh_acceptor, classroom, key


async def serve_forever(config: SSHServeConfig, out: Any = None, class_view: bool = False) -> int:
    """Run the server until SIGINT or SIGTERM; end every lesson before returning.

    With `class_view`, the class view runs on this terminal (the log goes to
    ``STATE/serve.log``) and quitting it stops the server.
    """
    from neuron_tui.serve.class_server import (
        ClassServerError,
        close_class,
        open_class,
        start_hub,
    )

    out = out or sys.stdout
    prog = "neuron-tui serve ssh"
    try:
        load_host_key(config.state_dir, config.host_key)  # a bad --host-key: before anything
        sock = listen_socket(config.host, config.port)
    except HostKeyError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"{prog}: " + _("cannot listen on {address}: {error}").format(
                address=f"{config.host}:{config.port}", error=error.strerror or error),
            file=sys.stderr,
        )
        return 1
    node = node_name(config, int(sock.getsockname()[1]))
    try:
        hub = open_class(
            config.state_dir, config.content, config.max_sessions,
            store_url=config.store, node=node,
        )
    except ClassServerError as error:
        sock.close()
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    await start_hub(hub)
    classroom = Classroom(config)
    classroom.hub = hub
    try:
        acceptor, classroom, key = await start_ssh_server(config, classroom, sock)
    except (OSError, HostKeyError) as error:
        await classroom.close()
        await close_class(hub)
        why = error.strerror if isinstance(error, OSError) and error.strerror else error
        print(f"{prog}: " + _("cannot serve on {address}: {error}").format(
            address=f"{config.host}:{config.port}", error=why), file=sys.stderr)
        return 1
    port = acceptor.get_port()
    hub.serving = f"ssh -p {port} NAME@{connect_host(config.host)}"
    lines = banner(config, port, key, node, classroom.learners_dir, hub.listening)
    print("\n".join(lines), file=out, flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    view = None
    try:
        if class_view and hub.listening:
            view = await _start_terminal_view(config, hub, lines, stop)
        await stop.wait()
    finally:
        if view is not None:
            await view.stop()
        acceptor.close()
        await classroom.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(acceptor.wait_closed(), 5)
        await close_class(hub)
    print(_("neuron-tui: server stopped."), file=out, flush=True)
    if view is not None and view.failed:
        print(
            "neuron-tui serve ssh: " + _("the class view stopped (exit {code}); the server's "
                                         "log is {path}").format(
                code=view.returncode, path=config.state_dir / "serve.log"),
            file=sys.stderr,
        )
        return 1
    return 0


async def _start_terminal_view(
    config: SSHServeConfig, hub: ClassHub, banner: list[str], stop: asyncio.Event
) -> Any:
    """The class view on this terminal; the log goes to STATE/serve.log from now on."""
    from neuron_tui.serve.class_server import LOG_FILE, TerminalView, log_to_file

    log_to_file(config.state_dir / LOG_FILE)
    for line in banner:
        log.info("%s", line)
    view = TerminalView(hub.teacher_socket, stop.set)
    await view.start()
    return view

