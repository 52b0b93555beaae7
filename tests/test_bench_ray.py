"""``python -m mssbench_embodied.bench --ray``: its plumbing, on tiny sizes.

Without Ray, ``--ray`` prints one line saying how to install it and exits 2 (runs everywhere). Marked
``ray`` (the Ray virtualenv, ``scripts/test_ray.sh``): the resets and cache-build part and the RLlib
sampling part on a local Ray cluster, checked for consistent numbers, and the evaluation-overhead hook.
"""
from __future__ import annotations

import importlib.util
import os
import sys

import pytest

from mssbench_embodied import bench
from mssbench_embodied.scenarios.library import load_pairs

HAVE_RAY = importlib.util.find_spec("ray") is not None


@pytest.fixture
def ray_local():  # type: ignore[no-untyped-def]
    if not HAVE_RAY:
        if os.environ.get("MSSBENCH_REQUIRE_RAY") == "1":
            pytest.fail("MSSBENCH_REQUIRE_RAY=1 but Ray is not installed in this interpreter")
        pytest.skip("Ray is not installed: these run in the Ray virtualenv (bash scripts/test_ray.sh)")
    import ray

    ray.init(num_cpus=3, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        yield ray
    finally:
        ray.shutdown()


def _pairs(n: int) -> list[str]:
    ids = [p.id for p in load_pairs("train")]
    return ids[:: len(ids) // n][:n]


def test_ray_flag_without_ray_says_how_to_install_and_exits_2(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    with pytest.raises(SystemExit) as e:
        bench.main(["--ray"])
    assert e.value.code == 2
    err = capsys.readouterr()
    assert err.out == ""
    lines = err.err.strip().splitlines()
    assert len(lines) == 1 and "setup_ray.sh" in lines[0] and "[ray" in lines[0]


def test_eval_overhead_hook_reports_a_missing_function(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mssbench_embodied.eval.distributed", None)  # import fails
    out = bench.bench_ray_eval_overhead(True, None)
    assert out["available"] is False and "measure_ray_eval_overhead" in out["why"]


@pytest.mark.ray
def test_resets_and_parallel_cache_build(ray_local) -> None:  # type: ignore[no-untyped-def]
    pairs = _pairs(4)
    out = bench.bench_resets(2, pairs, 32, 8)
    assert out["variants_1_worker"] == 2 * len(pairs)
    assert sorted(out["variants_per_worker"]) == [4, 4]  # each worker cached its own half, both variants
    assert 0 < out["reset_ms_median"] <= out["reset_ms_p90"]
    assert out["cache_build_speedup"] == pytest.approx(out["cache_build_s_1_worker"] / out["cache_build_s_2_workers"],
                                                       rel=0.05)


@pytest.mark.ray
def test_rllib_sampling_against_the_grouped_env(ray_local) -> None:  # type: ignore[no-untyped-def]
    out = bench.bench_rllib_sampling(1, 2, 2, 32, _pairs(2))
    assert out["processes"] == 1 and out["envs_per_process"] == 2
    assert out["rllib_env_runners_steps_per_s"] > 0 and out["grouped_vector_env_steps_per_s"] > 0
    assert out["rllib_over_grouped"] == pytest.approx(
        out["rllib_env_runners_steps_per_s"] / out["grouped_vector_env_steps_per_s"], rel=0.01)


def test_eval_overhead_failure_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    import mssbench_embodied.eval.distributed as distributed

    seen: dict[str, str] = {}

    def broken(url: str, **kw: object) -> dict:
        seen["url"] = url
        raise FileNotFoundError("log gone")

    monkeypatch.setattr(distributed, "measure_ray_eval_overhead", broken)
    out = bench.bench_ray_eval_overhead(True, None)
    assert seen["url"].startswith("http://127.0.0.1:")  # the fake server came up in its child process
    assert out == {"available": True, "error": "FileNotFoundError: log gone"}
