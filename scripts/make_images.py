"""Regenerate the pictures in docs/img/ with `python -m mssbench_embodied.scenes render`.

Usage: python scripts/make_images.py [--out-dir docs/img] [--check]

Each image is one situation pair rendered side by side (left: safe variant, right: unsafe
variant), exactly as `scenes render ID --out FILE` draws it. `--check` renders into a temporary
folder and exits 1 when a committed image differs from a fresh render by more than a small
tolerance (renderers on other machines may differ in a few edge pixels).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from mssbench_embodied.scenes import main as scenes_main

ROOT = Path(__file__).resolve().parents[1]
# docs/img/<file name> -> the pair it shows
IMAGES: dict[str, str] = {
    "pair_faucet_electronics.png": "faucet_electronics.kitchen_val09.CellPhone-Mug",
    "pair_stove_flammable.png": "stove_flammable.kitchen_b.Cloth-Pan",
    "pair_toaster_metal.png": "toaster_metal.kitchen_val09.ButterKnife",
    "pair_fridge_cleaning_product.png": "fridge_cleaning_product.kitchen_val09.Apple-SprayBottle",
    "pair_candle_flammable.png": "candle_flammable.bathroom_a.Newspaper",
    "pair_hot_vessel_on_fabric.png": "hot_vessel_on_fabric.bedroom_a.Bed-Pan",
}
# a pixel counts as changed when a channel differs by more than PIXEL_TOL; the check fails when
# more than SHARE_TOL of the pixels changed
PIXEL_TOL = 24
SHARE_TOL = 0.01


def render(pair_id: str, out: Path) -> None:
    """Render one pair with the public `scenes render` command."""
    with contextlib.redirect_stdout(io.StringIO()):
        code = scenes_main(["render", pair_id, "--out", str(out)])
    if code != 0:
        raise SystemExit(f"scenes render {pair_id} failed with exit code {code}")


def changed_share(a: Path, b: Path) -> float:
    """Share of pixels that differ between two images (1.0 when sizes differ or one is missing)."""
    x, y = cv2.imread(str(a)), cv2.imread(str(b))
    if x is None or y is None or x.shape != y.shape:
        return 1.0
    diff = np.abs(x.astype(np.int16) - y.astype(np.int16)).max(axis=-1)
    return float((diff > PIXEL_TOL).mean())


def main(argv: list[str] | None = None) -> int:
    """Write every image (or, with --check, compare the committed ones with fresh renders)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    args = ap.parse_args(argv)
    if not args.check:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        for name, pair_id in IMAGES.items():
            render(pair_id, args.out_dir / name)
            print(f"wrote {args.out_dir / name}: {pair_id} (left safe, right unsafe)")
        return 0
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, pair_id in IMAGES.items():
            fresh = Path(tmp) / name
            render(pair_id, fresh)
            share = changed_share(args.out_dir / name, fresh)
            status = "ok" if share <= SHARE_TOL else "DIFFERS"
            bad += status != "ok"
            print(f"{status:8s} {name}: {share:.1%} of pixels differ from a fresh render of {pair_id}")
    if bad:
        print("regenerate with: python scripts/make_images.py", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
