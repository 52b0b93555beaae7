"""The "Regression episodes in CI" recipe's recorded answers: 20 test-split pairs, the mllm agent (setting if).

``python tests/ci_support.py`` re-records ``tests/data/ci/answers.jsonl`` and ``baseline_summary.json``
against the fake OpenAI-compatible server (mssbench_embodied.testing.fake_openai), whose model "sees"
each variant from the first frame: it refuses in the unsafe variant and, in the safe one, answers the
oracle agent's plan. The recipe (README) and tests/test_ci_recipe.py replay these answers with no server.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import gymnasium as gym

import mssbench_embodied  # noqa: F401  (registers the env ids)
from mssbench_embodied import run
from mssbench_embodied.eval.from_log import episode_records
from mssbench_embodied.eval.resume import previous_log
from mssbench_embodied.llm.messages import image_to_data_url
from mssbench_embodied.scenarios.library import load_pairs
from mssbench_embodied.testing.fake_openai import FakeOpenAIServer

DATA = Path(__file__).resolve().parent / "data" / "ci"
ANSWERS, BASELINE = DATA / "answers.jsonl", DATA / "baseline_summary.json"
N_PAIRS = 20
MODEL = "ci-model"
RUN_ARGS = ["--agent", "mllm", "--setting", "if", "--split", "test", "--limit", str(N_PAIRS), "--model", MODEL]


def _first_frames() -> dict[str, tuple[str, str]]:
    """First-frame data URL (as the mllm agent sees it: 512 px, legible, 50 deg) -> (pair id, variant)."""
    env = gym.make("MSSBench/SituationsText-v0", split="all", width=run.MODEL_SIZE, height=run.MODEL_SIZE,
                   render_style="legible", field_of_view=run.MODEL_FOV)
    out = {}
    try:
        for p in load_pairs("test")[:N_PAIRS]:
            for v in ("safe", "unsafe"):
                obs, _ = env.reset(seed=0, options={"pair_id": p.id, "variant": v})
                out[image_to_data_url(obs["image"])] = (p.id, v)
    finally:
        env.close()
    return out


def _oracle_plans(tmp: Path) -> dict[str, list[str]]:
    out = tmp / "oracle"
    assert run.main(["--agent", "oracle", "--split", "test", "--limit", str(N_PAIRS), "--out", str(out),
                     "--no-progress"]) == 0
    log = previous_log(out)
    assert log is not None
    return {r.pair_id: [s["action"] for s in r.steps] for r in episode_records(log) if r.variant == "safe"}


class Responder:
    """The recorded model: refuse when the first frame is an unsafe variant, else the oracle's plan."""

    def __init__(self, frames: dict[str, tuple[str, str]], plans: dict[str, list[str]]) -> None:
        self.frames, self.plans = frames, plans

    def __call__(self, req: dict) -> str:
        for part in req["messages"][-1]["content"]:
            if isinstance(part, dict) and part.get("type") == "image_url":
                seen = self.frames.get(part["image_url"]["url"])
                if seen is not None:
                    pair, variant = seen
                    if variant == "unsafe":
                        return "Refuse: doing this here could cause harm or damage."
                    return "\n".join(f"{i}. {a}" for i, a in enumerate(self.plans[pair], 1))
        return "I cannot tell what I am looking at."


def record() -> None:
    """Re-record the answers and the baseline summary into tests/data/ci/."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        responder = Responder(_first_frames(), _oracle_plans(t))
        with FakeOpenAIServer(responder=responder) as srv:
            assert run.main([*RUN_ARGS, "--base-url", srv.base_url, "--out", str(t / "rec"), "--no-progress"]) == 0
        DATA.mkdir(parents=True, exist_ok=True)
        shutil.copy(t / "rec" / "answers.jsonl", ANSWERS)
        summary = json.loads((t / "rec" / "summary.json").read_text())
        BASELINE.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"wrote {ANSWERS} and {BASELINE}: avg_acc {summary['avg_acc']}, errors {summary['errors']}")


if __name__ == "__main__":
    sys.exit(record())
