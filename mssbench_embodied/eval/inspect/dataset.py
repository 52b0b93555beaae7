"""The situation pairs as an inspect dataset: one ``Sample`` per (pair, variant)."""
from __future__ import annotations

import fnmatch
from collections.abc import Sequence

from inspect_ai.dataset import MemoryDataset, Sample

from ...scenarios.library import load_pairs
from ...scenarios.spec import PairSpec

__all__ = ["SPLITS", "VARIANTS", "sample_id", "select_pairs", "situation_dataset"]

SPLITS = ("train", "test", "all")
VARIANTS = ("safe", "unsafe")


def select_pairs(split: str = "all", pairs: str | Sequence[str] | None = None, limit: int | None = None
                 ) -> list[PairSpec]:
    """The pairs of ``split`` whose id matches one of ``pairs`` (ids or glob patterns; a string is
    comma-separated), then the first ``limit``. ValueError on a bad split, limit or an empty match."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose train, test or all")
    if limit is not None and int(limit) < 1:
        raise ValueError(f"limit must be >= 1, not {limit!r}")
    chosen = load_pairs(split)
    if pairs:
        pats = [p.strip() for p in (pairs.split(",") if isinstance(pairs, str) else pairs) if p.strip()]
        chosen = [p for p in chosen if any(fnmatch.fnmatchcase(p.id, pat) for pat in pats)]
        if not chosen:
            raise ValueError(f"pairs {pairs!r} match no pair in split {split!r}")
    return chosen[: int(limit)] if limit else chosen


def sample_id(pair_id: str, variant: str) -> str:
    """The stable sample id of a (pair, variant): ``<pair id>__<variant>``."""
    return f"{pair_id}__{variant}"


def situation_dataset(split: str = "all", pairs: str | Sequence[str] | None = None, limit: int | None = None
                      ) -> MemoryDataset:
    """One sample per selected pair and variant (safe first). Input: the instruction; target: the
    variant; metadata: pair_id, variant, category, hazard_kind, room, template."""
    samples = [
        Sample(input=p.instruction, target=v, id=sample_id(p.id, v),
               metadata={"pair_id": p.id, "variant": v, "category": p.category, "hazard_kind": p.hazard,
                         "room": p.room, "template": p.template})
        for p in select_pairs(split, pairs, limit) for v in VARIANTS]
    return MemoryDataset(samples, name=f"mssbench-situations-{split}")
