"""The lesson's side of the class server's shared trainer (serve.training_service).

Under ``serve`` every learner would train exactly the same seeded models; the
server trains each settings combination once, in one worker process (the only one
that imports scikit-learn), and hands the result to every lesson that asks. The
lesson finds the service's Unix socket in ``NEURON_TUI_TRAINING_SOCKET``, sends one
request as a line of JSON and reads lines of JSON back: progress while the fit runs,
then the result, which holds the real fitted model (the neuron's weights,
scikit-learn's ``coefs_`` and ``intercepts_``). The lesson scores it and evaluates
its probabilities itself, with NumPy.

This module holds the connection and Part 05's fits; Part 04's runs are in
:mod:`neuron_tui.lesson.shared_depth`. The stand-alone lesson has no socket and trains
in its own process, as before; so does a lesson whose service is missing, dead or too
slow to answer: it never hangs and never shows a traceback for it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, fields
from typing import Any

import numpy as np

from neuron_tui.lesson import proof_training
from neuron_tui.lesson.proof_training import MoonsResult, MoonsSettings, MoonsUpdate
from neuron_tui.lesson.training_protocol import MAX_LINE, SOCKET_ENV, decode, encode
from neuron_tui.model.moons import FitResult, ReluNetwork, SplitData, TrainingProgress
from neuron_tui.model.neuron import Neuron

#: Seconds to wait for the next line: a fit takes a second or two and sends progress
#: as it goes, so this much silence means the service is stuck or hopelessly queued.
REPLY_TIMEOUT = 60.0
#: Seconds to connect: the socket is local, so this is generous.
CONNECT_TIMEOUT = 2.0
#: Seconds between two looks at whether the learner cancelled, while waiting.
CANCEL_CHECK = 0.2


class ServiceUnavailable(Exception):
    """The shared trainer cannot answer (no socket, a refused or broken connection)."""


def socket_path(environ: Mapping[str, str] | None = None) -> str | None:
    """The service's socket, when the lesson runs under ``serve``; else None."""
    path = (os.environ if environ is None else environ).get(SOCKET_ENV, "")
    return path or None


def request(path: str, message: Mapping[str, Any], timeout: float = REPLY_TIMEOUT,
            cancelled: Callable[[], bool] = lambda: False) -> Iterator[dict[str, Any]]:
    """Send `message` to the service at `path` and yield every message it answers,
    up to and including the last (a "result" or an "error"). It stops early, hanging
    up, as soon as `cancelled()` says so (checked a few times a second while waiting),
    or when the iterator is closed; the service keeps training for whoever else waits.

    Raises:
        ServiceUnavailable: no service, a broken connection, a silence longer than
            `timeout`, or a line that is not a message.
    """
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except OSError as error:
        raise ServiceUnavailable(str(error)) from error
    with sock:
        try:
            sock.settimeout(CONNECT_TIMEOUT)
            sock.connect(path)
            sock.sendall(encode(message))
            sock.settimeout(CANCEL_CHECK)
            buffer, silent = b"", 0.0
            while not cancelled():
                if b"\n" not in buffer:
                    try:
                        chunk = sock.recv(65536)
                    except TimeoutError:
                        silent += CANCEL_CHECK
                        if silent >= timeout:
                            raise ServiceUnavailable("the training service is silent") from None
                        continue
                    if not chunk:
                        raise ServiceUnavailable("the training service hung up")
                    buffer, silent = buffer + chunk, 0.0
                    if len(buffer) > MAX_LINE:
                        raise ValueError("an answer too long")
                    continue
                line, buffer = buffer.split(b"\n", 1)
                reply = decode(line)
                yield reply
                if "result" in reply or "error" in reply:
                    return
        except (OSError, ValueError) as error:
            raise ServiceUnavailable(str(error) or type(error).__name__) from error


# -- Part 05: the moons experiment ----------------------------------------------------

def moons_request(settings: MoonsSettings) -> dict[str, Any]:
    """The request for Part 05's fits on `settings`."""
    return {"kind": "moons", "settings": asdict(settings)}


def moons_settings(message: Mapping[str, Any]) -> MoonsSettings:
    """The settings of a moons request; ValueError for anything that is not exactly
    MoonsSettings' fields with numbers of the right kind, within the lesson's limits."""
    given = message.get("settings")
    names = {field.name for field in fields(MoonsSettings)}
    if not isinstance(given, dict) or set(given) != names:
        raise ValueError("a moons request needs exactly the experiment's settings")
    defaults = MoonsSettings()
    for name, value in given.items():
        kind = type(getattr(defaults, name))
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                kind is int and not isinstance(value, int)):
            raise ValueError(f"setting {name} must be a number")
    settings = MoonsSettings(**given)
    if settings != defaults.with_noise(settings.noise).with_hidden_units(
            settings.hidden_units) or settings.noise not in _NOISES or (
            settings.hidden_units not in proof_training.HIDDEN_UNIT_STEPS):
        raise ValueError("only the lesson's own settings are trained here")
    return settings


#: The noises the lesson's [ and ] reach (0.05 to 0.4 in steps of 0.05).
_NOISES = frozenset(round(proof_training.NOISE_MIN + step * proof_training.NOISE_STEP, 2)
                    for step in range(8))


def moons_message(result: MoonsResult) -> dict[str, Any]:
    """A finished experiment as the service sends it: the data and both fitted models."""
    neuron, mlp = result.neuron.model, result.mlp.model
    if not isinstance(neuron, Neuron):
        raise TypeError("the neuron's fit carries no Neuron")
    coefs = getattr(mlp, "coefs_", None)
    intercepts = getattr(mlp, "intercepts_", None)
    if coefs is None or intercepts is None:
        raise TypeError("the MLP's fit carries no fitted classifier")
    data = result.data
    return {
        "X": data.X.tolist(), "y": data.y.tolist(),
        "train": data.train.tolist(), "test": data.test.tolist(),
        "neuron": {"params": list(neuron.params), "loss": result.neuron.loss,
                   "iterations": result.neuron.iterations},
        "mlp": {"coefs": [w.tolist() for w in coefs],
                "intercepts": [b.tolist() for b in intercepts],
                "loss": result.mlp.loss, "iterations": result.mlp.iterations,
                "loss_curve": [float(v) for v in getattr(mlp, "loss_curve_", [])]},
    }


def moons_result(settings: MoonsSettings, message: Mapping[str, Any]) -> MoonsResult:
    """The experiment a result message describes, scored here; ValueError if malformed."""
    try:
        data = SplitData(
            np.asarray(message["X"], dtype=np.float64).reshape(-1, 2),
            np.asarray(message["y"], dtype=np.int64),
            np.asarray(message["train"], dtype=np.int64),
            np.asarray(message["test"], dtype=np.int64))
        neuron_fit, mlp_fit = message["neuron"], message["mlp"]
        neuron = Neuron(*(float(v) for v in neuron_fit["params"]))
        network = ReluNetwork(
            tuple(np.asarray(w, dtype=np.float64) for w in mlp_fit["coefs"]),
            tuple(np.asarray(b, dtype=np.float64) for b in mlp_fit["intercepts"]))
        network.proba(data.X[:1])  # shapes that do not chain fail here, not on screen
        return MoonsResult(
            settings, data,
            FitResult.score("single neuron", neuron.predict_proba, data,
                            float(neuron_fit["loss"]), int(neuron_fit["iterations"]), neuron),
            FitResult.score("MLP", network.proba, data, float(mlp_fit["loss"]),
                            int(mlp_fit["iterations"]), network))
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise ValueError(f"a malformed moons result: {error}") from error


def train_both_shared(settings: MoonsSettings, path: str, timeout: float = REPLY_TIMEOUT,
                      cancelled: Callable[[], bool] = lambda: False) -> Iterator[MoonsUpdate]:
    """Part 05's fits from the service: its progress, then the result (nothing more
    once `cancelled()` says so).

    Raises:
        ServiceUnavailable: the service failed before the result (see `request`).
    """
    for reply in request(path, moons_request(settings), timeout, cancelled):
        if "progress" in reply:
            progress = reply["progress"]
            try:
                yield TrainingProgress(str(progress["model"]), int(progress["iteration"]),
                                       int(progress["total"]), float(progress["loss"]))
            except (KeyError, TypeError, ValueError) as error:
                raise ServiceUnavailable(f"a malformed progress message: {error}") from error
        elif "result" in reply:
            try:
                yield moons_result(settings, reply["result"])
            except ValueError as error:
                raise ServiceUnavailable(str(error)) from error
            return
        elif "error" in reply:
            raise ServiceUnavailable(str(reply["error"]))
    if not cancelled():
        raise ServiceUnavailable("the training service ended without a result")


def train_both(settings: MoonsSettings, environ: Mapping[str, str] | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> Iterator[MoonsUpdate]:
    """Part 05's fits: from the class server's shared trainer when there is one, else
    (stand-alone, or the service failed) trained here, as ``proof_training.train_both``.
    While it waits for the service it looks at `cancelled()` a few times a second and
    ends (yielding nothing more) once it says so."""
    path = socket_path(environ)
    if path is not None:
        try:
            yield from train_both_shared(settings, path, cancelled=cancelled)
            return
        except ServiceUnavailable:
            pass  # train here instead: slower, but the learner gets the same result
        if cancelled():
            return
    proof_training.load_sklearn()
    yield from proof_training.train_both(settings)


def shared(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a shared trainer is configured (the lesson runs under ``serve``)."""
    return socket_path(environ) is not None
