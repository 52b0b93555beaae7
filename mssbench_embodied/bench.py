"""Benchmarks: `python -m mssbench_embodied.bench [--quick]` prints one JSON object.

- sim: embedded backend steps/s at 300x300 with RGB + depth + instance segmentation rendered,
  steps/s with rendering off (metadata built lazily; also with metadata read every step),
  reset time, and the renderer kind;
- env: MSSBench/Situations-v0 env steps/s with 1 and 2 worker processes: gymnasium's async
  vector env (one env per process, lock step), and GroupedAsyncVectorEnv (8 envs in 1 or 2
  processes) in lock step and in pool mode (recv/send, no lock step), and, for reference, the
  machine's own 1 -> 2 process speedup for a pure-Python loop (shared virtual CPUs do not give
  2.0); all in alternating rounds (the means of the rounds' rates, and each round's speedup);
- styles: the legible render style against the flat one, in alternating rounds: rendered
  steps/s of the embedded backend at 300x300 and 512x512 and high-level env steps/s at 128x128
  (random allowed actions), with legible/flat ratios measured within the run;
- peak RSS of this process (children reported separately).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import time
from typing import Any

import numpy as np

# a cycle of sim.actions.MOVES whose pairs undo each other, so the agent stays near its start;
# the order fixes the views rendered, so the numbers stay comparable across runs
NAV = ("RotateLeft", "RotateRight", "LookDown", "LookUp", "MoveAhead", "MoveBack")


def _nav_steps(backend: Any, n: int, read_metadata: bool, read_frames: bool) -> float:
    t = time.perf_counter()
    for i in range(n):
        ev = backend.step({"action": NAV[i % len(NAV)]})
        if read_metadata:
            ev.metadata["objects"]
        if read_frames:
            assert ev.frame is not None and ev.depth_frame is not None and ev.instance_segmentation_frame is not None
    return n / (time.perf_counter() - t)


def bench_sim(n: int, scene: str) -> dict[str, Any]:
    """Embedded-backend steps/s with and without rendering, and reset time, in one room."""
    from .sim.embedded import EmbeddedBackend

    out: dict[str, Any] = {"scene": scene, "frame": "300x300 rgb+depth+segmentation"}
    b = EmbeddedBackend(width=300, height=300)
    b.reset(scene)
    _nav_steps(b, 20, False, True)  # warm-up (GL context, geometry caches)
    out["renderer"] = b.renderer.kind if b.renderer is not None else None
    out["rendered_steps_per_s"] = round(_nav_steps(b, n, False, True), 1)
    out["rendered_steps_per_s_with_metadata"] = round(_nav_steps(b, n, True, True), 1)
    b.close()
    q = EmbeddedBackend(render=False)
    q.reset(scene)
    _nav_steps(q, 50, False, False)
    out["steps_per_s_no_render"] = round(_nav_steps(q, n * 10, False, False), 1)
    out["steps_per_s_no_render_with_metadata"] = round(_nav_steps(q, n, True, False), 1)
    times = []
    for _ in range(20):
        t = time.perf_counter()
        q.reset(scene)
        times.append(time.perf_counter() - t)
    out["reset_ms_median"] = round(1000 * float(np.median(times)), 2)
    return out


def _env_steps(env: Any, rng: np.random.Generator, n: int) -> float:
    """High-level env steps/s over `n` random allowed actions (resetting at episode ends)."""
    _, info = env.reset(seed=int(rng.integers(1 << 30)))
    t = time.perf_counter()
    for _ in range(n):
        _, _, term, trunc, info = env.step(int(rng.choice(np.flatnonzero(info["action_mask"]))))
        if term or trunc:
            _, info = env.reset(seed=int(rng.integers(1 << 30)))
    return n / (time.perf_counter() - t)


def bench_styles(n: int, scene: str, env_steps: int, rounds: int) -> dict[str, Any]:
    """Legible vs flat render style in alternating rounds: rendered steps/s at 300 and 512, env steps/s at 128."""
    import gymnasium as gym

    from .sim.embedded import EmbeddedBackend
    from .sim.render.scene import RenderStyle

    styles: tuple[RenderStyle, ...] = ("flat", "legible")
    sims = {(st, size): EmbeddedBackend(width=size, height=size, render_style=st)
            for st in styles for size in (300, 512)}
    envs = {st: gym.make("MSSBench/Situations-v0", split="train", width=128, height=128, render_style=st)
            for st in styles}
    rates: dict[str, list[float]] = {}
    try:
        for b in sims.values():
            b.reset(scene)
            _nav_steps(b, 12, False, True)  # warm-up
        for env in envs.values():
            env.unwrapped.precache()  # type: ignore[attr-defined]
            _env_steps(env, np.random.default_rng(0), 10)
        for r in range(rounds):
            for st in (styles if r % 2 == 0 else styles[::-1]):
                for size in (300, 512):
                    rates.setdefault(f"rendered_steps_per_s_{size}_{st}", []).append(
                        _nav_steps(sims[(st, size)], n, False, True))
                rates.setdefault(f"env_steps_per_s_128_{st}", []).append(
                    _env_steps(envs[st], np.random.default_rng(r), env_steps))
    finally:
        for b in sims.values():
            b.close()
        for env in envs.values():
            env.close()
    out: dict[str, Any] = {k: round(float(np.mean(v)), 1) for k, v in rates.items()}
    for size in (300, 512):
        out[f"legible_time_ratio_{size}"] = round(out[f"rendered_steps_per_s_{size}_flat"]
                                                  / out[f"rendered_steps_per_s_{size}_legible"], 2)
    out["legible_env_rate_share_128"] = round(out["env_steps_per_s_128_legible"] / out["env_steps_per_s_128_flat"], 2)
    out["rounds"] = rounds
    return out


def _pick(rng: np.random.Generator, masks: np.ndarray) -> np.ndarray:
    """A random allowed action per env (masks: (n, n_actions) from info["action_mask"])."""
    return np.array([rng.choice(np.flatnonzero(m)) for m in masks])


class _Layout:
    """One vector env under test: random masked actions, masks taken from each step's info."""

    def __init__(self, venv: Any, seed: int) -> None:
        self.venv, self.rng, self.seed = venv, np.random.default_rng(seed), seed
        # every pair realised once per worker, so resets cost the same everywhere; start() waits
        venv.call_async("precache")

    def start(self) -> None:
        self.venv.call_wait()
        self.masks = self.venv.reset(seed=self.seed)[1]["action_mask"]

    def lock(self, n: int) -> float:
        """Steps/s over n lock-step vector steps."""
        t = time.perf_counter()
        for _ in range(n):
            self.masks = self.venv.step(_pick(self.rng, self.masks))[4]["action_mask"]
        return n * self.venv.num_envs / (time.perf_counter() - t)

    def pool(self, n: int) -> float:
        """Steps/s in pool mode (GroupedAsyncVectorEnv): send every group, recv/send until
        n x num_envs steps are sent, then drain, so the timed window holds exactly those steps."""
        v, m = self.venv, self.masks
        t, sent = time.perf_counter(), 0
        for a, b in v.groups:
            v.send(_pick(self.rng, m[a:b]), np.arange(a, b))
            sent += b - a
        while sent < n * v.num_envs:
            info = v.recv()[4]
            ids = info["env_id"]
            m[ids] = info["action_mask"]
            v.send(_pick(self.rng, m[ids]), ids)
            sent += len(ids)
        while v.in_flight:
            info = v.recv()[4]
            m[info["env_id"]] = info["action_mask"]
        return sent / (time.perf_counter() - t)


def _spin(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


class _Machine:
    """Context for the env numbers: the machine's own 1 -> 2 process speedup for a pure-Python
    loop in 2 spawned workers. On these shared virtual CPUs it is not 2.0 and it drifts (1.3-2.1
    seen); it is a reference, not a ceiling (the env workload, numpy and llvmpipe, can share
    the cores better)."""

    def __init__(self) -> None:
        import multiprocessing as mp

        self.pool = mp.get_context("spawn").Pool(2)
        self.pool.map(_spin, [10, 10], chunksize=1)  # workers up and the module imported

    def rates(self, n: int = 400_000, chunks: int = 8) -> tuple[float, float]:
        """Loop iterations/s with the loop in 1, and in 2 workers at once; short 1- and 2-worker
        chunks alternate, as this machine's speed changes within a second."""
        t1 = t2 = 0.0
        for _ in range(chunks):
            t = time.perf_counter()
            self.pool.map(_spin, [n], chunksize=1)
            t1 += time.perf_counter() - t
            t = time.perf_counter()
            self.pool.map(_spin, [n, n], chunksize=1)
            t2 += time.perf_counter() - t
        return chunks * n / t1, 2 * chunks * n / t2


def bench_env(steps: int, size: int, rounds: int = 6) -> dict[str, Any]:
    """1 vs 2 worker processes for three layouts and for the machine itself. All stay up and are
    measured in alternating rounds, so that drifts in machine speed hit every layout alike."""
    import gymnasium as gym

    import mssbench_embodied  # noqa: F401

    from .envs.vector import make_grouped_vec

    kw: dict[str, Any] = {"width": size, "height": size, "split": "train"}  # SituationEnv kwargs
    gym_async = [_Layout(gym.make_vec("MSSBench/Situations-v0", num_envs=w, vectorization_mode="async",
                                      vector_kwargs={"context": "spawn"}, **kw), w) for w in (1, 2)]
    grouped = [_Layout(make_grouped_vec("MSSBench/Situations-v0", 8, w, **kw), 10 + w) for w in (1, 2)]
    machine = _Machine()
    runs = {"machine_pure_python_loop": machine.rates,  # each gives (1 process, 2 processes)
            "gymnasium_async_1_env_per_process": lambda: (gym_async[0].lock(4 * steps), gym_async[1].lock(4 * steps)),
            "grouped_8_envs_lock_step": lambda: (grouped[0].lock(steps), grouped[1].lock(steps)),
            "grouped_8_envs_pool_mode": lambda: (grouped[0].pool(steps), grouped[1].pool(steps))}
    for x in gym_async + grouped:  # precached in parallel; then a warm-up
        x.start()
        x.lock(5)
    for x in grouped:
        x.pool(5)
    rates: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
    for _ in range(rounds):
        for k, run in runs.items():
            rates[k].append(run())
    for x in gym_async + grouped:
        x.venv.close()
    machine.pool.terminate()
    out: dict[str, Any] = {"env": "MSSBench/Situations-v0 (high_level, random masked actions)",
                           "frame": f"{size}x{size}", "cpus": os.cpu_count()}
    for k, rs in rates.items():
        one, two = sum(r[0] for r in rs), sum(r[1] for r in rs)
        out[k] = {"speedup_2_processes": round(two / one, 2), "rounds_speedup": [round(b / a, 2) for a, b in rs]}
        if k != "machine_pure_python_loop":
            out[k].update(steps_per_s_1_process=round(one / len(rs), 1),
                          steps_per_s_2_processes=round(two / len(rs), 1))
    return out


def main(argv: list[str] | None = None) -> None:
    """CLI: run the benchmarks and print one JSON object."""
    ap = argparse.ArgumentParser(prog="python -m mssbench_embodied.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer steps (noisier)")
    ap.add_argument("--scene", default="kitchen_val09")
    ap.add_argument("--no-env", action="store_true", help="skip the vector-env benchmark")
    ap.add_argument("--env-size", type=int, default=64)
    ap.add_argument("--no-styles", action="store_true", help="skip the legible-vs-flat style benchmark")
    ap.add_argument("--only-styles", action="store_true", help="run only the legible-vs-flat style benchmark")
    args = ap.parse_args(argv)
    n = 100 if args.quick else 400
    if args.only_styles:
        print(json.dumps({"styles": bench_styles(n // 4, args.scene, 20 if args.quick else 80, 2 if args.quick else 6)},
                         indent=1))
        return
    result: dict[str, Any] = {"sim": bench_sim(n, args.scene)}
    if not args.no_styles:
        result["styles"] = bench_styles(n // 4, args.scene, 20 if args.quick else 80, 2 if args.quick else 6)
    if not args.no_env:
        result["env"] = bench_env(10 if args.quick else 40, args.env_size, 2 if args.quick else 8)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["peak_rss_children_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
