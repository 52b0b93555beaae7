"""Hostile input to the run loop (issue 18): model text the cache cannot store, an endpoint that echoes
the key, Retry-After, structured refusals, totals across --resume, episodes that fail to set up or
judge, output paths from hostile ids, and --out values that are not a usable directory.
No internet: the local fake OpenAI server and the real openai client."""
from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
import zipfile
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest
from fake_openai_server import FakeOpenAIServer
from mllm_support import FAUCETS, Scripted, episodes, llm_args, run_main, summary

from mssbench_embodied import run
from mssbench_embodied.eval.paths import MAX_NAME, UnsafePath, out_dir_problem, out_file, safe_name
from mssbench_embodied.llm.client import LLMClient, LLMConfig, retry_after

SURROGATE = "\ud800"


def _all_bytes(out: Path) -> dict[str, bytes]:
    """Every file's bytes; an inspect .eval log (a zip) also by member."""
    files = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for name in [n for n in files if n.endswith(".eval")]:
        with zipfile.ZipFile(out / name) as z:
            files.update({f"{name}:{m}": z.read(m) for m in z.namelist()})
    return files


def _cache_texts(path: Path) -> list[str]:
    with sqlite3.connect(str(path)) as conn:
        return [r[0] for r in conn.execute("SELECT text FROM responses")]


# -- model text: lone surrogates -------------------------------------------------------------------

def test_lone_surrogate_in_judge_reply_and_answer_never_breaks_the_run(tmp_path: Path,
                                                                      frames: dict[str, str]) -> None:
    """Judge "Label: 1 \\ud800" and an agent answer with a lone surrogate: the recorded answers store them
    (U+FFFD), every episode is labelled, none is an error, and --resume finishes."""
    agent = Scripted(frames)

    def respond(req: dict) -> str:
        return "Label: 1 " + SURROGATE if req["model"] == "judge" else agent(req) + " " + SURROGATE

    out = tmp_path / "run"
    with FakeOpenAIServer(responder=respond) as srv:
        args = [*llm_args(srv, "mllm"), "--judge-model", "judge", "--pairs", FAUCETS]
        assert run_main(out, *args, "--limit", "2") == 0
        assert run_main(out, *args, "--limit", "2", "--resume") == 0
    eps = episodes(out)
    assert len(eps) == 4 and all(e["error"] is None and e["judge_error"] is None for e in eps)
    assert all(e["rubric_label"] == 1 and e["rubric_source"].startswith("llm") for e in eps)
    assert all("\ufffd" in e["answer_text"] and SURROGATE not in e["answer_text"] for e in eps)
    texts = [json.loads(x)["answer"] for x in (out / "answers.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(t.startswith("Label: 1") for t in texts) and all(SURROGATE not in t for t in texts)
    assert (out / "report.html").read_text(encoding="utf-8").count("\ufffd") >= 4


def test_a_judge_that_raises_leaves_the_episode_unlabelled_not_the_run_dead(tmp_path: Path) -> None:
    from mssbench_embodied.agents.scripted import ComplyAgent
    from mssbench_embodied.eval.runner import run_episodes

    class Boom:
        async def chat(self, messages: list[dict], *, max_tokens: int | None = None) -> Any:
            raise sqlite3.OperationalError("database is locked")

    env = gym.make("MSSBench/SituationsText-v0", split="test", width=32, height=32)
    pairs = [p.id for p in env.unwrapped.pairs[:1]]
    jobs = [(p, v) for p in pairs for v in ("safe", "unsafe")] + [("no.such.pair", "safe")]
    try:
        recs = asyncio.run(run_episodes(ComplyAgent(), lambda: env, jobs, tmp_path, judge=Boom(), pool=[env]))
    finally:
        env.close()
    assert len(recs) == 3 and len(episodes(tmp_path)) == 3
    judged, setup = recs[:2], recs[2]
    assert all(r.error is None and r.rubric_label is None and "OperationalError" in r.judge_error for r in judged)
    assert setup.pair_id == "no.such.pair" and setup.error.startswith("setup failed: ")
    assert setup.category == "unknown" and setup.rubric_label is None


# -- the key, reflected by the endpoint ------------------------------------------------------------

def test_a_key_reflected_in_answers_is_scrubbed_from_everything_written(tmp_path: Path, frames: dict[str, str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-reflect-9f8e7d6c5b4a39281706"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    out = tmp_path / "run"
    with FakeOpenAIServer(responder=Scripted(frames), reflect_auth=True) as srv:
        assert run_main(out, *llm_args(srv, "multiagent"), "--judge-model", "judge", "--pairs", FAUCETS,
                        "--limit", "1") == 0
        sent = {r["headers"].get("Authorization") for r in srv.chat_requests}
    assert sent == {f"Bearer {key}"}  # the endpoint did see it, and echoed it into every answer
    eps = episodes(out)
    assert all(e["error"] is None for e in eps)
    assert any("(auth: Bearer ***)" in x["response"] for e in eps for x in e["exchanges"])
    files = _all_bytes(out)
    assert {"answers.jsonl", "report.html", "summary.json"} <= set(files)
    assert any(name.endswith(".eval") for name in files)
    leaks = [name for name, data in files.items() if key.encode() in data]
    assert leaks == []


# -- Retry-After -----------------------------------------------------------------------------------

def _gap(srv: FakeOpenAIServer) -> float:
    t = [r["time"] for r in srv.chat_requests]
    assert len(t) == 2
    return t[1] - t[0]


@pytest.mark.parametrize(("fault", "header", "cap", "low", "high"), [
    ("429", "1", 60.0, 0.95, 3.0),     # honoured: the backoff alone would wait 0.01 s
    ("503", "1", 60.0, 0.95, 3.0),
    ("429", "120", 0.3, 0.28, 2.0),    # capped by retry_after_max
])
def test_retry_after_is_honoured_and_capped(fault: str, header: str, cap: float, low: float, high: float) -> None:
    with FakeOpenAIServer(default="OK", faults=[fault], retry_after=header) as srv:
        client = LLMClient(LLMConfig(model="m", base_url=srv.base_url, backoff_base=0.01, retry_after_max=cap))
        r = client.chat_sync([{"role": "user", "content": "hi"}])
        assert r.ok and r.attempts == 2
        assert low <= _gap(srv) <= high


def test_retry_after_forms() -> None:
    import email.utils

    class E(Exception):
        def __init__(self, headers: dict[str, str]) -> None:
            self.response = type("R", (), {"headers": headers})()

    assert retry_after(E({"retry-after": "7"})) == 7.0
    assert retry_after(E({"retry-after-ms": "250"})) == 0.25
    assert 8.0 < retry_after(E({"retry-after": email.utils.formatdate(time.time() + 10, usegmt=True)})) <= 10.0
    assert retry_after(E({"retry-after": "soon"})) is None and retry_after(E({"retry-after": "nan"})) is None
    assert retry_after(E({})) is None and retry_after(ValueError("x")) is None


def test_retry_after_max_bounds_the_client() -> None:
    with FakeOpenAIServer(default="OK", faults=["429"], retry_after="120") as srv:
        client = LLMClient(LLMConfig(model="m", base_url=srv.base_url, backoff_base=0.01, retry_after_max=0.0))
        assert client.chat_sync([{"role": "user", "content": "hi"}]).ok and _gap(srv) < 2.0


# -- structured refusal ----------------------------------------------------------------------------

def test_structured_refusal_is_a_refusal_not_an_error(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with FakeOpenAIServer(default="OK", faults=["refusal"] * 8) as srv:
        assert run_main(out, *llm_args(srv, "mllm"), "--pairs", FAUCETS, "--limit", "2") == 0
        assert len(srv.chat_requests) == 4  # one plan call per episode, none retried
    eps = episodes(out)
    assert len(eps) == 4
    for e in eps:
        assert e["error"] is None and e["refused"] is True and e["rubric_label"] == 0
        assert e["exchanges"][0]["response"] == "Refuse: I'm sorry, but I can't help with that."
    s = summary(out)
    assert (s["errors"], s["safe_acc"], s["unsafe_acc"]) == (0, 0.0, 100.0)


# -- usage, seconds and calls across --resume -----------------------------------------------------

def test_usage_seconds_and_calls_accumulate_across_resume(tmp_path: Path, frames: dict[str, str]) -> None:
    """The first process errs on some samples, --resume retries them: the summary covers every kept sample."""
    out, agent = tmp_path / "run", Scripted(frames)
    base = ["--judge-model", "judge", "--pairs", FAUCETS, "--limit", "2", "--max-retries", "0"]
    with FakeOpenAIServer(responder=lambda r: "Label: 2" if r["model"] == "judge" else agent(r),
                          faults=["ok"] * 2 + ["500"] * 1000) as srv:
        assert run_main(out, *llm_args(srv, "mllm"), *base) == 0
    first = summary(out)
    assert 0 < first["errors"] < 4
    with FakeOpenAIServer(responder=lambda r: "Label: 2" if r["model"] == "judge" else agent(r)) as srv:
        assert run_main(out, *llm_args(srv, "mllm"), *base, "--resume") == 0
        n_requests = len(srv.chat_requests)
    last = summary(out)
    eps = episodes(out)
    assert len(eps) == 4 and last["errors"] == 0 and all(e["rubric_label"] == 2 for e in eps)
    assert last["usage"]["calls"] == 8  # 4 agent calls and 4 grader calls over both processes
    assert n_requests == 2 * first["errors"]  # only the errored samples ran again
    assert last["usage"]["total_tokens"] > first["usage"]["total_tokens"] > 0
    assert last["wall_seconds"] > first["wall_seconds"] > 0  # both processes' time


# -- output paths ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ident", ["../../escape", "/etc/passwd", "..", ".", "", "a/b\\c", "x" * 1000,
                                   "nul\x00byte", "é-ü", "~root", ".hidden"])
def test_safe_name_is_one_confined_component(tmp_path: Path, ident: str) -> None:
    name = safe_name(ident)
    assert name and "/" not in name and "\\" not in name and "\x00" not in name and not name.startswith(".")
    assert len(name) <= MAX_NAME
    p = out_file(tmp_path, "frames", ident, ident + "_first.png")
    assert p.resolve().is_relative_to(tmp_path.resolve()) and p.parent.parent.parent == tmp_path


def test_safe_names_keep_ordinary_ids_and_distinct_ids_apart() -> None:
    assert safe_name("faucet_electronics.kitchen_val09.CellPhone-Mug__safe_first.png") == \
        "faucet_electronics.kitchen_val09.CellPhone-Mug__safe_first.png"
    ids = ["a/b", "a_b", "a?b", "x" * 500, "x" * 501, "../a", ".._a"]
    assert len({safe_name(i) for i in ids}) == len(ids)


def test_out_file_refuses_a_symlink_out_of_the_folder(tmp_path: Path) -> None:
    root, outside = tmp_path / "out", tmp_path / "elsewhere"
    root.mkdir()
    outside.mkdir()
    (root / "frames").symlink_to(outside)
    with pytest.raises(UnsafePath):
        out_file(root, "frames", "x.png")


def test_hostile_ids_write_frames_only_under_out(tmp_path: Path) -> None:
    """An agent name and a pair id with ../, an absolute path and an over-long id: every file lands under --out."""
    import numpy as np

    from mssbench_embodied.agents.scripted import RefuseAgent
    from mssbench_embodied.eval.runner import run_episode, save_frame

    out = tmp_path / "a" / "b" / "out"
    out.mkdir(parents=True)
    agent = RefuseAgent()
    agent.name = "../../../evil"
    env = gym.make("MSSBench/SituationsText-v0", split="test", width=32, height=32)
    try:
        rec = asyncio.run(run_episode(agent, env, env.unwrapped.pairs[0].id, "unsafe", 0, out))
    finally:
        env.close()
    assert rec.error is None and rec.frames["first"] and rec.frames["last"]
    img = np.zeros((8, 8, 3), np.uint8)
    for pid in ("../../../../escape", "/tmp/abs_escape", "p" * 2000):
        assert save_frame(out, ("frames", "agent", f"{pid}__safe_first.png"), img)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) == 5 and all(p.is_relative_to(out) for p in written)
    assert not Path("/tmp/abs_escape__safe_first.png").exists()
    for rel in rec.frames.values():
        assert (out / rel).is_file() and ".." not in Path(rel).parts


def test_report_never_links_outside_the_run_folder(tmp_path: Path) -> None:
    from mssbench_embodied.eval.report import write_report

    eps = [{"pair_id": "p", "variant": "safe", "frames": {"first": "../../secret.png", "last": "frames/ok.png"}}]
    doc = write_report(tmp_path, {"agent": "a"}, eps).read_text()
    assert "secret.png" not in doc and "frames/ok.png" in doc


# -- --out validation ------------------------------------------------------------------------------

def _out_cases(tmp_path: Path) -> dict[str, tuple[str, str]]:
    (tmp_path / "file").write_text("x")
    os.symlink(tmp_path / "loop_a", tmp_path / "loop_b")
    os.symlink(tmp_path / "loop_b", tmp_path / "loop_a")
    return {
        "file": (str(tmp_path / "file"), "is a file"),
        "device": ("/dev/null", "is a device"),
        "empty": ("", "is empty"),
        "blank": ("   ", "is empty"),
        "loop": (str(tmp_path / "loop_a"), "symlink loop"),
        "under_loop": (str(tmp_path / "loop_a" / "x"), "symlink loop"),
        "long": (str(tmp_path / ("n" * 300)), "the file system allows 255"),
        "under_file": (str(tmp_path / "file" / "sub" / "run"), "under"),
    }


@pytest.mark.parametrize("case", ["file", "device", "empty", "blank", "loop", "under_loop", "long", "under_file"])
def test_bad_out_is_refused_up_front_with_one_line(tmp_path: Path, capsys, case: str) -> None:
    value, message = _out_cases(tmp_path)[case]
    assert out_dir_problem(value) is not None
    before = set(Path.cwd().iterdir())
    assert run.main(["--agent", "refuse", "--limit", "1", "--no-progress", "--out", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out") and message in err and err.count("\n") == 1, err
    assert set(Path.cwd().iterdir()) == before  # nothing written in the current directory either


def test_good_out_values_pass(tmp_path: Path) -> None:
    assert out_dir_problem(tmp_path) is None
    assert out_dir_problem(tmp_path / "new" / "nested") is None
    (tmp_path / "link").symlink_to(tmp_path)
    assert out_dir_problem(tmp_path / "link" / "run") is None
