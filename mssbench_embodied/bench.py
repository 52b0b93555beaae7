"""Benchmarks: `python -m mssbench_embodied.bench [--quick]` prints one JSON object.

- sim: embedded backend steps/s at 300x300 with RGB + depth + instance segmentation rendered,
  steps/s with rendering off (metadata built lazily; also with metadata read every step),
  reset time, and the renderer kind;
- env: MSSBench/Situations-v0 env steps/s with 1 and 2 worker processes: gymnasium's async
  vector env (one env per process, lock step), and GroupedAsyncVectorEnv (8 envs in 1 or 2
  processes) in lock step and in pool mode (recv/send, no lock step), in alternating rounds;
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
    from .sim.embedded import EmbeddedBackend

    out: dict[str, Any] = {"scene": scene, "frame": "300x300 rgb+depth+segmentation"}
    b = EmbeddedBackend(width=300, height=300)
    b.reset(scene)
    _nav_steps(b, 20, False, True)  # warm-up (GL context, geometry caches)
    out["renderer"] = b._renderer.kind if b._renderer is not None else None
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


def _pick(rng: np.random.Generator, masks: np.ndarray) -> np.ndarray:
    """A random allowed action per env (masks: (n, n_actions) from info["action_mask"])."""
    return np.array([rng.choice(np.flatnonzero(m)) for m in masks])


def _env_worker_rate(num_envs: int, steps: int, size: int) -> float:
    import gymnasium as gym

    import mssbench_embodied  # noqa: F401

    venv = gym.make_vec("MSSBench/Situations-v0", num_envs=num_envs, vectorization_mode="async",
                        vector_kwargs={"context": "spawn"}, width=size, height=size, split="train")
    venv.call("precache")  # realise all pairs once per worker, so resets cost the same everywhere
    _, info = venv.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(30):  # warm-up
        _, _, _, _, info = venv.step(_pick(rng, info["action_mask"]))
    t = time.perf_counter()
    for _ in range(steps):
        _, _, _, _, info = venv.step(_pick(rng, info["action_mask"]))
    rate = steps * num_envs / (time.perf_counter() - t)
    venv.close()
    return rate


def _grouped_rates(num_envs: int, rounds: int, steps: int, size: int) -> list[tuple[float, float, float, float]]:
    """GroupedAsyncVectorEnv steps/s, (lock step: 1, 2 processes, pool mode: 1, 2 processes) per
    round. Rounds alternate over the layouts (both vector envs stay up), so drifts in machine
    speed hit all alike. A pool round sends every group once, then recv/send until `steps` x
    num_envs steps are sent, then drains: the timed window holds exactly the steps counted."""
    from .envs.vector import GroupedAsyncVectorEnv, make_grouped_vec

    venvs = [make_grouped_vec("MSSBench/Situations-v0", num_envs, w, width=size, height=size, split="train")
             for w in (1, 2)]
    rngs = [np.random.default_rng(0), np.random.default_rng(1)]
    masks = []
    for v in venvs:
        v.call("precache")
        masks.append(v.reset(seed=0)[1]["action_mask"])

    def lock(i: int, n: int) -> float:
        v, t = venvs[i], time.perf_counter()
        for _ in range(n):
            masks[i] = v.step(_pick(rngs[i], masks[i]))[4]["action_mask"]
        return n * v.num_envs / (time.perf_counter() - t)

    def pool(i: int, n: int) -> float:
        v: GroupedAsyncVectorEnv = venvs[i]
        t, sent = time.perf_counter(), 0
        for a, b in v._groups:
            v.send(_pick(rngs[i], masks[i][a:b]), np.arange(a, b))
            sent += b - a
        while sent < n * v.num_envs:
            info = v.recv()[4]
            ids = info["env_id"]
            masks[i][ids] = info["action_mask"]
            v.send(_pick(rngs[i], masks[i][ids]), ids)
            sent += len(ids)
        while v._pending:
            info = v.recv()[4]
            masks[i][info["env_id"]] = info["action_mask"]
        return sent / (time.perf_counter() - t)

    for i in (0, 1):
        lock(i, 10)
        pool(i, 10)
    out = [(lock(0, steps), lock(1, steps), pool(0, steps), pool(1, steps)) for _ in range(rounds)]
    for v in venvs:
        v.close()
    return out


def bench_env(steps: int, size: int, grouped_rounds: int = 6) -> dict[str, Any]:
    one = _env_worker_rate(1, steps, size)
    two = _env_worker_rate(2, steps, size)
    rounds = _grouped_rates(8, grouped_rounds, max(steps // 6, 10), size)
    tot = [sum(r[k] for r in rounds) for k in range(4)]

    def rows(a: int, b: int) -> list[tuple[float, float]]:
        return [(round(r[a], 1), round(r[b], 1)) for r in rounds]

    return {"env": "MSSBench/Situations-v0 (high_level, random masked actions)", "frame": f"{size}x{size}",
            "gymnasium_async_1_env_per_process": {
                "steps_per_s_1_process": round(one, 1), "steps_per_s_2_processes": round(two, 1),
                "speedup_2_processes": round(two / one, 2)},
            "grouped_8_envs_lock_step": {"rounds_steps_per_s_1_vs_2_processes": rows(0, 1),
                                         "speedup_2_processes": round(tot[1] / tot[0], 2)},
            "grouped_8_envs_pool_mode": {"rounds_steps_per_s_1_vs_2_processes": rows(2, 3),
                                         "speedup_2_processes": round(tot[3] / tot[2], 2)},
            "cpus": os.cpu_count()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m mssbench_embodied.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer steps (noisier)")
    ap.add_argument("--scene", default="kitchen_val09")
    ap.add_argument("--no-env", action="store_true", help="skip the vector-env benchmark")
    ap.add_argument("--env-size", type=int, default=64)
    args = ap.parse_args(argv)
    n = 100 if args.quick else 400
    result: dict[str, Any] = {"sim": bench_sim(n, args.scene)}
    if not args.no_env:
        result["env"] = bench_env(60 if args.quick else 250, args.env_size, 2 if args.quick else 6)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["peak_rss_children_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
