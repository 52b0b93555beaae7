"""Merge the shards of a run: ``python -m mssbench_embodied.merge DIR1 DIR2 ... --out MERGED``

Each DIR is the --out of one ``run ... --shard i/N`` (or a .eval file). The newest log of each folder
is taken; logs are grouped by agent (a run of several agents keeps one folder per agent), and each
agent's shards are merged into one log (``eval.shard.merge_logs``) with its summary.json and
report.html, as a single run with the same arguments and seed would have written them. Shards from
different runs, shards given twice or missing, and unfinished shards are refused (exit 2).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog

__all__ = ["main"]


def _logs(paths: list[Path]) -> list[EvalLog]:
    """The newest log header of each folder holding .eval files under each path (or the given file)."""
    from inspect_ai.log import read_eval_log

    files: list[Path] = []
    for p in paths:
        if p.is_file():
            files.append(p)
            continue
        if not p.is_dir():
            raise ValueError(f"{p} is neither a run folder nor a .eval file")
        by_dir: dict[Path, list[Path]] = {}
        for f in p.rglob("*.eval"):
            by_dir.setdefault(f.parent, []).append(f)
        if not by_dir:
            raise ValueError(f"{p} holds no .eval log")
        for found in by_dir.values():
            heads = [read_eval_log(str(f), header_only=True) for f in found]
            files.append(Path(max(heads, key=lambda h: (h.eval.created, h.location or "")).location))
    return [read_eval_log(str(f)) for f in files]


def main(argv: list[str] | None = None) -> int:
    """The CLI: merge, write, print one line per agent; exit 2 on bad input or refused shards."""
    ap = argparse.ArgumentParser(prog="python -m mssbench_embodied.merge", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shards", nargs="+", type=Path, help="the shards' --out folders (or .eval files)")
    ap.add_argument("--out", required=True, help="folder for the merged log, summary.json and report.html")
    args = ap.parse_args(argv)
    from .eval.paths import out_dir_problem, out_file
    from .eval.shard import MergeRefused, merge_logs, write_merged

    problem = out_dir_problem(args.out)
    out = Path(args.out)
    if problem or (out.exists() and any(out.rglob("*.eval"))):
        print(f"error: {problem or f'{out} already holds a run; choose another --out'}", file=sys.stderr)
        return 2
    try:
        logs = _logs(args.shards)
        groups: dict[str, list[EvalLog]] = {}
        for log in logs:
            agent = str((log.eval.metadata or {}).get("agent") or log.eval.task_args.get("agent") or log.eval.task)
            groups.setdefault(agent, []).append(log)
        merged = {agent: merge_logs(group) for agent, group in groups.items()}
    except (MergeRefused, ValueError, OSError) as e:
        print(f"error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    results = {}
    for agent, log in merged.items():
        where = out if len(merged) == 1 else out_file(out, agent)
        summary = write_merged(log, where)
        results[agent] = summary
        print(f"{agent}: {summary['n']} episodes from {len(groups[agent])} shards, avg_acc {summary['avg_acc']}, "
              f"errors {summary['errors']} -> {where}", file=sys.stderr)
    if len(merged) > 1:
        (out / "summary.json").write_text(json.dumps({"agents": results}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
