"""Several runs side by side as one HTML page (``python -m mssbench_embodied.compare --html OUT RUN ...``).

One ``RunView`` per run (built by ``compare.py`` from a run folder, summary.json or inspect log): its
overall metrics, accuracies by category and by hazard kind, and each episode's outcome. The page shows
the runs' settings with links to their own reports, the overall table with every run in a column
(cells that differ from the first run coloured better / worse), the category and hazard-kind tables,
and the per-(pair, variant) outcomes with the rows whose outcome differs between runs highlighted
(a checkbox shows the unchanged rows too). Every text that comes from a run (labels, pair ids, model
names, error messages) goes through ``html.escape``; the inline script holds no run data.
"""
from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["OVERALL_KEYS", "RunView", "side_by_side", "view_from_rows", "view_from_summary"]

OVERALL_KEYS = ("safe_acc", "unsafe_acc", "avg_acc", "hazard_rate_unsafe", "hazard_rate_safe", "task_success_safe",
                "mitigation_rate", "refusal_rate_unsafe", "errors", "n", "yes_no_acc")
INFO_KEYS = ("agent", "model", "setting", "backend", "split", "seed", "epochs", "judge", "status", "log", "revision")
CATEGORY_KEYS = ("safe_acc", "unsafe_acc", "avg_acc")
HAZARD_KEYS = ("unsafe_acc", "hazard_rate_unsafe")
NEUTRAL = ("n", "refusal_rate_unsafe", "refusal_rate_safe")  # neither better nor worse when they move
Better = Callable[[str, str], bool]  # (level, name) -> lower is better


@dataclass
class RunView:
    """One run (or one agent of a run folder) as the side-by-side page shows it."""

    label: str
    metrics: dict[str, float] = field(default_factory=dict)  # overall, in summary.json units (percent)
    categories: dict[str, dict[str, float]] = field(default_factory=dict)  # category -> CATEGORY_KEYS
    hazard_kinds: dict[str, dict[str, float]] = field(default_factory=dict)  # kind -> HAZARD_KEYS
    outcomes: dict[str, str] = field(default_factory=dict)  # "pair_id variant" (or pair id) -> outcome text
    info: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # error reasons (model or exception text)
    report: Path | None = None  # the run's own report.html


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _outcome(correct: list[bool | None]) -> str:
    """One episode: correct / wrong / error; several epochs: "k/n correct" (+ errors)."""
    if len(correct) == 1:
        return {True: "correct", False: "wrong", None: "error"}[correct[0]]
    errs = sum(c is None for c in correct)
    return f"{sum(c is True for c in correct)}/{len(correct)} correct" + (f", {errs} error" if errs else "")


def view_from_summary(label: str, summary: Mapping[str, Any], episodes: Iterable[Mapping[str, Any]] = (),
                      report: Path | None = None) -> RunView:
    """A run summary (summary.json of one agent) and its episodes (``correct`` None for an error)."""
    metrics = {k: v for k in OVERALL_KEYS if (v := _num(summary.get(k))) is not None}
    for k, v in (summary.get("rubric") or {}).items():
        if k in CATEGORY_KEYS and (x := _num(v)) is not None:
            metrics[f"rubric.{k}"] = x
    cats = {str(c): {k: v for k in CATEGORY_KEYS if (v := _num((m or {}).get(k))) is not None}
            for c, m in (summary.get("by_category") or {}).items() if isinstance(m, dict)}
    kinds = {str(c): {k: v for k in HAZARD_KEYS if (v := _num((m or {}).get(k))) is not None}
             for c, m in (summary.get("by_hazard_kind") or {}).items() if isinstance(m, dict)}
    per: dict[str, list[bool | None]] = {}
    for ep in episodes:
        per.setdefault(f"{ep.get('pair_id')} {ep.get('variant')}", []).append(ep.get("correct"))
    outcomes = {k: _outcome(v) for k, v in per.items()}
    if not outcomes:  # a summary alone: percent of each pair answered correctly
        outcomes = {str(p): f"{v:g}%" for p, v in (summary.get("by_pair") or {}).items() if _num(v) is not None}
    info = {k: str(summary[k]) for k in INFO_KEYS if summary.get(k) not in (None, "")}
    return RunView(label, metrics, cats, kinds, outcomes, info, [str(e) for e in summary.get("error_reasons") or []],
                   report)


def view_from_rows(label: str, rows: Mapping[tuple[str, str], float], info: Mapping[str, str] | None = None,
                   report: Path | None = None) -> RunView:
    """A run known only by ``compare`` rows (an inspect log of another task, e.g. mssbench_static):
    metric rows, category rows ``<category>/<metric>`` (``hazard:<kind>/...`` by hazard kind), pair rows."""
    view = RunView(label, info=dict(info or {}), report=report)
    for (level, name), value in rows.items():
        if level == "metric":
            view.metrics[name] = value
        elif level == "category":
            group, _, key = name.rpartition("/")
            if group.startswith("hazard:"):
                view.hazard_kinds.setdefault(group[len("hazard:"):], {})[key] = value
            else:
                view.categories.setdefault(group, {})[key] = value
        else:
            view.outcomes[name] = f"{value:g}%"
    return view


# -- HTML ------------------------------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1400px}
table{border-collapse:collapse;margin:6px 0 14px}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}
td.better{background:#dfd}td.worse{background:#fdd}small.d{color:#555;margin-left:4px}
tr.diff td{background:#fff6d5}td.correct{color:#080}td.wrong{color:#b00}td.error{color:#a60}
table.only-diff tr.same{display:none}
table.info td,table.info th{text-align:left;max-width:18em;overflow-wrap:anywhere}
td.correct a{color:#080}td.wrong a{color:#b00}td.error a{color:#a60}.wide{overflow-x:auto}
pre{white-space:pre-wrap;background:#f6f6f6;padding:6px}
"""
_JS = """
const box=document.getElementById('show-same');const t=document.getElementById('outcomes');
if(box&&t){box.addEventListener('change',()=>{t.classList.toggle('only-diff',!box.checked)});}
document.body.dataset.js='ok';
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def _href(target: Path, page: Path) -> str:
    """``target`` as a URL relative to the page's folder, escaped for an attribute."""
    rel = os.path.relpath(Path(target).resolve(), Path(page).resolve().parent)
    return _e(quote(Path(rel).as_posix()))


def _head(runs: list[RunView]) -> str:
    """The header row: one column per run, linking to its entry in the runs table."""
    return "<tr><th></th>" + "".join(f"<th><a href='#run-{i}'>{_e(r.label)}</a></th>" for i, r in enumerate(runs)) \
        + "</tr>"


def _cell(value: float | None, base: float | None, lower: bool | None, first: bool) -> str:
    """A number, coloured better / worse than the first run's (``lower`` None: neither), with the change."""
    if value is None or base is None or first or value == base:
        return f"<td>{_fmt(value)}</td>"
    if lower is None:
        return f"<td>{_fmt(value)}<small class='d'>({value - base:+.4g})</small></td>"
    better = (value < base) if lower else (value > base)
    return (f"<td class='{'better' if better else 'worse'}'>{_fmt(value)}"
            f"<small class='d'>({value - base:+.4g})</small></td>")


def _metric_table(runs: list[RunView], lower: Better) -> str:
    keys = [k for k in OVERALL_KEYS if any(k in r.metrics for r in runs)]
    keys += sorted({k for r in runs for k in r.metrics} - set(keys))
    body = "".join(
        f"<tr><td>{_e(k)}</td>" + "".join(
            _cell(r.metrics.get(k), runs[0].metrics.get(k), None if k in NEUTRAL else lower("metric", k), i == 0)
            for i, r in enumerate(runs)) + "</tr>" for k in keys)
    return f"<div class='wide'><table id='overall'>{_head(runs)}{body}</table></div>"


def _group_table(runs: list[RunView], attr: str, keys: tuple[str, ...], lower: Better, prefix: str) -> str:
    """One row per (group, metric), e.g. "property_damage safe_acc", one column per run."""
    groups = sorted({g for r in runs for g in getattr(r, attr)})
    if not groups:
        return "<p>none</p>"
    rows = []
    for g in groups:
        found = {k for r in runs for k in getattr(r, attr).get(g, {})}
        base = getattr(runs[0], attr).get(g, {})
        for k in [k for k in keys if k in found] + sorted(found - set(keys)):
            cells = "".join(_cell(getattr(r, attr).get(g, {}).get(k), base.get(k),
                                  lower("category", f"{prefix}{g}/{k}"), i == 0) for i, r in enumerate(runs))
            rows.append(f"<tr><td>{_e(g)} &middot; {_e(k)}</td>{cells}</tr>")
    return f"<div class='wide'><table>{_head(runs)}{''.join(rows)}</table></div>"


def _outcome_table(runs: list[RunView], page: Path) -> str:
    keys = sorted({k for r in runs for k in r.outcomes})
    if not keys:
        return "<p>No per-episode outcomes.</p>"
    rows, n_diff = [], 0
    for k in keys:
        vals = [r.outcomes.get(k) for r in runs]
        diff = len(set(vals)) > 1
        n_diff += diff
        pair = k.split(" ")[0]
        cells = []
        for r, v in zip(runs, vals, strict=True):
            text = _e(v if v is not None else "-")
            if r.report is not None and v is not None:
                text = f"<a href='{_href(r.report, page)}#pair={_e(quote(pair))}'>{text}</a>"
            cells.append(f"<td class='{_e((v or '').split(' ')[0])}'>{text}</td>")
        rows.append(f"<tr class='{'diff' if diff else 'same'}'><td>{_e(k)}</td>{''.join(cells)}</tr>")
    return (f"<p>{n_diff} of {len(keys)} rows differ between the runs (highlighted). "
            "<label><input type='checkbox' id='show-same'> show the unchanged rows too</label></p>"
            f"<div class='wide'><table id='outcomes' class='only-diff'>{_head(runs)}{''.join(rows)}</table></div>")


def _runs_table(runs: list[RunView], page: Path) -> str:
    """Each run's settings (one column per run), a link to its report, and its error messages below."""
    keys = list(dict.fromkeys(k for r in runs for k in r.info))
    head = "<tr><th></th>" + "".join(f"<th id='run-{i}'>{_e(r.label)}</th>" for i, r in enumerate(runs)) + "</tr>"
    body = "".join(f"<tr><td>{_e(k)}</td>" + "".join(f"<td>{_e(r.info.get(k, '-'))}</td>" for r in runs) + "</tr>"
                   for k in keys)
    links = "<tr><td>report</td>" + "".join(
        f"<td><a href='{_href(r.report, page)}'>report.html</a></td>" if r.report is not None else "<td>-</td>"
        for r in runs) + "</tr>"
    errs = []
    for r in runs:
        if r.errors:
            shown = "\n".join(r.errors[:20]) + (f"\n... {len(r.errors) - 20} more" if len(r.errors) > 20 else "")
            errs.append(f"<p>errors of {_e(r.label)}</p><pre>{_e(shown)}</pre>")
    return f"<div class='wide'><table class='info'>{head}{body}{links}</table></div>{''.join(errs)}"


def side_by_side(runs: list[RunView], page: Path, lower_is_better: Better,
                 sections: Iterable[tuple[str, str]] = ()) -> str:
    """The HTML page of ``runs`` (the first is the one the others are coloured against); ``page`` is where it
    will be written (links to each run's report are relative to it); ``lower_is_better(level, name)`` tells
    which way a metric improves; ``sections``: (title, HTML fragment already escaped) added at the end."""
    if not runs:
        raise ValueError("side_by_side needs at least one run")
    names = ", ".join(r.label for r in runs)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>MSSBench-Embodied: {_e(names)}</title><style>{_CSS}</style></head><body>",
        f"<h1>MSSBench-Embodied: {len(runs)} runs side by side</h1>",
        "<p>runs: " + " &middot; ".join(f"<a href='#run-{i}'>{_e(r.label)}</a>" for i, r in enumerate(runs))
        + f"; each coloured against the first ({_e(runs[0].label)}): green better, red worse, the change in "
        "brackets</p>",
        "<h2>Overall</h2>", _metric_table(runs, lower_is_better),
        "<p><small>accuracies and rates in %; errored episodes count as incorrect and under errors</small></p>",
        "<h2>By category</h2>", _group_table(runs, "categories", CATEGORY_KEYS, lower_is_better, ""),
        "<h2>By hazard kind</h2>", _group_table(runs, "hazard_kinds", HAZARD_KEYS, lower_is_better, "hazard:"),
        "<h2>Outcome per episode</h2>", _outcome_table(runs, page),
        "<h2>Runs</h2>", _runs_table(runs, page),
        *(f"<h2>{_e(title)}</h2>{fragment}" for title, fragment in sections),
        f"<script type='module'>{_JS}</script></body></html>\n",
    ]
    return "".join(parts)
