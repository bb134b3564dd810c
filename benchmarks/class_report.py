"""The class load benchmark's report: raw measurements to figures, a table, and JSON.

:func:`summarise` turns one class's raw measurements (from
:func:`benchmarks.class_load.run_class`) into the figures the issue asks for;
:func:`table` prints every class side by side with the targets for 30 learners;
:func:`write` saves the context and every class as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import median, percentile

MIB = 1024
ACTIONS = ("part02_train", "part03_run", "part04_run", "part05_trained")
#: The issue's targets, for 30 learners on this machine.
TARGETS = {
    "key p95 ms": 100.0,
    "key p99 ms": 250.0,
    "first screen p95 s": 1.0,
    "burst max s": 3.0,
    "peak PSS GiB": 1.5,
}


def _spread(values: Sequence[float], scale: float = 1.0) -> dict[str, float | int | None]:
    def scaled(value: float | None) -> float | None:
        return None if value is None else round(value * scale, 4)

    return {
        "count": len(values),
        "p50": scaled(median(values)),
        "p95": scaled(percentile(values, 95)),
        "p99": scaled(percentile(values, 99)),
        "max": scaled(max(values) if values else None),
    }


def summarise(raw: dict[str, Any], cpus: int) -> dict[str, Any]:
    """The figures of one class (every time in its own unit: ms for keys, s otherwise)."""
    outcomes: list[dict[str, Any]] = raw.get("outcomes", [])
    learners = raw["learners"]
    keys = [ms for o in outcomes for _, ms, _ in o["keys"]]
    kinds = sorted({kind for o in outcomes for kind, _, _ in o["keys"]})
    clients = sum(o["client_cpu_s"] for o in outcomes)
    other = raw["machine_busy_s"] - raw["server_cpu_s"] - clients - raw["harness_cpu_s"]
    capacity = raw["wall_s"] * cpus
    pressed = [o["burst_pressed_at"] for o in outcomes if o["burst_pressed_at"] is not None]
    burst = [o["burst_s"] for o in outcomes if o["burst_s"] is not None]
    part06 = raw.get("all_in_part06")
    return {
        "learners": learners,
        "reached_quiz": sum(1 for o in outcomes if o["reached_quiz"]),
        "errors": raw["errors"] + [f"{o['name']}: {o['error']}" for o in outcomes if o["error"]],
        "key_to_screen_ms": _spread(keys),
        # Keys that change the screen they are pressed on (not a new part's screen).
        "key_to_screen_ms_in_page": _spread(
            [ms for o in outcomes for kind, ms, _ in o["keys"] if kind != "nav"]
        ),
        "key_to_screen_ms_by_kind": {
            kind: _spread([ms for o in outcomes for k, ms, _ in o["keys"] if k == kind])
            for kind in kinds
        },
        "first_screen_s": _spread([o["first_screen_s"] for o in outcomes if o["first_screen_s"]]),
        "actions_s": {
            name: _spread([o["actions"][name] for o in outcomes if name in o["actions"]])
            for name in ACTIONS
        },
        "burst": {
            "press_spread_s": round(max(pressed) - min(pressed), 3) if pressed else None,
            "key_to_finished_s": _spread(burst),
            "within_3_s": sum(1 for s in burst if s <= 3.0),
        },
        "memory_mib": {
            "idle_server_pss": raw["idle_server"]["pss_kib"] / MIB,
            "peak_pss": raw["peak_pss_kib"] / MIB,
            "peak_rss": raw["peak_rss_kib"] / MIB,
            "all_in_part06_pss": part06["pss_kib"] / MIB if part06 else None,
            "all_in_part06_rss": part06["rss_kib"] / MIB if part06 else None,
            "peak_processes": raw["peak_processes"],
        },
        "cpu_s": {
            "server_tree": round(raw["server_cpu_s"], 2),
            "per_learner": round(raw["server_cpu_s"] / learners, 3),
            "server_start_once": round(raw.get("server_start_cpu_s", 0.0), 2),
            "clients": round(clients, 2),
            "harness": round(raw["harness_cpu_s"], 2),
            "machine_busy": round(raw["machine_busy_s"], 2),
            "other_processes": round(other, 2),
            "wall": round(raw["wall_s"], 1),
            "other_share_of_machine": round(other / capacity, 3) if capacity else None,
        },
        "load_average_1min": raw["load"],
        # Share of the run during which some task waited for a CPU (Linux PSI), and key →
        # screen by how many tasks were runnable while the key waited: queueing, not cost.
        "cpu_pressure_share": (round(raw["cpu_pressure_s"] / raw["wall_s"], 3)
                               if raw.get("cpu_pressure_s") is not None else None),
        "key_to_screen_ms_by_runnable": _by_runnable(outcomes, cpus),
        "busiest_other_processes": raw.get("busiest_others", []),
        "server_cpu_s_by_phase_one_learner": raw.get("phase_cpu_s"),
        "per_learner": outcomes,
    }


def _by_runnable(outcomes: Sequence[dict[str, Any]], cpus: int) -> dict[str, Any]:
    """Key → screen grouped by the mean runnable tasks during the key's wait, per CPU:
    up to 1 a CPU (nobody waits), up to 2, up to 4, more."""
    bands = {"≤ 1 per CPU": 1.0, "≤ 2 per CPU": 2.0, "≤ 4 per CPU": 4.0, "> 4 per CPU": None}
    grouped: dict[str, list[float]] = {band: [] for band in bands}
    for outcome in outcomes:
        for (_, ms, _), runnable in zip(outcome["keys"], outcome.get("keys_runnable", []),
                                        strict=False):
            if runnable is None:
                continue
            per_cpu = runnable / cpus
            band = next(name for name, top in bands.items() if top is None or per_cpu <= top)
            grouped[band].append(ms)
    return {band: _spread(values) for band, values in grouped.items()}


def _fmt(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(runs: Sequence[dict[str, Any]]) -> str:
    """Every class as one row; the issue's targets (for 30 learners) underneath."""
    head = (
        f"{'N':>3} {'quiz':>5} {'key p50/p95/p99 ms':>20} {'1st p95':>7} {'P02 t':>6} "
        f"{'P03':>5} {'P04':>5} {'P05':>5} {'burst':>6} {'PSS GiB':>7} {'RSS GiB':>7} "
        f"{'CPU/l':>6} {'other':>6} {'load':>9}"
    )
    lines = [head, "-" * len(head)]
    for run in runs:
        key = run["key_to_screen_ms"]
        act = run["actions_s"]
        mem = run["memory_mib"]
        cpu = run["cpu_s"]
        load = run["load_average_1min"]
        keys = f"{_fmt(key['p50'])} / {_fmt(key['p95'])} / {_fmt(key['p99'])}"
        lines.append(
            f"{run['learners']:>3} {run['reached_quiz']:>5} {keys:>20} "
            f"{_fmt(run['first_screen_s']['p95'], 2):>7} "
            f"{_fmt(act['part02_train']['p50'], 1):>6} {_fmt(act['part03_run']['p50'], 1):>5} "
            f"{_fmt(act['part04_run']['p50'], 1):>5} {_fmt(act['part05_trained']['p50'], 1):>5} "
            f"{_fmt(run['burst']['key_to_finished_s']['max'], 1):>6} "
            f"{mem['peak_pss'] / 1024:>7.2f} {mem['peak_rss'] / 1024:>7.2f} "
            f"{cpu['per_learner']:>6.2f} {_fmt(100 * (cpu['other_share_of_machine'] or 0)):>5}% "
            f"{load['start']:>4.1f}→{load['max']:<4.1f}"
        )
    lines += [
        "-" * len(head),
        "quiz: learners who finished the quiz. P02 t, P03, P04: a run from its key to its end, "
        "p50 s;",
        "P05: from the key to trained, p50 s; burst: the slowest learner's run when everyone "
        "pressed t within 1 s;",
        "PSS/RSS: peak of the server's whole tree; CPU/l: server-tree CPU-s per learner; "
        "other: machine CPU used",
        "by other processes (not the server, clients or harness); load: 1-min load average, "
        "start→max.",
        "targets at N = 30: key p95 ≤ 100 ms, p99 ≤ 250 ms; first screen p95 ≤ 1 s; burst ≤ 3 s; "
        "peak PSS ≤ 1.5 GiB.",
    ]
    lines += ["", kinds_table(runs), "", queue_table(runs)]
    for run in runs:
        for error in run["errors"][:5]:
            lines.append(f"N={run['learners']}: {error.splitlines()[0]}")
    return "\n".join(lines)


def kinds_table(runs: Sequence[dict[str, Any]]) -> str:
    """Key → screen p50 / p95 ms by kind of key, one row per class."""
    kinds = ("slider01", "slider02", "nav", "quiz")
    head = " ".join(f"{kind + ' p50/p95':>18}" for kind in kinds)
    lines = [f"{'N':>3} {head} {'in-page p95/p99':>17}"]
    for run in runs:
        page = run["key_to_screen_ms_in_page"]
        cells = []
        for kind in kinds:
            spread = run["key_to_screen_ms_by_kind"].get(kind)
            text = f"{_fmt(spread['p50'])} / {_fmt(spread['p95'])}" if spread else "—"
            cells.append(f"{text:>18}")
        cells.append(f"{_fmt(page['p95'])} / {_fmt(page['p99'])}".rjust(17))
        lines.append(f"{run['learners']:>3} " + " ".join(cells))
    lines.append(
        "ms; nav: a part's title bar after n, Enter or a number key (a new screen); "
        "in-page: every key but nav"
    )
    return "\n".join(lines)


def queue_table(runs: Sequence[dict[str, Any]]) -> str:
    """Key → screen by the run queue during each key's wait: count and p50 / p95 ms."""
    bands = ("≤ 1 per CPU", "≤ 2 per CPU", "≤ 4 per CPU", "> 4 per CPU")
    lines = [f"{'N':>3} {'CPU wait':>8} " + " ".join(f"{band:>20}" for band in bands)]
    for run in runs:
        pressure = run.get("cpu_pressure_share")
        cells = []
        for band in bands:
            spread = run.get("key_to_screen_ms_by_runnable", {}).get(band)
            text = (f"{spread['count']}: {_fmt(spread['p50'])} / {_fmt(spread['p95'])}"
                    if spread and spread["count"] else "—")
            cells.append(f"{text:>20}")
        wait = f"{100 * pressure:.0f}%" if pressure is not None else "—"
        lines.append(f"{run['learners']:>3} {wait:>8} " + " ".join(cells))
    lines.append(
        "keys by runnable tasks per CPU while they waited (count: p50 / p95 ms); CPU wait: "
        "share of the run some task waited for a CPU (PSI)"
    )
    return "\n".join(lines)


def write(path: Path, context: dict[str, Any], runs: Sequence[dict[str, Any]]) -> None:
    """Save ``{"context": ..., "runs": [...]}`` (folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"context": context, "targets_at_30": TARGETS, "runs": list(runs)}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
