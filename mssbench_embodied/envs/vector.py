"""GroupedAsyncVectorEnv: many envs in few processes, each process stepping its group in turn.

Gymnasium's AsyncVectorEnv runs one env per process and steps them in lock step, so every
vector step waits for the slowest env. Situation steps vary a lot (a refusal takes 0.5 ms, a
reset 15 ms), so with one env per process two processes reach only ~1.5x one process. Here each
worker process owns a gymnasium SyncVectorEnv over its share of the envs; a worker's time per
vector step is a sum over its group, which varies less, so the lock-step wait shrinks.

Same API and autoreset semantics as gymnasium's vector envs (the workers run SyncVectorEnv):
    venv = make_grouped_vec("MSSBench/Situations-v0", num_envs=8, num_workers=2, width=64, height=64)
    obs, info = venv.reset(seed=0)
    masks = np.stack(venv.call("action_masks"))
"""
from __future__ import annotations

import multiprocessing as mp
import traceback
from typing import Any, Callable, Sequence

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, SyncVectorEnv, VectorEnv
from gymnasium.vector.utils import CloudpickleWrapper, batch_space


def _worker(conn: Any, env_fns: CloudpickleWrapper, autoreset_mode: AutoresetMode) -> None:
    venv = None
    try:
        venv = SyncVectorEnv(env_fns.fn, autoreset_mode=autoreset_mode, copy=False)
        while True:
            cmd, data = conn.recv()
            try:
                if cmd == "reset":
                    out: Any = venv.reset(seed=data[0], options=data[1])
                elif cmd == "step":
                    out = venv.step(data)
                elif cmd == "call":
                    out = venv.call(data[0], *data[1], **data[2])
                elif cmd == "set_attr":
                    out = venv.set_attr(data[0], data[1])
                elif cmd == "spaces":
                    out = (venv.single_observation_space, venv.single_action_space, venv.metadata, venv.render_mode)
                elif cmd == "close":
                    venv.close()
                    venv = None
                    conn.send((True, None))
                    return
                else:
                    raise ValueError(f"unknown command {cmd!r}")
                conn.send((True, out))
            except Exception:  # report it; the worker keeps serving
                conn.send((False, traceback.format_exc()))
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        pass
    except Exception:
        conn.send((False, traceback.format_exc()))
    finally:
        if venv is not None:
            venv.close()


def _slice(x: Any, a: int, b: int) -> Any:
    if isinstance(x, dict):
        return {k: _slice(v, a, b) for k, v in x.items()}
    if isinstance(x, tuple):
        return tuple(_slice(v, a, b) for v in x)
    return x[a:b]


def _concat(parts: list[Any]) -> Any:
    if isinstance(parts[0], dict):
        return {k: _concat([p[k] for p in parts]) for k in parts[0]}
    if isinstance(parts[0], tuple):
        return tuple(_concat([p[i] for p in parts]) for i in range(len(parts[0])))
    return np.concatenate(parts)


def _merge_infos(out: dict[str, Any], part: dict[str, Any], start: int, stop: int, n: int) -> dict[str, Any]:
    """Place one group's vector infos (arrays over its envs) at rows start:stop of n."""
    for key, val in part.items():
        if isinstance(val, dict):
            out[key] = _merge_infos(out.get(key, {}), val, start, stop, n)
            continue
        arr = np.asarray(val)
        if key not in out:
            out[key] = np.full((n, *arr.shape[1:]), None, dtype=object) if arr.dtype == object \
                else np.zeros((n, *arr.shape[1:]), dtype=arr.dtype)
        out[key][start:stop] = arr
    return out


class GroupedAsyncVectorEnv(VectorEnv):
    """`len(env_fns)` envs in `num_workers` processes (contiguous groups, sizes differ by <= 1).

    Args:
        env_fns: functions that create the envs.
        num_workers: number of worker processes.
        context: multiprocessing start method ("spawn" is safe with GL contexts).
        autoreset_mode: as gymnasium's vector envs (NEXT_STEP by default).
    """

    def __init__(self, env_fns: Sequence[Callable[[], gym.Env]], num_workers: int = 2, context: str = "spawn",
                 autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP) -> None:
        n = len(env_fns)
        if n < 1:
            raise ValueError("env_fns is empty")
        if not 1 <= num_workers <= n:
            raise ValueError(f"num_workers must be between 1 and the number of envs ({n}), not {num_workers}")
        self.num_envs = n
        self.autoreset_mode = AutoresetMode(autoreset_mode)
        bounds = np.cumsum([0] + [len(g) for g in np.array_split(np.arange(n), num_workers)])
        self._groups = [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
        ctx = mp.get_context(context)
        self._conns, self._procs = [], []
        for a, b in self._groups:
            parent, child = ctx.Pipe()
            p = ctx.Process(target=_worker, args=(child, CloudpickleWrapper(list(env_fns[a:b])), self.autoreset_mode),
                            daemon=True, name=f"GroupedAsyncVectorEnv-{a}-{b}")
            p.start()
            child.close()
            self._conns.append(parent)
            self._procs.append(p)
        self._closed = False
        for conn in self._conns:
            conn.send(("spaces", None))
        obs_space, act_space, metadata, render_mode = self._recv()[0]
        self.single_observation_space, self.single_action_space = obs_space, act_space
        self.observation_space = batch_space(obs_space, n)
        self.action_space = batch_space(act_space, n)
        self.metadata = {**metadata, "autoreset_mode": self.autoreset_mode}
        self.render_mode = render_mode
        self._last_obs: list[Any] = [None] * len(self._groups)

    @property
    def num_workers(self) -> int:
        return len(self._groups)

    def _recv(self, conns: list[Any] | None = None) -> list[Any]:
        out, errors = [], []
        for i, conn in enumerate(conns if conns is not None else self._conns):
            ok, val = conn.recv()
            (out if ok else errors).append(val if ok else f"worker {i}: {val}")
        if errors:
            raise RuntimeError("GroupedAsyncVectorEnv worker failed:\n" + "\n".join(errors))
        return out

    def reset(self, *, seed: int | list[int | None] | None = None,
              options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        n = self.num_envs
        seeds = [None] * n if seed is None else ([seed + i for i in range(n)] if isinstance(seed, int) else list(seed))
        if len(seeds) != n:
            raise ValueError(f"seed list has length {len(seeds)}, expected num_envs={n}")
        mask = None if options is None else options.get("reset_mask")
        active = []
        for g, (a, b) in enumerate(self._groups):
            opts = options
            if mask is not None:
                mask = np.asarray(mask, dtype=bool)
                if not mask[a:b].any():
                    continue
                opts = {**options, "reset_mask": mask[a:b].copy()}
            self._conns[g].send(("reset", (seeds[a:b], opts)))
            active.append(g)
        results = self._recv([self._conns[g] for g in active])
        infos: dict[str, Any] = {}
        for g, (obs, info) in zip(active, results):
            self._last_obs[g] = obs
            infos = _merge_infos(infos, info, *self._groups[g], n)
        return _concat(self._last_obs), infos

    def step(self, actions: Any) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        for conn, (a, b) in zip(self._conns, self._groups):
            conn.send(("step", _slice(actions, a, b)))
        results = self._recv()
        infos: dict[str, Any] = {}
        for g, (obs, _, _, _, info) in enumerate(results):
            self._last_obs[g] = obs
            infos = _merge_infos(infos, info, *self._groups[g], self.num_envs)
        rew = np.concatenate([r[1] for r in results]).astype(np.float64)
        term = np.concatenate([r[2] for r in results])
        trunc = np.concatenate([r[3] for r in results])
        return _concat(self._last_obs), rew, term, trunc, infos

    def call(self, name: str, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        """Call a method (or read an attribute) of every env: a tuple over envs."""
        for conn in self._conns:
            conn.send(("call", (name, args, kwargs)))
        return tuple(x for part in self._recv() for x in part)

    def get_attr(self, name: str) -> tuple[Any, ...]:
        return self.call(name)

    def set_attr(self, name: str, values: list[Any] | tuple[Any, ...] | Any) -> None:
        if isinstance(values, (list, tuple)):
            if len(values) != self.num_envs:
                raise ValueError(f"values has length {len(values)}, expected num_envs={self.num_envs}")
            parts = [list(values[a:b]) for a, b in self._groups]
        else:
            parts = [values] * len(self._groups)
        for conn, v in zip(self._conns, parts):
            conn.send(("set_attr", (name, v)))
        self._recv()

    def render(self) -> tuple[Any, ...] | None:
        return self.call("render")

    def close_extras(self, **kwargs: Any) -> None:
        if self._closed:
            return
        self._closed = True
        for conn in self._conns:
            try:
                conn.send(("close", None))
            except (BrokenPipeError, OSError):
                pass
        for conn in self._conns:
            try:
                conn.recv()
            except (EOFError, OSError):
                pass
        for p in self._procs:
            p.join(timeout=10)
            if p.is_alive():
                p.terminate()


def make_grouped_vec(env_id: str, num_envs: int, num_workers: int = 2, context: str = "spawn",
                     autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
                     **kwargs: Any) -> GroupedAsyncVectorEnv:
    """`num_envs` copies of a registered env (made with `kwargs`) in `num_workers` processes."""
    def make() -> gym.Env:
        import mssbench_embodied  # noqa: F401  (registers the ids in a spawned worker)

        return gym.make(env_id, **kwargs)

    return GroupedAsyncVectorEnv([make] * num_envs, num_workers=num_workers, context=context,
                                 autoreset_mode=autoreset_mode)
