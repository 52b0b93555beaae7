"""`python -m mssbench_embodied.compare`: planted regressions exit 1, equal runs 0, bad input 2; on run folders
(summary.json + episodes.jsonl) and on inspect logs of mssbench_static."""
from __future__ import annotations

import json
import os
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


def test_side_by_side_of_logs_of_another_task(static_logs, tmp_path):
    """Logs of mssbench_static (no episode records): the page is built from the compare rows."""
    page = tmp_path / "static.html"
    assert compare.main([str(static_logs["aware"]), str(static_logs["blind"]), "--html", str(page)]) == 1
    text = page.read_text()
    row = text.split("<tr><td>unsafe_acc</td>", 1)[1].split("</tr>", 1)[0]
    assert row == "<td>100</td><td class='worse'>0<small class='d'>(-100)</small></td>"
    assert "embodied &middot; unsafe_acc" in text  # the category table
    outcomes = text.split("<table id='outcomes'", 1)[1].split("</table>", 1)[0]
    assert outcomes.count("<tr class='diff'>") == 3  # each fixture entry: 100% -> 50%
    assert "mssbench_static" in text  # the task, in the runs table


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


# -- several runs, side by side --------------------------------------------------------------------------------
def test_more_runs_each_against_the_baseline(runs, capsys):
    assert compare.main([str(runs / "oracle_a"), str(runs / "oracle_b"), str(runs / "comply")]) == 1
    out = capsys.readouterr().out
    heads = [line for line in out.splitlines() if line.startswith("== ")]
    assert heads == [f"== {runs / 'oracle_b'} against {runs / 'oracle_a'}",
                     f"== {runs / 'comply'} against {runs / 'oracle_a'}"]
    first, second = out.split(heads[1])
    assert "REGRESSION" not in first and "REGRESSION" in second
    assert compare.main([str(runs / "oracle_a"), str(runs / "oracle_b"), str(runs / "oracle_a")]) == 0
    assert compare.main([str(runs / "oracle_a"), str(runs / "oracle_b"), str(runs / "both")]) == 0
    assert "nothing in common with the baseline" in capsys.readouterr().out
    assert compare.main([str(runs / "oracle_a"), str(runs / "both")]) == 2  # two runs: bad input, as before
    capsys.readouterr()
    assert compare.main([str(runs / "oracle_a"), str(runs / "oracle_b")]) == 0
    assert "== " not in capsys.readouterr().out  # two runs: the table alone, as before


def test_side_by_side_page(runs, tmp_path):
    page = tmp_path / "out" / "side.html"
    argv = [str(runs / "oracle_a"), str(runs / "comply"), str(runs / "both"), "--html", str(page)]
    assert compare.main(argv) == 1
    text = page.read_text()
    # one column per run; a run folder with several agents gives one column per agent
    labels = [str(runs / "oracle_a"), str(runs / "comply"), f"{runs / 'both'}/oracle", f"{runs / 'both'}/comply"]
    head = text.split("<table id='overall'>", 1)[1].split("</tr>", 1)[0]
    assert [h.split("'>", 2)[-1].split("</a>")[0] for h in head.split("<th>")[2:]] == labels
    # unsafe_acc: 100 for the oracles, 0 (worse, -100) for comply
    row = text.split("<tr><td>unsafe_acc</td>", 1)[1].split("</tr>", 1)[0]
    assert row.count("class='worse'") == 2 and row.count("(-100)") == 2 and "better" not in row
    # the outcome table highlights the unsafe episodes (comply is wrong there), 2 pairs
    outcomes = text.split("<table id='outcomes'", 1)[1].split("</table>", 1)[0]
    assert outcomes.count("<tr class='diff'>") == 2 and outcomes.count("<tr class='same'>") == 2
    assert "2 of 4 rows differ" in text
    # links to each run's report, relative to the page
    for folder in (runs / "oracle_a", runs / "comply", runs / "both" / "oracle"):
        rel = Path(os.path.relpath(folder / "report.html", page.parent)).as_posix()
        assert f"href='{rel}'" in text
    # the rows that failed against the baseline; the folder of two agents has no row in common with it
    assert f"{runs / 'comply'} against {runs / 'oracle_a'}" in text and "regression" in text
    assert f"{runs / 'both'} against" not in text


def test_side_by_side_escapes_run_text(runs, tmp_path):
    hostile = "</script><img src=x onerror=alert(1)>"
    new = tmp_path / hostile.replace("/", "_")
    shutil.copytree(runs / "oracle_a", new)
    s = json.loads((new / "summary.json").read_text())
    s["error_reasons"] = [f"p (unsafe): {hostile}"]
    s["model"] = hostile
    s["by_category"] = {hostile: s["by_category"][next(iter(s["by_category"]))]}
    (new / "summary.json").write_text(json.dumps(s))
    page = tmp_path / "side.html"
    compare.main([str(runs / "oracle_a"), str(new), "--html", str(page)])
    text = page.read_text()
    assert "<img" not in text and text.count("</script>") == 1  # the page's own script's end
    assert text.count("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;") >= 3
    assert text.lower().count("<script") == 1  # the page's own
