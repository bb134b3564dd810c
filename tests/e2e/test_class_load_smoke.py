"""Keep the class load benchmark from rotting: ``--quick`` (5 learners) run for real.

The benchmark is started as a learner of this repository would start it, and
its JSON is checked for structure and sanity: every learner walked to the
quiz's score and took part in the burst, every latency is positive, the
server's tree had memory and used CPU. No speed is asserted here: targets
live in the benchmark's own report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import class_learner, class_report
from tests.e2e.conftest import ROOT

LEARNERS = 5


def test_quick_class_walks_every_learner_to_the_quiz(ssh_client: str, tmp_path: Path) -> None:
    out = tmp_path / "class_load.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.class_load", "--quick", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "key p50/p95/p99 ms" in done.stdout

    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["context"]["quick"] is True
    assert doc["context"]["cpus"] >= 1
    (run,) = doc["runs"]
    assert run["learners"] == LEARNERS
    assert run["errors"] == []
    assert run["reached_quiz"] == LEARNERS
    assert len(run["per_learner"]) == LEARNERS

    # Every learner pressed every key of the walk and each one drew what it should.
    keys_each = {len(learner["keys"]) for learner in run["per_learner"]}
    assert keys_each == {len(next(iter(run["per_learner"]))["keys"])}
    assert all(ms > 0 for learner in run["per_learner"] for _, ms, _ in learner["keys"])
    key = run["key_to_screen_ms"]
    assert 0 < key["p50"] <= key["p95"] <= key["p99"] <= key["max"]
    assert {"slider01", "slider02", "nav", "quiz"} <= set(run["key_to_screen_ms_by_kind"])
    steps = sum(len(group) for group in class_learner.SLIDER02)
    assert run["key_to_screen_ms_by_kind"]["slider02"]["count"] == LEARNERS * steps
    assert run["key_to_screen_ms_in_page"]["count"] < key["count"]
    assert run["first_screen_s"]["count"] == LEARNERS and run["first_screen_s"]["p50"] > 0
    for name in class_report.ACTIONS:
        assert run["actions_s"][name]["count"] == LEARNERS, name
        assert run["actions_s"][name]["p50"] > 0, name

    # The burst: everyone pressed t within about one second, and every run ended.
    burst = run["burst"]
    assert burst["key_to_finished_s"]["count"] == LEARNERS
    assert 0 <= burst["press_spread_s"] <= 1.5

    memory = run["memory_mib"]
    assert 0 < memory["idle_server_pss"] < memory["peak_pss"] <= memory["peak_rss"]
    assert memory["all_in_part06_pss"] > memory["idle_server_pss"]
    assert memory["peak_processes"] >= 1 + LEARNERS

    cpu = run["cpu_s"]
    assert cpu["server_tree"] > 0 and cpu["per_learner"] > 0 and cpu["clients"] > 0
    # The server and the clients ran on this machine: its busy time covers them (within ticks).
    assert cpu["machine_busy"] >= cpu["server_tree"] + cpu["clients"] - 1.0
    assert 0 < run["load_average_1min"]["max"]
