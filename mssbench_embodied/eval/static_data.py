"""MSSBench's official data layout, read and checked: one item per (entry, variant, query or instruction).

The layout (eric-ai-lab/MSSBench, ``inference.py``): ``DIR/combine.json`` is an object with lists
``chat`` and ``embodied``; images live under ``DIR/chat/`` and ``DIR/embodied/``.

- chat entry: ``safe_image_path``, ``unsafe_image_path``; ``queries`` (if, qc); ``intent`` (ic, ic_cap);
  ``unsafe_image``, the unsafe image's caption (ic_cap; the layout has no safe caption, so the safe
  sample is asked without one, as in the paper's code).
- embodied entry: ``safe``, ``unsafe``; ``safe_instructions`` / ``unsafe_instructions``, parallel lists
  (if, qc); ``safe_instruction`` / ``unsafe_instruction`` (ic, ic_cap); ``observation_safe`` /
  ``observation_unsafe`` captions (ic_cap).

Optional extra fields (written by ``scenes export --format mssbench``): ``pair_id``, ``category``,
``hazard_kind``. Every problem is a ``StaticDataError`` naming the file and the field.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Split = Literal["chat", "embodied"]
SPLITS: tuple[str, ...] = ("chat", "embodied")
INDEX = "combine.json"
VARIANTS = ("safe", "unsafe")


class StaticDataError(ValueError):
    """The data folder does not follow the official layout (the message names the file and the field)."""


@dataclass(frozen=True)
class StaticItem:
    """One question of the static protocol: an image, the text asked about it, and an optional caption."""

    id: str  # "<split>-<entry>-<query>-<variant>", unique in a split
    split: str
    variant: str
    entry: int  # index in combine.json's list
    query: int  # index in the entry's queries / instruction list (0 for the intent settings)
    image: Path  # absolute
    text: str  # the query, intent or instruction
    caption: str | None  # ic_cap only
    pair_id: str
    category: str
    hazard_kind: str


def _where(split: str, i: int, field: str) -> str:
    return f"{INDEX}: {split}[{i}].{field}"


def _str(entry: dict[str, Any], split: str, i: int, field: str) -> str:
    v = entry.get(field)
    if not isinstance(v, str) or not v.strip():
        raise StaticDataError(f"{_where(split, i, field)} must be a non-empty string, got {v!r}"[:300])
    return v


def _strs(entry: dict[str, Any], split: str, i: int, field: str) -> list[str]:
    v = entry.get(field)
    if not isinstance(v, list) or not v or not all(isinstance(s, str) and s.strip() for s in v):
        raise StaticDataError(f"{_where(split, i, field)} must be a non-empty list of non-empty strings"
                              f", got {v!r}"[:300])
    return v


def _image(root: Path, split: str, i: int, field: str, entry: dict[str, Any]) -> Path:
    rel = _str(entry, split, i, field)
    folder = (root / split).resolve()
    path = (folder / rel).resolve()
    if not path.is_relative_to(folder):
        raise StaticDataError(f"{_where(split, i, field)} {rel!r} points outside {split}/")
    if not path.is_file():
        raise StaticDataError(f"{root / split / rel}: image not found ({_where(split, i, field)})")
    return path


def load_index(data_dir: str | Path) -> dict[str, Any]:
    """combine.json of ``data_dir``, checked to be an object whose ``chat`` and ``embodied`` are lists."""
    root = Path(data_dir)
    if not root.is_dir():
        raise StaticDataError(f"{root}: data folder not found")
    index = root / INDEX
    if not index.is_file():
        raise StaticDataError(f"{index}: not found (the official layout has {INDEX} with 'chat' and 'embodied')")
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise StaticDataError(f"{index}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise StaticDataError(f"{index}: must be a JSON object with lists 'chat' and 'embodied'")
    for split in SPLITS:
        if not isinstance(data.get(split), list):
            raise StaticDataError(f"{index}: field '{split}' must be a list, got {type(data.get(split)).__name__}")
    return data


def _extras(entry: dict[str, Any], split: str, i: int) -> tuple[str, str, str]:
    def opt(field: str, default: str) -> str:
        if field not in entry:
            return default
        v = entry[field]
        if not isinstance(v, str) or not v:
            raise StaticDataError(f"{_where(split, i, field)} must be a non-empty string when given, got {v!r}")
        return v

    return opt("pair_id", f"{split}-{i:04d}"), opt("category", split), opt("hazard_kind", "")


def _chat_items(root: Path, i: int, e: dict[str, Any], setting: str) -> list[StaticItem]:
    imgs = {v: _image(root, "chat", i, f"{v}_image_path", e) for v in VARIANTS}
    pair_id, category, kind = _extras(e, "chat", i)
    if setting in ("if", "qc"):
        texts = list(enumerate(_strs(e, "chat", i, "queries")))
        captions: dict[str, str | None] = {"safe": None, "unsafe": None}
    else:
        texts = [(0, _str(e, "chat", i, "intent"))]
        captions = {"safe": None, "unsafe": _str(e, "chat", i, "unsafe_image") if setting == "ic_cap" else None}
    return [StaticItem(f"chat-{i:04d}-{q}-{v}", "chat", v, i, q, imgs[v], text, captions[v], pair_id, category, kind)
            for q, text in texts for v in VARIANTS]


def _embodied_items(root: Path, i: int, e: dict[str, Any], setting: str) -> list[StaticItem]:
    imgs = {v: _image(root, "embodied", i, v, e) for v in VARIANTS}
    pair_id, category, kind = _extras(e, "embodied", i)
    if setting in ("if", "qc"):
        safe, unsafe = _strs(e, "embodied", i, "safe_instructions"), _strs(e, "embodied", i, "unsafe_instructions")
        if len(safe) != len(unsafe):
            raise StaticDataError(f"{_where('embodied', i, 'unsafe_instructions')} must be as long as "
                                  f"safe_instructions ({len(unsafe)} != {len(safe)})")
        pairs = list(enumerate(zip(safe, unsafe)))
    else:
        pairs = [(0, (_str(e, "embodied", i, "safe_instruction"), _str(e, "embodied", i, "unsafe_instruction")))]
    caps: dict[str, str | None] = {v: (_str(e, "embodied", i, f"observation_{v}") if setting == "ic_cap" else None)
                                   for v in VARIANTS}
    out = []
    for q, texts in pairs:
        for v, text in zip(VARIANTS, texts):
            out.append(StaticItem(f"embodied-{i:04d}-{q}-{v}", "embodied", v, i, q, imgs[v], text, caps[v], pair_id,
                                  category, kind))
    return out


def load_items(data_dir: str | Path, split: str, setting: str) -> list[StaticItem]:
    """Every item of ``split`` for ``setting`` (if, qc, ic, ic_cap), in file order, safe before unsafe."""
    if split not in SPLITS:
        raise StaticDataError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    if setting not in ("if", "qc", "ic", "ic_cap"):
        raise StaticDataError(f"setting must be one of if, qc, ic, ic_cap, not {setting!r}")
    root = Path(data_dir)
    data = load_index(root)
    make = _chat_items if split == "chat" else _embodied_items
    items: list[StaticItem] = []
    for i, entry in enumerate(data[split]):
        if not isinstance(entry, dict):
            raise StaticDataError(f"{INDEX}: {split}[{i}] must be an object, got {type(entry).__name__}")
        items += make(root, i, entry, setting)
    if not items:
        raise StaticDataError(f"{root / INDEX}: the '{split}' list is empty")
    return items
