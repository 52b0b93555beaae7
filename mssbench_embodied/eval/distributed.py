"""Distributed evaluation on Ray: ``python -m mssbench_embodied.run ... --ray [ADDRESS]``.

The task's samples are cut into shards (``eval.shard``: shard i/N, the same ids on every machine) and
each shard runs as one ``inspect_ai.eval`` inside a Ray actor (``ShardWorker``, one CPU each). An actor
lives for the whole run: it keeps the solver's env pool, so the pairs it has realised stay cached as
snapshots for its next shard, and its episodes' model calls stay async inside it, with
``max_connections`` = ``max_samples`` = its share of the run's connection cap (``--concurrency``
split across the actors, summing to it). Each shard's ``.eval`` log comes back to the driver as bytes
and the shards are merged (``eval.shard.merge_logs``) into the one log a local run writes.

A worker that dies (its process killed, its node lost) fails its shard with a ``RayActorError``: the
driver starts a new actor and runs that shard again from its start on the next free worker. Only
finished shards' logs are kept, so no episode is lost or counted twice; every retry is recorded in the
merged log (eval metadata ``mssbench_merged.retries``) and in summary.json (``merged.retries``).

Before any work, every worker's versions (mssbench-embodied, inspect_ai, the package source's git
revision) are compared with the driver's, and a mismatch is refused. Credentials never travel through
Ray: each worker builds its model itself (``model_factory``), from its own node's environment.
"""
from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.log import EvalLog, read_eval_log

from .shard import MERGED_KEY, Shard, merge_logs, shard_eval_args

__all__ = ["RAY_INSTALL", "DistributedError", "RayRun", "connect", "endpoint_models", "eval_on_ray", "eval_on_ray_to",
           "local_versions", "measure_ray_eval_overhead", "ray_problem",
           "split_connections"]

RAY_INSTALL = ("--ray needs Ray: run from the Ray virtualenv (bash scripts/setup_ray.sh; "
               "source .venv-ray/bin/activate) or pip install 'mssbench-embodied[ray,eval]'")
CONNECT_TIMEOUT_S = 10.0
ModelFactory = Callable[[], tuple[Any, dict[str, Any]]]


class DistributedError(RuntimeError):
    """The distributed run cannot go on (no Ray, unreachable cluster, version mismatch, retries used up)."""


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:300] or type(e).__name__


def ray_problem() -> str | None:
    """Why ``--ray`` cannot work in this environment (Ray not installed), or None."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return RAY_INSTALL
    return None


def connect(address: str | None, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Join the Ray cluster at ``address`` (``HOST:PORT``, ``auto``, ``ray://...``), or start a local one
    (None or ""); nothing if Ray is already initialised. DistributedError, one line, if it cannot."""
    problem = ray_problem()
    if problem:
        raise DistributedError(problem)
    import ray

    if ray.is_initialized():
        return
    if address and address != "auto" and not address.startswith("ray://"):
        host, _, port = address.rpartition(":")
        try:
            socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout_s).close()
        except (OSError, ValueError) as e:
            raise DistributedError(f"cannot reach the Ray cluster at {address} within {timeout_s:g} s "
                                   f"({_one_line(e)}); start it with `ray start --head` or check the address") \
                from None
    if not address:  # a new local cluster: a loaded machine can take longer than Ray's 30 s to register it
        os.environ.setdefault("RAY_raylet_start_wait_time_s", "150")
    try:
        ray.init(address=address or None, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    except Exception as e:  # noqa: BLE001 - no cluster, bad token, wrong port: one line
        hint = "; with Ray 2.60 set RAY_AUTH_MODE=disabled for `ray start` and this run, or give the cluster's token" \
            if "auth" in str(e).lower() or "token" in str(e).lower() else ""
        raise DistributedError(f"cannot connect to Ray at {address or 'a new local cluster'}: {_one_line(e)}{hint}") \
            from None


def _git_revision() -> str | None:
    src = Path(__file__).resolve().parents[2]
    if not (src / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def local_versions() -> dict[str, str | None]:
    """The versions every worker must share with the driver: packages and the package source's git revision."""
    from importlib.metadata import version

    from .. import __version__

    return {"mssbench-embodied": __version__, "inspect_ai": version("inspect_ai"), "git revision": _git_revision()}


def split_connections(total: int, workers: int) -> list[int]:
    """``total`` connections split across ``workers`` (each at least 1; they sum to ``total`` when it is >= workers)."""
    base, extra = divmod(max(total, workers), workers)
    return [base + (1 if k < extra else 0) for k in range(workers)]


def endpoint_models(model: str, base_url: str) -> tuple[Any, dict[str, Any]]:
    """A worker's model for an OpenAI-compatible endpoint (``openai-api/<model>``, key from ``OPENAI_API_KEY``
    or none): a ``model_factory`` for ``eval_on_ray`` as ``functools.partial(endpoint_models, name, url)``."""
    from inspect_ai.model import get_model

    return get_model(f"openai-api/{model}", base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY") or "EMPTY"), {}


class ShardWorker:
    """The Ray actor: runs shards of the task with inspect, keeping its env pool between them."""

    def __init__(self, task_factory: Callable[[], Task], model_factory: ModelFactory | str, max_connections: int
                 ) -> None:
        self.task_factory, self.model_factory, self.max_connections = task_factory, model_factory, max_connections

    def info(self) -> dict[str, Any]:
        """This worker's versions, process id and Ray node."""
        import ray

        return {**local_versions(), "pid": os.getpid(), "node": ray.get_runtime_context().get_node_id()}

    def run(self, shard: Shard, epochs: int, fail_on_error: bool | int) -> bytes:
        """Run ``shard`` of the task; the bytes of its ``.eval`` log."""
        from inspect_ai import eval as inspect_eval

        task = self.task_factory()
        model, roles = (self.model_factory, {}) if isinstance(self.model_factory, str) else self.model_factory()
        with tempfile.TemporaryDirectory(prefix="mssbench-shard-") as tmp:
            log = inspect_eval(task, model=model, model_roles=roles or None, epochs=epochs, log_dir=tmp,
                               max_connections=self.max_connections, max_samples=self.max_connections,
                               fail_on_error=fail_on_error, display="none", **shard_eval_args(task, shard))[0]
            return Path(log.location).read_bytes()


@dataclass
class RayRun:
    """What the driver did: workers, shards, connection caps, and each retry after a worker died."""

    workers: int
    shards: int
    connections: list[int]
    nodes: list[str] = field(default_factory=list)
    retries: list[dict[str, Any]] = field(default_factory=list)
    startup_s: float = 0.0  # starting the workers and checking their versions


def _check_versions(infos: list[dict[str, Any]]) -> None:
    mine = local_versions()
    for info in infos:
        diff = [f"{k} {info.get(k)!r} (driver {v!r})" for k, v in mine.items() if info.get(k) != v]
        if diff:
            raise DistributedError(f"the Ray worker on node {str(info.get('node'))[:12]} runs other versions than this "
                                   f"driver: {'; '.join(diff)}; install the same checkout on every node")


def eval_on_ray(task_factory: Callable[[], Task], model_factory: ModelFactory | str, *, address: str | None = None,
                workers: int | None = None, shards: int | None = None, concurrency: int = 1, epochs: int = 1,
                fail_on_error: bool | int = False, max_attempts: int = 3,
                on_dispatch: Callable[[Shard, dict[str, Any]], None] | None = None) -> tuple[EvalLog, RayRun]:
    """Run the task of ``task_factory`` on a Ray cluster (see the module docstring); the merged log (not yet
    written) and what happened. ``workers``: actors (default: the cluster's CPUs, at most one per sample);
    ``shards``: default one per worker; ``model_factory``: a model string, or a picklable callable each worker
    calls for (model, roles). ``on_dispatch(shard, worker_info)`` is called as each shard is sent (tests kill
    workers from it). DistributedError if the cluster cannot be used or a shard fails ``max_attempts`` times."""
    connect(address)
    import ray
    from ray.exceptions import GetTimeoutError, ObjectLostError, RayActorError, RayTaskError

    ids = [s.id for s in task_factory().dataset]
    n_workers = max(1, min(workers or int(ray.cluster_resources().get("CPU", 1)), len(ids)))
    n_shards = max(1, min(shards or n_workers, len(ids)))
    caps = split_connections(concurrency, n_workers)
    remote = ray.remote(num_cpus=1, max_restarts=0)(ShardWorker)

    def start(k: int, actor: Any = None) -> tuple[Any, dict[str, Any]]:
        actor = actor or remote.remote(task_factory, model_factory, caps[k])
        try:
            info = ray.get(actor.info.remote(), timeout=300)
        except GetTimeoutError:
            raise DistributedError("a Ray worker did not start within 300 s (no free CPU in the cluster?)") from None
        _check_versions([info])
        return actor, info

    run = RayRun(workers=n_workers, shards=n_shards, connections=caps)
    t_start = time.monotonic()
    created = [remote.remote(task_factory, model_factory, caps[k]) for k in range(n_workers)]  # start together
    done: dict[int, bytes] = {}
    try:
        started = [start(k, actor) for k, actor in enumerate(created)]
        run.startup_s = round(time.monotonic() - t_start, 2)
        actors, infos = [a for a, _ in started], [i for _, i in started]
        run.nodes = sorted({str(i["node"]) for i in infos})
        pending = deque(Shard(i, n_shards) for i in range(1, n_shards + 1))
        running: dict[Any, tuple[int, Shard, float]] = {}
        attempts: dict[int, int] = {}
        idle = list(range(n_workers))[::-1]
        while pending or running:
            while pending and idle:
                k, shard = idle.pop(), pending.popleft()
                attempts[shard.index] = attempts.get(shard.index, 0) + 1
                running[actors[k].run.remote(shard, epochs, fail_on_error)] = (k, shard, time.monotonic())
                if on_dispatch is not None:
                    on_dispatch(shard, dict(infos[k]))
            ready, _ = ray.wait(list(running), num_returns=1)
            k, shard, t0 = running.pop(ready[0])
            try:
                done[shard.index] = ray.get(ready[0])
            except (RayActorError, ObjectLostError) as e:  # the worker (or its node) died: run the shard again
                run.retries.append({"shard": str(shard), "attempt": attempts[shard.index], "node": infos[k]["node"],
                                    "pid": infos[k]["pid"], "after_s": round(time.monotonic() - t0, 2),
                                    "error": _one_line(e)})
                if attempts[shard.index] >= max_attempts:
                    raise DistributedError(f"shard {shard} failed {attempts[shard.index]} times; last: "
                                           f"{_one_line(e)}") from None
                actors[k], infos[k] = start(k)  # a new worker; the shard runs again from its start
                created.append(actors[k])
                pending.appendleft(shard)
            except RayTaskError as e:  # an error inside the worker's run (not a death): no retry
                raise DistributedError(f"shard {shard} failed on a Ray worker: {_one_line(e.cause or e)}") from None
            idle.append(k)
    finally:
        for actor in created:
            ray.kill(actor)
    with tempfile.TemporaryDirectory(prefix="mssbench-shards-") as tmp:
        logs = []
        for index, data in sorted(done.items()):
            path = Path(tmp) / f"shard-{index}-of-{n_shards}.eval"
            path.write_bytes(data)
            logs.append(read_eval_log(str(path)))
        merged = merge_logs(logs)
    meta = dict(merged.eval.metadata or {})
    meta[MERGED_KEY] = {**meta.get(MERGED_KEY, {}), "ray": {"workers": n_workers, "nodes": run.nodes,
                                                            "connections": caps}, "retries": run.retries}
    merged.eval.metadata = meta
    return merged, run


def eval_on_ray_to(out: Path, task_factory: Callable[[], Task], model_factory: ModelFactory | str, **kw: Any
                   ) -> EvalLog:
    """``eval_on_ray`` with the merged log written into ``out`` (``eval.shard.save_log``); returns it."""
    from .shard import save_log

    log, _ = eval_on_ray(task_factory, model_factory, **kw)
    save_log(log, out)
    return log


def measure_ray_eval_overhead(base_url: str, *, latency_s: float = 0.2, concurrency: int = 32, pairs: int = 16,
                              workers: int = 2, size: int = 64, agent: str = "multiagent", max_steps: int = 8,
                              address: str | None = None) -> dict[str, Any]:
    """Wall time of one evaluation run locally (``inspect_ai.eval`` in this process) and on Ray
    (``eval_on_ray``, ``workers`` actors), ``2 * pairs`` API-bound episodes of ``agent`` with ``concurrency``
    connections in all, against the OpenAI-compatible endpoint ``base_url`` (the fake server of
    ``mssbench_embodied.testing.fake_openai`` with ``latency=latency_s``; ``latency_s`` is only recorded).
    The Ray cluster (``address``; None: a local one) is joined before timing; the Ray time includes starting
    the workers (``ray_startup_s``, also reported apart). ``overhead_pct``: 100 * (ray / local - 1).
    Both runs must give the same per-sample scores (``identical``)."""
    from functools import partial

    from inspect_ai import eval as inspect_eval

    from .inspect import mssbench_embodied
    from .inspect.solver import close_envs

    task = partial(mssbench_embodied, agent=agent, limit=pairs, size=size, max_steps=max_steps, seed=0)
    models = partial(endpoint_models, "fake/fake-model", base_url)
    connect(address)
    def scores(log: EvalLog) -> dict[Any, Any]:
        return {(s.id, s.epoch): {k: v.value for k, v in (s.scores or {}).items()} for s in log.samples or []}

    with tempfile.TemporaryDirectory(prefix="mssbench-overhead-") as tmp:
        t0 = time.monotonic()
        local = inspect_eval(task(), model=models()[0], log_dir=tmp, max_connections=concurrency,
                             max_samples=concurrency, display="none")[0]
        local_s = time.monotonic() - t0
        local_scores = scores(local)  # inspect reads the samples from the log file
    close_envs()
    t0 = time.monotonic()
    merged, run = eval_on_ray(task, models, workers=workers, concurrency=concurrency)
    ray_s = time.monotonic() - t0
    return {"latency_s": latency_s, "concurrency": concurrency, "episodes": len(local_scores),
            "workers": run.workers, "connections": run.connections, "local_s": round(local_s, 2),
            "ray_s": round(ray_s, 2), "ray_startup_s": run.startup_s, "ratio": round(ray_s / local_s, 3),
            "ratio_after_startup": round((ray_s - run.startup_s) / local_s, 3),
            "overhead_pct": round(100 * (ray_s / local_s - 1), 1), "target_pct": 10.0,
            "identical": local_scores == scores(merged), "errors": sum(1 for s in merged.samples or [] if s.error)}
