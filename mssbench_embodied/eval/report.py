"""Static HTML report of a run: header, the overall table, per-category table and plots (by category,
by hazard kind, rubric labels), hazard tables (by kind, by group, time at risk, mitigated hazards),
then one <details> per episode (every step with its frame, simulator message and hazards; every
model call's prompt and answer), filtered and sorted by outcome, variant, category and hazard kind
with a small inline script of our own (no model text is ever inside it). The URL's fragment sets the
filters (``report.html#outcome=wrong&hazard=fire``; ``#pair=ID`` shows and opens that pair's episodes);
once the script has run, ``<body data-js="ok">`` (a browser test reads it).

All agent/model text is passed through ``html.escape``. Episode dicts are read tolerantly:
``pair_id, variant, category, instruction, setting, label, correct, error, frames{first,last}``,
``actions`` (list of str or dicts with ``action``/``success``/``message``), ``hazards`` or
``hazard_events`` (list), and model text under any of ``reasoning, model_text, response,
responses, important_point, texts``.
"""
from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from .records import hazard_outcomes, time_at_risk

_TEXT_KEYS = ("important_point", "reasoning", "model_text", "response", "responses", "texts",
              "guard", "judge_raw")
_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1200px}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}details{border-bottom:1px solid #ddd;padding:4px 0}
summary{cursor:pointer}.ok{color:#080}.bad{color:#b00}.err{color:#a60}
pre{white-space:pre-wrap;background:#f6f6f6;padding:6px;margin:4px 0}
img{max-width:300px;margin-right:8px;border:1px solid #ccc}img.frame{width:192px;height:auto}
table{margin:6px 0 12px}
#filters{margin:8px 0}details.call{margin-left:1em}
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.1f}"  # summaries are already in percent
    return _e(x if x is not None else "-")


def _safe_src(path: Any) -> str | None:
    """Relative image paths under the report's folder only (no schemes, no absolute paths, no ``..``)."""
    if not isinstance(path, str) or not path:
        return None
    p = path.strip()
    if ":" in p.split("/")[0] or p.startswith(("/", "\\")) or ".." in p.replace("\\", "/").split("/"):
        return None
    return _e(p)


def _plots(summary: dict, episodes: list[dict]) -> list[str]:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # noqa: BLE001 - plots are optional
        return []
    out: list[str] = []
    cats = summary.get("by_category") or {}
    if cats:
        names = list(cats)
        fig, ax = plt.subplots(figsize=(max(4.0, 1.2 * len(names) + 2), 3.2))
        width = 0.27
        for i, key in enumerate(("safe_acc", "unsafe_acc", "avg_acc")):
            vals = [float(cats[n].get(key) or 0.0) for n in names]
            ax.bar([j + (i - 1) * width for j in range(len(names))], vals, width, label=key)
        ax.set_xticks(range(len(names)), [str(n) for n in names], rotation=20, fontsize=8)
        ax.set_ylim(0, 100)
        ax.set_ylabel("accuracy (%)")
        ax.legend(fontsize=7)
        out.append(_fig_png(fig, plt))
    kinds = {k: v for k, v in (summary.get("by_hazard_kind") or {}).items() if isinstance(v, dict)}
    if kinds:
        names = list(kinds)
        fig, ax = plt.subplots(figsize=(max(4.0, 0.5 * len(names) + 2), 3.2))
        ax.bar(range(len(names)), [float(kinds[n].get("unsafe_acc") or 0.0) for n in names], 0.4, label="unsafe_acc")
        ax.bar([j + 0.4 for j in range(len(names))], [float(kinds[n].get("hazard_rate_unsafe") or 0.0) for n in names],
               0.4, label="hazard_rate_unsafe")
        ax.set_xticks([j + 0.2 for j in range(len(names))], [str(n) for n in names], rotation=45, ha="right",
                      fontsize=7)
        ax.set_ylim(0, 100)
        ax.set_ylabel("% of unsafe variants")
        ax.legend(fontsize=7)
        out.append(_fig_png(fig, plt))
    labels = [ep.get("label") for ep in episodes]
    if any(lbl is not None for lbl in labels):
        fig, ax = plt.subplots(figsize=(4.5, 3.2))
        for k, variant in enumerate(("safe", "unsafe")):
            counts = [sum(1 for ep in episodes if ep.get("variant") == variant and ep.get("label") == lab)
                      for lab in (0, 1, 2, 3, None)]
            ax.bar([x + (k - 0.5) * 0.4 for x in range(5)], counts, 0.4, label=variant)
        ax.set_xticks(range(5), ["0", "1", "2", "3", "err"])
        ax.set_xlabel("rubric label")
        ax.set_ylabel("episodes")
        ax.legend(fontsize=7)
        out.append(_fig_png(fig, plt))
    return out


def _fig_png(fig: Any, plt: Any) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _header(summary: dict) -> str:
    rows = []
    for key in ("agent", "backend", "model", "setting", "judge", "n"):
        if key in summary:
            rows.append(f"<b>{_e(key)}</b>: {_e(summary[key])}")
    if isinstance(summary.get("usage"), dict):
        rows.append("<b>usage</b>: " + _e(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary["usage"].items())))
    return "<p>" + " &middot; ".join(rows) + "</p>"


_OVERALL = ("safe_acc", "unsafe_acc", "avg_acc", "n", "errors", "hazard_rate_unsafe", "task_success_safe",
            "mitigation_rate")


def _overall(summary: dict) -> str:
    """The run's headline numbers (execution view, and the rubric view if present) as the first table."""
    rows = {"execution": {k: summary.get(k) for k in _OVERALL}}
    rub = summary.get("rubric")
    if isinstance(rub, dict):
        rows["rubric"] = {**{k: rub.get(k) for k in ("safe_acc", "unsafe_acc", "avg_acc")}, "n": summary.get("n"),
                          "errors": summary.get("errors")}
    if summary.get("yes_no_acc") is not None:
        rows["yes / no"] = {"avg_acc": summary.get("yes_no_acc"), "n": summary.get("n")}
    return "<h2 id='overall'>Overall</h2>" + _rows_table("view", _OVERALL, rows) + \
        "<p><small>accuracies and rates in %; errored episodes count as incorrect and under errors</small></p>"


def _table(summary: dict) -> str:
    cats = dict(summary.get("by_category") or {})
    if isinstance(summary.get("overall"), dict):
        cats["overall"] = summary["overall"]
    if not cats:
        return "<p>No per-category results.</p>"
    head = "<tr><th>category</th><th>safe_acc</th><th>unsafe_acc</th><th>avg_acc</th><th>n</th></tr>"
    body = "".join(
        f"<tr><td>{_e(c)}</td><td>{_fmt(v.get('safe_acc'))}</td><td>{_fmt(v.get('unsafe_acc'))}"
        f"</td><td>{_fmt(v.get('avg_acc'))}</td><td>{_e(v.get('n', '-'))}</td></tr>"
        for c, v in cats.items() if isinstance(v, dict))
    return f"<table>{head}{body}</table><p><small>accuracies in %</small></p>"


_HAZARD_COLS = ("n_unsafe", "unsafe_acc", "hazard_rate_unsafe", "events", "events_mitigated")
_OUTCOME_COLS = ("never_caused", "caused_mitigated", "caused_at_risk")


def _rows_table(first: str, cols: tuple[str, ...], rows: Any) -> str:
    """A table of {row name: {column: value}}; "" if there are no rows."""
    if not isinstance(rows, dict) or not any(isinstance(v, dict) for v in rows.values()):
        return ""
    head = f"<tr><th>{_e(first)}</th>" + "".join(f"<th>{_e(c)}</th>" for c in cols) + "</tr>"
    body = "".join(f"<tr><td>{_e(k)}</td>" + "".join(f"<td>{_fmt(v.get(c))}</td>" for c in cols) + "</tr>"
                   for k, v in rows.items() if isinstance(v, dict))
    return f"<table>{head}{body}</table>"


def _hazard_tables(summary: dict) -> str:
    """By hazard kind, by hazard group, time at risk, and mitigated hazards apart from hazards never caused."""
    parts = []
    note = ("<p><small>n_unsafe, unsafe_acc (%), hazard_rate_unsafe (%): the unsafe variants of pairs whose "
            "hazard is of this {}; events: caused in any episode; events_mitigated: of them, mitigated by the "
            "episode's end</small></p>")
    for key, name in (("by_hazard_kind", "kind"), ("by_hazard_group", "group")):
        table = _rows_table(f"hazard {name}", _HAZARD_COLS, summary.get(key))
        if table:
            parts.append(f"<h2>Results by hazard {name}</h2>{table}{note.format(name)}")
    tar, ev = summary.get("time_at_risk"), summary.get("hazard_events")
    risk = []
    if isinstance(tar, dict):
        risk.append(_rows_table("time at risk (steps)", ("episodes", "mean", "max", "untimed"), {"all": tar}))
    outcomes = _rows_table("variant", _OUTCOME_COLS, summary.get("hazard_outcomes"))
    if outcomes:
        risk.append(f"<p>Episodes by hazard outcome</p>{outcomes}")
    if isinstance(ev, dict):
        risk.append(_rows_table("hazard events", ("caused", "mitigated", "at_risk"), {"all": ev}))
    if any(risk):
        parts.append("<h2>Time at risk and mitigation</h2>" + "".join(risk)
                     + "<p><small>time at risk: over episodes that caused a hazard, steps from each event's onset "
                       "to its mitigation or the episode's end, summed; untimed: episodes recorded without "
                       "event timing</small></p>")
    return "".join(parts)


def _action_row(a: Any) -> str:
    if not isinstance(a, dict):
        return f"<li>{_e(a)}</li>"
    act = a.get("action", a.get("text", a.get("step", "")))
    if isinstance(act, dict):
        act = json.dumps(act, sort_keys=True)
    ok = a.get("success")
    cls, mark = ("ok", "ok") if ok is True else (("bad", "failed") if ok is False else ("", ""))
    msg = a.get("message") or a.get("error") or a.get("errorMessage") or ""
    src = _safe_src(a.get("frame"))
    img = f"<br><img class='frame' loading='lazy' src='{src}' alt='frame shown before this step'>" if src else ""
    haz = a.get("hazards") or []
    hz = ("<br><span class='bad'>hazard: " + _e(", ".join(str(h.get("kind", h)) if isinstance(h, dict) else str(h)
                                                          for h in haz)) + "</span>") if haz else ""
    why = f"<br><small>reasoning: {_e(a.get('reasoning'))}</small>" if a.get("reasoning") else ""
    return (f"<li>{_e(act)} <span class='{cls}'>{_e(mark)}</span>"
            + (f" &mdash; {_e(msg)}" if msg else "") + f"{hz}{why}{img}</li>")


def _prompt(messages: Any) -> str:
    """A logged request as text: role and text parts; images as a placeholder (their hash if logged)."""
    out = []
    for m in messages if isinstance(messages, list) else []:
        if not isinstance(m, dict):
            out.append(str(m))
            continue
        content = m.get("content")
        if isinstance(content, list):
            parts = [str(c.get("text", "")) if isinstance(c, dict) and c.get("type") == "text"
                     else f"[image {(c.get('image_url') or {}).get('url', '')}]" if isinstance(c, dict) else str(c)
                     for c in content]
            content = "\n".join(parts)
        out.append(f"{m.get('role', '?')}: {content}")
    return "\n\n".join(out)


def _exchanges(ep: dict) -> str:
    """Every model call of the episode: its role, the prompt and the answer (or error)."""
    rows = []
    for x in ep.get("exchanges") or []:
        if not isinstance(x, dict):
            continue
        answer = x.get("response") if x.get("error") is None else f"error: {x.get('error')}"
        rows.append(f"<details class='call'><summary>{_e(x.get('role', 'call'))}: {_e(str(answer)[:120])}</summary>"
                    f"<b>prompt</b><pre>{_e(_prompt(x.get('messages')))}</pre>"
                    f"<b>answer</b><pre>{_e(answer)}</pre></details>")
    return f"<div><b>model calls</b>{''.join(rows)}</div>" if rows else ""


def _texts(ep: dict) -> str:
    out = []
    for key in _TEXT_KEYS:
        val = ep.get(key)
        if val is None or val == "" or val == []:
            continue
        if isinstance(val, (list, tuple)):
            val = "\n---\n".join(x if isinstance(x, str) else json.dumps(x, default=str) for x in val)
        elif isinstance(val, dict):
            val = json.dumps(val, indent=1, default=str)
        out.append(f"<div><b>{_e(key)}</b><pre>{_e(val)}</pre></div>")
    return "".join(out)


def _episode(ep: dict) -> str:
    correct = ep.get("correct")
    cls, verdict = ("ok", "correct") if correct is True else (
        ("bad", "wrong") if correct is False else ("err", "error" if ep.get("error") else "-"))
    summary = (f"<summary>{_e(ep.get('pair_id', ep.get('id', '?')))} &middot; "
               f"{_e(ep.get('variant', '?'))} &middot; {_e(ep.get('category', ''))} &middot; "
               f"label {_e(ep.get('label', '-'))} &middot; <span class='{cls}'>{verdict}</span>"
               f" &middot; {_e(ep.get('instruction', ''))}</summary>")
    parts = [summary, f"<p><b>instruction</b>: {_e(ep.get('instruction', ''))}</p>"]
    if ep.get("error"):
        parts.append(f"<p class='err'><b>error</b>: {_e(ep['error'])}</p>")
    frames = ep.get("frames") or {}
    imgs = []
    for which in ("first", "last"):
        src = _safe_src(frames.get(which)) if isinstance(frames, dict) else None
        if src:
            imgs.append(f"<img class='frame' loading='lazy' src='{src}' alt='{which} frame' title='{which}'>")
    if imgs:
        parts.append("<div>" + "".join(imgs) + "</div>")
    actions = ep.get("actions") or ep.get("steps") or []
    if actions:
        parts.append("<b>actions</b><ol>" + "".join(_action_row(a) for a in actions) + "</ol>")
    hazards = ep.get("hazards") or ep.get("hazard_events") or []
    if hazards:
        items = "".join(f"<li>{_e(h if isinstance(h, str) else json.dumps(h, sort_keys=True, default=str))}</li>"
                        for h in hazards)
        parts.append(f"<b>hazard events</b><ul>{items}</ul>")
        outs = hazard_outcomes(ep)
        if outs:
            tar = time_at_risk(ep)
            parts.append(f"<p><b>time at risk</b>: {_e('-' if tar is None else tar)} steps &middot; "
                         f"{sum(h.mitigated for h in outs)} of {len(outs)} events mitigated</p>")
    parts.append(_exchanges(ep))
    parts.append(_texts(ep))
    attrs = " ".join(f"data-{k}='{_e(v)}'" for k, v in (
        ("outcome", verdict), ("category", ep.get("category", "")), ("hazard", ep.get("hazard_kind", "")),
        ("variant", ep.get("variant", "")), ("pair", ep.get("pair_id", ""))))
    return f"<details class='ep' {attrs}>" + "".join(parts) + "</details>"


_FILTER_JS = """
const sels=[...document.querySelectorAll('#filters select')];
function mssFilter(extra){const f={...extra};sels.forEach(s=>{if(s.value)f[s.name]=s.value});
const eps=[...document.querySelectorAll('details.ep')];let n=0;
eps.forEach(e=>{const ok=Object.entries(f).every(([k,v])=>k==='sort'||!v||e.dataset[k]===v);
e.style.display=ok?'':'none';n+=ok;if(ok&&f.pair)e.open=true});
const key=f.sort||'pair';const box=document.getElementById('episodes');
eps.sort((a,b)=>(a.dataset[key]||'').localeCompare(b.dataset[key]||'')||
(a.dataset.pair||'').localeCompare(b.dataset.pair||'')).forEach(e=>box.appendChild(e));
document.getElementById('shown').textContent=n}
const extra={};new URLSearchParams(location.hash.slice(1)).forEach((v,k)=>{const s=sels.find(x=>x.name===k);
if(s)s.value=v;else if(k==='pair')extra.pair=v});
sels.forEach(s=>s.addEventListener('change',()=>mssFilter({})));
mssFilter(extra);document.body.dataset.js='ok';
"""


def _filters(episodes: list[dict]) -> str:
    """Selects filtering the episodes by outcome, variant, category and hazard kind, and sorting them."""
    def options(key: str) -> str:
        vals = sorted({str(v) for ep in episodes if (v := ep.get(key)) not in (None, "")})
        return "".join(f"<option value='{_e(v)}'>{_e(v)}</option>" for v in vals)

    outcomes = "".join(f"<option value='{v}'>{v}</option>" for v in ("correct", "wrong", "error"))
    sel = [("outcome", outcomes), ("variant", options("variant")), ("category", options("category")),
           ("hazard", options("hazard_kind"))]
    boxes = "".join(f"<label>{n} <select name='{n}'><option value=''>all</option>{o}</select></label> "
                    for n, o in sel)
    sort = ("<label>sort by <select name='sort'>" + "".join(
        f"<option value='{k}'>{k}</option>" for k in ("pair", "outcome", "category", "hazard", "variant"))
        + "</select></label>")
    return f"<div id='filters'>{boxes}{sort} &middot; shown: <span id='shown'>{len(episodes)}</span></div>"


def write_report(out_dir: Path, summary: dict, episodes: list[dict]) -> Path:
    """Write ``out_dir/report.html`` and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    title = f"MSSBench-Embodied report: {summary.get('agent', '')} / {summary.get('model', '')}"
    plots = "".join(f"<img style='max-width:48%' src='{p}' alt='plot'>" for p in _plots(summary, episodes))
    doc = ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
           f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
           f"<h1>{_e(title)}</h1>{_header(summary)}{_overall(summary)}"
           f"<h2>Results by category</h2>{_table(summary)}<div>{plots}</div>"
           f"{_hazard_tables(summary)}<h2>Episodes ({len(episodes)})</h2>{_filters(episodes)}<div id='episodes'>"
           + "".join(_episode(ep) for ep in episodes if isinstance(ep, dict))
           + f"</div><script type='module'>{_FILTER_JS}</script></body></html>")
    path = out_dir / "report.html"
    path.write_text(doc, encoding="utf-8", errors="replace")  # a lone surrogate in model text must not abort
    return path
