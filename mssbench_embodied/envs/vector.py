"""GroupedAsyncVectorEnv: many envs in few processes, each process stepping its group in turn.

Gymnasium's AsyncVectorEnv runs one env per process and steps them in lock step, so every
vector step waits for the slowest env. Situation steps vary a lot (a refusal takes 0.6 ms, a
reset ~13 ms), so with one env per process two processes reach only 1.4-1.5x one process. Here
each worker process owns a gymnasium SyncVectorEnv over its share of the envs; a worker's time
per vector step is a sum over its group, which varies less, so the lock-step wait shrinks
(8 envs in 2 processes: 1.56-1.75x). Pool mode has no lock step (1.88-1.97x; docs/PERFORMANCE.md).

Same API and autoreset semantics as gymnasium's vector envs (the workers run SyncVectorEnv):
    venv = make_grouped_vec("MSSBench/Situations-v0", num_envs=8, num_workers=2, width=64, height=64)
    obs, info = venv.reset(seed=0)
    masks = info["action_mask"]          # (num_envs, n_actions); also np.stack(venv.call("action_masks"))

Pool mode (EnvPool's async API) drops the lock step: each worker's group is a batch, and recv()
returns the first batch that is ready, while the other workers keep stepping:
    venv.async_reset(seed=0)
    while training:
        obs, rew, term, trunc, info = venv.recv()     # one group; info["env_id"] says which envs
        venv.send(policy(obs, info["action_mask"]), info["env_id"])
"""
from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, SyncVectorEnv, VectorEnv
from gymnasium.vector.utils import CloudpickleWrapper, batch_space


def _worker(conn: Connection, env_fns: list[CloudpickleWrapper[gym.Env]], autoreset_mode: AutoresetMode) -> None:
    venv: SyncVectorEnv | None = None
    try:
        venv = group = SyncVectorEnv(env_fns, autoreset_mode=autoreset_mode, copy=False)
        while True:
            cmd, data = conn.recv()
            try:
                if cmd == "reset":
                    out: Any = group.reset(seed=data[0], options=data[1])
                elif cmd == "step":
                    out = group.step(data)
                elif cmd == "call":
                    out = group.call(data[0], *data[1], **data[2])
                elif cmd == "set_attr":
                    group.set_attr(data[0], data[1])
                    out = None
                elif cmd == "is_wrapped":
                    out = [_is_wrapped(env, data) for env in group.envs]
                elif cmd == "spaces":
                    out = (group.single_observation_space, group.single_action_space, group.metadata, group.render_mode)
                elif cmd == "close":
                    group.close()
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


def _is_wrapped(env: gym.Env, wrapper_class: type) -> bool:
    while isinstance(env, gym.Wrapper):
        if isinstance(env, wrapper_class):
            return True
        env = env.env
    return False


def _slice(x: Any, a: int, b: int) -> Any:
    if isinstance(x, dict):
        return {k: _slice(v, a, b) for k, v in x.items()}
    if isinstance(x, tuple):
        return tuple(_slice(v, a, b) for v in x)
    return x[a:b]


def _flat(parts: list[list[Any]]) -> tuple[Any, ...]:
    """Per-worker result lists -> one tuple over envs."""
    return tuple(x for part in parts for x in part)


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
    """Vectorized environment that runs its environments in a few processes, a group in each.

    Each worker process steps a gymnasium ``SyncVectorEnv`` over a contiguous group of the envs
    (group sizes differ by at most one). The API and autoreset semantics are gymnasium's; pool
    mode (``async_reset``, ``recv``, ``send``) steps each group as a batch, without lock step.

    Example:
        >>> import numpy as np
        >>> from mssbench_embodied.envs.vector import make_grouped_vec
        >>> venv = make_grouped_vec("MSSBench/Situations-v0", num_envs=4, num_workers=2, width=64, height=64)
        >>> venv.groups
        [(0, 2), (2, 4)]
        >>> obs, infos = venv.reset(seed=0)
        >>> infos["action_mask"].shape[0]
        4
        >>> obs, rewards, terminations, truncations, infos = venv.step(np.zeros(4, dtype=np.int64))
        >>> rewards.shape
        (4,)
        >>> venv.async_reset(seed=0)
        >>> obs, rewards, terminations, truncations, infos = venv.recv()
        >>> venv.send(np.zeros(len(infos["env_id"]), dtype=np.int64), infos["env_id"])
        >>> venv.close()
    """

    def __init__(self, env_fns: Sequence[Callable[[], gym.Env]], num_workers: int = 2, context: str = "spawn",
                 autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP) -> None:
        """Starts the worker processes and reads the spaces from the first.

        Args:
            env_fns: Functions that create the environments.
            num_workers: Number of worker processes, between 1 and ``len(env_fns)``.
            context: ``multiprocessing`` start method ("spawn" is safe with GL contexts).
            autoreset_mode: As gymnasium's vector envs (``NEXT_STEP`` by default).
        """
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
        self._conns: list[Connection] = []
        self._procs: list[BaseProcess] = []
        self._closed = False
        self._pending: dict[int, tuple[str, int]] = {}  # pool mode: group -> (command, send order)
        self._order = itertools.count()
        self._calling = False  # a call_async() awaits its call_wait()
        for a, b in self._groups:
            parent, child = ctx.Pipe()
            fns = [CloudpickleWrapper(fn) for fn in env_fns[a:b]]
            # typeshed's BaseContext lacks Process; every concrete start-method context has it
            p = ctx.Process(target=_worker, args=(child, fns, self.autoreset_mode),  # type: ignore[attr-defined]
                            daemon=True, name=f"GroupedAsyncVectorEnv-{a}-{b}")
            p.start()
            child.close()
            self._conns.append(parent)
            self._procs.append(p)
        try:
            self._broadcast(("spaces", None))
            obs_space, act_space, metadata, render_mode = self._recv()[0]
        except Exception:
            self.close_extras()
            raise
        self.single_observation_space, self.single_action_space = obs_space, act_space
        self.observation_space = batch_space(obs_space, n)
        self.action_space = batch_space(act_space, n)
        self.metadata = {**metadata, "autoreset_mode": self.autoreset_mode}
        self.render_mode = render_mode
        self._last_obs: list[Any] = [None] * len(self._groups)

    @property
    def num_workers(self) -> int:
        """Number of worker processes."""
        return len(self._groups)

    @property
    def groups(self) -> list[tuple[int, int]]:
        """Env index ranges [start, stop) of the workers: the batches of pool mode."""
        return list(self._groups)

    @property
    def in_flight(self) -> int:
        """Pool mode: batches sent (or reset) and not yet received."""
        return len(self._pending)

    @property
    def processes(self) -> tuple[BaseProcess, ...]:
        """The worker processes, one per group (e.g. to check they are gone after close())."""
        return tuple(self._procs)

    def _recv(self, groups: list[int] | None = None) -> list[Any]:
        out: list[Any] = []
        errors: list[str] = []
        for i in groups if groups is not None else range(len(self._conns)):
            ok, val = self._get(self._conns[i], i)
            (out if ok else errors).append(val if ok else f"worker {i}: {val}")
        if errors:
            raise RuntimeError("GroupedAsyncVectorEnv worker failed:\n" + "\n".join(errors))
        return out

    def _broadcast(self, msg: tuple[str, Any]) -> None:
        for g in range(len(self._conns)):
            self._put(g, msg)

    def _put(self, g: int, msg: tuple[str, Any]) -> None:
        try:
            self._conns[g].send(msg)
        except (BrokenPipeError, ConnectionError) as e:
            raise RuntimeError(f"GroupedAsyncVectorEnv worker {g} exited ({type(e).__name__}); "
                               "its traceback is on stderr") from e

    @staticmethod
    def _get(conn: Connection, i: int) -> tuple[bool, Any]:
        try:
            return conn.recv()
        except (EOFError, ConnectionError) as e:
            raise RuntimeError(f"GroupedAsyncVectorEnv worker {i} exited ({type(e).__name__}); "
                               "its traceback is on stderr") from e

    def _seeds(self, seed: int | list[int | None] | None) -> list[int | None]:
        n = self.num_envs
        seeds: list[int | None]
        if seed is None:
            seeds = [None] * n
        elif isinstance(seed, int):
            seeds = [seed + i for i in range(n)]
        else:
            seeds = list(seed)
        if len(seeds) != n:
            raise ValueError(f"seed list has length {len(seeds)}, expected num_envs={n}")
        return seeds

    def _idle(self, what: str) -> None:
        if self._pending:
            raise RuntimeError(f"{what}() while pool batches are in flight: recv() them first")
        if self._calling:
            raise RuntimeError(f"{what}() while a call_async() is running: call_wait() first")

    def reset(self, *, seed: int | list[int | None] | None = None,
              options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """Resets the environments (those in ``options["reset_mask"]`` if given).

        Args:
            seed: One seed (env ``i`` gets ``seed + i``), a seed per env, or None.
            options: Passed to every env's ``reset``.

        Returns:
            A batch of observations and the vector info.
        """
        self._idle("reset")
        n = self.num_envs
        seeds = self._seeds(seed)
        mask = None if options is None else options.get("reset_mask")
        active = []
        for g, (a, b) in enumerate(self._groups):
            opts = options
            if mask is not None:
                mask = np.asarray(mask, dtype=bool)
                if not mask[a:b].any():
                    continue
                opts = {**(options or {}), "reset_mask": mask[a:b].copy()}
            self._put(g, ("reset", (seeds[a:b], opts)))
            active.append(g)
        results = self._recv(active)
        infos: dict[str, Any] = {}
        for g, (obs, info) in zip(active, results):
            self._last_obs[g] = obs
            infos = _merge_infos(infos, info, *self._groups[g], n)
        return _concat(self._last_obs), infos

    def step(self, actions: Any) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Steps every environment (lock step over the workers).

        Args:
            actions: A batch of actions, one per env.

        Returns:
            Batches of observations, rewards, terminations and truncations, and the vector info.
        """
        self._idle("step")
        for g, (a, b) in enumerate(self._groups):
            self._put(g, ("step", _slice(actions, a, b)))
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
        self.call_async(name, *args, **kwargs)
        return self.call_wait()

    def call_async(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Start `call` in every worker; call_wait() collects the results."""
        self._idle("call")
        self._broadcast(("call", (name, args, kwargs)))
        self._calling = True

    def call_wait(self) -> tuple[Any, ...]:
        """Collects the results of ``call_async``: a tuple over envs."""
        if not self._calling:
            raise RuntimeError("call_wait() without call_async()")
        self._calling = False
        return _flat(self._recv())

    def get_attr(self, name: str) -> tuple[Any, ...]:
        """An attribute of every env: a tuple over envs."""
        return self.call(name)

    def set_attr(self, name: str, values: list[Any] | tuple[Any, ...] | Any) -> None:
        """Sets an attribute of every env.

        Args:
            name: The attribute.
            values: One value per env (list or tuple), or one value for all.
        """
        if isinstance(values, (list, tuple)):
            if len(values) != self.num_envs:
                raise ValueError(f"values has length {len(values)}, expected num_envs={self.num_envs}")
            parts = [list(values[a:b]) for a, b in self._groups]
        else:
            parts = [values] * len(self._groups)
        self._idle("set_attr")
        for g, v in enumerate(parts):
            self._put(g, ("set_attr", (name, v)))
        self._recv()

    # ------------------------------------------------------------------ pool mode (EnvPool's API)
    def async_reset(self, seed: int | list[int | None] | None = None, options: dict[str, Any] | None = None) -> None:
        """Reset every env; each group's first observations then come from recv()."""
        self._idle("async_reset")
        seeds = self._seeds(seed)
        for g, (a, b) in enumerate(self._groups):
            self._put(g, ("reset", (seeds[a:b], options)))
            self._pending[g] = ("reset", next(self._order))

    def recv(self) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Block until a group's batch is ready; of several ready, the longest waiting comes first.

        Returns that group's (obs, rewards, terminations, truncations, infos), arrays over its
        envs; infos["env_id"] holds their indices. After async_reset the rewards are 0."""
        if not self._pending:
            raise RuntimeError("recv() with no batch in flight: call async_reset() or send() first")
        ready = wait([self._conns[k] for k in self._pending])
        g = min((k for k in self._pending if self._conns[k] in ready), key=lambda k: self._pending[k][1])
        cmd, _ = self._pending.pop(g)
        ok, val = self._get(self._conns[g], g)
        if not ok:
            raise RuntimeError(f"GroupedAsyncVectorEnv worker failed:\nworker {g}: {val}")
        a, b = self._groups[g]
        if cmd == "reset":
            obs, info = val
            rew, term, trunc = np.zeros(b - a), np.zeros(b - a, bool), np.zeros(b - a, bool)
        else:
            obs, rew, term, trunc, info = val
        self._last_obs[g] = obs
        return obs, np.asarray(rew, np.float64), term, trunc, {**info, "env_id": np.arange(a, b)}

    def send(self, actions: Any, env_id: Sequence[int] | np.ndarray) -> None:
        """Step the group `env_id` (as returned by recv) with `actions` (one per env, in order)."""
        ids = np.asarray(env_id).tolist()
        g = next((k for k, (a, b) in enumerate(self._groups) if ids == list(range(a, b))), None)
        if g is None:
            raise ValueError(f"env_id {ids} is not a worker group; send the env_id that recv() returned")
        if g in self._pending:
            raise RuntimeError(f"envs {ids} are still stepping: recv() their batch before sending again")
        actions = np.asarray(actions)
        if len(actions) != len(ids):
            raise ValueError(f"got {len(actions)} actions for {len(ids)} envs")
        self._put(g, ("step", actions))
        self._pending[g] = ("step", next(self._order))

    def env_is_wrapped(self, wrapper_class: type) -> tuple[bool, ...]:
        """Whether each env is wrapped in `wrapper_class` (for SB3's VecEnv API)."""
        self._idle("env_is_wrapped")
        self._broadcast(("is_wrapped", wrapper_class))
        return _flat(self._recv())

    def render(self) -> tuple[Any, ...] | None:
        """Every env's ``render()``: a tuple over envs."""
        return self.call("render")

    def close_extras(self, **kwargs: Any) -> None:
        """Stops the workers (replies still in flight are drained first)."""
        if self._closed:
            return
        self._closed = True

        def drain(conns: list[Any]) -> None:
            for conn in conns:
                with contextlib.suppress(EOFError, OSError):
                    conn.recv()

        # replies still due (pool batches, a call_async) come first, so the close replies line up
        drain([self._conns[g] for g in self._pending] + (self._conns if self._calling else []))
        self._pending.clear()
        for conn in self._conns:
            with contextlib.suppress(BrokenPipeError, OSError):
                conn.send(("close", None))
        drain(self._conns)
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


def vector_entry_point(env_id: str) -> Callable[..., GroupedAsyncVectorEnv]:
    """The registered `vector_entry_point` of `env_id`, so that
    `gym.make_vec(env_id, num_envs, vectorization_mode="vector_entry_point", num_workers=2, **kwargs)`
    builds a GroupedAsyncVectorEnv (num_workers, context and autoreset_mode are optional)."""
    def create(num_envs: int = 1, num_workers: int = 2, context: str = "spawn",
               autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP, **kwargs: Any) -> GroupedAsyncVectorEnv:
        return make_grouped_vec(env_id, num_envs, min(num_workers, num_envs), context, autoreset_mode, **kwargs)

    return create

