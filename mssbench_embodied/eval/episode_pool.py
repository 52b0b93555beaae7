"""Episodes of model-free agents in worker processes, so a local run uses every core.

The inspect solver (``eval.inspect.solver``) hands an episode of an agent that needs no model (oracle,
comply, refuse, random, policy) to an ``EpisodePool`` when the task runs with ``workers > 1``. Each worker
is one spawned process with its own env pool and snapshot cache; both variants of a pair go to the same
worker (they share its prepared realisations) unless that worker is busier than another by more than one
episode. The worker plays the whole episode (``eval.episode.play_episode``) with a ``TraceRecorder`` and
returns the record and the recorded tracer calls; the solver replays them into the sample's transcript
(``replay``), so the log is the one an in-process episode writes. Episodes are seeded by (pair, variant,
seed), never by the worker, so a run gives the same records with any number of workers.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..protocol import EpisodeContext
from .episode import EpisodeTracer, StepTrace
from .records import EpisodeRecord

__all__ = ["EpisodePool", "TraceRecorder", "default_workers", "replay"]

_INFO_KEYS = ("pair_id", "variant", "category", "hazard_kind", "instruction")  # what a tracer's started() reads
_STEP_INFO_KEYS = ("task_success", "time_at_risk")  # what a tracer's stepped() reads of the step's info


def default_workers() -> int:
    """Worker processes for model-free episodes: the CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class _Call:
    """One recorded tracer call: ``kind`` is started, enter, exit, stepped or finished."""

    kind: str
    args: tuple[Any, ...]


class TraceRecorder:
    """An ``EpisodeTracer`` that keeps its calls (picklable) for ``replay`` in another process."""

    def __init__(self) -> None:
        self.calls: list[_Call] = []

    def started(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """Keep the info fields and the caption (the env in ``ctx`` stays in this process)."""
        self.calls.append(_Call("started", ({k: info.get(k) for k in _INFO_KEYS}, ctx.caption,
                                            ctx.pair_id, ctx.variant)))

    @contextlib.asynccontextmanager
    async def scope(self, name: str) -> Any:
        """Keep the scope's bounds."""
        self.calls.append(_Call("enter", (name,)))
        try:
            yield
        finally:
            self.calls.append(_Call("exit", (name,)))

    def stepped(self, step: StepTrace) -> None:
        """Keep the step with the info keys a tracer reads, its frame as a PNG data URL."""
        info = {k: step.info[k] for k in _STEP_INFO_KEYS if k in step.info}
        self.calls.append(_Call("stepped", (StepTrace(step.t, _encoded(step.frame), step.decision, step.record,
                                                      info),)))

    def finished(self, record: EpisodeRecord, last_frame: np.ndarray | str | None) -> None:
        """Keep the record and the last frame (a PNG data URL)."""
        self.calls.append(_Call("finished", (record, _encoded(last_frame))))


def _encoded(frame: np.ndarray | str | None) -> str | None:
    """A frame as the PNG data URL the transcript embeds: encoded in the worker, not the eval's process."""
    from ..llm.messages import image_to_data_url

    return frame if frame is None or isinstance(frame, str) else image_to_data_url(frame)


async def replay(calls: list[_Call], tracer: EpisodeTracer) -> None:
    """Make ``tracer`` see the recorded calls in order, its scopes opened and closed where they were."""
    scopes: list[contextlib.AsyncExitStack] = []
    try:
        for call in calls:
            if call.kind == "started":
                info, caption, pair_id, variant = call.args
                tracer.started({}, info, EpisodeContext(pair_id, variant, None, caption=caption))
            elif call.kind == "enter":
                scopes.append(contextlib.AsyncExitStack())
                await scopes[-1].enter_async_context(tracer.scope(call.args[0]))
            elif call.kind == "exit":
                await scopes.pop().aclose()
            elif call.kind == "stepped":
                tracer.stepped(call.args[0])
            elif call.kind == "finished":
                tracer.finished(*call.args)
    finally:
        while scopes:
            await scopes.pop().aclose()


# -- the worker side: one env pool and agent per configuration, for the life of the process ----------------------
_ENVS: dict[Any, Any] = {}
_AGENTS: dict[tuple[str, str], Any] = {}


def _play(cfg: Any, agent: str, opts: argparse.Namespace, pair_id: str, variant: str, seed: int
          ) -> tuple[EpisodeRecord, list[_Call]]:
    """Play one episode in this worker (its env and agent kept for the next)."""
    from .episode import play_episode
    from .inspect.solver import make_env, probe_agent

    env = _ENVS.get(cfg)
    if env is None:
        env = _ENVS[cfg] = make_env(cfg)
    key = (agent, repr(sorted(vars(opts).items())))
    runner = _AGENTS.get(key)
    if runner is None:
        runner = _AGENTS[key] = probe_agent(agent, opts)
    rec = TraceRecorder()
    record = asyncio.run(play_episode(runner, env, pair_id, variant, seed, rec))
    return record, rec.calls


def _init_worker(parent: int) -> None:
    import gc
    import threading

    gc.set_threshold(10_000, 10, 10)  # as run.GC_THRESHOLD: episodes allocate many short-lived containers
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # a policy's torch: one thread per worker, the workers fill the CPUs

    def orphaned() -> None:  # the eval's process was killed (kill -9): do not linger
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=orphaned, name="mssbench-parent-watch", daemon=True).start()


class EpisodePool:
    """``workers`` single-process executors (spawned) that play model-free episodes.

    Args:
        workers: the number of worker processes (>= 1).
    """

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be >= 1, not {workers}")
        self._ctx = multiprocessing.get_context("spawn")  # never fork a process that may hold a GL context
        self._executors = [self._executor() for _ in range(workers)]
        self._busy = [0] * workers
        self._home: dict[str, int] = {}

    def _executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=self._ctx, initializer=_init_worker, initargs=(os.getpid(),))

    def _pick(self, pair_id: str) -> int:
        home = self._home.get(pair_id)
        least = min(range(len(self._busy)), key=lambda i: (self._busy[i], i))
        if home is None or self._busy[home] > self._busy[least] + 1:
            home = self._home[pair_id] = least
        return home

    async def play(self, cfg: Any, agent: str, opts: argparse.Namespace, pair_id: str, variant: str, seed: int
                   ) -> tuple[EpisodeRecord, list[_Call]]:
        """Play the episode on a worker; the record and the tracer calls to ``replay``."""
        i = self._pick(pair_id)
        ex = self._executors[i]
        self._busy[i] += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(ex, _play, cfg, agent, opts, pair_id, variant, seed)
        except BrokenProcessPool:  # the worker died (killed, out of memory): a fresh one for the next episode
            if self._executors[i] is ex:
                self._executors[i] = self._executor()
            raise RuntimeError(f"the episode's worker process died ({pair_id}, {variant})") from None
        finally:
            self._busy[i] -= 1

    def close(self) -> None:
        """Stop the workers."""
        for ex in self._executors:
            ex.shutdown(wait=True, cancel_futures=True)
        self._executors = []
