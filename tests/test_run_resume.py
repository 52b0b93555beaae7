"""--fail-on-error N stops early only when the first N samples all fail; --resume leaves one authoritative
.eval log in --out (the replaced ones in superseded/) and its summary's usage, calls and seconds add up
over every attempt. Against the local fake server (mssbench_embodied.testing.fake_openai)."""
from __future__ import annotations

from pathlib import Path

from fake_openai_server import FakeOpenAIServer
from mllm_support import FAUCETS, Scripted, episodes, llm_args, run_main, summary

from mssbench_embodied.eval.from_log import _usage
from mssbench_embodied.eval.resume import previous_log

ALL_PAIRS = "*"  # pairs enough that a run that does not stop early is long


def logs(out: Path) -> tuple[list[Path], list[Path]]:
    return sorted(out.glob("*.eval")), sorted((out / "superseded").glob("*.eval"))


def test_fail_on_error_stops_when_the_first_n_all_fail(tmp_path: Path, frames: dict[str, str], capsys) -> None:
    with FakeOpenAIServer(responder=Scripted(frames), faults=["500"] * 100_000) as srv:  # always fails
        rc = run_main(tmp_path, *llm_args(srv, "mllm"), "--split", "all", "--pairs", ALL_PAIRS,
                      "--max-retries", "0", "--fail-on-error", "3")
        requests = len(srv.chat_requests)
    assert rc == 1
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("error:")]
    assert len(err) == 1 and "stopped early" in err[0] and "first 3 samples" in err[0] and "500" in err[0], err
    s = summary(tmp_path)
    assert (s["n"], s["errors"]) == (3, 3)  # 3 of the split's 1,320 samples ran
    assert 3 <= requests <= 3 * 3  # one call per sample (and the openai client's own retries at most)
    assert len(logs(tmp_path)[0]) == 1


def test_fail_on_error_goes_on_after_a_success(tmp_path: Path, frames: dict[str, str], capsys) -> None:
    """The first sample succeeds, every later one fails: no early stop (the whole selection runs), exit 1."""
    with FakeOpenAIServer(responder=Scripted(frames), faults=["ok"] + ["500"] * 1000) as srv:
        rc = run_main(tmp_path, *llm_args(srv, "mllm"), "--pairs", FAUCETS, "--limit", "3", "--max-retries", "0",
                      "--fail-on-error", "2")
    assert rc == 1
    err = capsys.readouterr().err
    assert "stopped early" not in err and "6 sample(s) errored" not in err and "5 sample(s) errored" in err
    s = summary(tmp_path)
    assert (s["n"], s["errors"]) == (6, 5)
    kept, superseded = logs(tmp_path)
    assert len(kept) == 1 and len(superseded) == 1  # the first-N log, continued by the full run
    assert len(episodes(tmp_path)) == 6


def test_resume_leaves_one_log_and_totals_add_up(tmp_path: Path, frames: dict[str, str]) -> None:
    args = ["--pairs", FAUCETS, "--limit", "2", "--max-retries", "0"]
    with FakeOpenAIServer(responder=Scripted(frames), faults=["ok"] * 3 + ["500"] * 1000) as srv:
        assert run_main(tmp_path, *llm_args(srv), *args) == 0
    first = summary(tmp_path)
    assert first["errors"] == 3 and first["usage"]["calls"] > 0
    first_log = logs(tmp_path)[0]
    assert len(first_log) == 1
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:
        assert run_main(tmp_path, *llm_args(srv), *args, "--resume") == 0
        new_requests = len(srv.chat_requests)
    kept, superseded = logs(tmp_path)
    assert len(kept) == 1 and [p.name for p in superseded] == [first_log[0].name]  # one authoritative log
    s = summary(tmp_path)
    assert (s["errors"], s["n"], s["log"]) == (0, 4, kept[0].name)
    log = previous_log(tmp_path)
    assert log is not None and log.location and Path(log.location).name == kept[0].name
    # the kept sample's calls are in the new log; the 3 errored attempts' calls only in the superseded one
    in_log = _usage(log.samples or [])
    assert s["replaced_attempts"] == 3
    assert s["usage"]["calls"] == first["usage"]["calls"] + new_requests
    assert s["usage"]["calls"] == in_log["calls"] + first["usage"]["errors"]
    assert s["usage"]["total_tokens"] == in_log["total_tokens"] + 0  # failed calls used no tokens
    assert s["usage"]["errors"] == first["usage"]["errors"]
    assert s["seconds"] >= first["seconds"] and s["wall_seconds"] > first["wall_seconds"]
    with FakeOpenAIServer(responder=Scripted(frames)) as srv:  # resuming a complete run: nothing runs or moves
        assert run_main(tmp_path, *llm_args(srv), *args, "--resume") == 0
        assert srv.chat_requests == []
    assert logs(tmp_path) == (kept, superseded) and summary(tmp_path)["usage"] == s["usage"]
