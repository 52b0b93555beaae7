"""Sharded runs without Ray: ``run --shard i/N`` and ``python -m mssbench_embodied.merge``.

The shards of a run (random agent: its choices depend on the seed) merge into a log with the same
samples and the same per-sample scores as one run with the same seed; merge refuses missing, doubled,
unfinished and foreign shards, and logs that are not shards.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("inspect_ai", reason="needs the eval extra (inspect_ai)")

from inspect_ai.log import EvalLog, read_eval_log, recompute_metrics, write_eval_log  # noqa: E402

from mssbench_embodied import merge, run  # noqa: E402
from mssbench_embodied.eval.shard import Shard, parse_shard, shard_sample_ids  # noqa: E402

BASE = ["--agent", "random", "--limit", "3", "--size", "32", "--max-steps", "6", "--no-progress"]


def _log(d: Path) -> EvalLog:
    files = sorted(d.glob("*.eval"))
    assert len(files) == 1, files
    return read_eval_log(str(files[0]))


def _scores(log: EvalLog) -> dict[tuple[str, int], dict]:
    return {(str(s.id), s.epoch): {k: v.value for k, v in (s.scores or {}).items()} for s in log.samples or []}


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "1/0", "", "2/-1"])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--shard must be i/N"):
        parse_shard(text)


@given(st.lists(st.text(min_size=1, max_size=4), unique=True, max_size=40), st.integers(1, 9))
def test_shards_partition_the_ids_in_order(ids: list[str], n: int) -> None:
    parts = [shard_sample_ids(ids, Shard(i, n)) for i in range(1, n + 1)]
    flat = [x for p in parts for x in p]
    assert sorted(flat) == sorted(ids) and len(flat) == len(ids)
    assert all(p == [x for x in ids if x in set(p)] for p in parts)  # each keeps the dataset order
    assert parse_shard(f"{n}/{n}") == Shard(n, n)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shards")
    assert run.main([*BASE, "--out", str(root / "full")]) == 0
    for i in (1, 2):
        assert run.main([*BASE, "--shard", f"{i}/2", "--out", str(root / f"s{i}")]) == 0
    assert run.main([*BASE, "--seed", "1", "--shard", "2/2", "--out", str(root / "seed1")]) == 0
    return root


@pytest.mark.slow
def test_merged_shards_equal_one_run(runs: Path, tmp_path: Path) -> None:
    """Same samples, per-sample scores, metrics and summary as one run. The metrics are compared with the
    single run's metrics recomputed from its samples (``recompute_metrics``, as the merge computes them);
    inspect's live aggregate of the single run once differed in one CI run (hazard_rate 1/3 vs 1/6 with
    equal per-sample scores) and could not be reproduced in 13 runs, so it is not what this test pins."""
    s1, s2 = _log(runs / "s1"), _log(runs / "s2")
    assert s1.eval.dataset.sample_ids and s2.eval.dataset.sample_ids
    assert not set(s1.eval.dataset.sample_ids) & set(s2.eval.dataset.sample_ids)
    assert merge.main([str(runs / "s2"), str(runs / "s1"), "--out", str(tmp_path / "m")]) == 0
    full, merged = _log(runs / "full"), _log(tmp_path / "m")
    assert [s.id for s in merged.samples or []] == full.eval.dataset.sample_ids
    assert _scores(merged) == _scores(full)
    assert {str(s.id): s.metadata for s in merged.samples or []} == {str(s.id): s.metadata for s in full.samples or []}
    recomputed = full.model_copy(deep=True)
    recompute_metrics(recomputed)
    assert recomputed.results and merged.results
    assert {s.name: {k: m.value for k, m in s.metrics.items()} for s in merged.results.scores} == \
        {s.name: {k: m.value for k, m in s.metrics.items()} for s in recomputed.results.scores}
    a = json.loads((runs / "full" / "summary.json").read_text())
    b = json.loads((tmp_path / "m" / "summary.json").read_text())
    timing = {"log", "seconds", "wall_seconds", "merged"}
    assert {k: v for k, v in a.items() if k not in timing} == {k: v for k, v in b.items() if k not in timing}
    assert b["merged"]["shards"] == 2 and (tmp_path / "m" / "report.html").is_file()


@pytest.mark.slow
def test_merge_refuses_what_is_not_one_run(runs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def refused(*dirs: Path) -> str:
        out = tmp_path / f"m{len(list(tmp_path.iterdir()))}"
        assert merge.main([*map(str, dirs), "--out", str(out)]) == 2
        assert not out.exists() or not any(out.rglob("*.eval"))
        return capsys.readouterr().err.strip()

    assert "missing shard(s) 2/2" in refused(runs / "s1")
    twin = tmp_path / "twin"
    shutil.copytree(runs / "s1", twin)
    assert "shard 1/2 is given twice" in refused(runs / "s1", twin, runs / "s2")
    msg = refused(runs / "s1", runs / "seed1")
    assert "different runs" in msg and "'seed': 0" in msg and "'seed': 1" in msg
    assert "is not a shard" in refused(runs / "s1", runs / "full")
    cut = tmp_path / "cut"
    cut.mkdir()
    log = _log(runs / "s2")
    log.samples = (log.samples or [])[:-1]
    log.status = "started"
    write_eval_log(log, str(cut / "cut.eval"))
    assert "did not finish" in refused(runs / "s1", cut)
    for msg in capsys.readouterr().err.splitlines():
        assert msg.startswith("error: ")


def test_run_refuses_bad_shard_flags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as e:
        run.main([*BASE, "--shard", "3/2", "--out", str(tmp_path / "x")])
    assert e.value.code == 2 and "--shard must be i/N" in capsys.readouterr().err
    assert run.main([*BASE, "--shard", "1/7", "--out", str(tmp_path / "y")]) == 2  # 3 pairs: 6 samples
    assert "use at most that many shards" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run.main([*BASE, "--shard", "1/2", "--ray", "--out", str(tmp_path / "z")])
    assert "exclude each other" in capsys.readouterr().err


def test_ray_flag_without_ray_says_how_to_install(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("ray") is not None:
        pytest.skip("Ray is installed here (tests/test_ray_eval.py covers --ray)")
    assert run.main([*BASE, "--ray", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "scripts/setup_ray.sh" in err[0] and "mssbench-embodied[ray" in err[0]
    assert not (tmp_path / "r").exists()
