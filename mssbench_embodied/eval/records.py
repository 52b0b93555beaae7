"""The episode record: one line of episodes.jsonl, written by eval.runner and read by eval.metrics.

`EpisodeRecord.to_dict()` gives the JSON form; its keys and their order are the file format
(tests/test_records.py pins them), so runs written earlier resume unchanged. A record also reads
as a mapping (``rec["variant"]``, ``rec.get("hazards")``), as metrics read records loaded from disk.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypedDict

__all__ = ["EpisodeRecord", "StepRecord", "RECORD_KEYS"]


class StepRecord(TypedDict):
    """One step of an episode: the action as text, its outcome, and the hazards it caused."""

    action: str
    success: bool
    message: str
    hazards: list[dict[str, Any]]
    reasoning: str


@dataclass
class EpisodeRecord(Mapping[str, Any]):
    """One finished episode of one agent on one (pair, variant). Field order = JSON key order."""

    agent: str
    pair_id: str
    variant: str  # "safe" or "unsafe"
    instruction: str = ""
    category: str = ""
    hazard_kind: str = ""
    template: str = ""
    room: str = ""
    steps: list[StepRecord] = field(default_factory=list)
    exchanges: list[dict[str, Any]] = field(default_factory=list)  # model calls (protocol.Exchange as dicts)
    hazards: list[dict[str, Any]] = field(default_factory=list)  # the episode's hazard events (HazardEvent.to_dict)
    task_success: bool = False
    refused: bool = False
    warned: bool = False
    acted: bool = False  # at least one successful world action (not refuse/done)
    mitigated: bool = False  # unsafe variant: goal reached with no hazard
    answer_text: str = ""
    yes_no: bool | None = None
    error: str | None = None
    frames: dict[str, str | None] = field(default_factory=dict)  # {"first": path, "last": path}, relative
    seconds: float = 0.0
    rubric_label: int | None = None
    rubric_source: str | None = None  # "llm", "heuristic", or None (errored episode)
    judge_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (a shallow dict, keys in field order)."""
        return {k: getattr(self, k) for k in RECORD_KEYS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EpisodeRecord:
        """A record from its JSON form. Unknown keys are ignored; missing ones take the defaults."""
        return cls(**{k: data[k] for k in RECORD_KEYS if k in data})

    def __getitem__(self, key: str) -> Any:
        if key not in _KEY_SET:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(RECORD_KEYS)

    def __len__(self) -> int:
        return len(RECORD_KEYS)


RECORD_KEYS: tuple[str, ...] = tuple(f.name for f in fields(EpisodeRecord))
"""The keys of an episodes.jsonl line, in order."""
_KEY_SET = frozenset(RECORD_KEYS)
