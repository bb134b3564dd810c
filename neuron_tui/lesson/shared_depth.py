"""Part 04's runs from the class server's shared trainer (the lesson's side).

A side-by-side run of Part 04 is the same for everyone who picks the same data and
hidden units, so under ``serve`` the shared trainer (:mod:`neuron_tui.serve.training_service`)
trains each once and sends its frames; the lesson replays them
(:class:`neuron_tui.lesson.part04.DepthLesson`). The request goes out when a run starts
and the answer is read without ever waiting: until the frames are here, or if they
never come, the lesson trains by itself.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any

import numpy as np

from neuron_tui.lesson.depth_runs import MAX_KEPT_FRAMES, Fetch, Snapshot
from neuron_tui.lesson.part04 import DATASETS, EPOCHS, MAX_HIDDEN, MIN_HIDDEN
from neuron_tui.lesson.shared_training import CONNECT_TIMEOUT, socket_path
from neuron_tui.lesson.training_protocol import MAX_LINE, decode, encode

#: Runs of more frames than this are trained here (too many to send).
MAX_DEPTH_FRAMES = MAX_KEPT_FRAMES


def depth_request(dataset: str, hidden: int, frames: tuple[int, ...]) -> dict[str, Any]:
    """The request for Part 04's run on `dataset` with `hidden` units, `frames` epochs
    a frame."""
    return {"kind": "depth", "dataset": dataset, "hidden": hidden, "frames": list(frames)}


def depth_settings(message: Mapping[str, Any]) -> tuple[str, int, tuple[int, ...]]:
    """A depth request's data set, hidden units and frames; ValueError unless they are
    a run the lesson can make."""
    dataset, hidden, frames = (message.get(name) for name in ("dataset", "hidden", "frames"))
    if dataset not in DATASETS:
        raise ValueError("no such data set")
    if isinstance(hidden, bool) or not isinstance(hidden, int) or not (
            MIN_HIDDEN <= hidden <= MAX_HIDDEN):
        raise ValueError("hidden units out of range")
    if (not isinstance(frames, list) or not 0 < len(frames) <= MAX_DEPTH_FRAMES
            or any(isinstance(f, bool) or not isinstance(f, int) or f < 1 for f in frames)
            or sum(frames) != EPOCHS):
        raise ValueError("frames must be whole epochs adding up to a whole run")
    return str(dataset), hidden, tuple(frames)


def snapshot_message(shot: Snapshot) -> dict[str, Any]:
    """One frame as JSON carries it."""
    return {"neuron": list(shot.neuron), "network": list(shot.network),
            "epochs": [shot.neuron_epoch, shot.network_epoch],
            "best": shot.best_neuron_accuracy}


def snapshot(message: Mapping[str, Any], hidden: int) -> Snapshot:
    """One frame from JSON; ValueError unless its weights have the network's shapes."""
    try:
        w1, w2, b = (float(v) for v in message["neuron"])
        W1, b1, W2, b2 = message["network"]
        for values, shape in ((W1, (2, hidden)), (b1, (hidden,)), (W2, (hidden, 1)),
                              (b2, (1,))):
            if np.asarray(values, dtype=np.float64).shape != shape:
                raise ValueError("weights of the wrong shape")
        neuron_epoch, network_epoch = (int(e) for e in message["epochs"])
        return Snapshot((w1, w2, b), (W1, b1, W2, b2), neuron_epoch, network_epoch,
                        float(message["best"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"a malformed frame: {error}") from error


class PendingDepth:
    """A Part 04 run asked of the service, its answer read without ever waiting.

    Anything wrong (no service, a hang-up, an error, a malformed answer) leaves it
    without frames for good: the lesson just keeps training by itself."""

    def __init__(self, path: str, dataset: str, hidden: int, frames: tuple[int, ...]) -> None:
        self.hidden = hidden
        self.count = len(frames)
        self._buffer = bytearray()
        self._sock: socket.socket | None = None
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        except OSError:
            return
        try:
            sock.settimeout(CONNECT_TIMEOUT)
            sock.connect(path)
            sock.sendall(encode(depth_request(dataset, hidden, frames)))
            sock.setblocking(False)
        except OSError:
            sock.close()
            return
        self._sock = sock

    def poll(self) -> list[Snapshot] | None:
        """The run's frames once the whole answer is here; None until then (or ever)."""
        sock = self._sock
        if sock is None:
            return None
        ended = False
        try:
            while not ended:
                chunk = sock.recv(65536)
                ended = not chunk  # hung up: what is buffered is all there will be
                self._buffer += chunk
                if len(self._buffer) > MAX_LINE:
                    raise ValueError("answer too long")
        except BlockingIOError:
            pass  # nothing more yet
        except (OSError, ValueError):
            self.close()
            return None
        return self._parse(ended)

    def _parse(self, ended: bool) -> list[Snapshot] | None:
        *lines, rest = self._buffer.split(b"\n")
        self._buffer = bytearray(rest)
        for line in lines:
            try:
                reply = decode(bytes(line))
                if "result" in reply:
                    frames = [snapshot(shot, self.hidden) for shot in reply["result"]["frames"]]
                    if len(frames) != self.count:
                        raise ValueError("a run of the wrong length")
                    self.close()
                    return frames
                if "error" in reply:
                    raise ValueError(str(reply["error"]))
            except (KeyError, TypeError, ValueError):
                self.close()
                return None
        if ended:
            self.close()
        return None

    def close(self) -> None:
        """Stop waiting (and hang up)."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def depth_fetch(environ: Mapping[str, str] | None = None) -> Fetch | None:
    """Part 04's way to get runs from the class's shared trainer; None stand-alone."""
    path = socket_path(environ)
    if path is None:
        return None
    found: str = path

    def fetch(dataset: str, hidden: int, frames: tuple[int, ...]) -> PendingDepth | None:
        if len(frames) > MAX_DEPTH_FRAMES:
            return None
        return PendingDepth(found, dataset, hidden, frames)

    return fetch
