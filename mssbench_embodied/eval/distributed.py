"""Distributed evaluation on Ray: ``python -m mssbench_embodied.run ... --ray [ADDRESS]``.

The task's samples are cut into shards (``eval.shard``: shard i/N, the same ids on every machine). Each
shard runs as one ``inspect_ai.eval`` inside a Ray actor (``ShardWorker``, one CPU each; ``WorkerPool``
starts them together and checks their versions). An actor realises each (pair, variant) at its first
reset into its process's snapshot cache, as a local run does, where the work overlaps the other episodes'
waits for the model (``precache=True``: all of its first shard's before any episode, ``prepare``, all
actors at once). An actor lives for the whole run, so its env pool and cache stay; its episodes' model calls stay
async inside it, with ``max_connections`` = ``max_samples`` = its share of the run's connection cap
(``--concurrency`` split across the actors, summing to it).

Results stream: an inspect hook in the worker (``on_sample_end``) hands each finished sample, condensed as
the log holds it, to the actor's run, a Ray streaming generator, and the driver keeps it as it arrives;
the run's log header comes last. A worker that dies (process killed, node lost) ends its stream with a
``RayActorError``: the driver starts a new actor and runs only that run's unfinished samples again, on the
next free worker. The samples that had finished are kept, the killed episodes' partial work is dropped,
and a sample rerun after an epoch had finished keeps the first copy, so no episode is lost or counted
twice. Every retry (shard, node, pid, the samples run again, how many had finished) is recorded in the
merged log (eval metadata ``mssbench_merged.retries``) and in summary.json (``merged.retries``). The
driver merges the shards (``eval.shard.merge_logs``) into the one log a local run writes.

Before any work, every worker's versions (mssbench-embodied, inspect_ai, the package source's git
revision) are compared with the driver's, and a mismatch is refused. Credentials never travel through
Ray: each worker builds its model itself (``model_factory``), from its own node's environment.
"""
from __future__ import annotations

import os
import queue
import socket
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.log import EvalLog

from .shard import MERGED_KEY, Shard, merge_logs, save_log, shard_eval_args, shard_sample_ids

__all__ = ["RAY_INSTALL", "DistributedError", "RayRun", "ShardWorker", "WorkerPool", "connect", "endpoint_models",
           "eval_on_ray", "eval_on_ray_to", "local_versions", "measure_ray_eval_overhead", "precache_samples",
           "ray_problem", "solver_env", "split_connections"]

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


_END = object()  # the end of a worker's sample stream
_STREAM: list[queue.Queue[Any]] = []  # the running shard's sample sink in a worker (empty: not streaming)


def _register_stream_hook() -> None:
    """Register, once per worker process, the inspect hook that streams each finished sample (condensed, as the
    log holds it) to the running shard's sink. Only workers register it; it is off when no shard runs."""
    from inspect_ai.hooks import Hooks, SampleEnd, hooks
    from inspect_ai.log import condense_sample

    if getattr(_register_stream_hook, "done", False):
        return

    @hooks(name="mssbench_ray_sample_stream", description="streams finished samples from a Ray worker")
    class _SampleStream(Hooks):
        def enabled(self) -> bool:
            return bool(_STREAM)

        async def on_sample_end(self, data: SampleEnd) -> None:
            if _STREAM:
                _STREAM[0].put(condense_sample(data.sample))

    _register_stream_hook.done = True  # type: ignore[attr-defined]


class ShardWorker:
    """The Ray actor: warms the env snapshot cache for its samples, then runs them with inspect, streaming each
    finished sample back; it keeps its env pool between runs."""

    def __init__(self, task_factory: Callable[[], Task], model_factory: ModelFactory | str, max_connections: int
                 ) -> None:
        self.task_factory, self.model_factory, self.max_connections = task_factory, model_factory, max_connections
        # start-up, once: import the package and inspect_ai, the model's client library (a model is built per run:
        # its client belongs to that run's event loop), and an env of the solver's frame settings over the task's
        # pairs (renderer, scenes), which prepare() resets
        self.task = task_factory()
        self._models()
        self.env = solver_env(self.task)
        _register_stream_hook()

    def _models(self) -> tuple[Any, dict[str, Any]]:
        return (self.model_factory, {}) if isinstance(self.model_factory, str) else self.model_factory()

    def info(self) -> dict[str, Any]:
        """This worker's versions, process id and Ray node."""
        import ray

        return {**local_versions(), "pid": os.getpid(), "node": ray.get_runtime_context().get_node_id()}

    def prepare(self, sample_ids: list[Any]) -> dict[str, Any]:
        """Realise the (pair, variant) of each of ``sample_ids`` now, into this process's snapshot cache (the one
        the solver's env pool reads), so its episodes reset from snapshots. Embedded backend only."""
        t0 = time.monotonic()
        n = precache_samples(self.task, sample_ids, self.env)
        return {"variants": n, "seconds": round(time.monotonic() - t0, 2), "pid": os.getpid()}

    def run(self, shard: Shard, sample_ids: list[Any], epochs: int, fail_on_error: bool | int) -> Iterator[Any]:
        """Run ``sample_ids`` (of ``shard``) with inspect; a Ray streaming generator: yields each finished
        ``EvalSample`` as it ends, then the run's ``EvalLog`` without samples."""
        from inspect_ai import eval as inspect_eval

        sink: queue.Queue[Any] = queue.Queue()
        out: dict[str, Any] = {}
        model, roles = self._models()
        task = self.task_factory()  # a fresh task (and agent) per run, as a local run has
        args = shard_eval_args(task, shard)
        args["sample_id"] = list(sample_ids)

        def work() -> None:
            try:
                with tempfile.TemporaryDirectory(prefix="mssbench-shard-") as tmp:
                    log = inspect_eval(task, model=model, model_roles=roles or None, epochs=epochs, log_dir=tmp,
                                       max_connections=self.max_connections, max_samples=self.max_connections,
                                       fail_on_error=fail_on_error, display="none", **args)[0]
                    out["log"] = log.model_copy(update={"samples": None, "reductions": None})  # streamed (and its
                    # lists read the file lazily)
            except BaseException as e:  # noqa: BLE001 - raised in the generator, below
                out["error"] = e
            finally:
                sink.put(_END)

        _STREAM[:] = [sink]
        thread = threading.Thread(target=work, name="inspect-eval", daemon=True)
        thread.start()
        try:
            while (item := sink.get()) is not _END:
                yield item
        finally:
            thread.join()
            _STREAM.clear()
        if "error" in out:
            raise out["error"]
        yield out["log"]


def solver_env(task: Task) -> Any:
    """An env over ``task``'s pairs with the render settings ``eval.inspect.solver`` gives its pooled envs (from
    the task's metadata: size, style, fov, max_steps), so it shares their process-wide snapshot cache; None
    with the thor backend (no snapshots) or a task without them."""
    import gymnasium as gym

    try:
        from inspect_ai._util.registry import registry_params

        backend = str(registry_params(task).get("backend", "embedded"))
    except Exception:  # noqa: BLE001 - not a registered task: its default backend
        backend = "embedded"
    meta = task.metadata or {}
    pairs = sorted({str((s.metadata or {})["pair_id"]) for s in task.dataset if "pair_id" in (s.metadata or {})})
    if backend != "embedded" or not {"size", "style", "fov"} <= set(meta) or not pairs:
        return None
    size = int(meta["size"])
    return gym.make("MSSBench/Situations-v0", pair_ids=pairs, backend=backend, width=size, height=size,
                    max_steps=int(meta.get("max_steps", 16)), render_style=str(meta["style"]),
                    field_of_view=float(meta["fov"]))


def precache_samples(task: Task, sample_ids: list[Any], env: Any = None) -> int:
    """Realise the (pair, variant) of each sample of ``task`` in ``sample_ids`` into this process's snapshot
    cache, by a reset of ``env`` (default: a new ``solver_env(task)``, closed after); the number of variants.
    Nothing with the thor backend."""
    wanted = set(sample_ids)
    todo: list[tuple[str, str]] = []
    for sample in task.dataset:
        md = sample.metadata or {}
        if sample.id in wanted and "pair_id" in md and (md["pair_id"], md["variant"]) not in todo:
            todo.append((str(md["pair_id"]), str(md["variant"])))
    own = env is None
    env = solver_env(task) if own and todo else env
    if env is None or not todo:
        return 0
    try:
        for pair_id, variant in todo:
            env.reset(seed=int((task.metadata or {}).get("seed", 0)), options={"pair_id": pair_id, "variant": variant})
    finally:
        if own:
            env.close()
    return len(todo)


@dataclass
class RayRun:
    """What the driver did: workers, shards, connection caps, times, and each retry after a worker died."""

    workers: int
    shards: int
    connections: list[int]
    nodes: list[str] = field(default_factory=list)
    retries: list[dict[str, Any]] = field(default_factory=list)
    startup_s: float = 0.0  # starting the workers and checking their versions (0 with a pool started before)
    precache_s: float = 0.0  # the workers warming their snapshot caches, all at once (wall time)
    precache: list[dict[str, Any]] = field(default_factory=list)  # per worker: variants, seconds, pid
    run_s: float = 0.0  # from the first dispatch to the last sample back
    merge_s: float = 0.0


def _check_versions(infos: list[dict[str, Any]], mine: dict[str, Any] | None = None) -> None:
    mine = mine or local_versions()
    for info in infos:
        diff = [f"{k} {info.get(k)!r} (driver {v!r})" for k, v in mine.items() if info.get(k) != v]
        if diff:
            raise DistributedError(f"the Ray worker on node {str(info.get('node'))[:12]} runs other versions than this "
                                   f"driver: {'; '.join(diff)}; install the same checkout on every node")


class WorkerPool:
    """``ShardWorker`` actors, started together and version-checked; reusable across ``eval_on_ray`` calls of
    the same task (``pool=``), which then do not pay the start-up. ``close()`` kills them."""

    def __init__(self, task_factory: Callable[[], Task], model_factory: ModelFactory | str, connections: list[int],
                 address: str | None = None) -> None:
        connect(address)
        import ray

        self.task_factory, self.model_factory, self.connections = task_factory, model_factory, connections
        self._remote = ray.remote(num_cpus=1, max_restarts=0)(ShardWorker)
        self._mine = local_versions()
        t0 = time.monotonic()
        self.actors: list[Any] = [self._new(k) for k in range(len(connections))]  # start together
        self.all: list[Any] = list(self.actors)
        try:
            self.infos = [self._info(a) for a in self.actors]
        except BaseException:
            self.close()
            raise
        self.startup_s = round(time.monotonic() - t0, 2)

    def _new(self, k: int) -> Any:
        return self._remote.remote(self.task_factory, self.model_factory, self.connections[k])

    def _info(self, actor: Any) -> dict[str, Any]:
        import ray
        from ray.exceptions import GetTimeoutError

        try:
            info = ray.get(actor.info.remote(), timeout=300)
        except GetTimeoutError:
            raise DistributedError("a Ray worker did not start within 300 s (no free CPU in the cluster?)") from None
        _check_versions([info], self._mine)
        return dict(info)

    def replace(self, k: int) -> None:
        """A new worker in slot ``k`` (its old one died)."""
        actor = self._new(k)
        self.all.append(actor)
        self.actors[k], self.infos[k] = actor, self._info(actor)

    def close(self) -> None:
        """Kill every worker this pool started."""
        import ray

        for actor in self.all:
            ray.kill(actor)
        self.all.clear()


def _usage(samples: list[Any], key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for s in samples:
        for k, u in (getattr(s, key, None) or {}).items():
            out[k] = out[k] + u if k in out else u.model_copy()
    return out


def eval_on_ray(task_factory: Callable[[], Task], model_factory: ModelFactory | str, *, address: str | None = None,
                workers: int | None = None, shards: int | None = None, concurrency: int = 1, epochs: int = 1,
                fail_on_error: bool | int = False, max_attempts: int = 3, pool: WorkerPool | None = None,
                precache: bool = False,
                on_dispatch: Callable[[Shard, dict[str, Any]], None] | None = None,
                on_sample: Callable[[Any, dict[str, Any]], None] | None = None) -> tuple[EvalLog, RayRun]:
    """Run the task of ``task_factory`` on a Ray cluster (see the module docstring); the merged log (not yet
    written) and what happened. ``workers``: actors (default: the cluster's CPUs, at most one per sample);
    ``shards``: default one per worker; ``model_factory``: a model string, or a picklable callable each worker
    calls for (model, roles); ``pool``: workers started before (``WorkerPool``; kept open). ``on_dispatch(shard,
    worker_info)`` is called as each run is sent, ``on_sample(sample, worker_info)`` as each finished sample
    arrives (progress; tests kill workers from them). ``precache``: every worker realises its first shard's
    variants before any episode (``ShardWorker.prepare``, all workers at once); by default a worker realises
    each variant at its first reset, as a local run does, where it overlaps the other episodes' waits for the
    model (the realised worlds stay in the worker's snapshot cache either way). DistributedError if the cluster
    cannot be used, a worker's run raises, or a sample's worker died ``max_attempts`` times."""
    connect(address)
    import ray
    from ray.exceptions import ObjectLostError, RayActorError, RayTaskError

    ids = [s.id for s in task_factory().dataset]
    if pool is not None:
        n_workers, caps = len(pool.actors), pool.connections
    else:
        n_workers = max(1, min(workers or int(ray.cluster_resources().get("CPU", 1)), len(ids)))
        caps = split_connections(concurrency, n_workers)
    n_shards = max(1, min(shards or n_workers, len(ids)))
    run = RayRun(workers=n_workers, shards=n_shards, connections=caps)
    own = pool is None
    if pool is None:
        pool = WorkerPool(task_factory, model_factory, caps, address)
        run.startup_s = pool.startup_s
    shard_ids = {i: shard_sample_ids(ids, Shard(i, n_shards)) for i in range(1, n_shards + 1)}
    n_epochs = max(1, epochs)
    finished: dict[int, dict[tuple[Any, int], Any]] = {i: {} for i in shard_ids}
    headers: dict[int, EvalLog] = {}
    try:
        run.nodes = sorted({str(i["node"]) for i in pool.infos})
        t0 = time.monotonic()  # every worker warms its cache for the samples of its first shard, all at once
        first = {k: shard_ids[k + 1] for k in range(min(n_workers, n_shards))} if precache else {}
        refs = {k: pool.actors[k].prepare.remote(first[k]) for k in first}
        for k, ref in refs.items():
            try:
                run.precache.append(ray.get(ref))
            except (RayActorError, ObjectLostError) as e:  # died while precaching: a new worker, which realises lazily
                run.retries.append({"shard": str(Shard(k + 1, n_shards)), "node": pool.infos[k]["node"],
                                    "pid": pool.infos[k]["pid"], "during": "precache", "finished": 0, "samples": [],
                                    "attempt": 0, "error": _one_line(e)})
                pool.replace(k)
        run.precache_s = round(time.monotonic() - t0, 2)
        pending: deque[tuple[int, list[Any]]] = deque((i, list(shard_ids[i])) for i in shard_ids)
        running: dict[Any, tuple[int, int, list[Any], float]] = {}  # generator -> worker, shard, ids, t0
        attempts: dict[Any, int] = {}
        idle = list(range(n_workers))[::-1]
        t_run = time.monotonic()
        while pending or running:
            while pending and idle:
                k, (index, todo) = idle.pop(), pending.popleft()
                for sid in todo:
                    attempts[sid] = attempts.get(sid, 0) + 1
                gen = pool.actors[k].run.options(num_returns="streaming").remote(
                    Shard(index, n_shards), todo, epochs, fail_on_error)
                running[gen] = (k, index, todo, time.monotonic())
                if on_dispatch is not None:
                    on_dispatch(Shard(index, n_shards), dict(pool.infos[k]))
            ready, _ = ray.wait(list(running), num_returns=1)
            gen = ready[0]
            k, index, todo, t_dispatch = running[gen]
            try:
                item = ray.get(next(gen))
            except StopIteration:  # the run ended (its log came last)
                del running[gen]
                idle.append(k)
                continue
            except (RayActorError, ObjectLostError) as e:  # the worker (or its node) died: its unfinished samples
                del running[gen]                               # run again, on the next free (new) worker
                left = [sid for sid in todo if any((sid, ep) not in finished[index] for ep in range(1, n_epochs + 1))]
                run.retries.append({"shard": str(Shard(index, n_shards)), "node": pool.infos[k]["node"],
                                    "pid": pool.infos[k]["pid"], "after_s": round(time.monotonic() - t_dispatch, 2),
                                    "finished": len(todo) - len(left), "samples": left,
                                    "attempt": max([attempts[sid] for sid in left], default=0), "error": _one_line(e)})
                worst = max(left, key=lambda sid: attempts[sid], default=None)
                if worst is not None and attempts[worst] >= max_attempts:
                    raise DistributedError(f"sample {worst} (shard {index}/{n_shards}) lost its worker "
                                           f"{attempts[worst]} times; last: {_one_line(e)}") from None
                pool.replace(k)
                if left or index not in headers:  # all streamed but no log yet: rerun one (its copy is dropped)
                    pending.appendleft((index, left or todo[-1:]))
                idle.append(k)
                continue
            except RayTaskError as e:  # an error inside the worker's run (not a death): no retry
                raise DistributedError(f"shard {index}/{n_shards} failed on a Ray worker: "
                                       f"{_one_line(e.cause or e)}") from None
            if isinstance(item, EvalLog):
                headers[index] = item
            else:  # a finished sample: the first copy counts (a rerun sample id may repeat a finished epoch)
                finished[index].setdefault((item.id, item.epoch), item)
                if on_sample is not None:
                    on_sample(item, dict(pool.infos[k]))
        run.run_s = round(time.monotonic() - t_run, 2)
    finally:
        if own:
            pool.close()
    t0 = time.monotonic()
    logs = []
    for index, header in sorted(headers.items()):
        log = header.model_copy()
        log.eval = header.eval.model_copy(deep=True)
        log.eval.dataset.sample_ids = list(shard_ids[index])
        log.samples = list(finished[index].values())
        if len(log.samples) != len(header.eval.dataset.sample_ids or []) * n_epochs:  # a retried shard
            log.stats = header.stats.model_copy(deep=True)
            log.stats.model_usage = _usage(log.samples, "model_usage")
            log.stats.role_usage = _usage(log.samples, "role_usage")
        logs.append(log)
    merged = merge_logs(logs)
    meta = dict(merged.eval.metadata or {})
    meta[MERGED_KEY] = {**meta.get(MERGED_KEY, {}), "ray": {"workers": n_workers, "nodes": run.nodes,
                                                            "connections": caps}, "retries": run.retries}
    merged.eval.metadata = meta
    run.merge_s = round(time.monotonic() - t0, 2)
    return merged, run


def eval_on_ray_to(out: Path, task_factory: Callable[[], Task], model_factory: ModelFactory | str, **kw: Any
                   ) -> EvalLog:
    """``eval_on_ray`` with the merged log written into ``out`` (``eval.shard.save_log``); returns it."""
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

    The Ray cluster (``address``; None: a local one) is joined and the workers are started (``WorkerPool``:
    processes, imports, version check; ``ray_startup_s``) before the timed runs, as this process imported
    everything before its local run. The Ray time then covers what a run on started workers does: the samples
    (each worker realising its variants as they come, as the local run does), streaming them back, and the merge.
    ``overhead_pct``: 100 * (ray / local - 1); ``overhead_pct_cold``: with the start-up added.
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

    pool = WorkerPool(task, models, split_connections(concurrency, workers), address)
    try:
        with tempfile.TemporaryDirectory(prefix="mssbench-overhead-") as tmp:
            t0 = time.monotonic()
            local = inspect_eval(task(), model=models()[0], log_dir=tmp, max_connections=concurrency,
                                 max_samples=concurrency, display="none")[0]
            local_s = time.monotonic() - t0
            local_scores = scores(local)  # inspect reads the samples from the log file
        close_envs()
        with tempfile.TemporaryDirectory(prefix="mssbench-overhead-ray-") as tmp:
            t0 = time.monotonic()
            merged, run = eval_on_ray(task, models, pool=pool)
            save_log(merged, Path(tmp))  # the driver writes the one log, as the local run did
            ray_s = time.monotonic() - t0
    finally:
        pool.close()
    return {"latency_s": latency_s, "concurrency": concurrency, "episodes": len(local_scores),
            "workers": run.workers, "connections": run.connections, "local_s": round(local_s, 2),
            "ray_s": round(ray_s, 2), "ray_startup_s": pool.startup_s, "ray_precache_s": run.precache_s,
            "ray_precache": run.precache, "ray_samples_s": run.run_s, "ray_merge_s": run.merge_s,
            "ratio": round(ray_s / local_s, 3), "overhead_pct": round(100 * (ray_s / local_s - 1), 1),
            "overhead_pct_cold": round(100 * ((ray_s + pool.startup_s) / local_s - 1), 1), "target_pct": 10.0,
            "identical": local_scores == scores(merged), "errors": sum(1 for s in merged.samples or [] if s.error)}
