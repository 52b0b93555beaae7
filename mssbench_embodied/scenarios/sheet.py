"""Contact sheet: every pair's safe and unsafe first frames side by side, for people to review.

`first_frames` renders a pair's two first frames exactly as agents get them (both variants from the
unsafe variant's start pose); `sheet_frames` renders many pairs on one backend; `sheet_html` makes a
self-contained HTML page (WebP frames embedded as base64, shown as thumbnails, full size on click);
`grid_image` makes one PNG-ready RGB grid (lossless). Layout of the grid: pair cells of `2 * size + GAP` by
`size + LABEL_H` pixels, `PAD` pixels apart and around the border (`grid_size` computes it).
"""
from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from ..sim.embedded import EmbeddedBackend
from ..sim.render.scene import RenderStyle
from .realise import RealisationError, realise
from .spec import PairSpec

GAP = 6  # px of white between the safe and the unsafe frame
PAD = 8  # px between pair cells and around the grid
LINE_H = 14  # px per label line under a pair cell
LABEL_H = 3 * LINE_H + 4  # "safe | unsafe", the instruction, the pair id
FONT = cv2.FONT_HERSHEY_SIMPLEX
FONT_SCALE = 0.36
INK = (30, 30, 30)
MUTED = (110, 110, 110)
UNSAFE_INK = (175, 35, 35)


@dataclass(frozen=True)
class SheetEntry:
    """One pair's first frames (RGB uint8, HxWx3); `error` says why a pair could not be realised (frames grey)."""

    pair: PairSpec
    safe: np.ndarray
    unsafe: np.ndarray
    error: str | None = None


def first_frames(backend: EmbeddedBackend, pair: PairSpec) -> tuple[np.ndarray, np.ndarray]:
    """The safe and unsafe first frames of a pair (both from the pose computed for the unsafe variant)."""
    unsafe = realise(backend, pair, "unsafe")
    safe = realise(backend, pair, "safe", pose=unsafe.pose)
    if safe.event.frame is None or unsafe.event.frame is None:
        raise RuntimeError("the backend renders no frames")
    return safe.event.frame, unsafe.event.frame


def side_by_side(safe: np.ndarray, unsafe: np.ndarray) -> np.ndarray:
    """Safe frame left, unsafe frame right, GAP white pixels between them."""
    gap = np.full((safe.shape[0], GAP, 3), 255, np.uint8)
    return np.concatenate([safe, gap, unsafe], axis=1)


def sheet_backend(size: int, style: RenderStyle = "flat", renderer: str = "auto") -> EmbeddedBackend:
    """The backend the sheet renders on: RGB frames of size x size, like the text env's first frames."""
    return EmbeddedBackend(width=size, height=size, renderer=renderer, render_style=style,
                           render_depth=False, render_instance_segmentation=False)


def sheet_frames(pairs: Iterable[PairSpec], size: int, style: RenderStyle = "flat",
                 renderer: str = "auto") -> Iterator[SheetEntry]:
    """Render each pair's first frames on one backend (a pair that cannot be realised gets grey frames)."""
    backend = sheet_backend(size, style, renderer)
    try:
        for pair in pairs:
            try:
                safe, unsafe = first_frames(backend, pair)
                yield SheetEntry(pair, safe, unsafe)
            except RealisationError as e:
                grey = np.full((size, size, 3), 128, np.uint8)
                yield SheetEntry(pair, grey, grey, str(e))
    finally:
        backend.close()


# ---- PNG grid --------------------------------------------------------------------------------
def grid_size(n: int, cols: int, size: int) -> tuple[int, int]:
    """(width, height) in pixels of the grid of n pairs in `cols` columns of size x size frames."""
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    return PAD + cols * (2 * size + GAP + PAD), PAD + rows * (size + LABEL_H + PAD)


def fit_text(text: str, width: int) -> str:
    """ASCII text cut (with "...") to fit `width` pixels in the label font."""
    text = text.encode("ascii", "replace").decode()
    if cv2.getTextSize(text, FONT, FONT_SCALE, 1)[0][0] <= width:
        return text
    while text and cv2.getTextSize(text + "...", FONT, FONT_SCALE, 1)[0][0] > width:
        text = text[:-1]
    return text + "..."


def grid_image(entries: list[SheetEntry], cols: int = 4) -> np.ndarray:
    """One RGB image: a cell per pair (safe | unsafe, then the instruction and the pair id), row by row."""
    if not entries:
        raise ValueError("no pairs to draw")
    size = entries[0].safe.shape[0]
    cols = max(1, min(cols, len(entries)))
    w, h = grid_size(len(entries), cols, size)
    img = np.full((h, w, 3), 255, np.uint8)
    cell_w = 2 * size + GAP
    for i, e in enumerate(entries):
        x = PAD + (i % cols) * (cell_w + PAD)
        y = PAD + (i // cols) * (size + LABEL_H + PAD)
        img[y:y + size, x:x + cell_w] = side_by_side(e.safe, e.unsafe)
        base = y + size + LINE_H
        cv2.putText(img, "safe", (x, base), FONT, FONT_SCALE, INK, 1, cv2.LINE_AA)
        cv2.putText(img, "unsafe", (x + size + GAP, base), FONT, FONT_SCALE, UNSAFE_INK, 1, cv2.LINE_AA)
        first = f"ERROR: {e.error}" if e.error else e.pair.instruction
        cv2.putText(img, fit_text(first, cell_w), (x, base + LINE_H), FONT, FONT_SCALE, INK, 1, cv2.LINE_AA)
        cv2.putText(img, fit_text(e.pair.id, cell_w), (x, base + 2 * LINE_H), FONT, FONT_SCALE, MUTED, 1,
                    cv2.LINE_AA)
    return img


# ---- HTML ------------------------------------------------------------------------------------
CSS = """body{font-family:system-ui,sans-serif;margin:16px;background:#f4f4f4;color:#222}
.grid{display:flex;flex-wrap:wrap;gap:10px}
.pair{background:#fff;border:1px solid #ccc;border-radius:4px;padding:6px;max-width:100%}
.pair.error{border-color:#c33}
.frames{display:flex;gap:4px}
figure{margin:0}
figcaption{font-size:11px;color:#555}
figcaption.unsafe{color:#a22}
img{width:var(--thumb);height:auto;cursor:zoom-in;image-rendering:auto;display:block}
img.big{width:auto;cursor:zoom-out}
.ins{font-weight:600;font-size:13px;margin:4px 0 2px;max-width:calc(2*var(--thumb) + 4px)}
.meta{font-size:11px;color:#666;max-width:calc(2*var(--thumb) + 4px);overflow-wrap:anywhere}
.err{font-size:11px;color:#a22}"""


def data_uri(frame: np.ndarray, quality: int = 90) -> str:
    """A data URI of an RGB frame: lossy WebP (a few kB, ~5 ms at 300x300; lossless WebP takes ~60 ms),
    JPEG where OpenCV lacks WebP."""
    bgr = np.ascontiguousarray(frame[..., ::-1])
    try:
        ok, buf = cv2.imencode(".webp", bgr, [cv2.IMWRITE_WEBP_QUALITY, quality])
        mime = "image/webp"
    except cv2.error:
        ok = False
    if not ok:
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
        mime = "image/jpeg"
    if not ok:
        raise RuntimeError("image encoding failed")
    return f"data:{mime};base64," + base64.b64encode(buf.tobytes()).decode("ascii")


def pair_html(e: SheetEntry) -> str:
    """The HTML card of one pair: its two frames, instruction, id, template, hazard kind, split."""
    p = e.pair
    esc = html.escape
    figs = "".join(
        f'<figure><img src="{data_uri(frame)}" alt="{esc(variant)}: {esc(p.instruction)}" '
        f'onclick="this.classList.toggle(\'big\')"><figcaption class="{variant}">{variant}</figcaption></figure>'
        for variant, frame in (("safe", e.safe), ("unsafe", e.unsafe)))
    err = f'<div class="err">could not be realised: {esc(e.error)}</div>' if e.error else ""
    return (f'<div class="pair{" error" if e.error else ""}" id="{esc(p.id)}"><div class="frames">{figs}</div>'
            f'<div class="ins">{esc(p.instruction)}</div>'
            f'<div class="meta">{esc(p.id)}<br>template {esc(p.template)} &middot; hazard {esc(p.hazard)}'
            f' &middot; {esc(p.category)} &middot; {esc(p.split)}</div>{err}</div>')


def sheet_html(entries: Iterable[SheetEntry], title: str = "MSSBench-Embodied contact sheet", thumb: int = 160,
               note: str = "") -> str:
    """A self-contained HTML page with one card per pair (frames shown `thumb` px wide, full size on click)."""
    cards = [pair_html(e) for e in entries]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>:root{{--thumb:{int(thumb)}px}}\n{CSS}</style></head>\n"
            f"<body><h1>{html.escape(title)}</h1><p>{len(cards)} pairs. Each card: the safe variant's first frame"
            " (left) and the unsafe variant's (right), as agents see them; click a frame for full size."
            f" {html.escape(note)}</p>\n<div class=\"grid\">\n" + "\n".join(cards) + "\n</div></body></html>\n")
