"""Evaluate agents on the situation pairs: `python -m mssbench_embodied.run [--agent NAME] ...`

A thin layer over inspect_ai: one task per agent (eval.inspect), run with inspect_ai.eval; the .eval
log goes in --out (one folder per agent when there are several), with summary.json and report.html
derived from it (eval.from_log) and, for model agents, answers.jsonl (eval.replay).

With no --agent the scripted baselines (oracle, comply, refuse, random) run on the embedded backend.
MLLM agents (mllm, multiagent) need --model: any inspect model string (openai/gpt-4o, anthropic/...,
ollama/...), or a bare name for the OpenAI-compatible endpoint of --base-url / OPENAI_BASE_URL
(OPENAI_API_KEY), or --replay --cache ANSWERS with answers a run recorded.
--resume continues the run in --out (errored and unfinished samples run again, completed ones are
kept) and refuses if the model, grader, task arguments, generation config or versions differ.
--fail-on-error [N]: exit 1 if any sample errored; stop early if the first N samples all error.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

from .agents.checkpoint import DEFAULT_CHECKPOINT
from .agents.registry import agent_entry, agent_names, baseline_agents, build_agent
from .sim.thor_startup import ThorStartupError

__all__ = ["build_agent", "main", "parse_args"]

MODEL_SIZE = 512  # frames for agents that call a model: legible at the sizes VLMs read
SCRIPTED_SIZE = 300
MODEL_FOV = 50.0  # degrees, vertical (AI2-THOR's fieldOfView): a robot camera's; see docs/LEGIBILITY.md
SCRIPTED_FOV = 90.0  # AI2-THOR's default fieldOfView
# garbage collection while samples run: with the default (700, 10, 10) a 30-pair baseline run collected
# 3,348 times, 18% of its CPU time; young collections 14x rarer cut a 60-pair run's CPU by about a fifth
# (a threshold of 50,000 saved no more and kept 10% more memory)
GC_THRESHOLD = (10_000, 10, 10)


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
    ap.add_argument("--workers", type=int, default=None,
                    help="processes for the episodes of agents without a model (default: the usable CPUs; "
                         "results do not depend on it); model agents run in one process")
    ap.add_argument("--out", help="output directory (default: runs/<agent or baselines>)")
    ap.add_argument("--resume", action="store_true", help="continue an interrupted run in --out")
    ap.add_argument("--replay", action="store_true",
                    help="answer only from recorded answers (--cache); any miss fails the run (exit 1) with reasons")
    ap.add_argument("--cache", type=Path, help="--replay: the answers.jsonl a run with a model wrote in its --out")
    ap.add_argument("--max-tokens", type=int, default=None, help="generation limit (default: the provider's)")
    ap.add_argument("--temperature", type=float, default=None, help="default: the provider's")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per model request")
    ap.add_argument("--max-retries", type=int, default=4, help=argparse.SUPPRESS)  # advanced: API retries per call
    ap.add_argument("--retry-after-cap", type=float, default=None, metavar="SECONDS",
                    help="wait at most this long when an OpenAI-compatible endpoint sends Retry-After "
                         "(0-120; 0 ignores the header; default: the openai client's 120 s)")
    ap.add_argument("--epochs", type=int, default=1, help="run every sample N times (inspect epochs)")
    ap.add_argument("--fail-on-error", type=int, nargs="?", const=5, default=None, metavar="N",
                    help="exit 1 if any sample errors; stop the run early if the first N samples all error (default 5)")
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
    ap.add_argument("--shard", metavar="I/N", help="run only shard I of N of the samples (merge the shards' --out "
                    "folders with python -m mssbench_embodied.merge)")
    ap.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                    help="spread the samples over a Ray cluster (HOST:PORT or auto; no ADDRESS: a local Ray); "
                         "needs the ray extra")
    ap.add_argument("--ray-workers", type=int, default=None, help="--ray: worker actors (default: the cluster's CPUs)")
    args = ap.parse_args(argv)
    if args.shard is not None:
        from .eval.shard import parse_shard

        try:
            args.shard = parse_shard(args.shard)
        except ValueError as e:
            ap.error(str(e))
    if args.shard is not None and args.ray is not None:
        ap.error("--shard and --ray exclude each other (--ray shards the run itself)")
    if args.ray_workers is not None and args.ray_workers < 1:
        ap.error("--ray-workers must be >= 1")
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be >= 1")
    if args.epochs < 1:
        ap.error("--epochs must be >= 1")
    if args.fail_on_error is not None and args.fail_on_error < 1:
        ap.error("--fail-on-error N must be >= 1")
    if args.concurrency < 1:
        ap.error("--concurrency must be >= 1")
    if args.workers is not None and not 1 <= args.workers <= 64:
        ap.error("--workers must be between 1 and 64")
    if args.max_retries < 0:
        ap.error("--max-retries must be >= 0")
    if args.retry_after_cap is not None and not 0.0 <= args.retry_after_cap <= 120.0:
        ap.error("--retry-after-cap must be between 0 and 120 seconds")
    if (args.size is not None and args.size < 16) or args.max_steps < 1:
        ap.error("--size must be >= 16 and --max-steps >= 1")
    if args.fov is not None and not 10.0 < args.fov < 170.0:
        ap.error("--fov must be between 10 and 170 degrees")
    args.out_text, args.out = args.out, (Path(args.out) if args.out is not None else None)  # '' stays visible
    return args


def fail(msg: str) -> int:
    """Print ``error: msg`` to stderr and return the exit status 2."""
    print(f"error: {msg}", file=sys.stderr)
    return 2


def print_table(rows: dict[str, dict[str, Any]]) -> None:
    """Print each agent's summary (eval.metrics.TABLE_COLUMNS), then its per-category accuracies."""
    from .eval.metrics import TABLE_COLUMNS as cols

    print(f"\n{'agent':<18}" + "".join(f"{c:>20}" for c in cols))
    for name, s in rows.items():
        print(f"{name:<18}" + "".join(f"{'-' if s.get(c) is None else s.get(c):>20}" for c in cols))
        for cat, v in s.get("by_category", {}).items():
            print(f"  {cat:<16}" + "".join(f"{'-' if v.get(c) is None else v.get(c):>20}" for c in cols[:3]))


def resolve_model(args: argparse.Namespace) -> Any:
    """The inspect model of ``--model``: a provider string (``openai/gpt-4o``, ``anthropic/...``) as inspect
    reads it; a bare name means the OpenAI-compatible endpoint of ``--base-url`` / ``OPENAI_BASE_URL``
    (``openai-api/custom/NAME``), or OpenAI itself when neither is set. Raises on an unknown provider."""
    import os

    from inspect_ai.model import GenerateConfig, get_model

    if args.replay:
        from .eval import replay  # noqa: F401  (registers the mssbench-replay provider)

        return get_model(f"mssbench-replay/{args.model}", answers=str(args.cache), memoize=False)
    gen = {k: v for k, v in (("temperature", args.temperature), ("max_tokens", args.max_tokens),
                             ("timeout", args.timeout), ("max_retries", args.max_retries)) if v is not None}
    config = GenerateConfig(**gen)
    cap = getattr(args, "retry_after_cap", None)

    def http(provider: str) -> dict[str, Any]:  # the Retry-After cap applies to the openai client's providers
        if cap is None or provider.split("/")[0] not in ("openai", "openai-api"):
            return {}
        from .llm.retry_after import capped_http_client

        return {"http_client": capped_http_client(cap)}

    name = args.model
    if "/" in name:
        return get_model(name, config=config, **http(name))
    base_url = args.base_url or os.environ.get("OPENAI_BASE_URL")
    if base_url:
        return get_model(f"openai-api/custom/{name}", base_url=base_url,
                         api_key=os.environ.get("OPENAI_API_KEY") or "EMPTY", config=config,
                         **http("openai-api"))
    return get_model(f"openai/{name}", config=config, **http("openai"))


class BadModel(ValueError):
    """A model flag that cannot work: unknown provider, missing credentials, unreachable endpoint (one line)."""


def check_models(args: argparse.Namespace, needs_llm: list[str], roles: dict[str, Any]) -> Any:
    """Build the agent's model (if an agent needs one) and the grader (into ``roles``) before any sample
    runs: an unknown provider, missing credentials or an unreachable endpoint (not probed with --replay)
    raise BadModel with one line. Returns the agent's model (None if no agent needs one)."""
    from .eval.preflight import endpoint_problem, model_endpoint, plain, provider_problem

    wanted = [("--model", args.model)] if needs_llm else []
    wanted += [("--judge-model", args.judge_model)] if args.judge_model else []
    built: dict[str, Any] = {}
    for flag, name in wanted:
        problem = provider_problem(name)
        if problem:
            raise BadModel(f"{flag}: {problem}")
        try:
            built[flag] = resolve_model(argparse.Namespace(**{**vars(args), "model": name}))
        except Exception as e:  # noqa: BLE001 - inspect's provider errors (credentials, packages): one line
            raise BadModel(f"{flag} {name}: {plain(e)}") from None
        url = None if args.replay else model_endpoint(built[flag])
        problem = endpoint_problem(url) if url else None
        if problem:
            raise BadModel(f"{flag} {name}: {problem}")
    if "--judge-model" in built:
        roles["grader"] = built["--judge-model"]
    return built.get("--model")


def worker_models(args: argparse.Namespace, uses_model: bool, grader: bool) -> tuple[Any, dict[str, Any]]:
    """The model and grader a Ray worker builds for itself from the flags: its credentials come from its
    own environment, never through Ray (so the driver's model objects are not sent)."""
    judge = argparse.Namespace(**{**vars(args), "model": args.judge_model})
    return (resolve_model(args) if uses_model else "mockllm/model", {"grader": resolve_model(judge)} if grader else {})


def _task(name: str, args: argparse.Namespace) -> Any:
    from .eval.inspect import mssbench_embodied

    return mssbench_embodied(agent=name, setting=args.setting, split=args.split, pairs=args.pairs, limit=args.limit,
                             size=args.size, style=args.style, fov=args.fov, max_steps=args.max_steps,
                             seed=args.seed, guard=not args.no_guard,
                             checkpoint=str(args.checkpoint) if args.checkpoint != DEFAULT_CHECKPOINT else None,
                             trust_checkpoint=args.trust_checkpoint, backend=args.backend,
                             workers=1 if args.ray is not None else _workers(name, args))


def _workers(name: str, args: argparse.Namespace) -> int:
    """Episode worker processes for agent ``name``: 1 for model agents and the thor backend (one Unity
    process), else --workers or the usable CPUs."""
    from .eval.episode_pool import default_workers

    if agent_entry(name).needs_model or args.backend != "embedded":
        return 1
    return args.workers if args.workers is not None else default_workers()


def _fail_on_error(args: argparse.Namespace) -> bool | int:
    """inspect's ``fail_on_error`` for the --ray path: off unless --fail-on-error N, which stops it once N
    samples have errored (the local path runs with it off and stops early in ``_new_run``)."""
    return int(args.fail_on_error) if args.fail_on_error else False


def run_inspect(names: list[str], args: argparse.Namespace, root: Path, model: Any, roles: dict[str, Any]
                ) -> tuple[dict[str, dict[str, Any]], int, str | None]:
    """Each agent's task through ``inspect_ai.eval`` (or ``eval_retry`` with --resume), its log in its folder,
    summary.json and report.html from the log (the logs it replaces move to ``superseded/``). Returns the
    summaries, the number of errored samples and why the run stopped early (None: it did not)."""
    from .eval.from_log import write_outputs
    from .eval.inspect.solver import close_envs
    from .eval.paths import out_file
    from .eval.resume import complete, continue_run, previous_log, resume_problem, supersede

    results: dict[str, dict[str, Any]] = {}
    errors, stopped = 0, None
    common = {"log_dir": None, "max_connections": args.concurrency, "max_samples": args.concurrency,
              "fail_on_error": False, "display": "none"}  # errors are recorded; --fail-on-error: _new_run
    threshold = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        for name in names:
            out = root if len(names) == 1 else out_file(root, name)
            out.mkdir(parents=True, exist_ok=True)
            task = _task(name, args)
            t0, before = time.time(), 0.0
            if args.resume and (out / "summary.json").is_file():
                try:
                    before = float(json.loads((out / "summary.json").read_text()).get("wall_seconds") or 0.0)
                except (OSError, ValueError, AttributeError):
                    before = 0.0
            kw = {**common, "log_dir": str(out)}
            if not agent_entry(name).needs_model:  # seconds per episode: no live view of samples in flight
                kw["log_realtime"] = False
                if args.ray is None and _workers(name, args) > 1:  # keep every worker busy (eval.episode_pool)
                    kw["max_samples"] = max(args.concurrency, 2 * _workers(name, args))
            if args.shard is not None:  # eval.shard: this shard's sample ids and its metadata
                from .eval.shard import shard_eval_args

                kw.update(shard_eval_args(task, args.shard))
            prev = previous_log(out) if args.resume else None
            if prev is not None:
                problem = resume_problem(prev, task, model, roles, args.epochs)
                if problem:
                    raise ResumeRefused(f"--resume: {problem}")
            planned = list(kw.get("sample_id") or [s.id for s in task.dataset])
            if prev is not None and complete(prev, planned, args.epochs):
                log = prev  # nothing left to do
            elif prev is not None:
                log = continue_run(prev, task, model, roles, **kw)
            elif args.ray is not None:  # eval.distributed: shards on Ray workers, merged into one log in out
                from functools import partial

                from .eval.distributed import eval_on_ray_to

                models = partial(worker_models, args, not isinstance(model, str), "grader" in roles)
                log = eval_on_ray_to(out, partial(_task, name, args), models,
                                     address=args.ray, workers=args.ray_workers, concurrency=args.concurrency,
                                     epochs=args.epochs, fail_on_error=_fail_on_error(args))
            else:
                log, stopped = _new_run(task, planned, model, roles, args, kw)
            supersede(out, log)  # one authoritative log in out; the replaced ones in out/superseded/
            import os

            from .eval.scrub import scrub_log

            for secret in {os.environ.get("OPENAI_API_KEY"), getattr(getattr(model, "api", None), "api_key", None)}:
                for f in out.glob("*.eval"):
                    scrub_log(f, secret)  # an endpoint that echoes the key leaves it in inspect's transcript
            summary = write_outputs(log, out, wall_seconds=round(before + time.time() - t0, 1))
            if model != "mockllm/model" or roles:
                from .eval.replay import record_answers

                summary["answers_recorded"] = record_answers(log, out / "answers.jsonl")
            errors += summary["errors"]
            results[name] = summary
            print(f"{name}: {summary['n']} episodes, avg_acc {summary['avg_acc']}, errors {summary['errors']} "
                  f"({log.status}) -> {out}", file=sys.stderr)
            if stopped:
                break
    finally:
        gc.set_threshold(*threshold)
        close_envs()
    return results, errors, stopped


def _new_run(task: Any, planned: list[Any], model: Any, roles: dict[str, Any], args: argparse.Namespace,
             kw: dict[str, Any]) -> tuple[Any, str | None]:
    """A new run of ``task`` with ``inspect_ai.eval``, and why it stopped early (None: it did not). With
    --fail-on-error N the first N planned samples run first, alone: if they all error the run stops there;
    otherwise the rest runs as a continuation of that log (its samples kept, its log superseded)."""
    from inspect_ai import eval as inspect_eval

    from .eval.resume import continue_run

    n = args.fail_on_error
    if not n or n >= len(planned):
        return inspect_eval(task, model=model, model_roles=roles or None, epochs=args.epochs, **kw)[0], None
    head = inspect_eval(task, model=model, model_roles=roles or None, epochs=args.epochs,
                        **{**kw, "sample_id": planned[:n]})[0]
    failed = [s for s in head.samples or [] if s.error is not None]
    if failed and len(failed) == len(head.samples or []):
        why = " ".join(failed[0].error.message.split())[:200] if failed[0].error else "error"
        return head, (f"stopped early: the first {n} samples all errored (--fail-on-error {n}); "
                      f"the first: {failed[0].id}: {why}")
    return continue_run(head, task, model, roles, **kw), None


class ResumeRefused(RuntimeError):
    """--resume would mix runs: the recorded run differs (one-line message)."""


def main(argv: list[str] | None = None) -> int:
    """The CLI: run each chosen agent on the selected pairs, print the table; the exit status
    (2: bad input; 1: --fail-on-error and a sample errored; 130: interrupted)."""
    args = parse_args(argv)
    agents = list(dict.fromkeys(args.agent or baseline_agents()))
    root = args.out if args.out is not None else Path("runs") / (agents[0] if len(agents) == 1 else "baselines")
    from .eval.paths import out_dir_problem

    problem = out_dir_problem(args.out_text if args.out is not None else root)
    if problem:  # before anything is loaded or written
        return fail(problem)
    needs_llm = [a for a in agents if agent_entry(a).needs_model]
    if needs_llm and not args.model:
        return fail(f"--model is required for the {needs_llm[0]} agent (and OPENAI_API_KEY or --base-url, or --replay)")
    if args.model and "/" not in args.model and (needs_llm or args.judge_model):
        from .llm.credentials import LLMConfig, MissingCredentials, check_credentials

        try:
            check_credentials(LLMConfig(model=args.model or args.judge_model, base_url=args.base_url,
                                        replay=args.replay))
        except MissingCredentials as e:
            return fail(str(e))
    for a in agents:
        problem = agent_entry(a).problem(args)
        if problem:
            return fail(problem)
    if args.backend == "thor":
        try:
            import ai2thor  # noqa: F401
        except ImportError:
            return fail("--backend thor needs the thor extra: pip install 'mssbench-embodied[thor]'")
    from .eval.inspect.dataset import select_pairs

    try:
        chosen = select_pairs(args.split, args.pairs, args.limit)
    except ValueError as e:
        return fail(f"--pairs: {e}")
    if args.shard is not None and args.shard.count > 2 * len(chosen):
        return fail(f"--shard {args.shard}: the run has only {2 * len(chosen)} samples; use at most that many shards")
    if args.ray is not None:
        from .eval.distributed import ray_problem

        if ray_problem():
            return fail(str(ray_problem()))
    if args.replay:
        if args.cache is None:
            return fail("--replay needs --cache ANSWERS (the answers.jsonl a recorded run wrote)")
        from .eval.replay import load_answers

        try:
            load_answers(args.cache)
        except ValueError as e:
            return fail(str(e))
    if root.exists() and any(root.rglob("*.eval")) and not args.resume:
        return fail(f"{root} already holds a run; pass --resume to continue it or choose another --out")
    model: Any = "mockllm/model"  # non-model agents never call it
    roles: dict[str, Any] = {}
    try:
        model = check_models(args, needs_llm, roles) or model
    except BadModel as e:
        return fail(str(e))
    from .eval.distributed import DistributedError

    try:
        results, errors, stopped = run_inspect(agents, args, root, model, roles)
    except ResumeRefused as e:
        return fail(str(e))
    except DistributedError as e:  # --ray: unreachable cluster, version mismatch (one line)
        return fail(str(e))
    except KeyboardInterrupt:
        print("\ninterrupted: rerun the same command with --resume to continue", file=sys.stderr)
        return 130
    except ThorStartupError as e:
        return fail(str(e))
    if len(agents) > 1:
        (root / "summary.json").write_text(json.dumps({"agents": results}, indent=1))
    print_table({str(s.get("agent") or name): s for name, s in results.items()})  # e.g. mllm-ic, not mllm
    print(f"\nresults in {root}/")
    if stopped:
        print(f"error: {stopped}", file=sys.stderr)
        return 1
    if (args.fail_on_error or args.replay) and errors:
        why = "; ".join(e for s in results.values() for e in s.get("error_reasons", [])[:3])
        print(f"error: {errors} sample(s) errored ({'--replay' if args.replay else '--fail-on-error'}): {why}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
