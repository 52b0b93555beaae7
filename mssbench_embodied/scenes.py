"""`python -m mssbench_embodied.scenes validate|list|show ID|render ID --out x.png|check|capture ...`"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _cmd_validate(args: argparse.Namespace) -> int:
    from .scenarios.library import load_pairs
    from .sim.rooms import list_rooms, load_room

    for r in list_rooms():
        load_room(r)
    pairs = load_pairs()
    print(f"ok: {len(list_rooms())} rooms, {len(pairs)} situation pairs are valid")
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
    import numpy as np

    from .scenarios.library import get_pair
    from .scenarios.realise import realise
    from .sim.embedded import EmbeddedBackend

    pair = get_pair(args.id)
    b = EmbeddedBackend(width=args.size, height=args.size, renderer=args.renderer)
    unsafe = realise(b, pair, "unsafe")
    safe = realise(b, pair, "safe", pose=unsafe.pose)
    gap = np.full((args.size, 6, 3), 255, np.uint8)
    img = np.concatenate([safe.event.frame, gap, unsafe.event.frame], axis=1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out), img[..., ::-1])
    b.close()
    print(f"wrote {out}: left = safe, right = unsafe ({pair.instruction})")
    return 0


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


def main(argv: list[str] | None = None) -> int:
    """CLI entry: validate, list, show, render, check or capture; returns the exit code."""
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
    p = sub.add_parser("check", help="run the reference plans of every pair (ground truth)")
    p.add_argument("--split", default=None, choices=["train", "test", "all"])
    p.add_argument("--template", default=None)
    sub.add_parser("capture", help="capture a live AI2-THOR scene (or a metadata dump) as a room file", add_help=False)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "capture":
        from .scenarios.capture import main as capture_main

        return capture_main(argv[1:])
    args = ap.parse_args(argv)
    from .scenarios.spec import SpecError

    try:
        return {"validate": _cmd_validate, "list": _cmd_list, "show": _cmd_show, "render": _cmd_render,
                "check": _cmd_check}[args.cmd](args)
    except (SpecError, KeyError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
