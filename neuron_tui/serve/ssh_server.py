"""One client connection of `serve ssh`: :class:`ClassroomServer`, logging in and the caps.

It checks the learner's name, the class password or key (a `teacher` name only with
a ``--teacher-keys`` key), counts the connection against the class caps once it has
logged in, and allows at most one session: the lesson. Forwarding of every kind is
refused. Its :attr:`~ClassroomServer.address` is the learner's: the TCP peer, or the
address a balancer's PROXY header gave (``--proxy-protocol``).
"""

from __future__ import annotations

import asyncio
import hmac
import logging

import asyncssh

from neuron_tui.i18n import _, ngettext
from neuron_tui.serve.names import NAME_REFUSAL, UnusableName, check_learner_name
from neuron_tui.serve.ssh_classroom import Classroom
from neuron_tui.serve.ssh_session import LessonSession
from neuron_tui.serve.teacher import NAME_RESERVED, is_teacher_name, key_allowed

__all__ = ["ClassroomServer"]

log = logging.getLogger("neuron_tui.serve.ssh")


class ClassroomServer(asyncssh.SSHServer):
    """One client connection: authentication, caps, and at most one lesson session."""

    def __init__(self, classroom: Classroom, port: int, address: str | None = None) -> None:
        self.classroom = classroom
        self.config = classroom.config
        self.port = port
        self.conn: asyncssh.SSHServerConnection | None = None
        #: The learner's address: the PROXY header's source when a balancer gave one.
        self.address = address or "?"
        self._proxied = address is not None
        self.username = "learner"
        self.session: LessonSession | None = None
        self._idle: asyncio.TimerHandle | None = None
        self._wrong_passwords = 0
        #: Logging in as `teacher`: only a --teacher-keys key, and the class view.
        self.is_teacher = False
        #: The SHA256 fingerprint of the key that logged in (None: a password, or none).
        self.fingerprint: str | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        if peer and not self._proxied:
            self.address = str(peer[0])
        admitted, displaced = self.classroom.logging_in.enter(self)
        if not admitted:
            if self.classroom.log_throttle.allow("busy " + self.address):
                log.info("too many connections logging in from %s; closing new ones", self.address)
            # Before the SSH greeting nothing can be said: just close.
            asyncio.get_running_loop().call_soon(conn.abort)
        elif isinstance(displaced, ClassroomServer) and displaced.conn is not None:
            displaced.conn.disconnect(
                asyncssh.DISC_TOO_MANY_CONNECTIONS,
                _("neuron-tui: the server is busy with logins; please try again"),
            )

    def connection_lost(self, exc: Exception | None) -> None:
        if isinstance(exc, asyncssh.ProtocolNotSupported) and not self.config.proxy_protocol:
            # Its first line was no SSH version: a balancer's PROXY header, most often.
            if self.classroom.log_throttle.allow("not ssh " + self.address):
                log.info(
                    "refused a connection from %s: it did not start as SSH (a PROXY protocol "
                    "header? behind a balancer with send-proxy-v2, start serve ssh with "
                    "--proxy-protocol)",
                    self.address,
                )
        if self._idle is not None:
            self._idle.cancel()
        self.classroom.logging_in.leave(self)
        self.classroom.release(self)
        if self.session is not None:
            self.session.connection_lost(exc)

    def _refuse(self, code: int, reason: str) -> None:
        assert self.conn is not None
        self.conn.disconnect(code, reason)

    def begin_auth(self, username: str) -> bool:
        self.username = username
        try:
            check_learner_name(username)
        except UnusableName as error:
            log.info("refused the name %r from %s: %s", username, self.address, error)
            self._refuse(asyncssh.DISC_ILLEGAL_USER_NAME, _(NAME_REFUSAL))
            return True
        if is_teacher_name(username):
            if self.classroom.teacher_keys is None:
                log.info("refused the name %r from %s: reserved", username, self.address)
                self._refuse(asyncssh.DISC_ILLEGAL_USER_NAME, _(NAME_RESERVED))
                return True
            # Only a teacher key opens it: never a password, never the no-auth loopback.
            self.is_teacher = True
            return True
        blocked = self.classroom.passwords.blocked_for(self.address)
        if blocked and self.password_auth_supported():
            if self.classroom.log_throttle.allow("blocked " + self.address):
                log.info("refused %s: blocked after wrong passwords", self.address)
            minutes = max(1, round(blocked / 60))
            self._refuse(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                ngettext("neuron-tui: too many wrong passwords from your address; "
                         "try again in {n} minute",
                         "neuron-tui: too many wrong passwords from your address; "
                         "try again in {n} minutes", minutes).format(n=minutes),
            )
            return True
        return self.config.auth_required

    def password_auth_supported(self) -> bool:
        return self.config.password is not None and not self.is_teacher

    def public_key_auth_supported(self) -> bool:
        keys = self.classroom.teacher_keys if self.is_teacher else self.classroom.learner_keys
        return keys is not None

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        keys = self.classroom.teacher_keys if self.is_teacher else self.classroom.learner_keys
        if not key_allowed(keys, key, self.address):
            return False
        fingerprint = key.get_fingerprint("sha256")
        hub = self.classroom.hub
        # The name is bound to its first key here, where asyncssh can wait: the check
        # goes through the hub's store worker, so a slow class store never holds up
        # the other learners' keys (auth_completed cannot wait).
        if not self.is_teacher and hub is not None and not await hub.bind_key(
            username, fingerprint
        ):
            log.info("refused %r from %s: another key's name", username, self.address)
            self._refuse(
                asyncssh.DISC_ILLEGAL_USER_NAME,
                _("neuron-tui: the name {name} is already used by another learner's key; "
                  "log in with your own name").format(name=repr(username)),
            )
            return False
        # The client signs with the key it just offered: the last one accepted logs in.
        self.fingerprint = fingerprint
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        expected = self.config.password
        passwords = self.classroom.passwords
        if passwords.blocked_for(self.address):
            self._refuse(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                _("neuron-tui: too many wrong passwords from your address; try again later"),
            )
            return False
        if expected is not None and hmac.compare_digest(password.encode(), expected.encode()):
            return True
        self._wrong_passwords += 1
        policy = self.config.auth_policy
        delay = passwords.wrong_password(self.address)
        # Never the attempted password: a near miss would put the class code in the log.
        log.info(
            "wrong password for %r from %s (attempt %d of %d; %d from this address lately)",
            username,
            self.address,
            self._wrong_passwords,
            policy.attempts_per_connection,
            passwords.failures(self.address),
        )
        await asyncio.sleep(delay)
        if self._wrong_passwords >= policy.attempts_per_connection:
            self._refuse(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                _("neuron-tui: wrong class password; check it and connect again"),
            )
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def auth_completed(self) -> None:
        # Only now does the connection count against the class caps.
        self.classroom.logging_in.leave(self)
        if self.is_teacher:
            # The teacher is not one of the learners: a full class never locks them out.
            log.info("the teacher logged in from %s (%s)", self.address, self.fingerprint)
            return
        reason = self.classroom.admit(self)
        if reason is not None:
            log.info("turned away %r from %s: %s", self.username, self.address, reason)
            self._refuse(asyncssh.DISC_TOO_MANY_CONNECTIONS, reason)
            return
        # Only a lesson session may keep a connection open: close one that opens none.
        self._idle = asyncio.get_running_loop().call_later(
            self.config.login_timeout, self._close_if_idle
        )

    def _close_if_idle(self) -> None:
        self._idle = None
        if self.session is None and self.conn is not None:
            log.info("closed a connection from %s that opened no lesson", self.address)
            self.conn.disconnect(
                asyncssh.DISC_BY_APPLICATION, _("neuron-tui: this server only runs the lesson")
            )

    def session_started(self) -> None:
        """A lesson is running on this connection."""
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def session_requested(self) -> LessonSession | bool:
        if self.session is not None:
            return False  # one session (one lesson) per connection
        self.session = LessonSession(self)
        return self.session

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        log.info("refused forwarding to %s:%s from %s", dest_host, dest_port, self.address)
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("refused remote forwarding of port %s from %s", listen_port, self.address)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False

    def tun_requested(self, unit: int | None) -> bool:
        return False

    def tap_requested(self, unit: int | None) -> bool:
        return False
