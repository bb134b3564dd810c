"""The class server's one training process: ``python -m neuron_tui.serve.training_worker``.

Under ``serve`` this is the only process that imports scikit-learn. The training
service (:mod:`neuron_tui.serve.training_service`) starts it and writes one job a
line on its stdin, ``{"id": n, "request": {...}}``; it trains and writes lines back on
stdout, each with the job's id: a few progress lines a second while it trains, then
``{"id": n, "result": {...}}`` or ``{"id": n, "error": "one line"}``. Jobs are Part 05's
fits ("moons") and Part 04's runs ("depth"), each by the lesson's own code. One at a time,
in the order they come; a bad job gets an error, never ends the worker.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO

from neuron_tui.lesson import proof_training, shared_depth, shared_training
from neuron_tui.lesson.depth_runs import ListSchedule
from neuron_tui.lesson.part04 import DepthLesson
from neuron_tui.lesson.proof_training import MoonsResult
from neuron_tui.lesson.training_protocol import MAX_LINE, decode, encode
from neuron_tui.model.moons import TrainingProgress

#: Seconds between two progress lines of one job (the lessons show ~10 a second).
PROGRESS_INTERVAL = 0.1

Send = Callable[[dict[str, Any]], None]


def train_moons(request: Mapping[str, Any], send: Send) -> dict[str, Any]:
    """Part 05's two fits on the request's settings; progress through `send`."""
    settings = shared_training.moons_settings(request)
    last = 0.0
    for update in proof_training.train_both(settings):
        if isinstance(update, MoonsResult):
            return shared_training.moons_message(update)
        now = time.monotonic()
        if isinstance(update, TrainingProgress) and (
                now - last >= PROGRESS_INTERVAL or update.iteration == update.total):
            last = now
            send({"progress": {"model": update.model, "iteration": update.iteration,
                               "total": update.total, "loss": update.loss}})
    raise RuntimeError("training ended without a result")


def train_depth(request: Mapping[str, Any], send: Send) -> dict[str, Any]:
    """Part 04's side-by-side run, one snapshot a frame, by the lesson's own code."""
    dataset, hidden, frames = shared_depth.depth_settings(request)
    lesson = DepthLesson(ListSchedule(frames=frames))
    lesson.hidden_units = hidden
    lesson.choose_dataset(dataset)
    lesson.start_training()
    shots = []
    while True:
        done = lesson.advance()
        shots.append(shared_depth.snapshot_message(lesson.snapshot()))
        if done:
            return {"frames": shots}


#: What the worker trains, by the request's "kind".
KINDS: dict[str, Callable[[Mapping[str, Any], Send], dict[str, Any]]] = {
    "moons": train_moons,
    "depth": train_depth,
}


def handle(line: bytes, out: BinaryIO) -> None:
    """Do the job on one line and write its answers to `out`."""
    job_id: object = None

    def send(message: dict[str, Any]) -> None:
        out.write(encode({"id": job_id, **message}))
        out.flush()

    try:
        job = decode(line)
        job_id = job.get("id")
        request = job.get("request")
        if not isinstance(request, dict) or request.get("kind") not in KINDS:
            raise ValueError("unknown request")
        result = KINDS[request["kind"]](request, send)
    except Exception as error:  # noqa: BLE001 - one bad job must not end the class's trainer
        send({"error": f"{type(error).__name__}: {error}"[:200]})
        return
    send({"result": result})


def main(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Answer jobs until stdin closes (the service stopped)."""
    source = stdin or sys.stdin.buffer
    out = stdout or sys.stdout.buffer
    proof_training.load_sklearn()  # once, before the first learner waits for it
    for line in iter(lambda: source.readline(MAX_LINE), b""):
        if line.strip():
            handle(line, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
