"""Regenerate the pictures in docs/img/ with `python -m mssbench_embodied.scenes render` and `sheet`.

Usage: python scripts/make_images.py [--out-dir docs/img] [--check]

Each pair_*.png is one situation pair rendered side by side (left: safe variant, right: unsafe
variant), exactly as `scenes render ID --out FILE` draws it; sheet_grid.png is a contact-sheet grid
of a few pairs, as `scenes sheet --png FILE --pairs ...` draws it (flat style, the default).
`--check` renders into a temporary folder and exits 1 when a committed image differs from a fresh
render by more than a small tolerance (renderers on other machines may differ in a few edge pixels).
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
# docs/img/<file name> -> the `scenes sheet` arguments of a contact-sheet grid
GRIDS: dict[str, list[str]] = {
    "sheet_grid.png": ["--cols", "3", "--size", "160", "--pairs",
                       "candle_flammable.living_room_a.Cloth",
                       "faucet_electronics.kitchen_b.CellPhone-Mug",
                       "microwave_metal.kitchen_b.Potato-ButterKnife",
                       "sharp_on_sofa.living_room_b.Book-Knife",
                       "stove_flammable.kitchen_b.Cloth-Pan",
                       "fill_container_electronics.kitchen_b.Kettle-CellPhone"],
}
# a pixel counts as changed when a channel differs by more than PIXEL_TOL; the check fails when
# more than SHARE_TOL of the pixels changed
PIXEL_TOL = 24
SHARE_TOL = 0.01


def render(name: str, out: Path) -> None:
    """Draw one docs/img picture with the public `scenes render` or `scenes sheet` command."""
    argv = ["render", IMAGES[name], "--out", str(out)] if name in IMAGES else ["sheet", "--png", str(out), *GRIDS[name]]
    with contextlib.redirect_stdout(io.StringIO()):
        code = scenes_main(argv)
    if code != 0:
        raise SystemExit(f"scenes {' '.join(argv)} failed with exit code {code}")


def shows(name: str) -> str:
    """What a picture shows: its pair, or its grid's pairs."""
    return IMAGES[name] if name in IMAGES else ", ".join(GRIDS[name][GRIDS[name].index("--pairs") + 1:])


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
        for name in [*IMAGES, *GRIDS]:
            render(name, args.out_dir / name)
            print(f"wrote {args.out_dir / name}: {shows(name)} (left safe, right unsafe)")
        return 0
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in [*IMAGES, *GRIDS]:
            fresh = Path(tmp) / name
            render(name, fresh)
            share = changed_share(args.out_dir / name, fresh)
            status = "ok" if share <= SHARE_TOL else "DIFFERS"
            bad += status != "ok"
            print(f"{status:8s} {name}: {share:.1%} of pixels differ from a fresh render of {shows(name)}")
    if bad:
        print("regenerate with: python scripts/make_images.py", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
