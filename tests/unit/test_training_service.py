"""The class server's shared trainer: each request fitted once however many lessons ask
at the same time, later ones answered from the cache, a dead worker reported (and
replaced), and the socket private to the server's user. Most tests use a tiny echo
worker so they need no scikit-learn; one runs the real worker end to end."""

from __future__ import annotations

import asyncio
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from neuron_tui.lesson import shared_training
from neuron_tui.lesson.proof_training import MoonsSettings, run
from neuron_tui.lesson.training_protocol import SOCKET_ENV, decode, encode
from neuron_tui.serve.training_service import TrainingService, socket_path_in

#: A worker that sends two progress lines and echoes each request as its result after
#: `delay` seconds; {"die": true} makes it exit without answering, {"hang": true} stall.
ECHO_WORKER = r'''
import json, sys, time
for line in sys.stdin:
    job = json.loads(line)
    if job["request"].get("die"):
        sys.exit(3)
    if job["request"].get("hang"):
        time.sleep(60)
    for i in (1, 2):
        print(json.dumps({"id": job["id"], "progress": {"step": i}}), flush=True)
        time.sleep(job["request"].get("delay", 0) / 2)
    print(json.dumps({"id": job["id"], "result": {"echo": job["request"]}}), flush=True)
'''


async def ask(path: Path, request: dict[str, Any] | bytes) -> list[dict[str, Any]]:
    """Send one request to the socket; every message answered, in order."""
    reader, writer = await asyncio.open_unix_connection(str(path))
    writer.write(request if isinstance(request, bytes) else encode(request))
    await writer.drain()
    answers = [decode(line) async for line in reader]
    writer.close()
    return answers


@pytest.fixture
async def echo_service(tmp_path: Path):  # type: ignore[no-untyped-def]
    service = TrainingService(socket_path_in(tmp_path), [sys.executable, "-c", ECHO_WORKER],
                              cache_size=2)
    await service.start()
    yield service
    await service.close()


async def test_the_socket_is_the_servers_alone(echo_service: TrainingService,
                                               tmp_path: Path) -> None:
    path = echo_service.socket_path
    assert path == tmp_path / "run" / "training.sock"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert echo_service.environ == {SOCKET_ENV: str(path)}


async def test_identical_requests_share_one_fit_and_then_the_cache(
        echo_service: TrainingService) -> None:
    path = echo_service.socket_path
    request = {"kind": "echo", "delay": 0.4}
    answers = await asyncio.gather(*(ask(path, request) for _ in range(5)))
    for messages in answers:
        assert messages[-1] == {"result": {"echo": request}}
    assert echo_service.fits == 1
    # The one who asked first saw the fit's progress as it went.
    assert any({"progress": {"step": 2}} in messages for messages in answers)
    assert await ask(path, request) == [{"result": {"echo": request}}]
    assert echo_service.fits == 1


async def test_the_cache_forgets_the_least_recently_used(echo_service: TrainingService) -> None:
    path = echo_service.socket_path
    for n in (1, 2, 1, 3):  # 2 is the least recently used when 3 arrives
        await ask(path, {"n": n})
    assert echo_service.fits == 3
    await ask(path, {"n": 1})
    assert echo_service.fits == 3
    await ask(path, {"n": 2})
    assert echo_service.fits == 4


async def test_a_dead_worker_is_reported_and_replaced(echo_service: TrainingService) -> None:
    path = echo_service.socket_path
    messages = await ask(path, {"die": True})
    assert "error" in messages[-1]
    assert (await ask(path, {"n": 9}))[-1] == {"result": {"echo": {"n": 9}}}


async def test_a_stuck_worker_is_ended_and_replaced(tmp_path: Path) -> None:
    service = TrainingService(socket_path_in(tmp_path), [sys.executable, "-c", ECHO_WORKER],
                              job_timeout=1.0)
    await service.start()
    try:
        assert "error" in (await ask(service.socket_path, {"hang": True}))[-1]
        assert (await ask(service.socket_path, {"n": 1}))[-1] == {"result": {"echo": {"n": 1}}}
    finally:
        await service.close()


async def test_nonsense_gets_a_one_line_error(echo_service: TrainingService) -> None:
    assert "error" in (await ask(echo_service.socket_path, b"[1, 2\n"))[-1]
    assert (await ask(echo_service.socket_path, {"n": 1}))[-1]["result"]


async def test_a_long_state_folder_gets_a_short_private_socket(tmp_path: Path) -> None:
    path = socket_path_in(tmp_path / ("x" * 120))
    assert len(str(path)) < 100 and path.parent.name.startswith("neuron-tui-training-")
    service = TrainingService(path, [sys.executable, "-c", ECHO_WORKER])
    await service.start()
    await service.close()
    assert not path.parent.exists()


async def test_the_real_worker_fits_part_05_once_for_every_lesson(tmp_path: Path) -> None:
    """End to end: lessons' own client, the real worker and scikit-learn; the result
    is the fit a stand-alone lesson makes."""
    service = TrainingService(socket_path_in(tmp_path))
    await service.start()
    settings = MoonsSettings().with_hidden_units(8)
    try:
        results = await asyncio.gather(*(asyncio.to_thread(
            lambda: list(shared_training.train_both_shared(settings,
                                                           str(service.socket_path))))
            for _ in range(3)))
    finally:
        await service.close()
    assert service.fits == 1
    local = run(settings)
    for updates in results:
        shared = updates[-1]
        assert (shared.mlp.loss, shared.mlp.train_accuracy, shared.neuron.test_accuracy) == (
            local.mlp.loss, local.mlp.train_accuracy, local.neuron.test_accuracy)


def test_the_workers_command_line_names_no_lesson_module(tmp_path: Path) -> None:
    """Whatever counts a server's lessons by command line must not count its trainer."""
    argv = TrainingService(tmp_path / "t.sock").worker_argv
    assert "neuron_tui" not in " ".join(argv)
