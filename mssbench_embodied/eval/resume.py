"""``--resume``: find the run recorded in an output folder and refuse to continue it with another setup.

A run continues (inspect's ``eval_retry``: completed samples kept, errored and unfinished ones run
again) only if the model, the grader, the task arguments (agent, setting, split, pairs, limit, seed,
frames, steps), the epochs, the generation config and the package versions are the recorded ones.
Once a run or resume has written its log, ``supersede`` moves the logs it replaces into
``superseded/``, so the folder holds one authoritative log (a log is moved only if the new one holds
every sample it completed; ``eval.from_log`` adds the replaced attempts' usage to the totals).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log

from .replay import role_model

__all__ = ["SUPERSEDED", "complete", "continue_run", "previous_log", "resume_problem", "supersede"]

SUPERSEDED = "superseded"  # the folder (inside --out) where logs a newer complete log replaces are moved

PACKAGES = ("mssbench-embodied", "inspect_ai")
RUNTIME = frozenset({"max_connections", "adaptive_connections", "max_retries", "timeout", "attempt_timeout",
                     "stream_idle_timeout", "batch"})  # how requests are sent, not what is asked: may change
EXECUTION_ARGS = frozenset({"workers"})  # task arguments that change how episodes run, never their results


def previous_log(out: Path) -> EvalLog | None:
    """The newest ``.eval`` log directly in ``out`` (None if there is none). A log left "started" by a
    killed process is returned as is: ``eval_retry`` recovers its flushed samples."""
    infos = [i for i in list_eval_logs(str(out), recursive=False)]
    logs = [read_eval_log(i, header_only=True) for i in infos]
    if not logs:
        return None
    newest = max(logs, key=lambda lg: (lg.eval.created, lg.location or ""))
    return read_eval_log(newest.location) if newest.location else newest


def complete(log: EvalLog, planned: list[Any], epochs: int) -> bool:
    """True if ``log`` finished and holds every planned sample id in every epoch, none errored."""
    done = {(str(s.id), s.epoch) for s in log.samples or [] if s.error is None}
    return log.status == "success" and {(str(i), e) for i in planned for e in range(1, epochs + 1)} <= done


def _completed_in(path: Path) -> set[tuple[str, int]] | None:
    """(id, epoch) of the samples that completed without error in the log at ``path``, with what a killed
    process buffered (None: unreadable)."""
    from inspect_ai.log import read_eval_log_sample_summaries

    try:
        if read_eval_log(str(path), header_only=True).status == "started":
            samples: list[Any] = _recovered(read_eval_log(str(path))).samples or []
        else:
            samples = list(read_eval_log_sample_summaries(str(path)))
    except Exception:  # noqa: BLE001 - a damaged file stays where it is
        return None
    return {(str(s.id), s.epoch) for s in samples if s.error is None}


def supersede(out: Path, keep: EvalLog) -> list[Path]:
    """Move the other ``.eval`` logs directly in ``out`` into ``out/superseded/``, so ``keep`` (the log a run
    or resume just finished) is the folder's one authoritative log. A log moves only if every sample it
    completed is also completed in ``keep``; each move is one rename, so a kill at any moment loses no
    sample (a log not yet moved is older than ``keep``, and ``previous_log`` picks ``keep``).
    Returns the moved logs' new paths."""
    if not keep.location:
        return []
    kept_name = Path(keep.location.removeprefix("file://")).name  # inspect may give the location as a URI
    kept = {(str(s.id), s.epoch) for s in keep.samples or [] if s.error is None}
    moved: list[Path] = []
    for path in sorted(out.glob("*.eval")):
        if path.name == kept_name:
            continue
        done = _completed_in(path)
        if done is None or not done <= kept:
            continue  # unreadable, or it holds a completed sample ``keep`` lacks: never dropped
        dest = out / SUPERSEDED / path.name
        dest.parent.mkdir(exist_ok=True)
        path.replace(dest)
        moved.append(dest)
    return moved


def _recovered(log: EvalLog) -> EvalLog:
    """A log a killed process left "started", with the samples inspect buffered folded back in
    (inspect's ``recover_eval_log``); other logs, or when nothing can be recovered, unchanged."""
    if log.status != "started" or not log.location:
        return log
    from inspect_ai.log import recover_eval_log

    try:
        return recover_eval_log(log.location, cleanup=False)
    except Exception:  # noqa: BLE001 - no buffer left: the flushed samples are kept, the rest run again
        return log


def continue_run(log: EvalLog, task: Task, model: Any, roles: dict[str, Any], **eval_kw: Any) -> EvalLog:
    """Continue ``log`` with ``task`` on ``model`` (as inspect's ``eval_retry`` does, but with the caller's
    model and grader, so credentials come from the caller and never from the log): completed samples are
    kept, errored and missing ones run. ``eval_kw`` go to ``inspect_ai.eval``."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai._eval.task import PreviousTask

    log = _recovered(log)
    prev = PreviousTask(id=log.eval.task_id, task=task, task_args=dict(log.eval.task_args_passed),
                        model=None, model_roles=None, sandbox=None, log=log, log_info=None)
    return inspect_eval(prev, model=model, model_roles=roles or None, epochs=log.eval.config.epochs,
                        **eval_kw)[0]


def _model_name(model: Any) -> str:
    return str(model) if not isinstance(model, str) else model


def _answer_config(config: Any) -> dict[str, Any]:
    d = config.model_dump(exclude_none=True) if config is not None else {}
    return {k: v for k, v in d.items() if k not in RUNTIME}


def _differences(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    return [f"{k} {before.get(k)!r} (now {now.get(k)!r})" for k in sorted(set(before) | set(now))
            if before.get(k) != now.get(k)]


def resume_problem(log: EvalLog, task: Task, model: Any, roles: dict[str, Any], epochs: int) -> str | None:
    """Why ``log`` cannot be resumed with this task, model, grader and epochs (None: it can)."""
    from importlib.metadata import PackageNotFoundError, version

    ev = log.eval
    problems: list[str] = []
    if ev.model != _model_name(model):
        problems.append(f"model {ev.model!r} (now {_model_name(model)!r})")
    grader = role_model(log, "grader")
    now_grader = _model_name(roles["grader"]) if "grader" in roles else None
    if grader != now_grader:
        problems.append(f"grader {grader!r} (now {now_grader!r})")
    args_now = dict(getattr(task, "task_args", None) or {})
    if not args_now:  # a Task built by the @task function records its arguments in its registry info
        from inspect_ai._util.registry import registry_params

        args_now = dict(registry_params(task))
    args_now = {k: v for k, v in args_now.items() if k not in EXECUTION_ARGS}
    problems += _differences({k: v for k, v in ev.task_args.items() if k in args_now}, args_now)
    if (ev.config.epochs or 1) != epochs:
        problems.append(f"epochs {ev.config.epochs or 1} (now {epochs})")
    gen_before = _answer_config(ev.model_generate_config)
    gen_now_d = _answer_config(getattr(model, "config", None))
    problems += [f"generation {d}" for d in _differences(gen_before, gen_now_d)]
    for pkg in PACKAGES:
        try:
            have = version(pkg)
        except PackageNotFoundError:
            have = None
        if (ev.packages or {}).get(pkg) != have:
            problems.append(f"{pkg} version {(ev.packages or {}).get(pkg)!r} (now {have!r})")
    if not problems:
        return None
    where = Path(log.location).name if log.location else "the recorded run"
    return (f"the run in {where} differs: " + "; ".join(problems)
            + "; choose another --out to start a new run")
