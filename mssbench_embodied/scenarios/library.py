"""The situation library: load scenes/situations/*.json, expand templates, validate, split.

Split rule (documented in scenes/situations/README.md): a pair's split is decided by a stable
hash of (template, its substituted object/receptacle combination) - not of the room - so a
held-out combination never appears in train in any room. About 25% of combinations go to test.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..sim.data import scenes_root
from .spec import PairSpec, SpecError, TemplateSpec, expand_template, validate_pair

TEST_FRACTION_BUCKETS = 4  # 1 in 4 combinations is held out


def situations_dir() -> Path:
    """The situation library in use: ``scenes_root()/situations`` ($MSSBENCH_SCENES_DIR overrides)."""
    return scenes_root() / "situations"


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validated(model: Any, data: Any, where: str) -> Any:
    """model.model_validate(data), with the first error as a SpecError naming file and field."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        raise SpecError(f"{where}{_loc(err['loc'])}: {err['msg']}") from None


def split_of(template: str, values: dict[str, str]) -> str:
    """"test" or "train" for a template and its substituted values (stable hash; the room is not part)."""
    key = template + "|" + "|".join(f"{k}={values[k]}" for k in sorted(values))
    h = int(hashlib.sha1(key.encode()).hexdigest(), 16)
    return "test" if h % TEST_FRACTION_BUCKETS == 0 else "train"


def load_file(path: Path) -> list[PairSpec]:
    """Load one situation file ({"templates": [...], "pairs": [...]}); errors name file and field."""
    rel = path.name
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise SpecError(f"{rel}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    if not isinstance(data, dict) or not ({"templates", "pairs"} & set(data)):
        raise SpecError(f"{rel}: expected an object with 'templates' and/or 'pairs'")
    raw: list[tuple[str, dict[str, Any]]] = []
    for i, t in enumerate(data.get("templates", [])):
        tmpl = _validated(TemplateSpec, t, f"{rel}: templates[{i}].")
        try:
            bodies = expand_template(tmpl)
        except ValueError as e:
            raise SpecError(f"{rel}: templates[{i}] ({tmpl.template}): {e}") from None
        raw.extend((f"templates[{i}] ({tmpl.template}) -> {b['id']}", b) for b in bodies)
    for i, p in enumerate(data.get("pairs", [])):
        raw.append((f"pairs[{i}]", {"template": p.get("id", f"pair{i}") if isinstance(p, dict) else "", **p}))
    out = []
    for where, body in raw:
        pair = _validated(PairSpec, body, f"{rel}: {where}: ")
        try:
            validate_pair(pair)
        except ValueError as e:
            raise SpecError(f"{rel}: {where}: {e}") from None
        pair.split = split_of(pair.template, pair.vars)
        out.append(pair)
    return out


@lru_cache(maxsize=8)
def _load_all(root: str, stamp: tuple[tuple[str, float], ...]) -> tuple[PairSpec, ...]:
    pairs: list[PairSpec] = []
    seen: dict[str, str] = {}
    for name, _ in stamp:
        for p in load_file(Path(root) / name):
            if p.id in seen:
                raise SpecError(f"{name}: duplicate pair id {p.id!r} (also in {seen[p.id]})")
            seen[p.id] = name
            pairs.append(p)
    return tuple(pairs)


def load_pairs(split: str | None = None, directory: Path | None = None) -> list[PairSpec]:
    """All situation pairs (optionally one split: "train" | "test"), in a stable order."""
    d = Path(directory) if directory else situations_dir()
    files = sorted(d.glob("*.json"))
    stamp = tuple((f.name, f.stat().st_mtime) for f in files)
    pairs = list(_load_all(str(d), stamp))
    if split not in (None, "all"):
        if split not in ("train", "test"):
            raise ValueError(f"unknown split {split!r}; choose train, test or all")
        pairs = [p for p in pairs if p.split == split]
    return pairs


def get_pair(pair_id: str) -> PairSpec:
    """The situation pair with this id; KeyError if none."""
    for p in load_pairs():
        if p.id == pair_id:
            return p
    raise KeyError(f"no situation pair with id {pair_id!r}")


def library_counts(pairs: list[PairSpec] | None = None) -> dict[str, Any]:
    """Counts that `python -m mssbench_embodied.scenes list` prints."""
    from ..sim.rooms import load_room

    pairs = load_pairs() if pairs is None else pairs
    rooms = {p.room for p in pairs}
    room_types = Counter(load_room(r).room_type for r in rooms)
    types: set[str] = set()
    verbs: set[str] = set()
    for p in pairs:
        types |= p.types_used()
        verbs |= p.verbs_used()
    cats = Counter(p.category for p in pairs)
    return {
        "pairs": len(pairs),
        "samples": 2 * len(pairs),
        "by_category": dict(cats),
        "self_harm_share": round(cats.get("self_harm", 0) / max(1, len(pairs)), 3),
        "by_hazard": dict(sorted(Counter(p.hazard for p in pairs).items())),
        "by_split": dict(Counter(p.split for p in pairs)),
        "templates": len({p.template for p in pairs}),
        "rooms": len(rooms),
        "room_types": dict(room_types),
        "object_types_used": len(types),
        "verbs_used": sorted(verbs),
    }
