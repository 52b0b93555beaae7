"""The evaluation CLI (python -m mssbench_embodied.run, a thin layer over inspect_ai): scores, the .eval log
and what is derived from it, errors, --fail-on-error, credentials, secrets, HTML escaping, resume after
kill -9 and retry of errored samples (never mixing runs), replay, concurrency. No internet: a local fake server."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fake_openai_server import FakeOpenAIServer
from mllm_support import FAUCET, FAUCETS, Scripted, episodes, llm_args, run_main, summary

from mssbench_embodied import run
from mssbench_embodied.eval.metrics import episode_correct

ROOT = Path(__file__).resolve().parents[1]
SECRET = "sk-test-SECRET-XYZ"
# test split: pairs 0..13 property_damage, 14.. self_harm
SCRIPTED_ARGS = ("--split", "test", "--pairs", "microwave_metal.*,sharp_on_floor.*")  # 7 + 16 pairs, both categories
EP_FIELDS = {"pair_id", "variant", "instruction", "steps", "exchanges", "hazards", "task_success", "refused",
             "rubric_label", "error", "category", "agent"}
SUMMARY_FIELDS = {"agent", "backend", "model", "n_pairs", "safe_acc", "unsafe_acc", "avg_acc", "by_category",
                  "hazard_rate_unsafe", "task_success_safe", "mitigation_rate", "errors"}
ACC = ("safe_acc", "unsafe_acc", "avg_acc", "hazard_rate_unsafe", "task_success_safe", "mitigation_rate", "errors")


def accs(s: dict[str, Any]) -> tuple:
    return tuple(s[k] for k in ACC)


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mssbench_embodied.run", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


# -- 1. scripted baselines ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def baselines(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("baselines")
    assert run.main([*SCRIPTED_ARGS, "--size", "64", "--out", str(out), "--no-progress"]) == 0
    return out


@pytest.mark.parametrize("agent,safe,unsafe", [("oracle", 100.0, 100.0), ("comply", 100.0, 0.0),
                                               ("refuse", 0.0, 100.0)])
def test_scripted_scores_exact(baselines: Path, agent: str, safe: float, unsafe: float) -> None:
    s = summary(baselines / agent)
    assert (s["safe_acc"], s["unsafe_acc"], s["avg_acc"]) == (safe, unsafe, (safe + unsafe) / 2)
    assert set(s["by_category"]) == {"property_damage", "self_harm"}
    for cat in s["by_category"].values():
        assert (cat["safe_acc"], cat["unsafe_acc"], cat["avg_acc"]) == (safe, unsafe, (safe + unsafe) / 2)
        assert cat["n"] > 0 and cat["n"] % 2 == 0
    assert set(s) >= SUMMARY_FIELDS
    assert (s["agent"], s["backend"], s["model"], s["n_pairs"], s["errors"]) == (agent, "embedded", None, 23, 0)
    if agent == "comply":
        assert s["hazard_rate_unsafe"] == 100.0 and s["task_success_safe"] == 100.0
    if agent == "oracle":
        assert s["hazard_rate_unsafe"] == 0.0 and s["mitigation_rate"] > 0
    assert (baselines / agent / "report.html").stat().st_size > 0


def test_scripted_outputs_layout(baselines: Path) -> None:
    top = summary(baselines)
    assert set(top["agents"]) == {"oracle", "comply", "refuse", "random"}
    for agent in top["agents"]:
        assert len(list((baselines / agent).glob("*.eval"))) == 1  # inspect's log, the source of the rest
        eps = episodes(baselines / agent)
        keys = [(e["pair_id"], e["variant"]) for e in eps]
        assert len(keys) == 46 and len(set(keys)) == 46  # one sample per (pair, variant)
        for e in eps:
            assert set(e) >= EP_FIELDS, EP_FIELDS - set(e)
            assert e["error"] is None and e["exchanges"] == [] and e["agent"] == agent
            assert all({"action", "success", "message"} <= set(st) for st in e["steps"])
        frames = list((baselines / agent / "frames").rglob("*.png"))
        assert len(frames) >= 46 + sum(len(e["steps"]) for e in eps) - 46  # every step's frame, from the log
    r = summary(baselines / "random")
    assert r["safe_acc"] is not None and r["errors"] == 0
    assert (r["seed"], r["split"], r["size"], r["max_steps"]) == (0, "test", 64, 16)  # the run's configuration
    assert r["packages"]["mssbench-embodied"] and r["log"].endswith(".eval")


def test_random_agent_is_seeded(baselines: Path, tmp_path: Path) -> None:
    assert run.main([*SCRIPTED_ARGS, "--agent", "random", "--size", "64", "--out", str(tmp_path),
                     "--no-progress"]) == 0
    a = [(e["pair_id"], e["variant"], [s["action"] for s in e["steps"]]) for e in episodes(tmp_path)]
    b = [(e["pair_id"], e["variant"], [s["action"] for s in e["steps"]]) for e in episodes(baselines / "random")]
    assert a == b


# -- bad input and missing credentials --------------------------------------------------------------

@pytest.mark.parametrize("argv,msg", [(["--limit", "0"], "--limit"), (["--agent", "nobody"], "invalid choice"),
                                      (["--concurrency", "0"], "--concurrency"),
                                      (["--max-retries", "-1"], "--max-retries")])
def test_bad_cli_input_exits_2(argv: list[str], msg: str, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as e:
        run.main([*argv, "--out", str(tmp_path / "o")])
    assert e.value.code == 2 and msg in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_unmatched_pairs_and_existing_run(tmp_path: Path, capsys) -> None:
    assert run.main(["--pairs", "no_such_pair*", "--out", str(tmp_path / "o")]) == 2
    assert "--pairs" in capsys.readouterr().err and not (tmp_path / "o").exists()
    args = ["--agent", "refuse", "--limit", "1", "--size", "32", "--out", str(tmp_path / "r"), "--no-progress"]
    assert run.main(args) == 0
    assert run.main(args) == 2 and "--resume" in capsys.readouterr().err


def test_missing_credentials_exit_2_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    out = tmp_path / "o"
    p = cli("--agent", "mllm", "--model", "x", "--limit", "1", "--out", str(out), env=env)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "OPENAI_API_KEY" in lines[0] and "--base-url" in lines[0], p.stderr
    assert not out.exists() and p.stdout.strip() == ""
    p = cli("--agent", "mllm", "--limit", "1", "--out", str(out), env={**env, "OPENAI_API_KEY": "k"})
    assert p.returncode == 2 and "--model" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert not out.exists()


# -- 3. errors are never correct ---------------------------------------------------------------------

def test_api_failures_are_errors_not_refusals(tmp_path: Path, frames: dict[str, str]) -> None:
    with FakeOpenAIServer(responder=Scripted(frames), faults=["500"] * 1000) as srv:
        assert run_main(tmp_path, *llm_args(srv), "--pairs", FAUCETS, "--limit", "2", "--max-retries", "0") == 0
        n_req = len(srv.chat_requests)
    eps = episodes(tmp_path)
    assert len(eps) == 4 and 4 <= n_req <= 12  # one call per episode (the openai client retries 500s itself)
    assert all(len(e["exchanges"]) == 1 for e in eps)
    for e in eps:
        assert e["error"] and "500" in e["error"] and e["rubric_label"] is None
        assert not e["refused"] and not episode_correct(e)
    s = summary(tmp_path)
    assert s["errors"] == 4 and s["safe_acc"] == 0.0 and s["unsafe_acc"] == 0.0 and s["avg_acc"] == 0.0
    assert len(s["errored_samples"]) == 4 and s["rubric"]["unlabelled"] == 4
    assert "error" in (tmp_path / "report.html").read_text()


def test_fail_on_error_exits_1_and_stops_early(tmp_path: Path, frames: dict[str, str], capsys) -> None:
    """Server down: without the flag the run records errors and exits 0; with it, exit 1 after N errors."""
    with FakeOpenAIServer(responder=Scripted(frames), faults=["500"] * 1000) as srv:
        assert run_main(tmp_path / "a", *llm_args(srv), "--pairs", FAUCETS, "--limit", "3",
                        "--max-retries", "0", "--fail-on-error", "2") == 1
        assert len(srv.chat_requests) < 12  # stopped before the 6 samples were all tried (2 requests each)
    assert "errored" in capsys.readouterr().err
    assert summary(tmp_path / "a")["errors"] >= 2
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:  # healthy: exit 0 with the flag
        assert run_main(tmp_path / "b", *llm_args(srv), "--pairs", FAUCET, "--fail-on-error") == 0


def test_failure_mid_episode_is_an_error(tmp_path: Path, frames: dict[str, str]) -> None:
    """The guard call (3rd request) fails after the agent already acted: still an error, not correct."""
    with FakeOpenAIServer(responder=Scripted(frames), faults=["ok", "ok", "500", "500", "500"]) as srv:
        assert run_main(tmp_path, *llm_args(srv), "--pairs", FAUCET, "--max-retries", "0") == 0
    eps = {e["variant"]: e for e in episodes(tmp_path)}
    safe = eps["safe"]
    assert safe["error"] and "guard" in safe["error"] and safe["acted"] and not episode_correct(safe)
    assert eps["unsafe"]["error"] is None and episode_correct(eps["unsafe"])
    s = summary(tmp_path)
    assert (s["safe_acc"], s["unsafe_acc"], s["errors"]) == (0.0, 100.0, 1)


def test_transient_fault_is_retried(tmp_path: Path, frames: dict[str, str]) -> None:
    with FakeOpenAIServer(responder=Scripted(frames), faults=["429"]) as srv:
        assert run_main(tmp_path, *llm_args(srv), "--pairs", FAUCET, "--max-retries", "1") == 0
        assert len(srv.chat_requests) == 6
    s = summary(tmp_path)
    assert (s["safe_acc"], s["unsafe_acc"], s["errors"]) == (100.0, 100.0, 0)


# -- 5. secrets, 6. HTML escaping ------------------------------------------------------------------

def test_api_key_never_in_outputs(tmp_path: Path, frames: dict[str, str], monkeypatch, capsys) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with FakeOpenAIServer(responder=Scripted(frames), faults=["ok", "401"]) as srv:
        assert run_main(tmp_path, *llm_args(srv), "--pairs", FAUCET, "--max-retries", "0",
                        "--judge-model", "fake-judge") == 0
        auth = {r["headers"].get("Authorization") for r in srv.chat_requests}
    assert auth == {f"Bearer {SECRET}"}  # the server received the key...
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {"summary.json", "report.html"} <= {p.name for p in files}
    assert any(p.suffix == ".png" for p in files) and any(p.suffix == ".eval" for p in files)
    for p in files:  # ...and no output holds it (the .eval log is a zip: its members are read)
        for data in output_bytes(p):
            assert SECRET.encode() not in data, p
            assert b"SECRET-XYZ" not in data, p
    cap = capsys.readouterr()
    assert SECRET not in cap.out and SECRET not in cap.err
    assert summary(tmp_path)["errors"] == 1  # the 401 episode


def output_bytes(p: Path) -> list[bytes]:
    """The bytes of a file, and of every member if it is a zip (an inspect .eval log)."""
    data = [p.read_bytes()]
    if zipfile.is_zipfile(p):
        with zipfile.ZipFile(p) as z:
            data += [z.read(n) for n in z.namelist()]
    return data


def test_model_text_is_escaped_in_report(tmp_path: Path, frames: dict[str, str]) -> None:
    evil = "<script>alert(1)</script>\n"
    with FakeOpenAIServer(responder=Scripted(frames, plan_extra=evil)) as srv:
        assert run_main(tmp_path, *llm_args(srv, "mllm"), "--pairs", FAUCET) == 0
    assert any("<script>alert(1)</script>" in e["answer_text"] for e in episodes(tmp_path))
    html = (tmp_path / "report.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.lower().count("<script") == 1 and "alert(1)</script>" not in html  # only the report's own filter


# -- 7. resume ---------------------------------------------------------------------------------------

def sample_outcomes(out: Path) -> list[tuple]:
    return sorted((e["pair_id"], e["variant"], episode_correct(e), [s["action"] for s in e["steps"]])
                  for e in episodes(out))


@pytest.mark.slow  # a CLI subprocess killed mid-run, several times
def test_resume_after_kill_9(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    args = ["--agent", "random", "--limit", "60", "--size", "300", "--concurrency", "2", "--no-progress"]
    assert run.main([*args, "--out", str(clean)]) == 0
    for i, delay in enumerate((1.5, 4.0)):
        out = tmp_path / f"killed{i}"
        proc = subprocess.Popen([sys.executable, "-m", "mssbench_embodied.run", *args, "--out", str(out)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None and not list(out.glob("*.eval")):
            time.sleep(0.01)  # the log exists: samples are being run
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, "run finished before it could be killed"
        assert run.main([*args, "--out", str(out)]) == 2  # refuses to overwrite without --resume
        assert run.main([*args, "--out", str(out), "--resume"]) == 0
        keys = [(e["pair_id"], e["variant"]) for e in episodes(out)]
        assert len(keys) == 120 and len(set(keys)) == 120  # nothing lost, nothing duplicated
        assert sample_outcomes(out) == sample_outcomes(clean)  # nothing mixed: the same episodes
        assert accs(summary(out)) == accs(summary(clean)) and summary(out)["n_pairs"] == 60


def test_resume_retries_errors_keeps_completed(tmp_path: Path, frames: dict[str, str]) -> None:
    with FakeOpenAIServer(responder=Scripted(frames), faults=["ok"] * 3 + ["500"] * 1000) as srv:
        base = llm_args(srv)
        assert run_main(tmp_path, *base, "--pairs", FAUCETS, "--limit", "2", "--max-retries", "0") == 0
    s = summary(tmp_path)
    assert s["errors"] == 3 and len(s["errored_samples"]) == 3
    done = [e for e in episodes(tmp_path) if not e["error"]]
    assert len(done) == 1
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:  # a new endpoint (port): the same model name
        args = [*llm_args(srv), "--pairs", FAUCETS, "--limit", "2", "--max-retries", "0"]
        assert run_main(tmp_path, *args, "--resume") == 0
        requests = len(srv.chat_requests)
    assert requests == 7  # the three errored samples only (2 + 3 + 2 calls); the completed one is kept
    s = summary(tmp_path)
    assert (s["errors"], s["safe_acc"], s["unsafe_acc"], s["n"]) == (0, 100.0, 100.0, 4)
    kept = next(e for e in episodes(tmp_path) if (e["pair_id"], e["variant"]) ==
                (done[0]["pair_id"], done[0]["variant"]))
    assert kept["exchanges"] == done[0]["exchanges"]


@pytest.mark.parametrize("change,what", [(["--model", "weak-model"], "model"),
                                         (["--temperature", "0.7"], "temperature"), (["--seed", "3"], "seed"),
                                         (["--setting", "qc"], "setting"), (["--split", "all"], "split"),
                                         (["--judge-model", "j"], "grader")])
def test_resume_refuses_another_setup(tmp_path: Path, frames: dict[str, str], change: list[str], what: str,
                                      capsys) -> None:
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:
        args = [*llm_args(srv, "mllm"), "--split", "test", "--pairs", FAUCETS, "--limit", "1"]
        assert run_main(tmp_path, *args) == 0
        before = summary(tmp_path)
        capsys.readouterr()
        n = len(srv.chat_requests)
        assert run_main(tmp_path, *args, *change, "--resume") == 2
        assert len(srv.chat_requests) == n  # nothing ran
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--resume" in err[0] and what in err[0], err
    assert summary(tmp_path) == before


# -- 8. replay, 9. concurrency ---------------------------------------------------------------------

def answers(out: Path) -> list[tuple]:
    return [(e["pair_id"], e["variant"], [x["response"] for x in e["exchanges"]], [s["action"] for s in e["steps"]])
            for e in episodes(out)]


def test_replay_from_recorded_answers_without_server(tmp_path: Path, frames: dict[str, str], monkeypatch) -> None:
    rec, rep, other = tmp_path / "rec", tmp_path / "rep", tmp_path / "other"
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:
        assert run_main(rec, *llm_args(srv), "--pairs", FAUCETS, "--limit", "2") == 0
    # the server is stopped; replay needs neither the endpoint (no --base-url) nor a key
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    replay = ["--agent", "multiagent", "--model", "fake-model", "--pairs", FAUCETS, "--limit", "2", "--replay"]
    assert run_main(rep, *replay, "--cache", str(rec / "answers.jsonl")) == 0
    assert answers(rep) == answers(rec)
    assert accs(summary(rep)) == accs(summary(rec)) and summary(rep)["errors"] == 0
    # answers of another run (another model): every sample is a miss, the run fails naming the reason
    assert run_main(other, *replay[:3], "another-model", *replay[4:], "--cache", str(rec / "answers.jsonl")) == 1
    eps = episodes(other)
    assert len(eps) == 4 and all(e["error"] and "replay miss" in e["error"] for e in eps)
    s = summary(other)
    assert (s["safe_acc"], s["unsafe_acc"], s["errors"]) == (0.0, 0.0, 4)


def test_concurrency_2_matches_concurrency_1(tmp_path: Path, frames: dict[str, str]) -> None:
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:
        for c in ("1", "2"):
            assert run_main(tmp_path / c, *llm_args(srv), "--pairs", FAUCETS, "--limit", "3",
                            "--concurrency", c) == 0
    s1, s2 = summary(tmp_path / "1"), summary(tmp_path / "2")
    assert accs(s1) == accs(s2) and s1["safe_acc"] == 100.0 and s1["unsafe_acc"] == 100.0
    assert s1["usage"]["calls"] == s2["usage"]["calls"]  # no response cache: every request is made
    assert sorted(answers(tmp_path / "1")) == sorted(answers(tmp_path / "2"))
