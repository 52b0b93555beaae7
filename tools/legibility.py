"""Legibility measurements of the first frames agents see (issue 14; measurements, not pass/fail).

    python tools/legibility.py report [--style flat|legible] [--size 300] [--fov DEG] [--pairs ID ...]
                                      [--out report.json]
    python tools/legibility.py shortcut [--style flat|legible] [--size 96] [--fov DEG]

report: for every pair and variant's first frame (as ``MSSBench/SituationsText-v0`` gives it) and
each critical object (anchor; hazard objects in the unsafe variant; the objects the safe delta
places in the safe variant; the held object), the share of the frame it covers (instance ids),
its visible fraction (visible pixels / pixels it covers rendered alone from the same camera) and
whether the anchor is fully in view (rendered alone, it touches no frame edge). A summary against
issue 14's targets (share >= 1%, >= 0.3% for objects no larger than a fork; visible >= 70%;
anchor fully in view), the worst 20 frames and the start poses' camera horizon and height.
The definitions and the per-role rules (an anchor hidden by critical objects on it, large anchors)
live in mssbench_embodied/scenarios/legibility.py, which the legible pose search uses too.

shortcut: logistic regression (scikit-learn) on 8x8x8 RGB colour histograms of the train split's
first frames, safe vs unsafe, scored on the test split; then with the segmentation areas of the
non-anchor objects added. Both commands are deterministic. --fov (both commands) defaults to the
field of view `run` gives agents of the style: run.MODEL_FOV for legible (model agents), 90 for flat.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from mssbench_embodied.run import MODEL_FOV, SCRIPTED_FOV
from mssbench_embodied.scenarios.legibility import (  # noqa: F401  (re-exported: the report's definitions)
    FORK_VOLUME,
    SHARE_TARGET,
    SMALL_SHARE_TARGET,
    VISIBLE_TARGET,
    critical_objects,
    failures,
    is_small,
    margin,
    measure_objects,
    object_pixels,
    share_ok,
    visible_ok,
)
from mssbench_embodied.scenarios.legibility import checks as frame_checks
from mssbench_embodied.scenarios.library import load_pairs
from mssbench_embodied.scenarios.realise import Realised
from mssbench_embodied.scenarios.spec import PairSpec
from mssbench_embodied.sim.embedded import EmbeddedBackend

UPWARD = 0.0  # a horizon below this looks upward (AI2-THOR: positive looks down)
HIST_BINS = 8  # per RGB channel: 512 colour bins
TOP_AREAS = 8  # sorted largest non-anchor object areas used as shortcut features
C_VALUES = (0.01, 0.1, 1.0, 10.0)  # logistic-regression inverse regularisation; 1.0 is the headline


@dataclass
class FirstFrame:
    """One pair variant's first frame, with the env's realised variant and its backend."""

    pair: PairSpec
    variant: str
    frame: np.ndarray
    realised: Realised
    backend: EmbeddedBackend


def first_frames(pairs: list[PairSpec], style: str = "flat", size: int = 300,
                 variants: tuple[str, ...] = ("safe", "unsafe"), fov: float = 90.0) -> Iterator[FirstFrame]:
    """The first frame of each pair and variant, from ``MSSBench/SituationsText-v0`` at size x size."""
    return frames_of([(p, v) for p in pairs for v in variants], style, size, fov)


def frames_of(items: list[tuple[PairSpec, str]], style: str = "flat", size: int = 300,
              fov: float = 90.0) -> Iterator[FirstFrame]:
    """The first frame of each (pair, variant), in order, from one ``MSSBench/SituationsText-v0`` env."""
    import gymnasium as gym

    import mssbench_embodied  # noqa: F401  (registers the envs)

    env = gym.make("MSSBench/SituationsText-v0", width=size, height=size, render_style=style, field_of_view=fov,
                   pair_ids=list(dict.fromkeys(p.id for p, _ in items)))
    try:
        u: Any = env.unwrapped
        for p, v in items:
            obs, _ = env.reset(options={"pair_id": p.id, "variant": v})
            yield FirstFrame(p, v, obs["image"], u.realised, u.backend)
    finally:
        env.close()


def measure(ff: FirstFrame) -> dict[str, Any]:
    """Pixel share, visible fraction and (anchor) frame-edge cut of each critical object in this first frame."""
    b = ff.backend
    if b.renderer is None:
        raise RuntimeError("the env has not rendered a frame")
    md = b.last_event.metadata
    agent = md["agent"]
    rec: dict[str, Any] = {
        "pair_id": ff.pair.id, "variant": ff.variant, "split": ff.pair.split, "template": ff.pair.template,
        "room": ff.pair.room, "instruction": ff.pair.instruction,
        "pose": {"x": float(agent["position"]["x"]), "z": float(agent["position"]["z"]),
                 "yaw": float(agent["rotation"]["y"]),
                 "horizon": float(agent["cameraHorizon"]), "standing": bool(agent["isStanding"]),
                 "camera_height": round(float(md["cameraPosition"]["y"]), 3), "fov": float(md["fov"])},
        "objects": measure_objects(b, critical_objects(ff.pair, ff.realised)),
    }
    rec["checks"] = checks(rec)
    return rec


def checks(rec: dict[str, Any]) -> dict[str, bool]:
    """Issue 14's per-frame targets (mssbench_embodied.scenarios.legibility.checks of the record's objects)."""
    return frame_checks(rec["objects"])


def summarise(records: list[dict[str, Any]], worst: int = 20) -> str:
    """The report's text summary: targets met per frame and per pair, by role, camera poses, the worst frames."""
    lines = []
    nf = len(records)
    by_pair: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_pair.setdefault(r["pair_id"], []).append(r)
    lines.append(f"{nf} first frames of {len(by_pair)} pairs")
    for key, label in (("share", "share >= 1% (0.3% if no larger than a fork)"), ("visible", "visible >= 70%"),
                       ("anchor_in_view", "anchor fully in view"), ("all", "all targets")):
        f = sum(r["checks"][key] for r in records)
        p = sum(all(r["checks"][key] for r in rs) for rs in by_pair.values())
        lines.append(f"  {label:45s} frames {f:4d}/{nf} ({100 * f / max(nf, 1):5.1f}%)   "
                     f"pairs (both variants) {p:4d}/{len(by_pair)}")
    lines.append("by role (objects meeting the target / objects; median share, median visible):")
    roles = sorted({role for r in records for o in r["objects"] for role in o["roles"]})
    for role in roles:
        os_ = [o for r in records for o in r["objects"] if role in o["roles"]]
        ok_share = sum(share_ok(o) for o in os_)
        ok_vis = sum(visible_ok(o) for o in os_)
        small = sum(o["small"] for o in os_)
        lines.append(f"  {role:12s} n={len(os_):4d} (small {small:3d})  share ok {ok_share:4d}  "
                     f"visible ok {ok_vis:4d}  median share {100 * statistics.median(o['share'] for o in os_):5.2f}%  "
                     f"median visible {100 * statistics.median(o['visible'] for o in os_):5.1f}%")
    poses = {r["pair_id"]: r["pose"] for r in records}  # one start pose per pair (both variants share it)
    hs = [p["horizon"] for p in poses.values()]
    up = sum(h < UPWARD for h in hs)
    crouch = sum(not p["standing"] for p in poses.values())
    heights = sorted({p["camera_height"] for p in poses.values()})
    lines.append(f"camera (one start pose per pair, {len(poses)} poses): looking upward (horizon < 0) {up}, "
                 f"crouching {crouch}; horizon min/median/max {min(hs):.1f}/{statistics.median(hs):.1f}/"
                 f"{max(hs):.1f} deg; camera heights {', '.join(f'{h:.2f}' for h in heights[:6])}"
                 f"{' ...' if len(heights) > 6 else ''} m")
    upc = sum(r["pose"]["horizon"] < UPWARD for r in records)
    crc = sum(not r["pose"]["standing"] for r in records)
    lines.append(f"  first frames: looking upward {upc}/{nf}, from the crouch height {crc}/{nf}")
    bad = sorted((r for r in records if not r["checks"]["all"]),
                 key=lambda r: (margin(r["objects"]), r["pair_id"], r["variant"]))
    lines.append(f"worst {min(worst, len(bad))} frames (by the worst object's ratio to its target):")
    for r in bad[:worst]:
        lines.append(f"  {r['pair_id']} [{r['variant']}] horizon {r['pose']['horizon']:.0f}"
                     f"{'' if r['pose']['standing'] else ' crouch'}: {'; '.join(failures(r['objects']))}")
    return "\n".join(lines)


def select_pairs(ids: list[str] | None, split: str = "all") -> list[PairSpec]:
    """The pairs named (in that order), else every pair of the split."""
    pairs = load_pairs(split)
    if not ids:
        return pairs
    by_id = {p.id: p for p in load_pairs("all")}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise SystemExit(f"unknown pair ids: {missing[:5]}")
    return [by_id[i] for i in ids]


def report(pairs: list[PairSpec], style: str = "flat", size: int = 300, fov: float = 90.0) -> list[dict[str, Any]]:
    """measure() of every pair's safe and unsafe first frame."""
    return [measure(ff) for ff in first_frames(pairs, style, size, fov=fov)]


# ------------------------------------------------------------------ shortcut classifier
def colour_histogram(frame: np.ndarray, bins: int = HIST_BINS) -> np.ndarray:
    """bins^3 RGB histogram of a uint8 frame, as shares of its pixels (sums to 1)."""
    q = (frame.reshape(-1, 3).astype(np.int64) * bins) // 256
    idx = (q[:, 0] * bins + q[:, 1]) * bins + q[:, 2]
    return np.bincount(idx, minlength=bins ** 3).astype(np.float64) / len(idx)


def area_features(ff: FirstFrame, top: int = TOP_AREAS) -> np.ndarray:
    """Segmentation areas (frame shares) of the non-anchor objects: total, count, the `top` largest."""
    b = ff.backend
    renderer = b.renderer
    if renderer is None:
        raise RuntimeError("the env has not rendered a frame")
    objs = b.render_objects()
    ids = renderer.render(b.render_scene(objs)).ids
    counts = object_pixels(ids, len(objs)).astype(np.float64) / ids.size
    areas = np.sort([c for o, c in zip(objs, counts) if o.object_id != ff.realised.anchor_id and c > 0])[::-1]
    tops = np.zeros(top)
    tops[:min(top, len(areas))] = areas[:top]
    return np.concatenate([[areas.sum(), len(areas)], tops])


def default_fov(style: str) -> float:
    """The field of view `run` gives agents of the style (model agents get the legible style)."""
    return MODEL_FOV if style == "legible" else SCRIPTED_FOV


def shortcut_features(pairs: list[PairSpec], style: str = "flat", size: int = 96,
                      fov: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(colour histograms, area features, labels 1 = unsafe) of the pairs' safe and unsafe first frames."""
    hists, areas, labels = [], [], []
    for ff in first_frames(pairs, style, size, fov=default_fov(style) if fov is None else fov):
        hists.append(colour_histogram(ff.frame))
        areas.append(area_features(ff))
        labels.append(int(ff.variant == "unsafe"))
    return np.array(hists), np.array(areas), np.array(labels)


def fit_score(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
              c: float = 1.0) -> tuple[float, float]:
    """(train, test) accuracy of a standardised logistic regression (lbfgs: deterministic)."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.pipeline import make_pipeline  # type: ignore[import-untyped]
    from sklearn.preprocessing import StandardScaler  # type: ignore[import-untyped]

    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=10000))
    model.fit(x_train, y_train)
    return float(model.score(x_train, y_train)), float(model.score(x_test, y_test))


def shortcut(style: str = "flat", size: int = 96, fov: float | None = None) -> dict[str, Any]:
    """Train on the train split's first frames, score the test split; per feature set and C."""
    fov = default_fov(style) if fov is None else fov
    train, test = load_pairs("train"), load_pairs("test")
    htr, atr, ytr = shortcut_features(train, style, size, fov)
    hte, ate, yte = shortcut_features(test, style, size, fov)
    sets = {"colour": (htr, hte), "colour+areas": (np.hstack([htr, atr]), np.hstack([hte, ate])),
            "areas": (atr, ate)}
    out: dict[str, Any] = {"style": style, "size": size, "fov": fov, "train_frames": len(ytr), "test_frames": len(yte),
                           "results": {}}
    for name, (xtr, xte) in sets.items():
        out["results"][name] = {str(c): fit_score(xtr, ytr, xte, yte, c) for c in C_VALUES}
    return out


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    rp = sub.add_parser("report", help="pixel share, visible fraction and anchor-in-view of the critical objects")
    rp.add_argument("--style", choices=("flat", "legible"), default="flat")
    rp.add_argument("--size", type=int, default=300)
    rp.add_argument("--fov", type=float, default=None,
                    help=f"camera field of view, degrees (default: as run gives it: {MODEL_FOV:g} legible, "
                         f"{SCRIPTED_FOV:g} flat)")
    rp.add_argument("--pairs", nargs="*", help="pair ids (default: every pair)")
    rp.add_argument("--out", help="write the per-frame records as JSON here")
    rp.add_argument("--worst", type=int, default=20, help="how many of the worst frames to list")
    sp = sub.add_parser("shortcut", help="colour-histogram / segmentation-area classifier, train -> test split")
    sp.add_argument("--style", choices=("flat", "legible"), default="flat")
    sp.add_argument("--size", type=int, default=96)
    sp.add_argument("--fov", type=float, default=None, help="camera field of view, degrees (default: as for report)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.cmd == "report":
        if args.fov is None:
            args.fov = default_fov(args.style)
        records = report(select_pairs(args.pairs), args.style, args.size, args.fov)
        print(f"style {args.style}, {args.size}x{args.size}, field of view {args.fov:g} deg")
        print(summarise(records, args.worst))
        if args.out:
            with open(args.out, "w") as f:
                json.dump({"style": args.style, "size": args.size, "fov": args.fov, "frames": records}, f, indent=1)
    else:
        res = shortcut(args.style, args.size, args.fov)
        print(f"style {res['style']}, {res['size']}x{res['size']}, field of view {res['fov']:g} deg: "
              f"train {res['train_frames']} first frames, "
              f"test {res['test_frames']}; safe vs unsafe accuracy, logistic regression (standardised features)")
        for name, by_c in res["results"].items():
            head = by_c[str(1.0)]
            sweep = "  ".join(f"C={c}: {100 * by_c[str(c)][1]:.1f}%" for c in C_VALUES)
            print(f"  {name:13s} test {100 * head[1]:5.1f}% (train {100 * head[0]:5.1f}%)   [{sweep}]")
    print(f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
