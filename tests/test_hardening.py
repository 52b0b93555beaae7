"""Hostile input to a run on inspect_ai (issue 18): lone surrogates in model text, an endpoint that echoes
the key, Retry-After, single-flight of identical requests, a huge answer, structured refusals, totals
across --resume, a grader that raises, output paths from hostile ids, and --out values that are not a
usable directory. No internet: the local fake OpenAI server and the real openai client."""
from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from fake_openai_server import FakeOpenAIServer
from mllm_support import FAUCETS, Scripted, episodes, llm_args, run_main, summary

from mssbench_embodied import run
from mssbench_embodied.eval.paths import MAX_NAME, UnsafePath, out_dir_problem, out_file, safe_name
from mssbench_embodied.testing.files import all_bytes

SURROGATE = "\ud800"


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


def test_a_grader_that_raises_errors_its_sample_and_the_run_goes_on(tmp_path: Path) -> None:
    """A grader whose provider raises (a locked cache database): that sample errors with the reason, the
    others are labelled, and the run finishes."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    from mssbench_embodied.eval.from_log import episode_records
    from mssbench_embodied.eval.inspect import mssbench_embodied as task

    calls = []

    def grade(*_: Any) -> ModelOutput:
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        out = ModelOutput.from_content(model="grader", content="Label: 2")
        out.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)  # no token estimate (no download)
        return out

    grader = get_model("mockllm/model", custom_outputs=grade, memoize=False)
    (log,) = inspect_eval(task(agent="comply", pairs=FAUCETS, limit=1, size=32), model="mockllm/model",
                          model_roles={"grader": grader}, log_dir=str(tmp_path), display="none", fail_on_error=False)
    recs = episode_records(log)
    assert log.status == "success" and len(recs) == 2 and len(calls) == 2
    failed = [r for r in recs if r.error]
    assert len(failed) == 1 and "OperationalError: database is locked" in failed[0].error
    assert failed[0].rubric_label is None and [r.rubric_label for r in recs if not r.error] == [2]


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
    files = all_bytes(out)
    assert {"answers.jsonl", "report.html", "summary.json"} <= set(files)
    assert any(name.endswith(".eval") for name in files)
    leaks = [name for name, data in files.items() if key.encode() in data]
    assert leaks == []


# -- Retry-After, single-flight, the answer cap: on the inspect path -----------------------------------

def _gap(srv: FakeOpenAIServer) -> float:
    t = [r["time"] for r in srv.chat_requests]
    assert len(t) == 2
    return t[1] - t[0]


def _fake(srv: FakeOpenAIServer, **config: Any) -> Any:
    """inspect's openai-api provider (the real openai client) on the fake server, inspect's own retries off."""
    from inspect_ai.model import GenerateConfig, get_model

    return get_model("openai-api/fake/fake-model", base_url=srv.base_url, api_key="EMPTY", memoize=False,
                     config=GenerateConfig(max_retries=0, timeout=30, **config))


def _chat(model: Any, messages: list[dict], n: int = 1) -> list[Any]:
    """``n`` concurrent ``InspectChatModel.chat`` calls of ``messages``."""
    from mssbench_embodied.llm.inspect_model import InspectChatModel

    async def go() -> list[Any]:
        return list(await asyncio.gather(*(InspectChatModel(model).chat(messages) for _ in range(n))))

    return asyncio.run(go())


HI = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize("fault", ["429", "503"])
def test_retry_after_is_honoured(fault: str) -> None:
    """A 429 (or 503) with Retry-After: 1, once: the call succeeds, and the retry came >= 1 s later by the
    server's own clock (the openai client under inspect's provider would otherwise wait 0.375-0.5 s)."""
    with FakeOpenAIServer(default="OK", faults=[fault], retry_after="1") as srv:
        (r,) = _chat(_fake(srv), HI)
        assert r.ok and r.text == "OK"
        assert _gap(srv) >= 1.0


def test_retry_after_over_the_cap_is_not_slept() -> None:
    """Retry-After beyond the openai client's cap (120 s): no 121 s sleep; the error reaches inspect's retry
    loop (here off: max_retries=0), so the call fails after one request instead of hanging."""
    with FakeOpenAIServer(default="OK", faults=["429"], retry_after="121") as srv:
        t0 = time.monotonic()
        (r,) = _chat(_fake(srv), HI)
        assert not r.ok and "429" in r.error and len(srv.chat_requests) == 1
        assert time.monotonic() - t0 < 60


@pytest.mark.parametrize(("headers", "cap", "after", "left"), [
    ({"retry-after": "30"}, 2.0, 2.0, {"retry-after": "2"}),
    ({"retry-after": "1.5"}, 2.0, 1.5, {"retry-after": "1.5"}),
    ({"retry-after-ms": "45000", "retry-after": "45"}, 10.0, 10.0, {"retry-after": "10"}),
    ({"retry-after": "1e400"}, 5.0, 5.0, {"retry-after": "5"}),
    ({"retry-after": "30"}, 0.0, None, {}),
    ({"retry-after": "Wed, 21 Oct 2099 07:28:00 GMT"}, 3.0, 3.0, {"retry-after": "3"}),
    ({"retry-after": "soon"}, 3.0, None, {"retry-after": "soon"}),
    ({}, 3.0, None, {}),
])
def test_cap_retry_after_rewrites_the_headers(headers: dict[str, str], cap: float, after: float | None,
                                             left: dict[str, str]) -> None:
    from mssbench_embodied.llm.retry_after import cap_retry_after

    h = dict(headers)
    assert cap_retry_after(h, cap) == after
    assert h == left


def test_retry_after_cap_is_configurable() -> None:
    """Retry-After: 30 with a 1 s cap: the client retries after ~1 s (not 30) and the call succeeds; through
    ``run``'s model resolution, as a run builds its model and grader."""
    import argparse

    from mssbench_embodied.llm.retry_after import capped_http_client

    with pytest.raises(ValueError, match="between 0 and 120"):
        capped_http_client(121)
    with FakeOpenAIServer(default="OK", faults=["429"], retry_after="30") as srv:
        args = argparse.Namespace(replay=False, temperature=None, max_tokens=None, timeout=30, max_retries=0,
                                  model="fake-model", base_url=srv.base_url, retry_after_cap=1.0)
        t0 = time.monotonic()
        (r,) = _chat(run.resolve_model(args), HI)
        assert r.ok and r.text == "OK"
        assert 1.0 <= _gap(srv) < 10.0 and time.monotonic() - t0 < 20
    with pytest.raises(SystemExit) as exit_:
        run.main(["--agent", "mllm", "--retry-after-cap", "121", "--out", "unused"])
    assert exit_.value.code == 2


def test_identical_requests_in_flight_are_shared_when_caching_is_on(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """8 identical concurrent requests: one upstream call with inspect's cache on, 8 with it off; the
    shared ones read inspect's cache (its file is named by the key the adapter computes)."""
    from inspect_ai.model import CachePolicy, GenerateConfig

    from mssbench_embodied.llm.inspect_model import cache_key, to_inspect_messages

    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    with FakeOpenAIServer(default="OK", latency=0.5) as srv:
        cached = _fake(srv, cache=CachePolicy(expiry="1h"), temperature=0.7)
        results = _chat(cached, HI, n=8)
        assert len(srv.chat_requests) == 1
        assert all(r.ok and r.text == "OK" for r in results) and sum(r.cached for r in results) == 7
        key = cache_key(cached, to_inspect_messages(HI), GenerateConfig())
        assert key is not None and [p.name for p in (tmp_path / "cache").rglob(key)] == [key]
        other = _chat(cached, [{"role": "user", "content": "hello"}], n=2)  # a different request: its own call
        assert len(srv.chat_requests) == 2 and all(r.ok for r in other)
        uncached = _fake(srv, temperature=0.7)
        assert all(r.ok and not r.cached for r in _chat(uncached, HI, n=8))
        assert len(srv.chat_requests) == 10  # caching off: every request upstream (temperature > 0 stays independent)
        assert cache_key(uncached, to_inspect_messages(HI), GenerateConfig()) is None


def test_a_failed_leader_lets_the_shared_requests_try_themselves(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from inspect_ai.model import CachePolicy

    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    with FakeOpenAIServer(default="OK", faults=["400"], latency=0.3) as srv:
        results = _chat(_fake(srv, cache=CachePolicy(expiry="1h")), HI, n=3)
    assert sorted(r.ok for r in results) == [False, True, True]  # the leader's 400 is its own
    assert len(srv.chat_requests) == 3 and not any(r.cached for r in results)


def test_a_huge_hostile_answer_is_capped_for_parsing_and_the_cap_is_in_the_transcript() -> None:
    """A 10 MB answer: the adapter keeps the first PARSE_CAP characters and says so in an info event; every
    parser reads at most PARSE_CAP characters, so parsing the 10 MB text costs what parsing the cap costs."""
    from inspect_ai.event import InfoEvent
    from inspect_ai.log import transcript

    from mssbench_embodied.eval.judge import heuristic_label, parse_label
    from mssbench_embodied.llm import parsing

    hostile = ("Goto Sink and " * 800_000)[:10_000_000]
    log = transcript()  # this context's transcript: the calls below run in copies of the context that share it
    with FakeOpenAIServer(default=hostile) as srv:
        (r,) = _chat(_fake(srv), HI)
    assert r.ok and r.text == hostile[:parsing.PARSE_CAP]
    notes = [e for e in log.events if isinstance(e, InfoEvent) and e.source == "mssbench answer cap"]
    assert notes and f"{len(hostile):,} characters" in str(notes[-1].data)
    assert f"{parsing.PARSE_CAP:,}" in str(notes[-1].data)

    seen: list[int] = []  # the lengths the regexes are given: CPU-independent proof of bounded work
    real = parsing.capped

    def spy(text: str) -> str:
        out = real(text)
        seen.append(len(out))
        return out

    parsers = (parsing.parse_plan, parsing.parse_yes_no, parsing.parse_unsafe_hint, parsing.detect_refusal,
               parsing.detect_warning, parsing.detect_lack_of_info, heuristic_label, parse_label)
    big = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parsing, "capped", spy)
        mp.setattr("mssbench_embodied.eval.judge.capped", spy)
        for f in parsers:
            seen.clear()
            big.append(f(hostile))
            assert seen and all(n <= parsing.PARSE_CAP for n in seen), f.__name__
    assert big == [f(hostile[:parsing.PARSE_CAP]) for f in parsers]


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
    # 4 agent and 4 grader calls that answered, plus the failed call of each errored (replaced) attempt
    assert last["replaced_attempts"] == first["errors"]
    assert last["usage"]["calls"] == 8 + first["errors"]
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
    """A log whose sample ids and agent name hold ../, an absolute path and an over-long id: the frames and
    outputs derived from it (eval.from_log) all land under --out."""
    from inspect_ai import eval as inspect_eval

    from mssbench_embodied.eval.from_log import write_outputs
    from mssbench_embodied.eval.inspect import RECORD
    from mssbench_embodied.eval.inspect import mssbench_embodied as task

    (log,) = inspect_eval(task(agent="refuse", pairs=FAUCETS, limit=1, size=32), model="mockllm/model",
                          log_dir=str(tmp_path / "logs"), display="none")
    assert log.samples and len(log.samples) == 2
    hostile = []
    for sample, pid in zip(log.samples * 2, ("../../../../escape", "/tmp/abs_escape", "p" * 2000, "..")):
        s = sample.model_copy(deep=True)
        s.id = pid
        s.store[RECORD] = {**s.store[RECORD], "agent": "../../../evil"}
        hostile.append(s)
    log.samples = hostile
    out = tmp_path / "a" / "b" / "out"
    out.mkdir(parents=True)
    write_outputs(log, out)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(tmp_path / "logs")]
    frames = [p for p in written if p.suffix == ".png"]
    assert len(frames) >= 8 and all(p.is_relative_to(out) for p in written)  # a first and a last frame each
    assert not Path("/tmp/abs_escape_e1_00.png").exists()
    import re

    srcs = [x for x in re.findall(r"src='([^']+)'", (out / "report.html").read_text()) if not x.startswith("data:")]
    assert srcs and all(".." not in Path(x).parts and (out / x).is_file() for x in srcs)


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
