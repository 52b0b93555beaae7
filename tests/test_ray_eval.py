"""Distributed evaluation on a local Ray cluster (``ray.init(num_cpus=2)``): ``eval.distributed``.

Marked ``ray``: run in the Ray virtualenv by ``bash scripts/test_ray.sh``; elsewhere they skip, unless
``MSSBENCH_REQUIRE_RAY=1``. Each compares the Ray run with a local ``inspect_ai.eval`` of the same task:
same samples, same per-sample scores. A worker killed mid-episode (from the fake server, on a model
request) is retried on a new worker, and the retry is recorded.
"""
from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("inspect_ai", reason="needs the eval extra (inspect_ai)")

from inspect_ai import eval as inspect_eval  # noqa: E402
from inspect_ai.log import EvalLog  # noqa: E402

from mssbench_embodied.eval import distributed  # noqa: E402
from mssbench_embodied.eval.distributed import (  # noqa: E402
    DistributedError,
    endpoint_models,
    eval_on_ray,
    split_connections,
)
from mssbench_embodied.eval.inspect import mssbench_embodied  # noqa: E402
from mssbench_embodied.eval.shard import write_merged  # noqa: E402
from mssbench_embodied.testing.fake_openai import FakeOpenAIServer  # noqa: E402

pytestmark = pytest.mark.ray
HAVE_RAY = importlib.util.find_spec("ray") is not None
PLAN = "Safety reasoning: nothing unsafe.\nUnsafe hint: No\nPlan:\n1. Goto Faucet\n2. Toggle Faucet"


@pytest.fixture(scope="module")
def local_ray() -> Any:
    if not HAVE_RAY:
        if os.environ.get("MSSBENCH_REQUIRE_RAY") == "1":
            pytest.fail("MSSBENCH_REQUIRE_RAY=1 but Ray is not installed in this interpreter")
        pytest.skip("Ray is not installed: these run in the Ray virtualenv (bash scripts/test_ray.sh)")
    import ray

    os.environ.setdefault("RAY_raylet_start_wait_time_s", "150")  # a loaded CI machine registers slowly
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


# task and model factories go to the workers, so they are package functions (the tests folder is not importable there)
def scripted_task(agent: str = "random", limit: int = 3) -> Any:
    return partial(mssbench_embodied, agent=agent, limit=limit, size=32, max_steps=6, seed=3)


def fake_models(base_url: str) -> Any:
    return partial(endpoint_models, "fake/fake-model", base_url)


model_task = partial(mssbench_embodied, agent="multiagent", limit=3, size=32, max_steps=6, seed=0)


def scores(log: EvalLog) -> dict[tuple[str, int], dict]:
    return {(str(s.id), s.epoch): {k: v.value for k, v in (s.scores or {}).items()} for s in log.samples or []}


def local(task: Any, model: Any, log_dir: Path) -> EvalLog:
    """The single-process run (its samples are read from the log in ``log_dir``, so keep it)."""
    return inspect_eval(task, model=model, display="none", log_dir=str(log_dir), max_connections=4, max_samples=4)[0]


def test_connection_cap_is_split_across_workers() -> None:
    assert split_connections(32, 3) == [11, 11, 10]
    assert split_connections(2, 4) == [1, 1, 1, 1]  # at least one each
    assert sum(split_connections(7, 2)) == 7


def test_precache_fills_the_cache_the_solver_pool_reads() -> None:
    from mssbench_embodied.eval.inspect import solver

    task = scripted_task("random", 2)()
    ids = [s.id for s in task.dataset][:3]  # pair 1 both variants, pair 2 safe
    assert distributed.precache_samples(task, ids) == 3
    opts = solver.agent_options("random", seed=3)
    cfg = solver.frame_config(solver.probe_agent("random", opts), False, 32, None, None, 6)
    pooled = solver._take_env(cfg)  # the env the solver's episodes run in
    try:
        keys = {(s.metadata["pair_id"], s.metadata["variant"]) for s in task.dataset if s.id in ids}
        assert keys <= set(pooled.unwrapped._snapshots)  # the same process-wide cache: the resets restore them
    finally:
        pooled.close()
    assert distributed.precache_samples(scripted_task("random", 1)(), ["no-such-id"]) == 0
    assert distributed.solver_env(partial(mssbench_embodied, agent="oracle", limit=1, backend="thor")()) is None


@pytest.mark.parametrize("precache", [False, True])
def test_scripted_agents_on_ray_equal_the_local_run(local_ray: Any, tmp_path: Path, precache: bool) -> None:
    log, run = eval_on_ray(scripted_task("random"), "mockllm/model", workers=2, shards=3, concurrency=4,
                           precache=precache)
    want = local(scripted_task("random")(), "mockllm/model", tmp_path / "local")
    assert run.workers == 2 and run.shards == 3 and run.retries == []
    assert [p["variants"] for p in run.precache] == ([2, 2] if precache else [])  # shards 1 and 2: 2 samples each
    assert [s.id for s in log.samples or []] == want.eval.dataset.sample_ids
    assert scores(log) == scores(want) and len(scores(log)) == 6
    summary = write_merged(log, tmp_path / "out")
    assert summary["n"] == 6 and summary["merged"]["retries"] == [] and summary["merged"]["ray"]["workers"] == 2


def test_a_worker_killed_mid_episode_is_retried(local_ray: Any, tmp_path: Path) -> None:
    """One worker with 4 episodes at a time, killed on the fake model server's 4th request, so while one of
    its episodes waits for that answer (with two workers the first could be killed before its first request)."""
    dispatched: list[dict[str, Any]] = []
    killed: list[int] = []
    lock = threading.Lock()

    def answer(req: dict) -> str:  # the fake model: kills a worker on its 4th request, then answers
        with lock:
            n = len(srv.chat_requests)
            if n >= 4 and not killed and dispatched:
                killed.append(dispatched[0]["pid"])
                os.kill(dispatched[0]["pid"], signal.SIGKILL)
        return PLAN

    with FakeOpenAIServer(responder=answer, latency=0.05) as srv:
        log, run = eval_on_ray(model_task, fake_models(srv.base_url), workers=1, concurrency=4,
                               on_dispatch=lambda shard, info: dispatched.append(info))
        n_ray = len(srv.chat_requests)
        want = local(model_task(), fake_models(srv.base_url)()[0], tmp_path / "local")
    assert killed, "the worker was never killed"
    assert len(dispatched) == 2 and dispatched[1]["pid"] != killed[0]  # the rest ran on a new worker
    assert len(run.retries) == 1 and run.retries[0]["pid"] == killed[0] and run.retries[0]["attempt"] == 1
    assert "died" in run.retries[0]["error"].lower() or "actor" in run.retries[0]["error"].lower()
    assert [s.id for s in log.samples or []] == want.eval.dataset.sample_ids  # none lost, none twice
    assert scores(log) == scores(want) and not any(s.error for s in log.samples or [])
    # per sample: only the killed worker's unfinished samples ran again, its finished ones were kept
    retry = run.retries[0]
    assert retry["samples"] and retry["finished"] + len(retry["samples"]) == len(log.samples or [])
    assert n_ray > len(srv.chat_requests) - n_ray  # the killed episodes' requests were made again
    summary = write_merged(log, tmp_path / "out")
    assert summary["merged"]["retries"] == run.retries
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["merged"]["retries"][0]["pid"] == killed[0]


def test_retries_are_per_sample_finished_samples_are_kept(local_ray: Any, tmp_path: Path) -> None:
    """One worker, one episode at a time, killed as its second finished sample reaches the driver (the third
    episode is under way): only the unfinished samples run again, on a new worker; the finished are kept."""
    samples = list(model_task().dataset)
    arrived: list[str] = []
    killed: list[int] = []

    def kill_second(sample: Any, info: dict[str, Any]) -> None:
        arrived.append(str(sample.id))
        if len(arrived) == 2 and not killed:
            killed.append(info["pid"])
            os.kill(info["pid"], signal.SIGKILL)

    dispatched: list[dict[str, Any]] = []
    with FakeOpenAIServer(default=PLAN, latency=0.05) as srv:
        log, run = eval_on_ray(model_task, fake_models(srv.base_url), workers=1, concurrency=1, on_sample=kill_second,
                               on_dispatch=lambda shard, info: dispatched.append(info))
        n_ray = len(srv.chat_requests)
        want = local(model_task(), fake_models(srv.base_url)()[0], tmp_path / "local")
        n_local = len(srv.chat_requests) - n_ray
    assert killed and len(run.retries) == 1 and run.retries[0]["pid"] == killed[0]
    retry = run.retries[0]
    assert retry["finished"] >= 2 and retry["finished"] + len(retry["samples"]) == len(samples)
    assert not set(arrived[:2]) & set(retry["samples"])  # the finished samples did not run again
    assert len(dispatched) == 2 and dispatched[1]["pid"] != killed[0]  # the rest ran on a new worker
    assert [s.id for s in log.samples or []] == want.eval.dataset.sample_ids  # none lost, none twice
    assert scores(log) == scores(want) and not any(s.error for s in log.samples or [])
    assert n_local <= n_ray  # the killed episode's requests were made twice


def test_workers_with_other_versions_are_refused(local_ray: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real = distributed.local_versions
    monkeypatch.setattr(distributed, "local_versions", lambda: {**real(), "inspect_ai": "0.0.1"})
    with pytest.raises(DistributedError, match="runs other versions than this driver: inspect_ai"):
        eval_on_ray(scripted_task("oracle", 1), "mockllm/model", workers=1)


def test_unreachable_address_is_one_line_exit_2(tmp_path: Path) -> None:
    if not HAVE_RAY:
        pytest.skip("Ray is not installed")
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = subprocess.run([sys.executable, "-m", "mssbench_embodied.run", "--agent", "oracle", "--limit", "1",
                          "--ray", f"127.0.0.1:{port}", "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "RAY_ADDRESS": ""})
    assert res.returncode == 2, res.stderr[-2000:]
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach the Ray cluster at 127.0.0.1:")
