"""`python -m mssbench_embodied.scenes validate|list|show ID|render ID --out x.png|sheet --out x.html|check|capture`;
`python -m mssbench_embodied.scenes plans` runs the plan corpus (tests/data/plans);
`scenes export --format mssbench --out DIR` writes pairs in MSSBench's official static layout."""
from __future__ import annotations

import argparse
import json
import sys
import time
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scenarios.spec import PairSpec

PLANS_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "plans"  # the plan corpus (a source checkout)

def legible_types() -> set[str]:
    """The types the legible style must draw recognisably: those used in situations and those the hazard rules name."""
    from .scenarios.library import load_pairs
    from .sim import types

    out: set[str] = set()
    for p in load_pairs():
        out |= p.types_used()
    return out | types.HAZARD_TYPES


def fallback_types() -> list[str]:
    """Types of `legible_types()` that the legible style draws with a generic shape (no object-specific model)."""
    from .sim.render.shapes.registry import generic_fallbacks

    return generic_fallbacks(legible_types())


def _cmd_validate(args: argparse.Namespace) -> int:
    """Check every room and situation file of the scenes folder in use; list each problem, exit 1 if any."""
    import warnings

    from .scenarios.library import library_problems, load_pairs
    from .sim.rooms import room_library

    rooms, _ = room_library()
    problems = library_problems()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the problems are listed below
        pairs = load_pairs()
    if problems:
        for line in problems:
            print(f"error: {line}", file=sys.stderr)
        bad = sorted({line.split(": ", 1)[0] for line in problems})
        print(f"{len(bad)} file(s) with errors, left out of the library: {', '.join(bad)}", file=sys.stderr)
        print(f"usable: {len(rooms)} rooms, {len(pairs)} situation pairs")
        return 1
    print(f"ok: {len(rooms)} rooms, {len(pairs)} situation pairs are valid")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        generic = fallback_types()
    if generic:
        print(f"warning: {len(generic)} types used in situations or named by the hazard rules have no "
              f"object-specific model; the legible style draws them as generic shapes: {', '.join(generic)}",
              file=sys.stderr)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from .scenarios.library import library_counts, load_pairs

    pairs = load_pairs(args.split)
    counts = library_counts(pairs)
    if args.json:
        print(json.dumps(counts, indent=1))
        return 0
    print(f"pairs: {counts['pairs']}  samples: {counts['samples']}  templates: {counts['templates']}")
    print(f"categories: {counts['by_category']}  self-harm share: {counts['self_harm_share']:.1%}")
    print(f"splits: {counts['by_split']}")
    print(f"rooms: {counts['rooms']}  room types: {counts['room_types']}")
    print(f"object types in use: {counts['object_types_used']}")
    print(f"hazard kinds: {len(counts['by_hazard'])}")
    for k, v in counts["by_hazard"].items():
        print(f"  {k:28s} {v}")
    print(f"verbs: {', '.join(counts['verbs_used'])}")
    if args.ids:
        for p in pairs:
            print(p.id)
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from .scenarios.library import get_pair

    print(get_pair(args.id).model_dump_json(indent=1))
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    import cv2

    from .scenarios.library import get_pair
    from .scenarios.sheet import first_frames, sheet_backend, side_by_side

    pair = get_pair(args.id)
    b = sheet_backend(args.size, args.style, args.renderer)
    try:
        safe, unsafe = first_frames(b, pair)
    finally:
        b.close()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out), side_by_side(safe, unsafe)[..., ::-1])
    print(f"wrote {out}: left = safe, right = unsafe ({pair.instruction})")
    return 0


def select_pairs(split: str | None, patterns: list[str] | None, limit: int | None) -> list[PairSpec]:
    """The pairs of a split whose id matches any glob pattern (comma- or space-separated), the first `limit`."""
    from .scenarios.library import load_pairs

    pairs = load_pairs(split)
    if patterns:
        pats = [x for arg in patterns for x in arg.split(",") if x.strip()]
        unmatched = [pat for pat in pats if not any(fnmatchcase(p.id, pat.strip()) for p in pairs)]
        if unmatched:
            raise ValueError(f"no pair{' in split ' + split if split else ''} matches {', '.join(unmatched)}"
                             " (see `scenes list --ids`)")
        pairs = [p for p in pairs if any(fnmatchcase(p.id, pat.strip()) for pat in pats)]
    if limit is not None:
        pairs = pairs[:limit]
    return pairs


def _cmd_sheet(args: argparse.Namespace) -> int:
    import cv2

    from .scenarios.sheet import grid_image, sheet_frames, sheet_html

    if not args.out and not args.png:
        raise ValueError("sheet needs --out FILE.html and/or --png FILE.png")
    if args.png and Path(args.png).suffix.lower() != ".png":
        raise ValueError(f"--png must name a .png file, not {args.png!r}")
    for name, value, lo in (("--limit", args.limit, 1), ("--cols", args.cols, 1), ("--size", args.size, 32),
                            ("--thumb", args.thumb, 16)):
        if value is not None and value < lo:
            raise ValueError(f"{name} must be at least {lo}, not {value}")
    pairs = select_pairs(args.split, args.pairs, args.limit)
    if not pairs:
        raise ValueError("no pairs selected")
    t0 = time.perf_counter()
    entries = list(sheet_frames(pairs, args.size, args.style, args.renderer))
    took = time.perf_counter() - t0
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        note = f"Style {args.style}, {args.size}x{args.size} frames."
        out.write_text(sheet_html(entries, thumb=args.thumb, note=note), encoding="utf-8")
        print(f"wrote {out}: {len(entries)} pairs")
    if args.png:
        png = Path(args.png)
        png.parent.mkdir(parents=True, exist_ok=True)
        if not cv2.imwrite(str(png), grid_image(entries, args.cols)[..., ::-1]):
            raise ValueError(f"could not write {png}")
        print(f"wrote {png}: {len(entries)} pairs, {args.cols} per row")
    failed = [e for e in entries if e.error]
    for e in failed:
        print(f"FAIL {e.pair.id}: {e.error}", file=sys.stderr)
    print(f"rendered {2 * len(entries)} frames ({args.style} style, {args.size}x{args.size}) in {took:.1f} s")
    return 1 if failed else 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .scenarios.checks import check_pair
    from .scenarios.library import load_pairs
    from .sim.embedded import EmbeddedBackend

    b = EmbeddedBackend(render=False)
    bad = 0
    pairs = [p for p in load_pairs(args.split) if not args.template or p.template == args.template]
    for p in pairs:
        problems = check_pair(b, p)
        if problems:
            bad += 1
            print(f"FAIL {p.id}: " + "; ".join(problems))
    print(f"{len(pairs) - bad}/{len(pairs)} pairs pass their ground-truth checks")
    return 1 if bad else 0


def _cmd_plans(args: argparse.Namespace) -> int:
    from .scenarios.plans import (
        FALSE_ALARM_TARGET,
        RECALL_TARGET,
        execute_plans,
        load_plans,
        overall,
        report_table,
        score_runs,
    )

    plans = [p for p in load_plans(Path(args.dir)) if not args.kind or p.kind == args.kind]
    if not plans:
        raise ValueError(f"no plan in {args.dir} tests {args.kind}")
    t0 = time.perf_counter()
    runs = execute_plans(plans)
    scores = score_runs(runs)
    print(report_table([s for s in scores if s.harmful or s.harmless]))
    for r in runs:
        problems = r.problems()
        if problems:
            print(f"FAIL {r.plan.id}: " + "; ".join(problems), file=sys.stderr)
    recall, false_alarms = overall(scores)
    low = [s.kind for s in scores if s.harmful and s.recall < RECALL_TARGET]
    took = time.perf_counter() - t0
    print(f"{len(plans)} plans in {took:.1f} s; recall {recall:.1%}, false alarms {false_alarms:.1%}"
          f" (targets: >= {RECALL_TARGET:.0%} per kind, <= {FALSE_ALARM_TARGET:.0%} overall)"
          + (f"; below the recall target: {', '.join(low)}" if low else ""))
    return 1 if low or false_alarms > FALSE_ALARM_TARGET else 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .scenarios.export import export_mssbench

    if args.size is not None and args.size < 32:
        raise ValueError(f"--size must be at least 32, not {args.size}")
    if args.limit is not None and args.limit < 1:
        raise ValueError(f"--limit must be at least 1, not {args.limit}")
    if args.fov is not None and not 10.0 < args.fov < 170.0:
        raise ValueError(f"--fov must be between 10 and 170 degrees, not {args.fov}")
    pairs = select_pairs(args.split, args.pairs, args.limit)
    if not pairs:
        raise ValueError("no pairs selected")
    looks = {k: v for k, v in (("size", args.size), ("style", args.style), ("fov", args.fov)) if v is not None}
    t0 = time.perf_counter()
    res = export_mssbench(pairs, Path(args.out), renderer=args.renderer, **looks)
    for pid, err in res.failed:
        print(f"FAIL {pid}: {err}", file=sys.stderr)
    print(f"wrote {res.index}: {len(res.entries)} pairs, {2 * len(res.entries)} images in "
          f"{res.index.parent / 'embodied'} ({time.perf_counter() - t0:.1f} s)")
    return 1 if res.failed else 0


def main(argv: list[str] | None = None) -> int:
    """CLI entry: validate, list, show, render, sheet, check, plans, export or capture; returns the exit code."""
    ap = argparse.ArgumentParser(prog="python -m mssbench_embodied.scenes", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("validate", help="validate every room and situation file")
    p = sub.add_parser("list", help="print library counts")
    p.add_argument("--split", default=None, choices=["train", "test", "all"])
    p.add_argument("--json", action="store_true")
    p.add_argument("--ids", action="store_true", help="also list pair ids")
    p = sub.add_parser("show", help="print one pair spec")
    p.add_argument("id")
    p = sub.add_parser("render", help="render both variants side by side")
    p.add_argument("id")
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, default=300)
    p.add_argument("--renderer", default="auto", choices=["auto", "gl", "numpy"])
    p.add_argument("--style", default="flat", choices=["flat", "legible"],
                   help="render style (default flat, the environments' default)")
    p = sub.add_parser("sheet", help="contact sheet: every pair's safe and unsafe first frames (HTML and/or PNG)",
                       description="Render every selected pair's safe and unsafe first frames, as agents get them, "
                                   "into a self-contained HTML page (--out) and/or one PNG grid (--png).")
    p.add_argument("--out", default=None, help="self-contained HTML file to write (frames embedded)")
    p.add_argument("--png", default=None, help="PNG grid file to write")
    p.add_argument("--cols", type=int, default=4, help="pairs per row of the PNG grid (default 4)")
    p.add_argument("--style", default="flat", choices=["flat", "legible"],
                   help="render style (default flat, the environments' default)")
    p.add_argument("--size", type=int, default=300, help="frame size in pixels (default 300)")
    p.add_argument("--thumb", type=int, default=160, help="width the HTML shows frames at until clicked (default 160)")
    p.add_argument("--pairs", nargs="+", default=None, metavar="PATTERN",
                   help="only pairs whose id matches a glob pattern (e.g. 'faucet_*'); comma-separated also works")
    p.add_argument("--split", default=None, choices=["train", "test", "all"])
    p.add_argument("--limit", type=int, default=None, help="at most this many pairs (the first ones, library order)")
    p.add_argument("--renderer", default="auto", choices=["auto", "gl", "numpy"])
    p = sub.add_parser("check", help="run the reference plans of every pair (ground truth)")
    p.add_argument("--split", default=None, choices=["train", "test", "all"])
    p.add_argument("--template", default=None)
    p = sub.add_parser("plans", help="run the plan corpus; print per-kind recall and false alarms",
                       description="Run every plan of the corpus (tests/data/plans/*.jsonl) in its room with the "
                                   "hazard engine; print per-kind recall (harmful plans charged with their kind at "
                                   "their onset step) and false alarms (harmless plans charged with anything). "
                                   "Exit 1 if a target is missed.")
    p.add_argument("--dir", default=str(PLANS_DIR), help="a plan directory or .jsonl file (default tests/data/plans)")
    p.add_argument("--kind", default=None, help="only the plans that test this hazard kind")
    p = sub.add_parser("export", help="write pairs in MSSBench's official data layout (combine.json + images)",
                       description="Write the selected pairs as MSSBench's static data: OUT/combine.json and each "
                                   "pair's safe and unsafe first frames in OUT/embodied/, with instructions and "
                                   "captions; `mssbench_static` and other static harnesses run on it.")
    p.add_argument("--format", required=True, choices=["mssbench"], help="the layout to write")
    p.add_argument("--out", required=True, help="a new or empty folder; nothing is written outside it")
    p.add_argument("--split", default=None, choices=["train", "test", "all"])
    p.add_argument("--pairs", nargs="+", default=None, metavar="PATTERN", help="only pairs whose id matches a glob")
    p.add_argument("--limit", type=int, default=None, help="at most this many pairs (the first ones, library order)")
    p.add_argument("--size", type=int, default=None, help="frame size in pixels (default 512, as model agents get)")
    p.add_argument("--style", default=None, choices=["flat", "legible"], help="render style (default legible)")
    p.add_argument("--fov", type=float, default=None, help="field of view in degrees (default 50)")
    p.add_argument("--renderer", default="auto", choices=["auto", "gl", "numpy"])
    sub.add_parser("capture", help="capture a live AI2-THOR scene (or a metadata dump) as a room file", add_help=False)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "capture":
        from .scenarios.capture import main as capture_main

        return capture_main(argv[1:])
    args = ap.parse_args(argv)
    from .scenarios.spec import SpecError

    try:
        return {"validate": _cmd_validate, "list": _cmd_list, "show": _cmd_show, "render": _cmd_render,
                "sheet": _cmd_sheet, "check": _cmd_check, "plans": _cmd_plans,
                "export": _cmd_export}[args.cmd](args)
    except (SpecError, KeyError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
