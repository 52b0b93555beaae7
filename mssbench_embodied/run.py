"""Evaluate agents on the situation pairs: `python -m mssbench_embodied.run [--agent NAME] ...`

With no --agent the scripted baselines (oracle, comply, refuse, random) run on the embedded backend.
MLLM agents (mllm, multiagent) need --model and an OpenAI-compatible endpoint (OPENAI_API_KEY,
--base-url), or --replay with a recorded cache.
"""
from __future__ import annotations

import argparse
import asyncio
import fnmatch
import json
import sys
from pathlib import Path
from typing import Any

from .agents.checkpoint import DEFAULT_CHECKPOINT
from .agents.registry import agent_entry, agent_names, baseline_agents, build_agent
from .sim.thor_startup import ThorStartupError

__all__ = ["build_agent", "main", "parse_args"]

ENV_POOLS: dict[tuple[str, int, str, float], list[Any]] = {}
MODEL_SIZE = 512  # frames for agents that call a model: legible at the sizes VLMs read
SCRIPTED_SIZE = 300
MODEL_FOV = 50.0  # degrees, vertical (AI2-THOR's fieldOfView): a robot camera's; see docs/LEGIBILITY.md
SCRIPTED_FOV = 90.0  # AI2-THOR's default fieldOfView


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse and check the command line (argv None: sys.argv[1:]); exits with a usage error if invalid."""
    ap = argparse.ArgumentParser(prog="python -m mssbench_embodied.run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agent", choices=agent_names(), action="append",
                    help="repeatable; default: the scripted baselines")
    ap.add_argument("--setting", choices=("if", "qc", "ic", "ic_cap"), default="if", help="mllm agent setting")
    ap.add_argument("--model", help="model name for mllm/multiagent")
    ap.add_argument("--base-url", help="OpenAI-compatible endpoint (vLLM, Ollama, Azure, ...)")
    ap.add_argument("--judge-model", help="LLM judge for the response rubric (default: keyword heuristic)")
    ap.add_argument("--backend", choices=("embedded", "thor"), default="embedded")
    ap.add_argument("--split", choices=("train", "test", "all"), default="all")
    ap.add_argument("--limit", type=int, help="first N pairs (each run in both variants)")
    ap.add_argument("--pairs", help="comma-separated pair ids or glob patterns (e.g. 'faucet_*'), before --limit")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--concurrency", type=int, default=1, help="episodes in flight (async)")
    ap.add_argument("--out", help="output directory (default: runs/<agent or baselines>)")
    ap.add_argument("--resume", action="store_true", help="continue an interrupted run in --out")
    ap.add_argument("--replay", action="store_true", help="answer only from the response cache; fail on a miss")
    ap.add_argument("--cache", type=Path, help="SQLite response cache (default: OUT/cache.sqlite)")
    ap.add_argument("--max-tokens", type=int, default=512)
    ap.add_argument("--temperature", type=float, default=0.0)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--max-retries", type=int, default=4, help=argparse.SUPPRESS)  # advanced: API retries per call
    ap.add_argument("--retry-after-max", type=float, default=60.0,
                    help="longest wait (seconds) honoured when the endpoint sends Retry-After")
    ap.add_argument("--no-guard", action="store_true", help="multiagent: skip the per-action guard check")
    ap.add_argument("--size", type=int, default=None,
                    help=f"frame size (default: {MODEL_SIZE} for model agents, {SCRIPTED_SIZE} for the others)")
    ap.add_argument("--style", choices=("flat", "legible"), default=None,
                    help="render style (default: legible for model agents, flat for the others)")
    ap.add_argument("--fov", type=float, default=None,
                    help=f"camera field of view in degrees (default: {MODEL_FOV:g} for model agents, "
                         f"{SCRIPTED_FOV:g} for the others)")
    ap.add_argument("--max-steps", type=int, default=16)
    ap.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT,
                    help="policy agent: STEM.json + STEM.safetensors (or the stem); a legacy SB3 .zip needs "
                         "--trust-checkpoint")
    ap.add_argument("--trust-checkpoint", action="store_true",
                    help="allow a legacy SB3 .zip checkpoint: loading it unpickles, which can run arbitrary code")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be >= 1")
    if args.concurrency < 1:
        ap.error("--concurrency must be >= 1")
    if args.max_retries < 0:
        ap.error("--max-retries must be >= 0")
    if (args.size is not None and args.size < 16) or args.max_steps < 1:
        ap.error("--size must be >= 16 and --max-steps >= 1")
    if args.fov is not None and not 10.0 < args.fov < 170.0:
        ap.error("--fov must be between 10 and 170 degrees")
    if not 0.0 <= args.retry_after_max <= 3600.0:
        ap.error("--retry-after-max must be between 0 and 3600 seconds")
    args.out_text, args.out = args.out, (Path(args.out) if args.out is not None else None)  # '' stays visible
    return args


def fail(msg: str) -> int:
    """Print ``error: msg`` to stderr and return the exit status 2."""
    print(f"error: {msg}", file=sys.stderr)
    return 2


def make_client(args: argparse.Namespace, model: str, cache_path: Path) -> Any:
    """An LLMClient for ``model`` configured from the CLI args, caching responses in ``cache_path``."""
    from .llm.cache import ResponseCache
    from .llm.client import LLMClient, LLMConfig

    cfg = LLMConfig(model=model, base_url=args.base_url, temperature=args.temperature, max_tokens=args.max_tokens,
                    timeout=args.timeout, max_retries=args.max_retries, replay=args.replay,
                    retry_after_max=getattr(args, "retry_after_max", 60.0))
    return LLMClient(cfg, ResponseCache(cache_path))


def print_table(rows: dict[str, dict[str, Any]]) -> None:
    """Print each agent's summary (eval.metrics.TABLE_COLUMNS), then its per-category accuracies."""
    from .eval.metrics import TABLE_COLUMNS as cols

    print(f"\n{'agent':<18}" + "".join(f"{c:>20}" for c in cols))
    for name, s in rows.items():
        print(f"{name:<18}" + "".join(f"{'-' if s.get(c) is None else s.get(c):>20}" for c in cols))
        for cat, v in s.get("by_category", {}).items():
            print(f"  {cat:<16}" + "".join(f"{'-' if v.get(c) is None else v.get(c):>20}" for c in cols[:3]))


async def run_agent(name: str, args: argparse.Namespace, out: Path, jobs: list[tuple[str, str]]) -> dict[str, Any]:
    """Run agent ``name`` on the (pair id, variant) jobs; write episodes, summary.json and the report to ``out``.

    Returns the summary (metrics, rubric, token usage, seconds)."""
    import gymnasium as gym

    from .eval.metrics import rubric_summary, summarize
    from .eval.records import EpisodeRecord
    from .eval.report import write_report
    from .eval.runner import RunTotals, run_episodes

    uses_model = agent_entry(name).needs_model
    client = judge = None
    if uses_model:
        client = make_client(args, args.model, args.cache or out / "cache.sqlite")
    if args.judge_model:
        judge = make_client(args, args.judge_model, args.cache or out / "cache.sqlite")
    agent = build_agent(name, args, client)
    default_size = MODEL_SIZE if uses_model else SCRIPTED_SIZE
    size = getattr(agent, "frame_size", args.size if args.size is not None else default_size)
    style = args.style or ("legible" if uses_model else "flat")
    fov = args.fov if args.fov is not None else (MODEL_FOV if uses_model else SCRIPTED_FOV)
    mode = getattr(agent, "action_mode", "text")
    env_id = "MSSBench/SituationsText-v0" if mode == "text" else "MSSBench/Situations-v0"

    def make_env() -> gym.Env:
        return gym.make(env_id, split="all", backend=args.backend, width=size, height=size, max_steps=args.max_steps,
                        render_style=style, field_of_view=fov)

    key = (env_id, size, style, fov)
    pool = ENV_POOLS.setdefault(key, [])  # shared by agents of one run: realised worlds are reused
    while len(pool) < args.concurrency:
        pool.append(make_env())

    bar = None
    if not args.no_progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), desc=agent.name, unit="ep", dynamic_ncols=True)

    totals = RunTotals(out)  # usage and seconds of earlier processes on this --out (--resume)

    def progress(rec: EpisodeRecord) -> None:
        totals.save(getattr(client, "usage", None), getattr(judge, "usage", None))
        if bar is not None:
            bar.update(1)
            if client is not None:
                u = client.usage
                bar.set_postfix(tokens=u.get("total_tokens", 0), errors=u.get("errors", 0))

    try:
        records = await run_episodes(agent, make_env, jobs, out, args.seed, args.concurrency, judge, progress, pool)
    finally:
        if bar is not None:
            bar.close()
        for c in (client, judge):
            if c is not None:
                await c.aclose()
    tot = totals.save(getattr(client, "usage", None), getattr(judge, "usage", None))
    setting = getattr(agent, "setting", None)  # the MLLM agent's MSSBench setting (if, qc, ic, ic_cap)
    summary = {"agent": agent.name, "backend": args.backend, "model": args.model if uses_model else None,
               "setting": setting, "split": args.split, "size": size, "style": style, "fov": fov,
               "judge": args.judge_model or "heuristic", **summarize(records), "rubric": rubric_summary(records),
               "usage": tot["usage"], "judge_usage": tot["judge_usage"], "seconds": tot["seconds"],
               "processes": tot["processes"]}
    if setting not in (None, "if"):  # the agent also answered "is it unsafe?"
        from .eval.judge import yes_no_correct

        yn = [yes_no_correct(r.get("yes_no"), r["variant"]) for r in records]
        summary["yes_no_acc"] = round(100 * sum(bool(x) for x in yn) / len(yn), 2) if yn else None
        summary["yes_no_unparsed"] = sum(x is None for x in yn)
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    from .eval.metrics import episode_correct

    shown = [{**r, "correct": None if r.get("error") else episode_correct(r), "label": r.get("rubric_label"),
              "model_text": r.get("answer_text")} for r in records]
    write_report(out, summary, shown)
    return summary


def main(argv: list[str] | None = None) -> int:
    """The CLI: run each chosen agent on the selected pairs, print the table; the exit status."""
    args = parse_args(argv)
    agents = args.agent or baseline_agents()
    root = args.out if args.out is not None else Path("runs") / (agents[0] if len(agents) == 1 else "baselines")
    from .eval.paths import out_dir_problem, out_file

    problem = out_dir_problem(args.out_text if args.out is not None else root)
    if problem:  # before anything is loaded or written
        return fail(problem)
    needs_llm = [a for a in agents if agent_entry(a).needs_model]
    if needs_llm and not args.model:
        return fail(f"--model is required for the {needs_llm[0]} agent (and OPENAI_API_KEY or --base-url, or --replay)")
    if needs_llm or args.judge_model:
        from .llm.client import LLMConfig, MissingCredentials, check_credentials

        try:
            check_credentials(LLMConfig(model=args.model or args.judge_model, base_url=args.base_url,
                                        replay=args.replay))
        except MissingCredentials as e:
            return fail(str(e))
    for a in dict.fromkeys(agents):
        problem = agent_entry(a).problem(args)
        if problem:
            return fail(problem)
    if args.backend == "thor":
        try:
            import ai2thor  # noqa: F401
        except ImportError:
            return fail("--backend thor needs the thor extra: pip install 'mssbench-embodied[thor]'")
    from .scenarios.library import load_pairs

    pairs = load_pairs(args.split)
    if args.pairs:
        pats = [p.strip() for p in args.pairs.split(",") if p.strip()]
        pairs = [p for p in pairs if any(fnmatch.fnmatchcase(p.id, pat) for pat in pats)]
        if not pairs:
            return fail(f"--pairs {args.pairs!r} matches no pair in split {args.split!r}")
    pairs = pairs[: args.limit] if args.limit else pairs
    jobs = [(p.id, v) for p in pairs for v in ("safe", "unsafe")]
    if root.exists() and any(root.rglob("episodes.jsonl")) and not args.resume:
        return fail(f"{root} already holds a run; pass --resume to continue it or choose another --out")
    results: dict[str, dict[str, Any]] = {}
    try:
        for name in agents:
            out = root if len(agents) == 1 else out_file(root, name)
            out.mkdir(parents=True, exist_ok=True)
            results[name] = asyncio.run(run_agent(name, args, out, jobs))
    except KeyboardInterrupt:
        print("\ninterrupted: rerun the same command with --resume to continue", file=sys.stderr)
        return 130
    except ThorStartupError as e:  # AI2-THOR cannot start: one clear message, exit 2, no traceback wall
        return fail(str(e))
    finally:
        for envs in ENV_POOLS.values():
            for pooled in envs:
                pooled.close()
        ENV_POOLS.clear()
    if len(agents) > 1:
        (root / "summary.json").write_text(json.dumps({"agents": results}, indent=1))
    print_table(results)
    print(f"\nresults in {root}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
