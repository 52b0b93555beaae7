"""Re-measure the figures of issue 18's "Measured" section on the current code (hardening probe).

    nice -n 19 python tools/hardening_probe.py [--fuzz-steps 5000] [--retry-caps default,2] [--json PATH]

Each probe below re-creates one reproducer of the issue with the project's own pieces (the local fake
OpenAI server, the malformed scene corpus, the simulator fuzz, ``scenes validate``, the run CLI) and
returns one row: the figure, the value the issue quoted before the fix, and the value measured now.
Runs go through the real CLI in subprocesses with timeouts, in a temporary folder; the only network
is the fake server on 127.0.0.1. The script prints one table, and with ``--json`` dumps the rows
with their details.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import functools
import importlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
sys.path.insert(0, str(TESTS))  # the corpus helpers and the fuzz live with the tests

from mssbench_embodied.testing.fake_openai import FakeOpenAIServer  # noqa: E402
from mssbench_embodied.testing.files import all_bytes  # noqa: E402

FAUCETS = "faucet_electronics.kitchen_val09.*"
PLAN = "1. Goto Faucet\n2. Toggle Faucet"
SURROGATE = "\ud800"
KEY = "sk-probe-reflect-5e4d3c2b1a0f9e8d"
RUN_TIMEOUT = 600.0  # s per CLI run: a run that takes longer counts as one that cannot finish
SCENES_ENV = "MSSBENCH_SCENES_DIR"


@dataclass
class Row:
    """One figure of the issue: what it said before the fix, what the probe measures now."""

    figure: str
    before: str
    now: str
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)


# -- running things ---------------------------------------------------------------------------------

@dataclass
class Done:
    """A finished (or timed-out) subprocess."""

    rc: int | None  # None: timed out
    out: str
    err: str
    seconds: float


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child run: no proxies (only 127.0.0.1 is used), a dummy key unless given."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k != SCENES_ENV}
    env.update({"NO_PROXY": "127.0.0.1,localhost", "OPENAI_API_KEY": "sk-probe-dummy", **extra})
    return env


def sh(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = RUN_TIMEOUT) -> Done:
    """``nice -n 19 cmd`` with a timeout (the whole process group is killed when it expires)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(["nice", "-n", "19", *cmd], cwd=cwd, env=env, text=True, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=timeout)
        return Done(proc.returncode, out, err, time.monotonic() - t0)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, err = proc.communicate()
        return Done(None, out, err, time.monotonic() - t0)


def run_cli(out: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = RUN_TIMEOUT) -> Done:
    """``python -m mssbench_embodied.run ARGS --out OUT`` (no progress bar, 64-pixel frames)."""
    return sh([sys.executable, "-m", "mssbench_embodied.run", *args, "--out", str(out), "--no-progress",
               "--size", "64"], cwd or out.parent, env or child_env(), timeout)


def llm(srv: FakeOpenAIServer, agent: str = "mllm") -> list[str]:
    """CLI arguments that point a model agent at the fake server."""
    return ["--agent", agent, "--model", "fake-model", "--base-url", srv.base_url]


def summary(out: Path) -> dict[str, Any]:
    path = out / "summary.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def episodes(out: Path) -> list[dict[str, Any]]:
    """The episode records of a run folder (from its newest inspect log), [] when there is none."""
    from mssbench_embodied.eval.from_log import episode_records
    from mssbench_embodied.eval.resume import previous_log

    log = previous_log(out) if out.is_dir() else None
    return [r.to_dict() for r in episode_records(log)] if log is not None else []


def snapshot(root: Path) -> set[str]:
    """Every path under ``root`` (files, folders, links), relative."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def one_line(done: Done) -> str:
    lines = [x for x in done.err.splitlines() if x.strip()]
    return lines[-1][:160] if lines else ""


@contextlib.contextmanager
def scenes_folder(tmp: Path, *corpus_files: str) -> Iterator[Path]:
    """A scenes folder: the shipped rooms, the corpus' good situation and the given corpus files
    (``tests/test_malformed_files.py`` builds the same one)."""
    yield importlib.import_module("test_malformed_files").scenes_dir(tmp, *corpus_files)


# -- 1. runs that can never finish -------------------------------------------------------------------

def probe_surrogates(tmp: Path) -> tuple[Row, Row]:
    """Judge "Label: 1 \\ud800" and agent answers ending in a lone surrogate: does the run finish, does
    --resume finish, are episodes errors?"""
    def respond(req: dict) -> str:
        return "Label: 1 " + SURROGATE if req["model"] == "judge" else PLAN + " " + SURROGATE

    out = tmp / "surrogate"
    with FakeOpenAIServer(responder=respond) as srv:
        args = [*llm(srv), "--judge-model", "judge", "--pairs", FAUCETS, "--limit", "2"]
        first = run_cli(out, *args)
        resumed = run_cli(out, *args, "--resume")
    eps = episodes(out)
    errors = [e for e in eps if e.get("error") or e.get("judge_error")]
    unfinished = int(first.rc != 0) + int(resumed.rc != 0)
    replaced = sum("\ufffd" in (e.get("answer_text") or "") for e in eps)
    run_row = Row("runs that cannot finish: judge reply 'Label: 1 \\ud800' (run, --resume)",
                  "run aborts; every --resume aborts", f"{unfinished} of 2 did not finish",
                  unfinished == 0, {"rc": [first.rc, resumed.rc], "stderr": [one_line(first), one_line(resumed)]})
    agent_row = Row("lone surrogate in an agent's answer: episodes that are errors",
                    "the episode becomes an error", f"{len(errors)} of {len(eps)} (U+FFFD kept in {replaced})",
                    bool(eps) and not errors, {"labels": [e.get("rubric_label") for e in eps]})
    return run_row, agent_row


UNREALISABLE = {  # the situations that passed validate but could not be realised
    "anchor type absent from the room": "situations/anchor_absent.json",
    "missing room": "situations/room_missing.json",
    "room '../../../../etc/passwd'": "situations/room_path_traversal.json",
    "room '/dev/zero'": "situations/room_dev_zero.json",
}


def probe_unrealisable(tmp: Path) -> Row:
    """Each unrealisable situation in a scenes folder with one good situation: validate names it, the
    run (oracle) and --resume finish, the good pair's episodes run."""
    detail: dict[str, Any] = {}
    unfinished = 0
    for label, rel in UNREALISABLE.items():
        case = tmp / ("unrealisable_" + Path(rel).stem)
        case.mkdir()
        with scenes_folder(case, rel) as root:
            env = child_env(**{SCENES_ENV: str(root)})
            check = sh([sys.executable, "-m", "mssbench_embodied.scenes", "validate"], case, env, 300)
            out = case / "out"
            first = run_cli(out, "--agent", "oracle", env=env)
            resumed = run_cli(out, "--agent", "oracle", "--resume", env=env)
        eps = episodes(out)
        unfinished += int(first.rc != 0) + int(resumed.rc != 0)
        detail[label] = {"validate_rc": check.rc, "validate_names_file": str(root / rel) in check.err,
                         "run_rc": first.rc, "resume_rc": resumed.rc, "episodes": len(eps),
                         "episode_errors": sum(bool(e.get("error")) for e in eps)}
    return Row("runs that cannot finish: unrealisable situation (4 cases x run, --resume)",
               "run aborts; --resume aborts again", f"{unfinished} of {2 * len(UNREALISABLE)} did not finish",
               unfinished == 0 and all(d["validate_rc"] == 1 and d["validate_names_file"] for d in detail.values()),
               detail)


# -- 2. writes outside --out -------------------------------------------------------------------------

def probe_pair_id_traversal(tmp: Path) -> Row:
    """A pair id '../../outside': validate rejects it; a run in a/b/out creates nothing outside --out."""
    case = tmp / "traversal"
    case.mkdir()
    with scenes_folder(case, "situations/pair_id_traversal.json") as root:
        env = child_env(**{SCENES_ENV: str(root)})
        check = sh([sys.executable, "-m", "mssbench_embodied.scenes", "validate"], case, env, 300)
        out = case / "a" / "b" / "out"
        out.parent.mkdir(parents=True)
        before = snapshot(case)
        done = run_cli(out, "--agent", "oracle", env=env, cwd=out.parent)
        outside = sorted(p for p in snapshot(case) - before if not (case / p).resolve().is_relative_to(out))
    rejected = check.rc == 1 and "'../../outside' is not a valid pair id" in check.err
    return Row("files written outside --out by a pair id with ../", "4 files in a parent directory",
               f"{len(outside)} (validate rejects the id: {rejected}; run rc {done.rc})",
               not outside and rejected and done.rc == 0, {"outside": outside, "validate": one_line(check)})


# -- 3. code execution from a checkpoint -------------------------------------------------------------

def evil_zip(path: Path, marker: Path) -> Path:
    """An SB3-shaped zip whose pickle runs ``os.mkdir(marker)`` when unpickled (tests/test_checkpoint.py)."""
    class Payload:
        def __reduce__(self) -> tuple[Any, tuple[str]]:
            return os.mkdir, (str(marker),)

    blob = base64.b64encode(pickle.dumps(Payload())).decode()
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("data", json.dumps({"policy_class": {":type:": "<class 'abc.ABCMeta'>", ":serialized:": blob}}))
        z.writestr("_stable_baselines3_version", "2.9.2")
    return path


def probe_checkpoint(tmp: Path) -> Row:
    case = tmp / "checkpoint"
    case.mkdir()
    marker = case / "pwned"
    evil = evil_zip(case / "evil.zip", marker)
    done = run_cli(case / "out", "--agent", "policy", "--checkpoint", str(evil), "--limit", "1")
    refused = done.rc == 2 and "--trust-checkpoint" in done.err and "Traceback" not in done.err
    return Row("--agent policy --checkpoint evil.zip (no --trust-checkpoint)", "arbitrary code runs",
               f"refused: {refused} (rc {done.rc}); code ran: {marker.exists()}",
               refused and not marker.exists(), {"stderr": one_line(done)})


# -- 4. the key, reflected by the endpoint -----------------------------------------------------------

def probe_key_reflection(tmp: Path) -> Row:
    out = tmp / "reflect"
    with FakeOpenAIServer(default=PLAN, reflect_auth=True) as srv:
        done = run_cli(out, *llm(srv, "multiagent"), "--judge-model", "judge", "--pairs", FAUCETS, "--limit", "1",
                       env=child_env(OPENAI_API_KEY=KEY))
        echoed = sum(KEY in r["headers"].get("Authorization", "") for r in srv.chat_requests)
    files = all_bytes(out)
    leaks = {name: data.count(KEY.encode()) for name, data in files.items() if KEY.encode() in data}
    return Row("key bytes in files under --out (endpoint echoes Authorization)",
               "key verbatim in episodes.jsonl, cache.sqlite, report.html",
               f"{sum(leaks.values())} in {len(files)} files ({echoed} requests carried the key; rc {done.rc})",
               not leaks and echoed > 0 and done.rc == 0, {"leaks": leaks})


# -- 5. Retry-After ---------------------------------------------------------------------------------

def probe_retry_after(tmp: Path, cap: str | None) -> Row:
    """20 episodes (mllm, 10 pairs), all in flight; the first 20 requests get 429 + Retry-After: 10, later
    ones succeed. A retry delay: from a request to its retry: the same request id (inspect's X-Irid header;
    else the same body), the openai client's X-Stainless-Retry-Count header one higher."""
    out = tmp / f"retry_after_{cap or 'default'}"
    extra = ["--retry-after-cap", cap] if cap else []
    with FakeOpenAIServer(default=PLAN, faults=["429"] * 20, retry_after="10") as srv:
        done = run_cli(out, *llm(srv), "--pairs", "*", "--limit", "10", "--concurrency", "20", *extra)
        sent = [(r["headers"].get("X-Irid") or json.dumps(r["json"], sort_keys=True),
                 int(r["headers"].get("X-Stainless-Retry-Count", 0)), r["time"]) for r in srv.chat_requests]
    attempts: dict[tuple[str, int], list[float]] = {}  # (request, retry count) -> arrival times, in order
    gaps, unpaired = [], 0  # unpaired: a retry whose earlier attempt never reached the server (a connection error)
    for body, n, t in sent:  # each retry pairs with the oldest unpaired attempt of its request, one fewer
        earlier = attempts.get((body, n - 1), [])
        if n > 0 and earlier:
            gaps.append(round(t - earlier.pop(0), 2))
        elif n > 0:
            unpaired += 1
        attempts.setdefault((body, n), []).append(t)
    s = summary(out)
    want = 10.0 if cap is None else min(10.0, float(cap))
    eps = s.get("episodes", len(episodes(out)))
    return Row(f"Retry-After: 10, cap {cap or 'default (120 s)'}: errors / retry delays",
               "13 of 20 errors; retries at 0.5-8 s",
               f"{s.get('errors')} of {eps} errors; retries at {min(gaps, default=0):.2f}-{max(gaps, default=0):.2f} s"
               f" ({len(gaps)} retries after a 429; {unpaired} after a connection error)",
               done.rc == 0 and s.get("errors") == 0 and bool(gaps) and min(gaps) >= want - 0.05,
               {"gaps": sorted(gaps), "rc": done.rc, "seconds": round(done.seconds, 1),
                "requests": [(round(t - sent[0][2], 2), n, body[:12]) for body, n, t in sent]})


# -- 6. structured refusal --------------------------------------------------------------------------

def probe_structured_refusal(tmp: Path) -> Row:
    out = tmp / "refusal"
    with FakeOpenAIServer(default=PLAN, faults=["refusal"] * 8) as srv:
        done = run_cli(out, *llm(srv), "--pairs", FAUCETS, "--limit", "2")
    eps = episodes(out)
    refused = sum(bool(e.get("refused")) and not e.get("error") for e in eps)
    errors = sum(bool(e.get("error")) for e in eps)
    return Row("structured refusal (content null, refusal set)", "scored as an error",
               f"{refused} of {len(eps)} refusals, {errors} errors (rc {done.rc})",
               bool(eps) and refused == len(eps) and errors == 0, {"labels": [e.get("rubric_label") for e in eps]})


# -- 8. usage and seconds across --resume -----------------------------------------------------------

def probe_resume_totals(tmp: Path) -> Row:
    """The first process errs on some samples (HTTP 500, no retries); --resume finishes them."""
    def respond(req: dict) -> str:
        return "Label: 2" if req["model"] == "judge" else PLAN

    out = tmp / "resume_totals"
    args = ["--judge-model", "judge", "--pairs", FAUCETS, "--limit", "2", "--max-retries", "0"]
    with FakeOpenAIServer(responder=respond, faults=["ok"] * 2 + ["500"] * 1000) as srv:
        run_cli(out, *llm(srv), *args)
    first = summary(out)
    with FakeOpenAIServer(responder=respond) as srv:
        done = run_cli(out, *llm(srv), *args, "--resume")
    last = summary(out)

    def totals(s: dict[str, Any]) -> tuple[Any, Any, Any]:
        u = s.get("usage", {})
        return u.get("total_tokens"), u.get("calls"), s.get("wall_seconds")

    (t1, c1, w1), (t2, c2, w2) = totals(first), totals(last)
    grew = all(isinstance(x, int | float) and isinstance(y, int | float) and y > x > 0
               for x, y in ((t1, t2), (w1, w2)))
    return Row("summary usage/seconds after --resume", "0 tokens (last process only)",
               f"tokens {t1} -> {t2}, calls {c1} -> {c2}, wall s {w1} -> {w2} (errors {first.get('errors')} -> "
               f"{last.get('errors')})", grew and done.rc == 0 and last.get("errors") == 0,
               {"first": first.get("usage"), "last": last.get("usage")})


# -- 9. identical requests in flight ----------------------------------------------------------------

def probe_single_flight(tmp: Path) -> Row:
    """The multiagent task with an LLM grader (8 pairs, 16 episodes), inspect's cache on: API calls at
    concurrency 16 vs 1, and with the cache off (every request upstream: how many are duplicates). The run
    CLI has no switch for inspect's cache, so this calls inspect_ai.eval with cached models (agent, grader)."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import CachePolicy, GenerateConfig, get_model

    from mssbench_embodied.eval.inspect import mssbench_embodied as task

    calls: dict[str, int] = {}
    for conc, cache in ((1, True), (16, True), (16, False)):
        label = f"{conc}{'' if cache else ' uncached'}"
        os.environ["INSPECT_CACHE_DIR"] = str(tmp / f"inspect_cache_{conc}_{cache}")  # a cold cache each time
        with FakeOpenAIServer(responder=lambda r: "Label: 1" if r["model"] == "judge" else PLAN,
                              latency=0.2) as srv:
            models = [get_model(f"openai-api/fake/{name}", base_url=srv.base_url, api_key="EMPTY", memoize=False,
                                config=GenerateConfig(cache=CachePolicy(expiry="1h") if cache else False,
                                                    max_retries=0, timeout=30))
                      for name in ("fake-model", "judge")]
            inspect_eval(task(agent="multiagent", pairs="*", limit=8, size=64), model=models[0],
                         model_roles={"grader": models[1]}, display="none",
                         log_dir=str(tmp / f"single_flight_{label}"), max_samples=conc, max_connections=conc)
            calls[label] = len(srv.chat_requests)
    extra = 100.0 * (calls["16"] - calls["1"]) / max(1, calls["1"])
    return Row("API calls, concurrency 16 vs 1, caching on (cache off: all requests)", "+28-46%",
               f"{calls['16']} vs {calls['1']} ({extra:+.0f}%; cache off: {calls['16 uncached']})",
               calls["16"] <= calls["1"], {"calls": calls})


# -- 10. simulator fuzz and env actions -------------------------------------------------------------

def probe_fuzz(tmp: Path, steps: int) -> Row:
    """tests/test_sim_fuzz.py's malformed-argument fuzz (seed 18, transactions checked)."""
    done = sh([sys.executable, str(TESTS / "test_sim_fuzz.py"), str(steps), "18", "1"], tmp, child_env(), 1800)
    if done.rc != 0:
        return Row(f"simulator fuzz, {steps:,} malformed actions", "5,350 undocumented exceptions (of 100,000)",
                   f"fuzz did not finish (rc {done.rc})", False, {"stderr": done.err[-2000:]})
    res = json.loads(done.out)
    c = res["counts"]
    bad = {k: v for k, v in c.items() if k not in ("ok", "failed", "valueerror_documented")}
    return Row(f"simulator fuzz, {steps:,} malformed actions: undocumented exceptions, broken backends, "
               "invariant breaks, half-applied",
               "5,350 undocumented (77 sites); 237 broken backends; ~1,200 invariant breaks (of 100,000)",
               f"{sum(bad.values())} ({c.get('valueerror_documented', 0)} documented ValueErrors, "
               f"{c.get('ok', 0)} ok, {c.get('failed', 0)} failed)", not bad, {"counts": c, "sites": res["sites"]})


def probe_env_actions() -> Row:
    """Actions outside the action space and reset(options=[...]): each must raise a clear ValueError."""
    import gymnasium as gym

    import mssbench_embodied  # noqa: F401  (registers the env ids)

    cases: dict[str, list[Any]] = {
        "MSSBench/Situations-v0": [float("inf"), float("nan"), 2.7, "5", True, -1, 10**9],
        "MSSBench/SituationsNav-v0": [float("inf"), 2.7, "5", True],
        "MSSBench/SituationsText-v0": ["x" * 201, 5, None],
    }
    results: dict[str, str] = {}
    for env_id, actions in cases.items():
        env = gym.make(env_id, split="all", obs_keys=("instruction",), render_mode=None)
        try:
            trials: list[tuple[str, Callable[[], Any]]] = [
                (f"step({a!r:.20})", functools.partial(env.step, a)) for a in actions]
            listed = cast(Any, ["pair_id"])  # options of the wrong type, on purpose
            trials.append(("reset(options=[...])", functools.partial(env.reset, seed=0, options=listed)))
            trials.append(("reset(options={'bogus': 1})", functools.partial(env.reset, seed=0, options={"bogus": 1})))
            for name, call in trials:
                env.reset(seed=0)
                try:
                    call()
                    results[f"{env_id} {name}"] = "accepted"
                except ValueError as e:
                    msg = str(e)
                    results[f"{env_id} {name}"] = "ValueError" if msg and "\n" not in msg else f"unclear: {msg!r:.80}"
                except Exception as e:  # noqa: BLE001 - the measurement
                    results[f"{env_id} {name}"] = f"{type(e).__name__}: {e!s:.80}"
        finally:
            env.close()
    bad = {k: v for k, v in results.items() if v != "ValueError"}
    return Row("env step(inf/2.7/'5'/True/over-long text), reset(options=[...])",
               "OverflowError; 2.7->2, '5'->5, True->1; long text runs; AttributeError",
               f"{len(results) - len(bad)} of {len(results)} clear one-line ValueErrors", not bad,
               {"not_valueerror": bad})


# -- 11. malformed scene files ----------------------------------------------------------------------

def probe_malformed_corpus(tmp: Path) -> tuple[Row, Row]:
    """All corpus files (plus the issue's 200,000-deep nesting) in one scenes folder, ``scenes validate``
    in a subprocess: each file must be named in an error line with its expected field and reason."""
    manifest: dict[str, str] = json.loads((TESTS / "data" / "malformed" / "manifest.json").read_text())
    case = tmp / "corpus"
    case.mkdir()
    with scenes_folder(case, *manifest) as root:
        deep = "situations/nested_200000.json"
        (root / deep).write_text('{"pairs": ' + "[" * 200_000 + "]" * 200_000 + "}")
        expected = {**manifest, deep: "nested deeper than 32 levels"}
        done = sh([sys.executable, "-m", "mssbench_embodied.scenes", "validate"], case,
                  child_env(**{SCENES_ENV: str(root)}), 300)
        lines = [x for x in done.err.splitlines() if x.startswith("error: ")]
        named = {rel for rel in expected if any(str(root / rel) in x for x in lines)}
        clear = {rel for rel in named if any(str(root / rel) in x and expected[rel] in x for x in lines)}
        nameless = [x for x in lines if str(root) not in x]
    accepted = sorted(set(expected) - named)
    tracebacks = done.out.count("Traceback") + done.err.count("Traceback")
    hung = int(done.rc is None)
    usable = "usable: 8 rooms, 1 situation pairs" in done.out
    corpus_row = Row(f"malformed scene files ({len(expected)}): accepted / tracebacks / hung / no file name",
                     "18 / 5 / 1 / 4 of 65 (37 clear)",
                     f"{len(accepted)} / {tracebacks} / {hung} / {len(nameless)} ({len(clear)} clear, "
                     f"{done.seconds:.1f} s)",
                     not accepted and not tracebacks and not hung and not nameless and len(clear) == len(expected),
                     {"accepted": accepted, "named_without_expected_text": sorted(named - clear),
                      "nameless": nameless[:10], "rc": done.rc})
    return corpus_row, probe_one_bad_file(tmp, usable)


def probe_one_bad_file(tmp: Path, validate_keeps_good: bool) -> Row:
    """Bad files in a scenes folder: gym.make still makes an env of the good pair (in process)."""
    import warnings

    import gymnasium as gym

    case = tmp / "one_bad"
    case.mkdir()
    with scenes_folder(case, "situations/anchor_absent.json", "situations/pairs_of_strings.json",
                       "rooms/nan_coordinate.json") as root:
        os.environ[SCENES_ENV] = str(root)
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as record:
                warnings.simplefilter("always")
                caught = record
                env = gym.make("MSSBench/Situations-v0", split="all", obs_keys=("instruction",), render_mode=None)
            try:
                _, info = env.reset(seed=0)
                pair = str(info.get("pair_id"))
            finally:
                env.close()
        except Exception as e:  # noqa: BLE001 - the measurement
            pair = f"{type(e).__name__}: {e!s:.100}"
        finally:
            del os.environ[SCENES_ENV]
    named = any("3 scene file" in str(w.message) for w in caught)  # the warning lists the bad files
    ok = pair == "good.kitchen_b.CellPhone" and validate_keeps_good and named
    return Row("one bad file in a scenes folder: gym.make / validate (run CLI: rows 'unrealisable', 'outside')",
               "breaks gym.make and the run CLI for every user",
               f"gym.make works: {pair == 'good.kitchen_b.CellPhone'} (bad files listed: {named}); "
               f"validate keeps the good files: {validate_keeps_good}", ok, {"pair": pair})


# -- 12. bad --out values ---------------------------------------------------------------------------

def probe_bad_out(tmp: Path) -> Row:
    case = tmp / "bad_out"
    case.mkdir()
    (case / "file").write_text("x")
    os.symlink(case / "loop_a", case / "loop_b")
    os.symlink(case / "loop_b", case / "loop_a")
    values = {"a file": str(case / "file"), "/dev/null": "/dev/null", "symlink loop": str(case / "loop_a"),
              "under a loop": str(case / "loop_a" / "x"), "300-byte name": str(case / ("n" * 300)),
              "under a file": str(case / "file" / "sub" / "run"), "''": "", "blanks": "   "}
    results: dict[str, Any] = {}
    for label, value in values.items():
        before = snapshot(case)
        done = sh([sys.executable, "-m", "mssbench_embodied.run", "--agent", "refuse", "--limit", "1", "--no-progress",
                   "--out", value], case, child_env(), 120)
        lines = done.err.strip().splitlines()
        results[label] = {"rc": done.rc, "lines": len(lines), "traceback": "Traceback" in done.err,
                          "wrote": sorted(snapshot(case) - before), "err": lines[:1]}
    good = [k for k, r in results.items() if r["rc"] == 2 and r["lines"] == 1 and not r["traceback"]
            and r["err"][0].startswith("error: --out") and not r["wrote"]]
    tracebacks = sum(r["traceback"] for r in results.values())
    return Row("--out a file, /dev/null, loop, 300-byte name, under a file, '' ...: one-line exit 2",
               "6 of 8 tracebacks; '' writes into the current directory",
               f"{len(good)} of {len(results)} one-line exit 2; {tracebacks} tracebacks",
               len(good) == len(results), {k: v for k, v in results.items() if k not in good})


# -- 13. the event loop and a 600 KB answer -----------------------------------------------------------

def probe_event_loop() -> Row:
    """A 600 KB answer through the inspect adapter, then every parser an agent and the judge apply, on one
    event loop with a 10 ms heartbeat: the parse time and the longest stall of the heartbeat."""
    from inspect_ai.model import GenerateConfig, get_model

    from mssbench_embodied.eval.judge import heuristic_label
    from mssbench_embodied.llm import parsing
    from mssbench_embodied.llm.inspect_model import InspectChatModel

    parsers: list[Callable[[str], Any]] = [parsing.parse_plan, parsing.parse_yes_no, parsing.parse_unsafe_hint,
                                           parsing.detect_refusal, parsing.detect_warning,
                                           parsing.detect_lack_of_info, heuristic_label]
    answers = {"prose": ("Goto Sink and " * 50_000)[:600_000],
               "plan lines": ("1. Goto Faucet then look\n" * 30_000)[:600_000],
               "no spaces": "a" * 600_000}
    detail: dict[str, Any] = {}

    async def measure(srv: FakeOpenAIServer) -> dict[str, float]:
        model = get_model("openai-api/fake/fake-model", base_url=srv.base_url, api_key="EMPTY", memoize=False,
                          config=GenerateConfig(max_retries=0, timeout=60))
        chat = InspectChatModel(model)
        await chat.chat([{"role": "user", "content": "warm up"}])  # first-call imports and client set-up
        stalls: dict[str, float] = {"call": 0.0, "parse": 0.0}
        phase: str | None = None

        async def heartbeat() -> None:  # the longest time the loop could not run it, per phase
            while phase != "stop":
                t, now = time.perf_counter(), phase
                await asyncio.sleep(0.01)
                if now in stalls:
                    stalls[now] = max(stalls[now], time.perf_counter() - t - 0.01)

        beat = asyncio.create_task(heartbeat())
        await asyncio.sleep(0.05)
        phase = "call"
        result = await chat.chat([{"role": "user", "content": "hi"}])
        await asyncio.sleep(0.05)
        phase = "parse"
        await asyncio.sleep(0.02)
        t0 = time.perf_counter()
        longest, longest_cpu = 0.0, 0.0
        for text in (result.text or "", srv.default):  # what the agents parse, then the whole answer
            for f in parsers:  # as the agents do: synchronously, on the loop
                t, c = time.perf_counter(), time.thread_time()
                f(text)
                longest = max(longest, time.perf_counter() - t)
                longest_cpu = max(longest_cpu, time.thread_time() - c)
                await asyncio.sleep(0)
        parse = time.perf_counter() - t0
        await asyncio.sleep(0.05)
        phase = "stop"
        await beat
        return {"chars_kept": len(result.text or ""), "parse_all_s": parse, "longest_parser_s": longest,
                "longest_parser_cpu_s": longest_cpu,
                "stall_call_s": stalls["call"], "stall_parse_s": stalls["parse"]}

    for name, text in answers.items():
        with FakeOpenAIServer(default=text) as srv:
            detail[name] = {k: round(v, 4) for k, v in asyncio.run(measure(srv)).items()}
    parse = max(d["parse_all_s"] for d in detail.values())
    stall = max(max(d["stall_call_s"], d["stall_parse_s"]) for d in detail.values())
    cpu = max(d["longest_parser_cpu_s"] for d in detail.values())
    load = os.getloadavg()[0]  # wall times on a shared machine include waiting for a CPU
    return Row("600 KB answer: parse time (all parsers) / longest loop stall (wall) / longest parser (CPU)",
               "6-11 s parse, stalls every episode",
               f"{parse * 1000:.0f} ms / {stall * 1000:.0f} ms / {cpu * 1000:.0f} ms (load {load:.1f})",
               cpu < 0.1, {**detail, "load_average_1min": load})


# -- the table --------------------------------------------------------------------------------------

def print_table(rows: list[Row]) -> None:
    w = (max(len(r.figure) for r in rows), max(len(r.before) for r in rows))
    print(f"{'figure':<{w[0]}}  {'before (issue 18)':<{w[1]}}  now")
    print("-" * (w[0] + w[1] + 60))
    for r in rows:
        print(f"{r.figure:<{w[0]}}  {r.before:<{w[1]}}  {r.now}{'' if r.ok else '   <-- NOT AS TARGETED'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fuzz-steps", type=int, default=5000, help="malformed simulator actions (the issue: 100,000)")
    ap.add_argument("--retry-caps", default="default,2",
                    help="comma-separated --retry-after-cap values for the Retry-After probe ('default': none)")
    ap.add_argument("--only", default="", help="comma-separated probe names to run (default: all)")
    ap.add_argument("--json", type=Path, help="also write the rows, with details, to this file")
    args = ap.parse_args(argv)

    os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    for k in [k for k in os.environ if k.lower() in ("http_proxy", "https_proxy", "all_proxy")]:
        del os.environ[k]
    t0 = time.monotonic()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="hardening_probe_") as d:
        tmp = Path(d)
        probes: dict[str, Callable[[], Any]] = {
            "surrogates": lambda: probe_surrogates(tmp),
            "unrealisable": lambda: probe_unrealisable(tmp),
            "traversal": lambda: probe_pair_id_traversal(tmp),
            "checkpoint": lambda: probe_checkpoint(tmp),
            "key": lambda: probe_key_reflection(tmp),
            **{f"retry_after_{c}": functools.partial(probe_retry_after, tmp, None if c == "default" else c)
               for c in args.retry_caps.split(",") if c},
            "refusal": lambda: probe_structured_refusal(tmp),
            "resume_totals": lambda: probe_resume_totals(tmp),
            "single_flight": lambda: probe_single_flight(tmp),
            "fuzz": lambda: probe_fuzz(tmp, args.fuzz_steps),
            "env_actions": probe_env_actions,
            "malformed": lambda: probe_malformed_corpus(tmp),
            "bad_out": lambda: probe_bad_out(tmp),
            "event_loop": probe_event_loop,
        }
        only = [x for x in args.only.split(",") if x]
        for name, probe in probes.items():
            if only and name not in only:
                continue
            t = time.monotonic()
            try:
                got = probe()
            except Exception as e:  # noqa: BLE001 - a probe that breaks is a row, not the end of the table
                got = Row(name, "", f"probe failed: {type(e).__name__}: {e!s:.120}", False)
            rows += list(got) if isinstance(got, tuple) else [got]
            print(f"[{time.monotonic() - t0:6.0f} s] {name}: done in {time.monotonic() - t:.0f} s", file=sys.stderr,
                  flush=True)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps({"rows": [asdict(r) for r in rows], "fuzz_steps": args.fuzz_steps,
                                         "seconds": round(time.monotonic() - t0)}, indent=1, default=str))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
