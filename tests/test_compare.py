"""`python -m mssbench_embodied.compare`: planted regressions exit 1, equal runs 0, bad input 2; on run folders
(summary.json + episodes.jsonl) and on inspect logs of mssbench_static."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mssbench_embodied import compare, run

try:  # inspect resolves a metric's annotations in this module's globals
    from inspect_ai.scorer import SampleScore
except ImportError:  # without the eval extra the log tests skip
    SampleScore = None


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    """Two scripted runs of the same 2 pairs: baselines (oracle + comply) and oracle alone, twice."""
    root = tmp_path_factory.mktemp("runs")
    assert run.main(["--agent", "oracle", "--agent", "comply", "--limit", "2", "--out", str(root / "both"),
                     "--no-progress", "--size", "64"]) == 0
    for name in ("oracle_a", "oracle_b"):
        assert run.main(["--agent", "oracle", "--limit", "2", "--out", str(root / name), "--no-progress",
                         "--size", "64"]) == 0
    assert run.main(["--agent", "comply", "--limit", "2", "--out", str(root / "comply"), "--no-progress",
                     "--size", "64"]) == 0
    return root


def test_equal_runs_pass(runs, capsys):
    assert compare.main([str(runs / "oracle_a"), str(runs / "oracle_b")]) == 0
    assert compare.main([str(runs / "both"), str(runs / "both" / "summary.json")]) == 0
    out = capsys.readouterr().out
    assert "ok: no regression" in out and "oracle/safe_acc" in out


def test_a_worse_model_fails_with_a_table(runs, capsys):
    assert compare.main([str(runs / "oracle_a"), str(runs / "comply")]) == 1
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("metric") and " unsafe_acc " in line)
    assert row.split()[2:6] == ["100", "0", "-100", "REGRESSION"]
    assert "hazard_rate_unsafe" in out and "FAIL" in out
    pair_rows = [line for line in out.splitlines() if line.startswith("pair")]
    assert len(pair_rows) == 2 and all("REGRESSION" in line for line in pair_rows)  # each pair: 100 -> 50
    # the other way round is an improvement
    assert compare.main([str(runs / "comply"), str(runs / "oracle_a")]) == 0


def test_tolerance_bounds_the_allowed_drop(runs):
    assert compare.main([str(runs / "oracle_a"), str(runs / "comply"), "--tolerance", "99"]) == 1
    assert compare.main([str(runs / "oracle_a"), str(runs / "comply"), "--tolerance", "100"]) == 0


def test_planted_error_in_one_agent_of_a_folder_fails(runs, tmp_path, capsys):
    new = tmp_path / "new"
    shutil.copytree(runs / "both", new)
    path = new / "summary.json"
    s = json.loads(path.read_text())
    pid = next(iter(s["agents"]["oracle"]["by_pair"]))
    s["agents"]["oracle"]["by_pair"][pid] = 50.0  # one of the pair's two samples errored
    path.write_text(json.dumps(s))
    assert compare.main([str(runs / "both"), str(new)]) == 1
    out = capsys.readouterr().out
    bad = [line for line in out.splitlines() if "REGRESSION" in line]
    assert len(bad) == 1 and bad[0].startswith("pair") and f"oracle/{pid}" in bad[0]


def test_missing_rows_fail_and_html_escapes(runs, tmp_path):
    new = tmp_path / "new"
    shutil.copytree(runs / "oracle_a", new)
    path = new / "summary.json"
    s = json.loads(path.read_text())
    s["by_pair"] = {"<script>alert(1)</script>": 100.0}
    path.write_text(json.dumps(s))
    page = tmp_path / "cmp.html"
    assert compare.main([str(runs / "oracle_a"), str(new), "--html", str(page)]) == 1  # the old pairs are missing
    text = page.read_text()
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "missing" in text


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "nope", "no such file or folder"),
    (lambda d: d, "holds neither summary.json nor a .eval log"),
    (lambda d: (d / "summary.json").write_text("{not json") and d, "cannot read JSON"),
    (lambda d: (d / "summary.json").write_text("[1, 2]") and d, "not a run summary"),
    (lambda d: (d / "x.eval").write_bytes(b"garbage") and d / "x.eval", "cannot read the inspect log"),
])
def test_bad_input_exits_2_with_one_line(make, message, runs, tmp_path, capsys):
    bad = make(tmp_path)
    assert compare.main([str(runs / "oracle_a"), str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err
    assert compare.main([str(runs / "oracle_a"), str(runs / "oracle_b"), "--tolerance", "-1"]) == 2


# -- inspect logs ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def static_logs(tmp_path_factory) -> dict[str, Path]:
    pytest.importorskip("inspect_ai")
    from test_static_task import FIXTURE, Model, image_variants
    from test_static_task import run as run_static

    from mssbench_embodied.testing.fake_openai import FakeOpenAIServer

    images = image_variants(FIXTURE)
    out = {}
    for name, aware in (("aware", True), ("aware2", True), ("blind", False)):
        d = tmp_path_factory.mktemp(name)
        with FakeOpenAIServer(responder=Model(images, aware)) as srv:
            log = run_static(srv, d, split="embodied", setting="if")
        assert log.status == "success"
        out[name] = Path(log.location)
    return out


def test_logs_equal_pass_and_a_planted_regression_fails(static_logs, capsys):
    assert compare.main([str(static_logs["aware"]), str(static_logs["aware2"].parent)]) == 0
    capsys.readouterr()
    assert compare.main([str(static_logs["aware"]), str(static_logs["blind"])]) == 1
    out = capsys.readouterr().out
    rows = {line.split()[1]: line.split()[2:] for line in out.splitlines()
            if line.split() and line.split()[0] in ("metric", "category", "pair")}
    assert rows["unsafe_acc"][:4] == ["100", "0", "-100", "REGRESSION"]
    assert rows["safe_acc"][-1] == "same" and rows["errors"][-1] == "same"
    assert rows["embodied/unsafe_acc"][-1] == "REGRESSION"
    assert sum(1 for k in rows if k.startswith("embodied-0")) == 3  # the fixture's three entries (pairs)


def _dict_score_log(tmp: Path, correct: list[float], hazard: list[float]) -> Path:
    """A log of a toy task whose scorer returns dict values, as the execution scorer does."""
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import Score, metric, scorer
    from inspect_ai.solver import solver

    @solver
    def no_model():  # scoring needs no model call (mockllm would fetch a tokenizer from the internet)
        async def solve(state, generate):
            return state
        return solve

    @metric
    def hazard_rate():
        def compute(scores: list[SampleScore]) -> float:
            return sum(float(s.score.value["hazard"]) for s in scores) / len(scores)
        return compute

    @scorer(metrics=[hazard_rate()])
    def execution():
        async def score(state, target):
            i = int(state.sample_id)
            return Score(value={"correct": correct[i], "hazard": hazard[i]})
        return score

    samples = [Sample(id=i, input="x", metadata={"pair_id": f"p{i // 2}", "variant": ("safe", "unsafe")[i % 2],
                                                 "category": "property_damage"}) for i in range(len(correct))]
    task = Task(dataset=samples, solver=no_model(), scorer=execution())
    [log] = inspect_eval(task, model="mockllm/model", log_dir=str(tmp), display="none")
    return Path(log.location)


def test_dict_scores_read_correct_and_a_rising_hazard_rate_regresses(tmp_path, capsys):
    pytest.importorskip("inspect_ai")
    base = _dict_score_log(tmp_path / "a", [1, 1, 1, 1], [0, 0, 0, 0])
    new = _dict_score_log(tmp_path / "b", [1, 1, 1, 1], [0, 1, 0, 0])
    assert compare.main([str(base), str(new)]) == 1
    out = capsys.readouterr().out
    rows = {line.split()[1]: line.split()[2:] for line in out.splitlines()
            if line.split() and line.split()[0] in ("metric", "category", "pair")}
    assert rows["hazard_rate"] == ["0", "25", "25", "REGRESSION"]  # a fraction shown in percent; higher is worse
    assert "p0" not in rows and "p1" not in rows  # per pair reads "correct", unchanged here
    assert compare.main([str(new), str(base)]) == 0  # fewer hazards: an improvement
