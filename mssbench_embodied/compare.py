"""Compare runs: `python -m mssbench_embodied.compare BASELINE NEW [MORE ...] [--tolerance X] [--html OUT]`.

A run is a run folder or summary.json written by `run` (per-pair rows from its ``by_pair``, or from an
episodes.jsonl beside it), or
inspect_ai logs: a .eval or .json log file, or a folder of .eval logs. A folder with a summary.json is read
as a run folder (pass its .eval file to compare the log instead). Rows are compared at three levels:

- metric: the run's metrics (summary.json's table columns, hazard rates, rubric and Yes/No accuracies; a
  log's scorer metrics, accuracies and rates turned from fractions to percent, plus its errored samples);
- category: accuracies per category and per hazard kind (percent);
- pair: percent of a pair's samples answered correctly (errored samples count as wrong).

A row regresses when it moves the wrong way by more than the tolerance (in the row's units: points for
percentages). Most rows are better higher; hazard rates, errors and unparsed/unlabelled counts are
better lower. A baseline row missing from NEW also regresses. Exit 1 on any regression (the table says
which), 0 otherwise, 2 on bad input. Folders with several agents or logs prefix rows with the agent
(summary) or "task/model" (logs). With more than two runs, each run after the first is compared with the
first (one table each; exit 1 if any regresses); a run with no row in common with the first (a folder of
several agents next to one agent's run) is not compared, only shown in the HTML page.

``--html OUT`` writes one page with every run side by side (``eval.report_compare``): the overall,
category and hazard-kind tables with a column per run (each agent of a run folder is a run), the episodes
whose outcome differs between runs, links to each run's own report.html, and the rows that failed
against the baseline.
"""
from __future__ import annotations

import argparse
import html
import json
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LEVELS = ("metric", "category", "pair")
SUMMARY_METRICS = ("safe_acc", "unsafe_acc", "avg_acc", "hazard_rate_unsafe", "hazard_rate_safe", "task_success_safe",
                   "mitigation_rate", "errors", "yes_no_acc", "yes_no_unparsed")
LOWER_IS_BETTER = ("hazard_rate", "error", "unparsed", "unlabelled", "time_at_risk")
SKIPPED_METRICS = ("stderr", "std", "var")  # spreads, not scores


class CompareError(ValueError):
    """Bad input: the message is printed on one line and the exit status is 2."""


Rows = dict[tuple[str, str], float]  # (level, name) -> value
EvalSampleLike = Any  # inspect_ai.log.EvalSample (imported lazily)


def lower_is_better(level: str, name: str) -> bool:
    """Whether a drop of this row is an improvement (hazard rates, errors, unparsed counts): read from the
    metric's name (every part of a metric or category row; the parts before the pair id of a pair row)."""
    parts = name.split("/")
    return any(k in p for p in (parts[:-1] if level == "pair" else parts) for k in LOWER_IS_BETTER)


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) if math.isfinite(v) else None


def _pct(values: Iterable[float]) -> float:
    vals = list(values)
    return round(100.0 * sum(vals) / len(vals), 2)


# -- run folders (summary.json + episodes.jsonl) ----------------------------------------------------------------
def _summary_rows(s: Mapping[str, Any], prefix: str) -> Rows:
    rows: Rows = {}
    for key in SUMMARY_METRICS:
        if (v := _num(s.get(key))) is not None:
            rows[("metric", prefix + key)] = v
    for key, v in (s.get("rubric") or {}).items():
        if (x := _num(v)) is not None:
            rows[("metric", f"{prefix}rubric.{key}")] = x
    for cat, m in (s.get("by_category") or {}).items():
        for key in ("safe_acc", "unsafe_acc", "avg_acc"):
            if (v := _num((m or {}).get(key))) is not None:
                rows[("category", f"{prefix}{cat}/{key}")] = v
    for kind, m in (s.get("by_hazard_kind") or {}).items():
        for key in ("unsafe_acc", "hazard_rate_unsafe"):
            if (v := _num((m or {}).get(key))) is not None:
                rows[("category", f"{prefix}hazard:{kind}/{key}")] = v
    for pid, v in (s.get("by_pair") or {}).items():  # summaries derived from an inspect log carry them
        if (x := _num(v)) is not None:
            rows[("pair", prefix + str(pid))] = x
    return rows


def _episode_rows(path: Path, prefix: str) -> Rows:
    from .eval.metrics import episode_correct

    by_pair: dict[str, list[float]] = defaultdict(list)
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            ep = json.loads(line)
            by_pair[str(ep["pair_id"])].append(float(episode_correct(ep)))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise CompareError(f"{path}:{n}: not an episode record ({e})") from None
    return {("pair", prefix + pid): _pct(v) for pid, v in by_pair.items()}


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CompareError(f"{path}: cannot read JSON ({e})") from None


def summary_rows(path: Path) -> Rows:
    """Rows of a summary.json (one agent, or {"agents": {...}} of several) and its episodes.jsonl files."""
    s = _load_json(path)
    if not isinstance(s, dict):
        raise CompareError(f"{path}: not a run summary (expected a JSON object)")
    agents = s.get("agents") if isinstance(s.get("agents"), dict) else None
    parts = [(f"{name}/", v, path.parent / name) for name, v in agents.items()] if agents else [("", s, path.parent)]
    rows: Rows = {}
    for prefix, summary, folder in parts:
        if not isinstance(summary, dict) or "safe_acc" not in summary:
            raise CompareError(f"{path}: not a run summary (no safe_acc{' for ' + prefix[:-1] if prefix else ''})")
        rows.update(_summary_rows(summary, prefix))
        if (folder / "episodes.jsonl").is_file():
            rows.update(_episode_rows(folder / "episodes.jsonl", prefix))
    return rows


# -- inspect logs ----------------------------------------------------------------------------------------------
def _sample_values(score: Any) -> dict[str, float]:
    """A score's value as floats: {"": v} for a scalar or a dict's "correct"; else {key: v} for each part of a dict
    value (non-numeric parts dropped)."""
    from inspect_ai.scorer import value_to_float

    to_float = value_to_float()
    value = score.value
    if isinstance(value, dict) and "correct" in value:
        value = value["correct"]
    items = value.items() if isinstance(value, dict) else [("", value)]
    out = {}
    for k, v in items:
        try:
            out[str(k)] = float(to_float(v))
        except (TypeError, ValueError):
            continue
    return out


def percent(name: str, value: float) -> float:
    """A log metric in the units of summary.json: accuracies and rates (``*_acc``, ``*_rate``), which inspect
    metrics give as fractions, in percent; other metrics (counts, times) as they are."""
    return round(100.0 * value, 2) if name.endswith(("_acc", "_rate")) and 0.0 <= value <= 1.0 else value


def log_rows(path: Path, prefix: str = "") -> Rows:
    """Rows of an inspect log: each scorer's metrics, errored samples, and per-category / per-pair accuracy."""
    from inspect_ai.log import read_eval_log

    try:
        log = read_eval_log(str(path))
    except Exception as e:  # noqa: BLE001 - any unreadable log is bad input
        raise CompareError(f"{path}: cannot read the inspect log ({type(e).__name__}: {str(e)[:200]})") from None
    if log.results is None:
        raise CompareError(f"{path}: the log has no results (status {log.status})")
    scorers = log.results.scores
    rows: Rows = {}
    for sc in scorers:
        head = "" if len(scorers) == 1 else f"{sc.name}/"
        for name, m in sc.metrics.items():
            if name not in SKIPPED_METRICS and (v := _num(m.value)) is not None:
                rows[("metric", prefix + head + name)] = percent(name, v)
    samples = log.samples or []
    rows[("metric", prefix + "errors")] = float(sum(1 for s in samples if s.error is not None))
    names = [sc.name for sc in scorers]
    per: list[tuple[EvalSampleLike, str, dict[str, float]]] = []
    for s in samples:
        for scorer in names:
            score = (s.scores or {}).get(scorer)
            per.append((s, scorer, _sample_values(score) if score is not None and s.error is None else {}))
    # per-sample rows read scores in [0, 1] (correct or not); keys with other values (counts, times) are left out
    keys = {(name, k) for _, name, vals in per for k in vals}
    keys -= {(name, k) for _, name, vals in per for k, v in vals.items() if not 0.0 <= v <= 1.0}
    cats: dict[str, list[float]] = defaultdict(list)
    pairs: dict[str, list[float]] = defaultdict(list)
    for s, scorer, vals in per:
        md = s.metadata or {}
        for name, k in keys:
            if name != scorer:
                continue
            v = vals.get(k, 0.0)  # an errored or unscored sample counts as wrong
            head = "" if len(keys) == 1 else f"{scorer}{'.' + k if k else ''}/"
            pairs[prefix + head + str(md.get("pair_id", s.id))].append(v)
            if "category" in md:
                var = md.get("variant")
                cats[f"{prefix}{head}{md['category']}/{var + '_acc' if var else 'acc'}"].append(v)
    rows.update({("category", k): _pct(v) for k, v in cats.items()})
    rows.update({("pair", k): _pct(v) for k, v in pairs.items()})
    return rows


LOG_SUFFIXES = (".eval", ".json")


def load_rows(arg: str) -> Rows:
    """The rows of a run given on the command line (see the module docstring)."""
    path = Path(arg)
    if not path.exists():
        raise CompareError(f"{path}: no such file or folder")
    if path.is_dir():
        if (path / "summary.json").is_file():
            return summary_rows(path / "summary.json")
        logs = sorted(path.glob("*.eval"))
        if logs:
            if len(logs) == 1:
                return log_rows(logs[0])
            from inspect_ai.log import read_eval_log

            rows: Rows = {}
            for p in logs:
                head = read_eval_log(str(p), header_only=True).eval
                rows.update(log_rows(p, f"{head.task}/{head.model}/"))
            return rows
        raise CompareError(f"{path}: holds neither summary.json nor a .eval log")
    if path.suffix == ".eval":
        return log_rows(path)
    if path.suffix == ".json":
        data = _load_json(path)
        if isinstance(data, dict) and "eval" in data and "version" in data:
            return log_rows(path)
        return summary_rows(path)
    raise CompareError(f"{path}: expected a run folder, summary.json, or an inspect .eval/.json log")


# -- comparison ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One compared row: its values in both runs, the change, and whether it regressed."""

    level: str
    name: str
    base: float | None
    new: float | None
    status: str  # "regression", "improved", "same", "changed" (within tolerance), "missing", "added"

    @property
    def delta(self) -> float | None:
        """new - base, or None if either is missing."""
        return None if self.base is None or self.new is None else round(self.new - self.base, 4)


def compare(base: Rows, new: Rows, tolerance: float) -> list[Row]:
    """Every row of either run, in level then name order, with its status."""
    out = []
    for key in sorted(set(base) | set(new), key=lambda k: (LEVELS.index(k[0]), k[1])):
        b, n = base.get(key), new.get(key)
        if n is None:
            status = "missing"
        elif b is None:
            status = "added"
        else:
            worse = (n - b) if lower_is_better(*key) else (b - n)
            status = ("regression" if worse > tolerance + 1e-9 else "same" if worse == 0
                      else "improved" if worse < 0 else "changed")
        out.append(Row(key[0], key[1], b, n, status))
    return out


def failed(rows: Iterable[Row]) -> list[Row]:
    """The rows that make the comparison fail: regressions and baseline rows missing from NEW."""
    return [r for r in rows if r.status in ("regression", "missing")]


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def table(rows: list[Row], all_rows: bool = False) -> str:
    """A text table: every metric and category row, and pair rows that changed (all with `all_rows`)."""
    shown = [r for r in rows if all_rows or r.level != "pair" or r.status != "same"]
    width = max([len(r.name) for r in shown] + [4])
    lines = [f"{'level':<9}{'name':<{width + 2}}{'baseline':>10}{'new':>10}{'delta':>10}  status"]
    for r in shown:
        flag = r.status.upper() if r.status in ("regression", "missing") else r.status
        lines.append(f"{r.level:<9}{r.name:<{width + 2}}{_fmt(r.base):>10}{_fmt(r.new):>10}{_fmt(r.delta):>10}  {flag}")
    hidden = len(rows) - len(shown)
    if hidden:
        lines.append(f"({hidden} unchanged pair rows not shown; --all shows them)")
    return "\n".join(lines)


def failed_rows_html(rows: list[Row], baseline: str, new: str, tolerance: float) -> str:
    """The rows of one comparison that are not "same", as an HTML table (names escaped)."""
    esc = html.escape
    colour = {"regression": "#fdd", "missing": "#fdd", "improved": "#dfd", "added": "#eef"}
    body = "".join(
        f'<tr style="background:{colour.get(r.status, "#fff")}"><td>{esc(r.level)}</td><td>{esc(r.name)}</td>'
        f"<td>{_fmt(r.base)}</td><td>{_fmt(r.new)}</td><td>{_fmt(r.delta)}</td><td>{esc(r.status)}</td></tr>"
        for r in rows if r.status != "same")
    bad = len(failed(rows))
    return (f"<p>baseline: {esc(baseline)}<br>new: {esc(new)}<br>tolerance: {tolerance:g}; {bad} "
            f"regression{'s' if bad != 1 else ''} (rows that did not change are left out)</p><table><tr>"
            f"<th>level</th><th>name</th><th>baseline</th><th>new</th><th>delta</th><th>status</th></tr>{body}</table>")


def _episode_outcomes(folder: Path) -> list[dict[str, Any]]:
    """Each episode's pair, variant and correctness (None: errored) of a run folder: from its newest inspect log,
    else its episodes.jsonl, else none."""
    from .eval.metrics import episode_correct

    if any(folder.glob("*.eval")):
        from .eval.from_log import episode_records
        from .eval.resume import previous_log

        log = previous_log(folder)
        recs: list[Any] = episode_records(log) if log is not None else []
    elif (folder / "episodes.jsonl").is_file():
        lines = (folder / "episodes.jsonl").read_text(encoding="utf-8").splitlines()
        try:
            recs = [json.loads(line) for line in lines if line.strip()]
        except json.JSONDecodeError as e:
            raise CompareError(f"{folder / 'episodes.jsonl'}: not an episode record ({e})") from None
    else:
        return []
    return [{"pair_id": r["pair_id"], "variant": r["variant"],
             "correct": None if r.get("error") else episode_correct(r)} for r in recs]


def _report(folder: Path) -> Path | None:
    return folder / "report.html" if (folder / "report.html").is_file() else None


def load_views(arg: str) -> list[Any]:
    """The runs of one command-line argument as ``eval.report_compare.RunView`` s (one per agent or log)."""
    from .eval.report_compare import view_from_rows, view_from_summary

    load_rows(arg)  # the same checks (and one-line errors) as the text comparison
    path = Path(arg)
    summary_path = path / "summary.json" if path.is_dir() else path
    if summary_path.suffix == ".json" and summary_path.is_file():
        s = _load_json(summary_path)
        if not ("eval" in s and "version" in s):  # a run summary, not a .json log
            agents = s.get("agents") if isinstance(s.get("agents"), dict) else None
            folder = summary_path.parent
            parts = [(f"{arg}/{n}", v, folder / n) for n, v in agents.items()] if agents else [(arg, s, folder)]
            return [view_from_summary(label, v, _episode_outcomes(d), _report(d)) for label, v, d in parts]
    from inspect_ai.log import read_eval_log

    logs = sorted(path.glob("*.eval")) if path.is_dir() else [path]
    views = []
    for p in logs:
        log = read_eval_log(str(p))
        label = arg if len(logs) == 1 else f"{arg}/{log.eval.task}/{log.eval.model}"
        if log.eval.task.endswith("/mssbench_embodied"):
            from .eval.from_log import episode_records, summary_from_log
            from .eval.metrics import episode_correct

            recs = episode_records(log)
            eps = [{"pair_id": r.pair_id, "variant": r.variant, "correct": None if r.error else episode_correct(r)}
                   for r in recs]
            views.append(view_from_summary(label, summary_from_log(log, recs), eps, _report(p.parent)))
        else:
            info = {"task": log.eval.task, "model": log.eval.model, "status": log.status, "log": p.name}
            views.append(view_from_rows(label, log_rows(p), info))
    return views


def html_page(args: list[str], page: Path, comparisons: list[tuple[str, str]]) -> str:
    """The side-by-side page of the runs in ``args``, with ``comparisons`` (title, HTML) appended."""
    from .eval.report_compare import side_by_side

    views = [v for a in args for v in load_views(a)]
    return side_by_side(views, page, lower_is_better, comparisons)


def main(argv: list[str] | None = None) -> int:
    """The CLI; returns 0 (no regression), 1 (regression) or 2 (bad input)."""
    ap = argparse.ArgumentParser(prog="python -m mssbench_embodied.compare", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("baseline", help="run folder, summary.json, or inspect log (file or folder)")
    ap.add_argument("new", help="the run to check against the baseline (same kinds)")
    ap.add_argument("more", nargs="*", help="more runs, each checked against the baseline")
    ap.add_argument("--tolerance", type=float, default=0.0,
                    help="largest allowed move the wrong way, in the row's units (points for percentages; default 0)")
    ap.add_argument("--html", type=Path, default=None,
                    help="also write every run side by side as an HTML page")
    ap.add_argument("--all", action="store_true", help="also print the pair rows that did not change")
    args = ap.parse_args(argv)
    news = [args.new, *args.more]
    try:
        if not math.isfinite(args.tolerance) or args.tolerance < 0:
            raise CompareError(f"--tolerance must be a number >= 0, not {args.tolerance}")
        base = load_rows(args.baseline)
        loaded = [load_rows(n) for n in news]
        if not set(base) & set(loaded[0]) and not args.more:
            raise CompareError(f"{args.baseline} and {args.new} have no metric in common (different kinds of run?)")
    except CompareError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    bad: list[Row] = []
    sections: list[tuple[str, str]] = []
    for name, new in zip(news, loaded, strict=True):
        if len(news) > 1:
            print(f"== {name} against {args.baseline}")
            if not set(base) & set(new):  # e.g. a folder of several agents next to one agent's run
                print("nothing in common with the baseline (different kinds of run?): not compared")
                continue
        rows = compare(base, new, args.tolerance)
        print(table(rows, args.all))
        bad += failed(rows)
        sections.append((f"{name} against {args.baseline}", failed_rows_html(rows, args.baseline, name,
                                                                              args.tolerance)))
    if args.html is not None:
        try:
            page = html_page([args.baseline, *news], args.html, sections)
        except CompareError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(page, encoding="utf-8", errors="replace")
        print(f"wrote {args.html}")
    if bad:
        print(f"\nFAIL: {len(bad)} row(s) regressed by more than {args.tolerance:g} or are missing from NEW: "
              + ", ".join(r.name for r in bad[:8]) + (" ..." if len(bad) > 8 else ""))
        return 1
    print(f"\nok: no regression beyond {args.tolerance:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
