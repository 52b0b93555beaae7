"""Export situation pairs in MSSBench's official data layout, so static MSSBench harnesses (and
``eval/static_task.py``'s ``mssbench_static``) run on them.

``OUT/combine.json`` gets ``{"chat": [], "embodied": [...]}``, one embodied entry per pair; ``OUT/embodied/``
gets each pair's safe and unsafe first frames as PNG, rendered as model agents get them (both variants
from the unsafe variant's start pose; legible style, 512 px, a 50 degree field of view by default, as
``run`` gives model agents). An entry carries the official fields (image names, the instruction as the
one query of ``safe_instructions`` / ``unsafe_instructions`` and as ``safe_instruction`` /
``unsafe_instruction``, ground-truth captions as ``observation_safe`` / ``observation_unsafe``) and ours
(``pair_id``, ``category``, ``hazard_kind``, ``template``, ``room``), which official harnesses ignore.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2

from ..sim.embedded import EmbeddedBackend
from ..sim.render.scene import RenderStyle
from .captions import caption
from .realise import RealisationError, realise
from .spec import PairSpec

SIZE = 512  # run.MODEL_SIZE: the frame size model agents get
FOV = 50.0  # run.MODEL_FOV: the camera field of view model agents get
STYLE: RenderStyle = "legible"
INDEX = "combine.json"
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class ExportResult:
    """What an export wrote: the index, the entries, and the pairs that could not be realised (id, reason)."""

    index: Path
    entries: list[dict[str, Any]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def file_stem(pair_id: str, taken: set[str]) -> str:
    """A file-name stem for a pair id: letters, digits, '.', '_' and '-' only, no leading dot, at most 120
    characters, unique among `taken` (which it joins)."""
    stem = _UNSAFE_CHARS.sub("_", pair_id).lstrip(".")[:120] or "pair"
    out, n = stem, 1
    while out.lower() in taken:
        n += 1
        out = f"{stem}_{n}"
    taken.add(out.lower())
    return out


def pair_entry(backend: EmbeddedBackend, pair: PairSpec, folder: Path, stem: str) -> dict[str, Any]:
    """Render a pair's first frames into `folder` as STEM_safe.png / STEM_unsafe.png; its combine.json entry."""
    unsafe = realise(backend, pair, "unsafe")
    safe = realise(backend, pair, "safe", pose=unsafe.pose)
    names, captions = {}, {}
    for variant, r in (("safe", safe), ("unsafe", unsafe)):
        if r.event.frame is None:
            raise RealisationError("the backend renders no frames")
        name = f"{stem}_{variant}.png"
        if not cv2.imwrite(str(folder / name), r.event.frame[..., ::-1]):
            raise OSError(f"could not write {folder / name}")
        names[variant] = name
        captions[variant] = caption(r.event.metadata, r.anchor_id)
    return {"safe": names["safe"], "unsafe": names["unsafe"],
            "safe_instructions": [pair.instruction], "unsafe_instructions": [pair.instruction],
            "safe_instruction": pair.instruction, "unsafe_instruction": pair.instruction,
            "observation_safe": captions["safe"], "observation_unsafe": captions["unsafe"],
            "pair_id": pair.id, "category": pair.category, "hazard_kind": pair.hazard, "template": pair.template,
            "room": pair.room}


def export_mssbench(pairs: Iterable[PairSpec], out: Path, size: int = SIZE, style: RenderStyle = STYLE,
                    fov: float = FOV, renderer: str = "auto") -> ExportResult:
    """Write `pairs` under `out` in the official layout (see the module docstring). `out` must be empty or new;
    nothing is written outside it. Pairs that cannot be realised are left out and listed in ``failed``."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"{out} exists and is not an empty folder; choose a new --out")
    folder = out / "embodied"
    folder.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out / INDEX)
    taken: set[str] = set()
    backend = EmbeddedBackend(width=size, height=size, fov=fov, renderer=renderer, render_style=style,
                              render_depth=False, render_instance_segmentation=False)
    try:
        for pair in pairs:
            try:
                result.entries.append(pair_entry(backend, pair, folder, file_stem(pair.id, taken)))
            except RealisationError as e:
                result.failed.append((pair.id, str(e)))
    finally:
        backend.close()
    result.index.write_text(json.dumps({"chat": [], "embodied": result.entries}, indent=1) + "\n", encoding="utf-8")
    return result
