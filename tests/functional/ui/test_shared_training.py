"""Under `serve` a lesson's Parts 04 and 05 get their runs from the class's shared
trainer: the lesson shows the real fitted models' scores and never imports
scikit-learn. Each lesson is a separate process here, as it is under `serve`."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from neuron_tui.lesson.proof_training import MoonsSettings, run
from neuron_tui.lesson.training_protocol import SOCKET_ENV
from neuron_tui.serve.training_service import TrainingService, socket_path_in

#: A lesson on Part 05, then Part 04: what it shows, and whether it imported scikit-learn.
LESSON = r'''
import asyncio, json, sys
from neuron_tui.app import NeuronApp
from neuron_tui.lesson.content import load_content

async def until(pilot, done):
    for _ in range(1200):
        if done():
            return
        await pilot.pause(0.05)
    raise SystemExit("timed out")

async def main():
    app = NeuronApp(load_content(), start_page="part05")
    async with app.run_test(size=(80, 24)) as pilot:
        proof = app.screen
        await until(pilot, lambda: proof.state.result is not None and not proof.state.training)
        mlp, neuron = proof.state.result.mlp, proof.state.result.neuron
        await pilot.press("p")
        depth = app.screen
        await pilot.press("x", "t")
        await until(pilot, lambda: not depth.animated_run.running)
        print(json.dumps({
            "mlp": [mlp.train_accuracy, mlp.test_accuracy, mlp.loss],
            "neuron": [neuron.train_accuracy, neuron.loss],
            "network_accuracy": depth.state.network_accuracy,
            "epochs": [depth.state.neuron_epoch, depth.state.network_epoch],
            "sklearn": any(name.startswith("sklearn") for name in sys.modules),
        }))

asyncio.run(main())
'''


async def lesson(environ: dict[str, str]) -> dict[str, object]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LESSON, env=environ, stdout=asyncio.subprocess.PIPE)
    out, _ = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0
    return json.loads(out.decode().strip().splitlines()[-1])


async def test_served_lessons_show_the_shared_fits_without_scikit_learn(tmp_path: Path) -> None:
    service = TrainingService(socket_path_in(tmp_path))
    await service.start()
    environ = {key: value for key, value in os.environ.items() if key != "TEXTUAL_THEME"}
    try:
        shown = await asyncio.gather(lesson(environ | service.environ),
                                     lesson(environ | service.environ))
    finally:
        await service.close()
    local = run(MoonsSettings())
    for seen in shown:
        assert seen["sklearn"] is False
        assert seen["mlp"] == [local.mlp.train_accuracy, local.mlp.test_accuracy,
                               local.mlp.loss]
        assert seen["neuron"] == [local.neuron.train_accuracy, local.neuron.loss]
        assert seen["network_accuracy"] == 1.0 and seen["epochs"] == [2000, 2000]
    # Two lessons, one fit each of Part 05's and Part 04's runs: the second lesson
    # waited for the fit in progress or got it from the cache.
    assert service.fits == 2 and len(service.cache) == 2


async def test_a_lesson_with_a_dead_service_trains_by_itself(tmp_path: Path) -> None:
    environ = {key: value for key, value in os.environ.items() if key != "TEXTUAL_THEME"}
    seen = await lesson(environ | {SOCKET_ENV: str(tmp_path / "gone.sock")})
    assert seen["sklearn"] is True  # trained here, as stand-alone
    assert seen["network_accuracy"] == 1.0
