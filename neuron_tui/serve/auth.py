"""Who may try to log in, and how often: the classroom server's guard against outsiders.

:class:`LoginGate` bounds the connections that have not logged in yet, apart
from the class itself (which counts only learners who have logged in): at most
``per_address`` from one client address and ``total`` in all. When the total is
reached, a connection from an address with fewer waiting connections takes the
place of the oldest one from the address holding the most, so a few addresses
that stall at the password prompt can never keep a new address out.

:class:`PasswordGuard` limits password guessing per client address: each wrong
answer waits longer than the one before (1 s, 2 s, 4 s ... up to a cap), wrong
answers to one address are given one after another even over many parallel
connections, and after ``block_after`` wrong passwords within ``window``
seconds the address may not log in for ``block_for`` seconds. Together with
three attempts per connection this turns about 40 guesses a second into about
ten per quarter of an hour from one address.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

__all__ = ["AuthPolicy", "LoginGate", "PasswordGuard", "Throttle"]


class _Waiting(Protocol):
    address: str


@dataclass(frozen=True)
class AuthPolicy:
    """The numbers behind the guard (tests shrink them; the defaults are the server's)."""

    #: Password attempts one connection may make before it is closed.
    attempts_per_connection: int = 3
    #: Wait before the first wrong answer to an address; doubled for each further one.
    first_delay: float = 1.0
    #: The longest wait before a wrong answer.
    max_delay: float = 30.0
    #: Wrong passwords from one address within `window` seconds that block it.
    block_after: int = 10
    window: float = 600.0
    #: How long a blocked address may not log in.
    block_for: float = 600.0
    #: Connections not logged in yet, in all (per address: the server's --max-per-address).
    max_unauthenticated: int = 64


class LoginGate:
    """Counts connections that have not logged in yet; see the module docstring."""

    def __init__(self, total: int, per_address: int) -> None:
        self.total = total
        self.per_address = per_address
        self._waiting: dict[str, list[_Waiting]] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def waiting_from(self, address: str) -> int:
        """Connections from `address` that have not logged in yet."""
        return len(self._waiting.get(address, ()))

    def enter(self, who: _Waiting) -> tuple[bool, _Waiting | None]:
        """Let `who` start logging in: (admitted, a connection it displaced or None)."""
        mine = self.waiting_from(who.address)
        if mine >= self.per_address:
            return False, None
        displaced: _Waiting | None = None
        if self._count >= self.total:
            busiest = max(self._waiting, key=lambda address: len(self._waiting[address]))
            if len(self._waiting[busiest]) <= mine + 1:
                return False, None
            displaced = self._waiting[busiest][0]
            self.leave(displaced)
        self._waiting.setdefault(who.address, []).append(who)
        self._count += 1
        return True, displaced

    def leave(self, who: _Waiting) -> None:
        """`who` logged in or went away (safe to call for one that never entered)."""
        queue = self._waiting.get(who.address)
        if queue is None or who not in queue:
            return
        queue.remove(who)
        self._count -= 1
        if not queue:
            del self._waiting[who.address]


class PasswordGuard:
    """Per-address backoff and blocking for wrong passwords; see the module docstring."""

    #: Addresses remembered at most (the oldest are forgotten first).
    MAX_ADDRESSES = 10_000

    def __init__(self, policy: AuthPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._last_answer: dict[str, float] = {}
        self._blocked_until: dict[str, float] = {}

    def blocked_for(self, address: str) -> float:
        """Seconds until `address` may log in again (0 when it may now)."""
        until = self._blocked_until.get(address)
        if until is None:
            return 0.0
        left = until - self._clock()
        if left <= 0:
            del self._blocked_until[address]
            return 0.0
        return left

    def failures(self, address: str) -> int:
        """Wrong passwords from `address` within the window."""
        self._forget_old(address)
        return len(self._failures.get(address, ()))

    def wrong_password(self, address: str) -> float:
        """Record a wrong password; returns the seconds to wait before saying so.

        Wrong answers to one address are spaced out one after another, so parallel
        connections guess no faster than one.
        """
        now = self._clock()
        self._forget_old(address)
        failures = self._failures.setdefault(address, deque())
        failures.append(now)
        count = len(failures)
        delay = min(self.policy.first_delay * 2 ** (count - 1), self.policy.max_delay)
        answer_at = max(now, self._last_answer.get(address, now)) + delay
        self._last_answer[address] = answer_at
        if count >= self.policy.block_after:
            self._blocked_until[address] = now + self.policy.block_for
        self._bound_memory()
        return answer_at - now

    def _forget_old(self, address: str) -> None:
        failures = self._failures.get(address)
        if failures is None:
            return
        horizon = self._clock() - self.policy.window
        while failures and failures[0] < horizon:
            failures.popleft()
        if not failures:
            del self._failures[address]
            self._last_answer.pop(address, None)

    def _bound_memory(self) -> None:
        # Dicts keep insertion order: the first keys are the addresses heard of longest ago.
        for table in (self._failures, self._last_answer, self._blocked_until):
            while len(table) > self.MAX_ADDRESSES:
                del table[next(iter(table))]


class Throttle:
    """Says whether a log line about `key` may be written: at most once every `every` s."""

    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self._clock = clock
        self._last: dict[str, float] = {}

    def allow(self, key: str) -> bool:
        """True (and remember now) when `key` was not logged within the last `every` s."""
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.every:
            return False
        if len(self._last) >= 1000:
            self._last.clear()
        self._last[key] = now
        return True
