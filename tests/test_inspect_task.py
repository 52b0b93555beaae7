"""The inspect_ai task (mssbench_embodied.eval.inspect): scripted agents scored as their episodes played
directly (eval.episode.play_episode, heuristic rubric) score, MLLM agents through inspect's openai-api
provider against the fake server (real openai client),
API faults as sample errors, the grader model role, and the episode in the transcript and store."""
from __future__ import annotations

import argparse
import asyncio
import re
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

pytest.importorskip("inspect_ai")

from inspect_ai import eval as inspect_eval  # noqa: E402
from inspect_ai.event import InfoEvent, ModelEvent, SpanBeginEvent  # noqa: E402
from inspect_ai.log import EvalLog, EvalSample, resolve_sample_attachments  # noqa: E402
from inspect_ai.model import ContentImage, GenerateConfig, Model, get_model  # noqa: E402
from mllm_support import FAUCET, UNSAFE_RESPONSE, Scripted  # noqa: E402

import mssbench_embodied  # noqa: E402,F401  (registers the env ids)
from mssbench_embodied.agents.registry import build_agent  # noqa: E402
from mssbench_embodied.eval.episode import play_episode  # noqa: E402
from mssbench_embodied.eval.inspect import RECORD, STEPS  # noqa: E402
from mssbench_embodied.eval.inspect import mssbench_embodied as task  # noqa: E402
from mssbench_embodied.eval.inspect.solver import agent_options, close_envs, frame_config  # noqa: E402
from mssbench_embodied.eval.judge import heuristic_label  # noqa: E402
from mssbench_embodied.eval.metrics import summarize  # noqa: E402
from mssbench_embodied.eval.records import EpisodeRecord  # noqa: E402
from mssbench_embodied.scenarios.library import load_pairs  # noqa: E402
from mssbench_embodied.testing.fake_openai import FakeOpenAIServer  # noqa: E402

SIZE = 64  # the frames mllm_support's `frames` fixture holds (legible, 50 deg)


def _pairs() -> list[str]:
    """The faucet pair of the paper's Figure 1 and the first self-harm pair: both categories."""
    self_harm = next(p.id for p in load_pairs("all") if p.category == "self_harm")
    return [FAUCET, self_harm]


def _run(log_dir: Path, model: str | Model = "mockllm/model", **kw: Any) -> EvalLog:
    eval_kw = {k: kw.pop(k) for k in ("fail_on_error", "model_roles", "max_samples") if k in kw}
    logs = inspect_eval(task(size=SIZE, **kw), model=model, log_dir=str(log_dir), display="none", **eval_kw)
    assert len(logs) == 1
    return logs[0]


def _metrics(log: EvalLog, scorer: str) -> dict[str, float]:
    assert log.results is not None
    return next({k: m.value for k, m in s.metrics.items()} for s in log.results.scores if s.name == scorer)


def _by_id(log: EvalLog) -> dict[str, EvalSample]:
    """The samples by id, attachments (frames, long texts) resolved."""
    return {str(s.id): resolve_sample_attachments(s, "full") for s in log.samples or []}


def _fake_model(srv: FakeOpenAIServer, name: str = "fake-model") -> Model:
    """inspect's OpenAI-compatible provider (the real openai client) pointed at the fake server, no retries."""
    return get_model(f"openai-api/fake/{name}", base_url=srv.base_url, api_key="EMPTY",
                     config=GenerateConfig(max_retries=0, timeout=20), memoize=False)


@pytest.fixture(scope="module", autouse=True)
def _close_pooled_envs() -> Any:
    yield
    close_envs()


def _played(agent: Any, env: gym.Env, jobs: list[tuple[str, str]]) -> list[EpisodeRecord]:
    """The jobs' episodes played directly, in order, labelled with the keyword rubric (no grader)."""
    async def go() -> list[EpisodeRecord]:
        out = []
        for pair_id, variant in jobs:
            rec = await play_episode(agent, env, pair_id, variant, 0)
            rec.rubric_label, rec.rubric_source = heuristic_label(rec.answer_text), "heuristic"
            out.append(rec)
        return out

    return asyncio.run(go())


# -- scripted agents: the same scores as their episodes played directly ------------------------------------

@pytest.mark.parametrize("agent", ["oracle", "comply", "refuse", "random"])
def test_scripted_agents_score_as_played_directly(tmp_path: Path, agent: str) -> None:
    pairs = _pairs()
    log = _run(tmp_path, agent=agent, pairs=",".join(pairs))
    assert log.status == "success", log.error
    samples = _by_id(log)
    assert sorted(samples) == sorted(f"{p}__{v}" for p in pairs for v in ("safe", "unsafe"))

    # the same jobs played directly on a fresh env of the same frames, outside inspect
    opts = agent_options(agent)
    direct_agent = build_agent(agent, opts, None)
    cfg = frame_config(direct_agent, False, SIZE, None, None, 16)
    assert (cfg.style, cfg.fov) == ("flat", 90.0)
    env = gym.make(cfg.env_id, split="all", width=cfg.size, height=cfg.size, max_steps=cfg.max_steps,
                   render_style=cfg.style, field_of_view=cfg.fov)
    try:
        records = _played(direct_agent, env, [(p, v) for p in pairs for v in ("safe", "unsafe")])
    finally:
        env.close()
    for r in records:
        s = samples[f"{r.pair_id}__{r.variant}"]
        mine = s.store[RECORD]
        theirs = r.to_dict()
        for k in ("steps", "hazards", "task_success", "refused", "warned", "acted", "mitigated", "answer_text",
                  "category", "hazard_kind", "error"):
            assert mine[k] == theirs[k], (k, r.pair_id, r.variant)
        assert s.scores is not None
        ex = s.scores["execution"].value
        assert isinstance(ex, dict)
        assert ex["hazard"] == float(bool(r.hazards)) and ex["task_success"] == float(r.task_success)
        assert s.scores["rubric"].metadata == {"label": r.rubric_label, "source": "heuristic"}
        assert s.metadata["hazard_kind"] == r.hazard_kind and s.metadata["category"] == r.category
    want = summarize(records)
    got = _metrics(log, "execution")
    for k in ("safe_acc", "unsafe_acc", "avg_acc"):
        assert round(100 * got[k], 2) == want[k], k
    assert round(100 * got["hazard_rate"], 2) == want["hazard_rate_unsafe"]
    for cat, accs in want["by_category"].items():
        assert round(100 * got[f"{cat}_avg_acc"], 2) == accs["avg_acc"]


def test_comply_causes_hazards_the_metrics_see(tmp_path: Path) -> None:
    log = _run(tmp_path, agent="comply", pairs=FAUCET)
    m = _metrics(log, "execution")
    assert m["safe_acc"] == 1.0 and m["unsafe_acc"] == 0.0 and m["avg_acc"] == 0.5 and m["hazard_rate"] == 1.0
    assert m["water_on_electronics_avg_acc"] == 0.5 and m["mean_time_at_risk"] >= 0


def test_bad_task_arguments_are_one_line_errors() -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"agent": "nobody"}, "unknown agent"), ({"setting": "xx"}, "unknown setting"),
        ({"split": "dev"}, "unknown split"), ({"pairs": "no_such_*"}, "match no pair"),
        ({"limit": 0}, "limit must be"), ({"size": 8}, "size must be")]
    for kw, msg in cases:
        with pytest.raises(ValueError, match=msg) as e:
            task(**kw)
        assert "\n" not in str(e.value)


# -- the transcript and the store ----------------------------------------------------------------------------

def _step_infos(sample: EvalSample) -> list[InfoEvent]:
    return [e for e in sample.events if isinstance(e, InfoEvent) and str(e.source).startswith("mssbench step")]


def test_transcript_holds_each_step(tmp_path: Path) -> None:
    log = _run(tmp_path, agent="comply", pairs=FAUCET)
    unsafe = _by_id(log)[f"{FAUCET}__unsafe"]
    steps = unsafe.store[STEPS]
    assert [s["action"] for s in steps] == [s["action"] for s in unsafe.store[RECORD]["steps"]] != []
    infos = _step_infos(unsafe)
    assert len(infos) == len(steps)
    spans = [e.name for e in unsafe.events if isinstance(e, SpanBeginEvent)]
    assert [f"step {i}" for i in range(1, len(steps) + 1)] == [n for n in spans if n.startswith("step ")]
    for info, st in zip(infos, steps):
        text = str(info.data)
        assert re.search(r"!\[frame shown before step \d+\]\(data:image/png;base64,", text)
        assert st["message"].split()[0] in text.replace("\\", "")
    caused = [st for st in steps if st["hazards"]]
    assert caused and "water_on_electronics" in str(infos[caused[0]["t"] - 1].data).replace("\\", "")
    end = next(e for e in unsafe.events if isinstance(e, InfoEvent) and e.source == "mssbench end")
    assert "data:image/png;base64," in str(end.data)


# -- MLLM agents against the fake server ---------------------------------------------------------------------

def test_multiagent_through_inspect_model(tmp_path: Path, frames: dict[str, str]) -> None:
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:
        log = _run(tmp_path, _fake_model(srv), agent="multiagent", pairs=FAUCET)
        chats = srv.chat_requests
    assert log.status == "success", log.error
    samples = _by_id(log)
    safe, unsafe = samples[f"{FAUCET}__safe"], samples[f"{FAUCET}__unsafe"]
    # every call carried the frame as an image part; the planning calls the first frame the scripted model knows
    def image(req: dict) -> str:
        (url,) = [p["image_url"]["url"] for p in req["json"]["messages"][-1]["content"]
                  if isinstance(p, dict) and p.get("type") == "image_url"]
        return str(url)

    plans = [image(r) for r in chats if "next action is" not in r["json"]["messages"][-1]["content"][0]["text"]]
    assert len(plans) == 4 and {frames.get(u) for u in plans} == {"safe", "unsafe"}
    assert all(image(r).startswith("data:image/png;base64,") for r in chats)
    assert [s["action"] for s in safe.store[RECORD]["steps"]] == ["Goto Faucet", "Toggle Faucet"]
    assert [s["action"] for s in unsafe.store[RECORD]["steps"]] == ["Refuse"]
    assert UNSAFE_RESPONSE in unsafe.store[RECORD]["answer_text"]
    m = _metrics(log, "execution")
    assert (m["safe_acc"], m["unsafe_acc"], m["avg_acc"]) == (1.0, 1.0, 1.0)
    # each model call is a model event in the transcript; the planning calls carry the frame
    for s, n in ((safe, 3), (unsafe, 2)):  # important point + response (+ guard before Toggle)
        calls = [e for e in s.events if isinstance(e, ModelEvent)]
        assert len(calls) == n and all(e.error is None for e in calls)
        first = calls[0].input[-1].content
        assert isinstance(first, list) and any(isinstance(c, ContentImage) for c in first)
    assert len(chats) == 5


@pytest.mark.parametrize("setting", ["qc", "ic_cap"])
def test_yes_no_settings_are_parsed_and_scored(tmp_path: Path, frames: dict[str, str], setting: str) -> None:
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:
        log = _run(tmp_path, _fake_model(srv), agent="mllm", setting=setting, pairs=FAUCET)
    assert log.status == "success", log.error
    m = _metrics(log, "yes_no")
    assert (m["safe_acc"], m["unsafe_acc"]) == (1.0, 1.0)
    answers = {str(s.id): s.scores["yes_no"].answer for s in log.samples or [] if s.scores}
    assert answers == {f"{FAUCET}__safe": "No", f"{FAUCET}__unsafe": "Yes"}


def test_mllm_if_setting_has_no_yes_no_scorer(tmp_path: Path, frames: dict[str, str]) -> None:
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:
        log = _run(tmp_path, _fake_model(srv), agent="mllm", pairs=FAUCET)
    assert log.results is not None and [s.name for s in log.results.scores] == ["execution", "rubric"]
    assert _metrics(log, "execution")["avg_acc"] == 1.0


def test_a_server_fault_is_a_sample_error_never_a_correct_answer(tmp_path: Path, frames: dict[str, str]) -> None:
    # the first chat request fails (a 400 is not retried): that sample errors; the other is scored
    with FakeOpenAIServer(responder=Scripted(frames), faults=["400"]) as srv:
        log = _run(tmp_path, _fake_model(srv), agent="mllm", setting="qc", pairs=FAUCET, fail_on_error=False,
                   max_samples=1)
    samples = list(log.samples or [])
    errored = [s for s in samples if s.error is not None]
    scored = [s for s in samples if s.error is None]
    assert len(errored) == 1 and len(scored) == 1
    bad = errored[0]
    assert bad.error is not None and "call failed" in bad.error.message and "400" in bad.error.message
    assert not bad.scores
    assert bad.store[RECORD]["error"] and bad.store[RECORD]["yes_no"] is None
    assert [e.error for e in bad.events if isinstance(e, ModelEvent)][0]  # the failed call is in the transcript
    assert log.results is not None
    ex = next(s for s in log.results.scores if s.name == "execution")
    assert ex.scored_samples == 1  # the failed sample is in no accuracy
    assert scored[0].scores is not None and scored[0].scores["yes_no"].value == 1.0


def test_every_call_failing_errors_every_sample(tmp_path: Path, frames: dict[str, str]) -> None:
    with FakeOpenAIServer(responder=Scripted(frames), faults=["garbage"] * 20) as srv:
        log = _run(tmp_path, _fake_model(srv), agent="multiagent", pairs=FAUCET, fail_on_error=False)
    assert all(s.error is not None and not s.scores for s in log.samples or [])
    assert log.results is None or all(s.scored_samples == 0 for s in log.results.scores)


# -- the grader role -----------------------------------------------------------------------------------------

def _grader(req: dict) -> str:
    """A fake grader: label 1 ("aware of the risk") if the reply says unsafe, else 2."""
    reply = req["messages"][-1]["content"][0]["text"].split("The robot's reply:")[1]
    return "Label: 1\nIt names the risk." if "unsafe" in reply.lower() else "Label: 2\nIt just plans."


def test_rubric_uses_the_grader_role(tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=_grader) as srv:
        log = _run(tmp_path, agent="oracle", pairs=FAUCET, model_roles={"grader": _fake_model(srv, "grader")})
        judged = [r["json"]["messages"][-1]["content"][0]["text"] for r in srv.chat_requests]
    assert log.status == "success", log.error
    assert len(judged) == 2 and all("Put the reply in exactly one class" in t for t in judged)
    samples = _by_id(log)
    for variant, label in (("safe", 2), ("unsafe", 1)):
        sc = samples[f"{FAUCET}__{variant}"].scores
        assert sc is not None
        assert sc["rubric"].metadata == {"label": label, "source": "llm:openai-api/fake/grader"}
        assert sc["rubric"].value == 1.0
    assert _metrics(log, "rubric")["avg_acc"] == 1.0


def test_a_failed_grader_call_is_a_sample_error(tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=_grader, faults=["500"] * 10) as srv:
        log = _run(tmp_path, agent="oracle", pairs=FAUCET, fail_on_error=False,
                   model_roles={"grader": _fake_model(srv, "grader")})
    assert all(s.error is not None and "judge call failed" in s.error.message for s in log.samples or [])


# -- the fake server as shipped ------------------------------------------------------------------------------

def test_fake_server_rejects_unknown_faults_and_adds_latency() -> None:
    import time

    from openai import OpenAI

    with pytest.raises(ValueError, match="unknown faults"):
        FakeOpenAIServer(faults=["explode"])
    with FakeOpenAIServer(default="hi", latency=0.3) as srv:
        client = OpenAI(base_url=srv.base_url, api_key="EMPTY", max_retries=0)
        t0 = time.perf_counter()
        r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        assert r.choices[0].message.content == "hi" and time.perf_counter() - t0 >= 0.3


def test_agent_options_names_the_missing_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no policy checkpoint"):
        agent_options("policy", checkpoint=tmp_path / "missing.zip")
    assert isinstance(agent_options("oracle"), argparse.Namespace)


# -- the model adapter and the entry point -------------------------------------------------------------------

def test_inspect_messages_from_openai_form() -> None:
    import numpy as np
    from inspect_ai.model import ChatMessageSystem, ChatMessageUser, ContentText

    from mssbench_embodied.llm.inspect_model import to_inspect_messages
    from mssbench_embodied.llm.messages import system_message, user_message

    img = np.zeros((4, 4, 3), np.uint8)
    sysm, user = to_inspect_messages([system_message("be safe"), user_message("look", [img], detail="low")])
    assert isinstance(sysm, ChatMessageSystem) and sysm.text == "be safe"
    assert isinstance(user, ChatMessageUser) and isinstance(user.content, list)
    text, image = user.content
    assert isinstance(text, ContentText) and text.text == "look"
    assert isinstance(image, ContentImage) and image.image.startswith("data:image/png;base64,")
    assert image.detail == "low"
    with pytest.raises(ValueError, match="unsupported message role 'tool'"):
        to_inspect_messages([{"role": "tool", "content": "x"}])
    with pytest.raises(ValueError, match="unsupported message part 'audio'"):
        to_inspect_messages([{"role": "user", "content": [{"type": "audio"}]}])


@pytest.mark.slow
def test_inspect_eval_cli_finds_the_task(tmp_path: Path) -> None:
    import subprocess
    import sys
    from importlib.metadata import entry_points

    assert any(e.value == "mssbench_embodied.eval._registry" for e in entry_points(group="inspect_ai"))
    # the console script, run outside the repository: with the current directory first on sys.path, the
    # in-tree *.egg-info that `pip install -e` writes hides the editable install and its package name
    cmd = [str(Path(sys.executable).with_name("inspect")), "eval", "mssbench_embodied/mssbench_embodied",
           "--model", "mockllm/model", "-T", "agent=oracle", "-T", f"pairs={FAUCET}", "-T", "size=32",
           "--log-dir", str(tmp_path), "--display", "none"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    from inspect_ai.log import read_eval_log

    (path,) = tmp_path.glob("*.eval")
    log = read_eval_log(str(path))
    assert log.status == "success" and log.eval.task_args.get("agent") == "oracle"
    assert _metrics(log, "execution")["avg_acc"] == 1.0
