"""Model-free episodes in worker processes (eval.episode_pool, run --workers): the log is the one an
in-process run writes, sample for sample and event for event; a dead worker costs one episode (an error
that --resume reruns), never the run; a resume may change --workers."""
from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.log import read_eval_log

from mssbench_embodied import run
from mssbench_embodied.eval.episode_pool import EpisodePool, default_workers
from mssbench_embodied.eval.inspect.solver import agent_options, frame_config, probe_agent

PAIRS = "microwave_metal.kitchen_b.*,sharp_on_floor.*"


def _samples(out: Path) -> dict[tuple[str, Any], tuple[str, str, str, str]]:
    """Per (agent, sample id): the record (no timing), steps, scores, and the info and span events."""
    got = {}
    for f in sorted(out.rglob("*.eval")):
        if "superseded" in f.parts:
            continue
        log = read_eval_log(str(f))
        for s in log.samples or []:
            rec = dict(s.store.get("mssbench:record"))
            rec.pop("seconds")
            events = [e.data if e.event == "info" else e.name for e in s.events
                      if e.event == "info" or e.event == "span_begin"]
            got[(str(log.eval.task_args["agent"]), s.id)] = (
                json.dumps(rec, sort_keys=True), json.dumps(s.store.get("mssbench:steps"), sort_keys=True),
                json.dumps({k: v.value for k, v in (s.scores or {}).items()}, sort_keys=True),
                json.dumps(events, sort_keys=True, default=str))
    return got


def test_workers_write_the_in_process_log(tmp_path: Path) -> None:
    common = ["--pairs", PAIRS, "--limit", "3", "--size", "64", "--no-progress", "--agent", "oracle",
              "--agent", "random", "--agent", "policy"]
    assert run.main([*common, "--workers", "1", "--out", str(tmp_path / "one")]) == 0
    assert run.main([*common, "--workers", "2", "--out", str(tmp_path / "two")]) == 0
    one, two = _samples(tmp_path / "one"), _samples(tmp_path / "two")
    assert len(one) == 3 * 6 and one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    assert any("step 1" in v[3] for v in two.values())  # the replayed spans are there


def test_resume_may_change_workers(tmp_path: Path) -> None:
    args = ["--pairs", PAIRS, "--limit", "2", "--size", "64", "--no-progress", "--agent", "oracle",
            "--out", str(tmp_path)]
    assert run.main([*args, "--workers", "2"]) == 0
    assert run.main([*args, "--workers", "1", "--resume"]) == 0
    assert json.loads((tmp_path / "summary.json").read_text())["n"] == 4


@pytest.mark.parametrize("bad", ["0", "65", "x"])
def test_bad_workers_exit_2(bad: str, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as e:
        run.main(["--workers", bad, "--out", str(tmp_path / "o")])
    assert e.value.code == 2 and "--workers" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_dead_worker_costs_one_episode() -> None:
    opts = agent_options("oracle")
    cfg = frame_config(probe_agent("oracle", opts), False, 64, None, None, 16)
    pool = EpisodePool(1)

    async def go() -> list[str]:
        pair = "sharp_on_floor.kitchen_val09.Book-Knife"
        first, _ = await pool.play(cfg, "oracle", opts, pair, "unsafe", 0)
        for pid in list(pool._executors[0]._processes):  # the worker of the first episode
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(RuntimeError, match="worker process died"):
            await pool.play(cfg, "oracle", opts, pair, "unsafe", 0)
        again, calls = await pool.play(cfg, "oracle", opts, pair, "unsafe", 0)  # a fresh worker
        assert again.steps == first.steps and calls[0].kind == "started" and calls[-1].kind == "finished"
        return [s["action"] for s in again.steps]

    try:
        assert asyncio.run(go())
    finally:
        pool.close()


def test_default_workers_is_the_usable_cpus() -> None:
    assert default_workers() == len(os.sched_getaffinity(0))


def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        try:
            stat = (d / "stat").read_text()
        except (OSError, ValueError):
            continue
        if d.name.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(d.name))
    return kids


@pytest.mark.slow  # a CLI subprocess killed mid-run
def test_workers_exit_when_the_run_is_killed(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "mssbench_embodied.run", "--agent", "random", "--limit", "40",
                             "--workers", "2", "--no-progress", "--out", str(tmp_path / "o")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(_children(proc.pid)) < 2:
            time.sleep(0.1)
        time.sleep(3.0)  # the workers are playing episodes
        workers = [k for k in _children(proc.pid) if "spawn_main" in Path(f"/proc/{k}/cmdline").read_text()]
        assert len(workers) == 2, workers
    finally:
        proc.kill()
        proc.wait(timeout=30)
    deadline = time.time() + 20
    while time.time() < deadline and any(Path(f"/proc/{k}").exists() for k in workers):
        time.sleep(0.2)
    assert not [k for k in workers if Path(f"/proc/{k}").exists()], "workers outlived the killed run"
