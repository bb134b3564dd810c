"""The lesson's side of the shared trainer: the fitted model it is sent gives exactly
scikit-learn's probabilities, messages round-trip, bad ones are refused, and a lesson
with no service (or a broken one) trains by itself."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from neuron_tui.lesson import shared_training
from neuron_tui.lesson.proof_training import MoonsResult, MoonsSettings, run
from neuron_tui.lesson.shared_training import (
    ServiceUnavailable,
    moons_message,
    moons_result,
    moons_settings,
    train_both,
    train_both_shared,
)
from neuron_tui.lesson.training_protocol import SOCKET_ENV, encode
from neuron_tui.model.moons import ReluNetwork

#: Small and quick (the shape of the lesson's experiment, fewer points and epochs).
FAST = MoonsSettings(n_samples=60, neuron_epochs=60, mlp_epochs=30, hidden_units=8,
                     report_every=5)


@pytest.fixture(scope="module")
def fast_result() -> MoonsResult:
    return run(FAST)


def grid() -> np.ndarray:
    xs, ys = np.meshgrid(np.linspace(-2.5, 3.5, 41), np.linspace(-2, 2.5, 37))
    return np.column_stack([xs.ravel(), ys.ravel()])


def test_relu_network_equals_sklearns_predict_proba(fast_result: MoonsResult) -> None:
    classifier = fast_result.mlp.model
    network = ReluNetwork(tuple(classifier.coefs_), tuple(classifier.intercepts_))
    points = grid()
    expected = classifier.predict_proba(points)[:, 1]
    assert np.max(np.abs(network.proba(points) - expected)) <= 1e-12


def test_a_result_message_round_trips_through_json(fast_result: MoonsResult) -> None:
    message = json.loads(json.dumps(moons_message(fast_result)))
    again = moons_result(FAST, message)
    for name in ("neuron", "mlp"):
        sent, got = getattr(fast_result, name), getattr(again, name)
        assert (got.train_accuracy, got.test_accuracy, got.loss, got.iterations) == (
            sent.train_accuracy, sent.test_accuracy, sent.loss, sent.iterations)
        assert np.max(np.abs(got.proba(grid()) - sent.proba(grid()))) <= 1e-12
    assert np.array_equal(again.data.X, fast_result.data.X)
    assert np.array_equal(again.data.test, fast_result.data.test)


def test_a_malformed_result_is_refused(fast_result: MoonsResult) -> None:
    message = moons_message(fast_result)
    message["mlp"]["coefs"] = message["mlp"]["coefs"][:1]  # layers that do not chain
    with pytest.raises(ValueError, match="malformed"):
        moons_result(FAST, message)


@pytest.mark.parametrize("change", [
    {"hidden_units": 5},  # not a size the lesson's - and + reach
    {"noise": 0.123},
    {"mlp_epochs": 100_000},  # a heavy job no learner can ask for
    {"seed": True},
])
def test_settings_other_than_the_lessons_are_refused(change: dict[str, object]) -> None:
    settings = shared_training.moons_request(MoonsSettings())["settings"] | change
    with pytest.raises(ValueError):
        moons_settings({"settings": settings})


def test_the_lessons_own_settings_are_accepted() -> None:
    settings = MoonsSettings().with_noise(0.35).with_hidden_units(64)
    request = json.loads(json.dumps(shared_training.moons_request(settings)))
    assert moons_settings(request) == settings


def test_no_socket_means_training_here() -> None:
    assert not shared_training.shared({})
    updates = list(train_both(FAST, {}))
    assert isinstance(updates[-1], MoonsResult)


def test_a_missing_service_falls_back_to_training_here(tmp_path: Path) -> None:
    environ = {SOCKET_ENV: str(tmp_path / "gone.sock")}
    with pytest.raises(ServiceUnavailable):
        list(train_both_shared(FAST, environ[SOCKET_ENV]))
    last = list(train_both(FAST, environ))[-1]
    assert isinstance(last, MoonsResult) and last.mlp.train_accuracy > 0.5


def serve_once(path: Path, answer: bytes) -> threading.Thread:
    """A fake service that reads one request and answers `answer`, then hangs up."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)

    def serve() -> None:
        with listener:
            conn, _ = listener.accept()
            with conn:
                conn.makefile("rb").readline()
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("answer", [
    b"",  # hung up at once
    encode({"progress": {"model": "mlp", "iteration": 1, "total": 9, "loss": 0.5}}),  # died
    b"not json\n",
    encode({"error": "the class's trainer failed"}),
    encode({"result": {"X": []}}),
])
def test_a_broken_service_is_unavailable_then_the_lesson_trains(
        tmp_path: Path, answer: bytes) -> None:
    path = tmp_path / "t.sock"
    serve_once(path, answer)
    with pytest.raises(ServiceUnavailable):
        list(train_both_shared(FAST, str(path)))
    serve_once(path.with_name("u.sock"), answer)
    last = list(train_both(FAST, {SOCKET_ENV: str(path.with_name("u.sock"))}))[-1]
    assert isinstance(last, MoonsResult)


def test_a_silent_service_times_out(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)
    with listener, pytest.raises(ServiceUnavailable):
        list(train_both_shared(FAST, str(path), timeout=0.2))


def test_a_cancelled_wait_ends_soon_without_training(tmp_path: Path) -> None:
    """A learner's Esc while the service is busy ends the wait (the lesson's thread
    must not linger, or the lesson could not quit), and nothing trains here."""
    path = tmp_path / "busy.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)
    cancel_at = time.monotonic() + 0.3
    with listener:
        start = time.monotonic()
        updates = list(train_both(FAST, {SOCKET_ENV: str(path)},
                                  cancelled=lambda: time.monotonic() >= cancel_at))
    assert updates == []
    assert time.monotonic() - start < 0.3 + 1.0
