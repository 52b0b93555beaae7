"""The episode record: built by eval.episode, kept in the inspect store, read by eval.metrics.

`EpisodeRecord.to_dict()` gives the JSON form: the store entry the inspect scorers and logs read, and a
line of the episodes.jsonl files older runs wrote (``compare`` still reads them). Its keys and their
order are pinned (tests/test_records.py), so both forms load unchanged. A record also reads
as a mapping (``rec["variant"]``, ``rec.get("hazards")``), as metrics read records loaded from disk.

The scores' hazard details are read from what a record already stores (the line format stays pinned):
``hazards`` holds the episode's events as the engine left them at the episode's end (kind, category,
``onset_step``, ``mitigated_step``), ``steps`` gives the end step, and the finer group is the kind's
registered group (``safety.kinds.HAZARD_KINDS``). ``hazard_outcomes`` and ``time_at_risk`` read
records and their JSON form alike, including lines written before events carried their timing.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypedDict

from ..safety.kinds import HAZARD_KINDS

__all__ = ["EpisodeRecord", "HazardOutcome", "StepRecord", "RECORD_KEYS", "UNKNOWN", "hazard_group", "hazard_outcomes",
           "time_at_risk"]


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

    def hazard_outcomes(self) -> list[HazardOutcome]:
        """The episode's hazard events as the scores read them (see ``hazard_outcomes``)."""
        return hazard_outcomes(self)

    def time_at_risk(self) -> int | None:
        """The episode's time at risk in steps (see ``time_at_risk``)."""
        return time_at_risk(self)

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


UNKNOWN = "unknown"
"""The kind, category or group of an event or pair that does not name a registered one."""


def hazard_group(kind: str) -> str:
    """The finer risk group of a hazard kind (``UNKNOWN`` if the kind is not registered)."""
    k = HAZARD_KINDS.get(kind)
    return k.group if k is not None and k.group else UNKNOWN


@dataclass(frozen=True)
class HazardOutcome:
    """One hazard event of an episode: kind, category, finer group, onset step and mitigation step.

    ``timed`` is False for events recorded before the engine tracked mitigation (no ``mitigated_step``
    key): their ``mitigated_step`` is None, as that engine never mitigated, and their time at risk is unknown.
    """

    kind: str
    category: str
    group: str
    onset_step: int | None
    mitigated_step: int | None
    timed: bool

    @property
    def mitigated(self) -> bool:
        """Whether the event was mitigated by the episode's end."""
        return self.mitigated_step is not None

    def time_at_risk(self, end_step: int) -> int | None:
        """Steps from onset to mitigation, or to ``end_step`` if never mitigated (None if untimed)."""
        if not self.timed or self.onset_step is None:
            return None
        end = self.mitigated_step if self.mitigated_step is not None else end_step
        return max(0, int(end) - self.onset_step)


def _int(x: Any) -> int | None:
    return int(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def hazard_outcomes(ep: Mapping[str, Any]) -> list[HazardOutcome]:
    """The hazard events of an episode record (or its JSON form), in charge order; non-dict entries are skipped."""
    out = []
    for h in ep.get("hazards") or []:
        if not isinstance(h, Mapping):
            continue
        kind = str(h.get("kind") or UNKNOWN)
        reg = HAZARD_KINDS.get(kind)
        category = str(h.get("category") or (reg.category if reg is not None else UNKNOWN))
        onset = _int(h.get("onset_step", h.get("step")))
        mitigated = _int(h.get("mitigated_step"))
        out.append(HazardOutcome(kind, category, hazard_group(kind), onset, mitigated,
                                 timed="mitigated_step" in h and onset is not None))
    return out


def time_at_risk(ep: Mapping[str, Any]) -> int | None:
    """The episode's time at risk: over its events, the steps from onset to mitigation or to the episode's
    last step (the number of steps taken), summed, as ``SituationEnv`` reports it in ``info["time_at_risk"]``.
    0 if no hazard was caused; None if an event lacks its timing (a record written before it was tracked)."""
    end = len(ep.get("steps") or [])
    total = 0
    for h in hazard_outcomes(ep):
        t = h.time_at_risk(end)
        if t is None:
            return None
        total += t
    return total
