"""The classroom server's login bounds and learner names, without a network."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from neuron_tui.serve.auth import AuthPolicy, LoginGate, PasswordGuard
from neuron_tui.serve.names import UnusableName, check_learner_name, learner_file_name


@dataclass(eq=False)
class Conn:
    address: str


def test_waiting_logins_are_capped_per_address_and_a_new_address_displaces_the_busiest() -> None:
    gate = LoginGate(total=6, per_address=3)
    stalled = [Conn(f"10.0.0.{n % 2}") for n in range(6)]
    assert all(gate.enter(conn) == (True, None) for conn in stalled)
    assert gate.enter(Conn("10.0.0.0")) == (False, None)  # its address is at its cap
    learner = Conn("192.168.1.7")
    admitted, displaced = gate.enter(learner)
    assert admitted and displaced is stalled[0]  # the oldest of a busiest address
    assert len(gate) == 6
    gate.leave(learner)
    gate.leave(learner)  # twice is harmless
    assert len(gate) == 5


def test_wrong_answers_are_spaced_out_per_address_and_then_blocked() -> None:
    now = [0.0]
    guard = PasswordGuard(
        AuthPolicy(first_delay=1, max_delay=8, block_after=5, window=600, block_for=300),
        clock=lambda: now[0],
    )
    # Five parallel guesses at once: answers 1, 2, 4, 8, 8 s after each other.
    waits = [guard.wrong_password("a") for _ in range(5)]
    assert waits == [1, 3, 7, 15, 23]
    assert guard.blocked_for("a") == 300
    assert guard.blocked_for("b") == 0  # other addresses are not affected
    now[0] = 301
    assert guard.blocked_for("a") == 0
    now[0] = 1000  # the window has passed: a typo costs one second again
    assert guard.wrong_password("a") == 1


@pytest.mark.parametrize(
    "group",
    [("a/b", "a_b", "a b"), ("Ådå", "d", "ada"), ("学生", "..", "learner", "学习")],
)
def test_distinct_names_keep_distinct_files(group: tuple[str, ...]) -> None:
    stems = [learner_file_name(name) for name in group]
    assert len(set(stems)) == len(group), stems
    for stem in stems:
        assert stem and not stem.startswith(".") and "/" not in stem


def test_long_names_differing_late_stay_apart_and_case_is_folded() -> None:
    base = "x" * 40
    assert learner_file_name(base + "1") != learner_file_name(base + "2")
    assert learner_file_name("Ada") == learner_file_name("ADA") == "ada"
    assert learner_file_name("Straße") == learner_file_name("STRASSE")
    # A plain name cannot pose as another name's hashed file.
    assert learner_file_name(learner_file_name("a/b")) != learner_file_name("a/b")


@pytest.mark.parametrize("name", ["", "   ", "a\x07b", "x" * 65])
def test_unusable_names_are_refused(name: str) -> None:
    with pytest.raises(UnusableName):
        check_learner_name(name)
