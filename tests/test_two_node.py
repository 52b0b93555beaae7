"""A real two-node Ray cluster on one host: ``ray start --head`` plus ``ray start --address``, one CPU
each, distinct ports and temp dirs, Ray's token authentication off (``RAY_AUTH_MODE=disabled``).

On it: a distributed evaluation with one node's worker killed mid-run (complete, and identical to the
single-process run with the same seed), and a short RLlib training with two env runners, which can only
both run with one on each node. Every step is bounded in time; the nodes' process groups (started here)
are killed in the fixture's teardown, whatever happens.

Marked ``ray`` and ``slow``; ``bash scripts/test_ray.sh`` runs it (CI).
"""
from __future__ import annotations

import contextlib
import csv
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("inspect_ai", reason="needs the eval extra (inspect_ai)")

from inspect_ai import eval as inspect_eval  # noqa: E402

from mssbench_embodied.eval.distributed import eval_on_ray  # noqa: E402
from mssbench_embodied.eval.inspect import mssbench_embodied  # noqa: E402

pytestmark = [pytest.mark.ray, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]
HAVE_RAY = importlib.util.find_spec("ray") is not None
START_TIMEOUT_S = 300  # `ray start` on a loaded 2-core machine at nice 19 took over 180 s once


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ray_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    # a loaded CI machine can take longer than Ray's default 30 s to register a raylet
    return {**env, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0", "RAY_raylet_start_wait_time_s": "240"}


def start_node(args: list[str], temp: str, groups: list[int]) -> None:
    """``ray start ARGS`` in a new process group (recorded in ``groups`` for the teardown)."""
    ray_bin = str(Path(sys.executable).with_name("ray"))
    cmd = [ray_bin, "start", *args, "--num-cpus", "1", "--temp-dir", temp, "--disable-usage-stats",
           "--dashboard-agent-listen-port", str(free_port()), "--dashboard-agent-grpc-port", str(free_port()),
           "--metrics-export-port", str(free_port()), "--runtime-env-agent-port", str(free_port())]
    proc = subprocess.Popen(cmd, env=ray_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    groups.append(proc.pid)
    try:
        out, _ = proc.communicate(timeout=START_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"ray start did not return within {START_TIMEOUT_S} s: {' '.join(cmd)}")
    assert proc.returncode == 0, out[-3000:]


def stop_groups(groups: list[int]) -> None:
    """Kill the process groups this test started (the nodes' GCS, raylets, agents and workers)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pgid in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, sig)
        time.sleep(3 if sig == signal.SIGTERM else 0)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    if not HAVE_RAY:
        if os.environ.get("MSSBENCH_REQUIRE_RAY") == "1":
            pytest.fail("MSSBENCH_REQUIRE_RAY=1 but Ray is not installed in this interpreter")
        pytest.skip("Ray is not installed: these run in the Ray virtualenv (bash scripts/test_ray.sh)")
    groups: list[int] = []
    temps = [tempfile.mkdtemp(prefix=p, dir="/tmp") for p in ("rh", "rw")]  # short paths: Ray's sockets live there
    port = free_port()
    try:
        start_node(["--head", "--port", str(port), "--include-dashboard=false", "--dashboard-port", str(free_port())],
                   temps[0], groups)
        start_node(["--address", f"127.0.0.1:{port}"], temps[1], groups)
        yield f"127.0.0.1:{port}"
    finally:
        stop_groups(groups)
        for t in temps:
            shutil.rmtree(t, ignore_errors=True)


task = partial(mssbench_embodied, agent="random", limit=4, size=32, max_steps=6, seed=5)  # workers import it by name


def test_eval_across_two_nodes_with_a_worker_killed(cluster: str, monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    import ray

    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    ray.init(address=cluster, log_to_driver=False, logging_level="ERROR")
    try:
        assert len([n for n in ray.nodes() if n["Alive"]]) == 2
        killed: list[dict[str, Any]] = []

        def kill_first(shard: Any, info: dict[str, Any]) -> None:
            if not killed:  # the first shard's worker, 0.3 s into its shard
                killed.append(info)
                threading.Timer(0.3, os.kill, (info["pid"], signal.SIGKILL)).start()

        log, run = eval_on_ray(task, "mockllm/model", workers=2, on_dispatch=kill_first)
    finally:
        ray.shutdown()
    assert len(run.nodes) == 2  # one worker on each node
    assert len(run.retries) == 1 and run.retries[0]["pid"] == killed[0]["pid"]
    assert run.retries[0]["node"] == killed[0]["node"]
    retry = run.retries[0]  # per sample: the killed shard's unfinished samples ran again, its finished ones not
    assert retry["finished"] + len(retry["samples"]) == 4 and retry["samples"]
    want = inspect_eval(task(), model="mockllm/model", display="none", log_dir=str(tmp_path))[0]
    assert [s.id for s in log.samples or []] == want.eval.dataset.sample_ids  # complete, nothing twice
    got = {(s.id, s.epoch): {k: v.value for k, v in (s.scores or {}).items()} for s in log.samples or []}
    exp = {(s.id, s.epoch): {k: v.value for k, v in (s.scores or {}).items()} for s in want.samples or []}
    assert got == exp and len(got) == 8
    assert (log.eval.metadata or {})["mssbench_merged"]["retries"] == run.retries


def test_rllib_trains_across_two_nodes(cluster: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    cmd = [sys.executable, str(REPO / "policies/train_rllib.py"), "--address", cluster, "--iterations", "1",
           "--size", "32", "--pairs", "2", "--num-env-runners", "2", "--num-envs-per-env-runner", "1",
           "--train-batch", "64", "--minibatch", "32", "--epochs", "1", "--max-steps", "6", "--eval-pairs", "1",
           "--out", str(out)]  # two 1-CPU env runners on two 1-CPU nodes: one on each
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path, env=ray_env())
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    with open(out / "curve.csv") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["iteration"]) for r in rows] == [1] and int(rows[0]["env_steps"]) >= 64
    assert (out / "policy.safetensors").is_file()
