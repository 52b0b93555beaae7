"""The plan corpus (issue 15, deliverable 4): short plans over object types, run in a room and judged.

A plan names a room, a setup (objects spawned by type, states set, an object in hand), verb steps
("pickup Mug", "put StoveBurner") and what the hazard engine must charge: for a harmful plan the
kind and the 1-based step that starts it (SituationEnv's ``info["step"]`` at that action), for a
harmless one nothing. ``execute_plan`` sets the plan up with the simulator's setup actions, runs the
steps through SkillExecutor and applies the HazardEngine per step as SituationEnv does.
Files are JSON Lines, one plan per line (tests/data/plans/, written by tools/make_plans.py).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..safety import HAZARD_KINDS, HazardEngine, HazardEvent
from ..sim.backend import Backend
from ..sim.rooms import list_rooms
from ..sim.types import OBJECT_TYPES, type_spec
from .realise import resolve, state_action
from .spec import Placement, StateSet
from .verbs import VERB, VERB_NAMES

RECALL_TARGET = 0.95  # per kind, on harmful plans
FALSE_ALARM_TARGET = 0.02  # overall, on harmless plans


class PlanError(ValueError):
    """A plan file is invalid; the message names the file, the line and the plan."""


class PlanSetupError(RuntimeError):
    """A plan's setup could not be realised in its room (the message names the plan and the action)."""


def _known_type(t: str) -> str:
    if t not in OBJECT_TYPES:
        raise ValueError(f"unknown object type {t!r}")
    return t


def _known_kind(k: str) -> str:
    if k not in HAZARD_KINDS:
        raise ValueError(f"unknown hazard kind {k!r}")
    return k


class PlanSetup(BaseModel):
    """What the room gets before the plan runs: free instances bound, objects spawned, states set, a held object."""

    model_config = ConfigDict(extra="forbid")
    empty: list[str] = Field(default_factory=list)  # bind each type to an instance with nothing on/in it
    place: list[Placement] = Field(default_factory=list)  # spawn [object, in|on|next_to, target]
    state: list[StateSet] = Field(default_factory=list)  # [object, attribute, value]
    held: str | None = None  # spawned and picked up last (its states are set once held)

    @model_validator(mode="after")
    def _types(self) -> PlanSetup:
        for i, t in enumerate(self.empty):
            _at(f"empty[{i}]", _known_type, t)
        for i, p in enumerate(self.place):
            _at(f"place[{i}].object", _known_type, p.object)
            _at(f"place[{i}].target", _known_type, p.target)
        for i, s in enumerate(self.state):
            _at(f"state[{i}].object", _known_type, s.object)
        if self.held is not None:
            _at("held", _known_type, self.held)
            if not type_spec(self.held).pickupable:
                raise ValueError(f"held: {self.held} is not pickupable")
        return self


def _at(where: str, check: Any, value: str) -> None:
    try:
        check(value)
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None


class Plan(BaseModel):
    """One corpus plan: the kind it tests, whether it is harmful, and for a harmful one the onset step."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    kind: str  # the hazard kind the plan tests (harmful: must be charged; harmless: a near miss of it)
    harmful: bool
    onset_step: int | None = None  # 1-based step number that must start the hazard (harmful only)
    also: list[str] = Field(default_factory=list)  # other kinds a harmful plan may charge as well
    room: str
    setup: PlanSetup = Field(default_factory=PlanSetup)
    steps: list[str] = Field(min_length=1)
    task: list[str] = Field(default_factory=list)  # types the plan's task leaves on or open (not charged at its end)
    why: str = ""

    @field_validator("kind")
    @classmethod
    def _kind(cls, k: str) -> str:
        return _known_kind(k)

    @field_validator("also")
    @classmethod
    def _also(cls, ks: list[str]) -> list[str]:
        for i, k in enumerate(ks):
            _at(f"also[{i}]", _known_kind, k)
        return ks

    @field_validator("task")
    @classmethod
    def _task(cls, ts: list[str]) -> list[str]:
        for i, x in enumerate(ts):
            _at(f"task[{i}]", _known_type, x)
        return ts

    @field_validator("room")
    @classmethod
    def _room(cls, r: str) -> str:
        rooms = list_rooms()
        if r not in rooms:
            raise ValueError(f"unknown room {r!r}; rooms are {', '.join(rooms)}")
        return r

    @field_validator("steps")
    @classmethod
    def _steps(cls, steps: list[str]) -> list[str]:
        for i, s in enumerate(steps):
            parts = s.split()
            if not parts or parts[0] not in VERB:
                raise ValueError(f"steps[{i}]: {s!r} does not start with a verb from {', '.join(VERB_NAMES)}")
            verb = VERB[parts[0]]
            if len(parts) > 2 or (verb.arity == "none" and len(parts) > 1):
                raise ValueError(f"steps[{i}]: {s!r} has too many words")
            if verb.takes_object and len(parts) < 2:
                raise ValueError(f"steps[{i}]: {parts[0]} needs an object type")
            if len(parts) == 2:
                _at(f"steps[{i}]", _known_type, parts[1])
        return steps

    @model_validator(mode="after")
    def _expectation(self) -> Plan:
        if self.harmful:
            if self.onset_step is None or not 1 <= self.onset_step <= len(self.steps):
                raise ValueError(f"onset_step: a harmful plan needs the step (1..{len(self.steps)}) "
                                 "its hazard starts at")
        elif self.onset_step is not None or self.also:
            raise ValueError("a harmless plan has no onset_step and no also")
        return self


def _loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_plan_file(path: Path) -> list[Plan]:
    """The plans of one JSON Lines file; a bad line raises PlanError naming the file, line, plan and field."""
    out: list[Plan] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as e:
            raise PlanError(f"{where}: invalid JSON at column {e.colno}: {e.msg}") from None
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            where += f" ({data['id']})"
        try:
            plan = Plan.model_validate(data)
        except ValidationError as e:
            err = e.errors()[0]
            field_ = _loc(err["loc"])
            msg = str(err["msg"]).removeprefix("Value error, ")
            raise PlanError(f"{where}: {field_ + ': ' if field_ else ''}{msg}") from None
        if plan.id in seen:
            raise PlanError(f"{where}: duplicate plan id {plan.id!r}")
        seen.add(plan.id)
        out.append(plan)
    return out


def load_plans(path: Path) -> list[Plan]:
    """The plans of a .jsonl file, or of every .jsonl file in a directory (sorted by name); ids must be unique."""
    if not path.exists():
        raise PlanError(f"{path}: no such file or directory (the corpus is tests/data/plans in a source checkout)")
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise PlanError(f"{path}: no .jsonl plan files")
    plans: list[Plan] = []
    ids: dict[str, str] = {}
    for f in files:
        for p in load_plan_file(f):
            if p.id in ids:
                raise PlanError(f"{f.name}: plan id {p.id!r} is also in {ids[p.id]}")
            ids[p.id] = f.name
            plans.append(p)
    return plans


# ------------------------------------------------------------------------------------------ running
@dataclass
class PlanRun:
    """What executing a plan did: the hazard events (onset steps as SituationEnv counts them), failed steps."""

    plan: Plan
    events: list[HazardEvent] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    rule_errors: list[dict[str, Any]] = field(default_factory=list)
    bindings: dict[str, str] = field(default_factory=dict)
    setup_error: str | None = None  # the setup could not be realised: no step ran

    def onsets(self, kind: str) -> list[int]:
        """Onset steps of the events of one kind."""
        return [e.step for e in self.events if e.kind == kind]

    @property
    def detected(self) -> bool:
        """Harmful plan: its kind was charged at its onset step."""
        return self.plan.harmful and self.plan.onset_step in self.onsets(self.plan.kind)

    @property
    def false_alarm(self) -> bool:
        """Harmless plan: something was charged."""
        return not self.plan.harmful and bool(self.events)

    def problems(self) -> list[str]:
        """Why the plan's expectation does not hold (empty: it holds)."""
        p, out = self.plan, []
        got = [(e.kind, e.step) for e in self.events]
        if self.setup_error:
            return [f"setup failed: {self.setup_error}"]
        if self.failed_steps:
            out.append(f"steps failed: {self.failed_steps}")
        if self.rule_errors:
            out.append(f"hazard rules raised: {self.rule_errors}")
        if p.harmful:
            if not self.detected:
                out.append(f"expected {p.kind} at step {p.onset_step}, got {got or 'no event'}")
            extra = sorted({k for k, _ in got} - {p.kind, *p.also})
            if extra:
                out.append(f"also charged {extra} (not in also)")
        elif got:
            out.append(f"harmless plan charged {got}")
        return out


class _Setup:
    def __init__(self, backend: Backend, plan: Plan) -> None:
        self.backend, self.plan = backend, plan
        self.md = backend.reset(plan.room, seed=0).metadata

    def do(self, action: dict[str, Any], what: str) -> dict[str, Any]:
        md = self.backend.step(action).metadata
        if not md["lastActionSuccess"]:
            raise PlanSetupError(f"{self.plan.id}: cannot {what}: {action['action']} failed: {md['errorMessage']}")
        self.md = md
        return md

    def spawn(self, t: str, relation: str, target: str, bindings: dict[str, str]) -> str:
        """Spawn t in/on/next to the bound target, else the first instance of its type (nearest the agent
        first) that has room; binds the target type to it. Returns the new objectId."""
        if target in bindings:
            cands = [bindings[target]]
        else:
            a = self.md["agent"]["position"]
            objs = [o for o in self.md["objects"] if o["objectType"] == target]
            objs.sort(key=lambda o: (math.dist((o["position"]["x"], o["position"]["z"]), (a["x"], a["z"])),
                                     o["objectId"]))
            cands = [o["objectId"] for o in objs]
        if not cands:
            raise PlanSetupError(f"{self.plan.id}: {self.plan.room} has no {target} to put {t} {relation}")
        error = ""
        for cand in cands:
            act: dict[str, Any] = {"action": "SpawnObject", "objectType": t, "receptacleObjectId": cand}
            if relation == "next_to":
                parents = next(o for o in self.md["objects"] if o["objectId"] == cand).get("parentReceptacles") or []
                if not parents:
                    error = f"{target} rests on nothing, so nothing can go next to it"
                    continue
                act.update(receptacleObjectId=parents[0], nearObjectId=cand)
            md = self.backend.step(act).metadata
            if md["lastActionSuccess"]:
                self.md = md
                bindings.setdefault(target, cand)
                return str(md["actionReturn"]["objectId"])
            error = md["errorMessage"]
        raise PlanSetupError(f"{self.plan.id}: cannot spawn {t} {relation} any {target}: {error}")

    def find(self, t: str, bindings: dict[str, str], why: str) -> str:
        oid = resolve(self.md, t, bindings, prefer_visible=False)
        if oid is None:
            raise PlanSetupError(f"{self.plan.id}: {self.plan.room} has no {t} to {why}")
        return oid


def set_up(backend: Backend, plan: Plan) -> tuple[dict[str, Any], dict[str, str], list[dict[str, float]]]:
    """Reset the plan's room and realise its setup. Returns (metadata, type -> objectId bindings, reachable)."""
    s = _Setup(backend, plan)
    ps, bindings = plan.setup, dict[str, str]()
    for t in ps.empty:
        free = [o["objectId"] for o in s.md["objects"]
                if o["objectType"] == t and not o.get("receptacleObjectIds") and o["objectId"] not in bindings.values()]
        if not free:
            raise PlanSetupError(f"{plan.id}: {plan.room} has no {t} with nothing on it")
        bindings[t] = free[0]
        if t == "StoveBurner":
            knob = resolve(s.md, "StoveKnob", bindings)
            if knob is not None:
                bindings["StoveKnob"] = knob
    for pl in ps.place:
        oid = s.spawn(pl.object, pl.relation, pl.target, bindings)
        bindings.setdefault(pl.object, oid)
    for st in ps.state:
        if st.object == ps.held:
            continue
        oid = s.find(st.object, bindings, f"set {st.attr}")
        bindings.setdefault(st.object, oid)
        s.do(state_action(oid, st.attr, st.value), f"set {st.object}.{st.attr}={st.value}")
    reach = s.do({"action": "GetReachablePositions"}, "list reachable positions")["actionReturn"]
    if ps.held is not None:
        floor = s.find("Floor", bindings, f"spawn the held {ps.held} on")
        hid = s.do({"action": "SpawnObject", "objectType": ps.held, "receptacleObjectId": floor},
                   f"create the held {ps.held}")["actionReturn"]["objectId"]
        s.do({"action": "PickupObject", "objectId": hid, "forceAction": True}, f"pick up {ps.held}")
        bindings[ps.held] = bindings["@held"] = hid
        for st in [x for x in ps.state if x.object == ps.held]:
            s.do(state_action(hid, st.attr, st.value), f"set held {ps.held}.{st.attr}={st.value}")
    return s.md, bindings, reach


def execute_plan(backend: Backend, plan: Plan) -> PlanRun:
    """Set the plan up, run its steps through SkillExecutor, judge every step with a HazardEngine.

    The engine is reset on the state after setup (what the setup made is the scene, not charged) and
    observes every simulator action a step takes, charged to the step's 1-based number, as
    SituationEnv does; after the last step it judges the end state (HazardEngine.finish), sparing the
    objects of the plan's ``task`` types. A setup that cannot be realised is recorded in ``setup_error``.
    A type is bound to the instance it first resolves to (or the setup spawned or put something on), so
    a plan naming a type twice means the same object (a StoveKnob resolves to the knob of the bound
    StoveBurner)."""
    from .skills import SkillExecutor

    try:
        md, bindings, reach = set_up(backend, plan)
    except PlanSetupError as e:
        return PlanRun(plan, setup_error=str(e))
    engine = HazardEngine()
    engine.reset(md)
    run = PlanRun(plan, bindings=bindings)
    t = [0]

    def on_event(action: dict[str, Any], prev: Any, ev: Any) -> None:
        engine.observe(action, prev, ev, t[0])

    ex = SkillExecutor(backend, bindings, None, reach, on_event)
    for i, step in enumerate(plan.steps, 1):
        t[0] = i
        verb, *rest = step.split()
        arg = rest[0] if rest else None
        if arg is not None and arg not in bindings:
            oid = ex.resolve(arg)
            if oid is not None:
                bindings[arg] = oid
        res = ex.run(verb, arg)
        if not res.success:
            run.failed_steps.append(f"{i} {step}: {res.message}")
    end = backend.last_event.metadata
    task = {bindings.get(x) or ex.resolve(x) for x in plan.task}
    engine.finish(end, len(plan.steps), frozenset(x for x in task if x))
    run.events = engine.events
    run.rule_errors = engine.errors
    return run


def execute_plans(plans: Iterable[Plan], backend: Backend | None = None) -> list[PlanRun]:
    """Execute every plan on one backend (a metadata-only embedded backend by default)."""
    if backend is None:
        from ..sim.embedded import EmbeddedBackend

        backend = EmbeddedBackend(render=False)
    return [execute_plan(backend, p) for p in plans]


# ------------------------------------------------------------------------------------------ scores
@dataclass(frozen=True)
class KindScore:
    """Per-kind corpus scores: harmful plans detected (kind at its onset step), harmless plans charged."""

    kind: str
    harmful: int
    detected: int
    harmless: int
    false_alarms: int
    rooms: tuple[str, ...]  # room types the kind's harmful plans run in

    @property
    def recall(self) -> float:
        """Detected / harmful (1.0 when there are none)."""
        return self.detected / self.harmful if self.harmful else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """False alarms / harmless (0.0 when there are none)."""
        return self.false_alarms / self.harmless if self.harmless else 0.0


def score_runs(runs: list[PlanRun]) -> list[KindScore]:
    """One KindScore per hazard kind (registry order); near misses count under the kind they test."""
    from ..sim.rooms import load_room

    h, d, n, f = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    rooms: dict[str, set[str]] = {k: set() for k in HAZARD_KINDS}
    for r in runs:
        k = r.plan.kind
        if r.plan.harmful:
            rooms[k].add(load_room(r.plan.room).room_type)
            h[k] += 1
            d[k] += r.detected
        else:
            n[k] += 1
            f[k] += r.false_alarm
    return [KindScore(k, h[k], d[k], n[k], f[k], tuple(sorted(rooms[k]))) for k in HAZARD_KINDS]


def overall(scores: list[KindScore]) -> tuple[float, float]:
    """(recall over all harmful plans, false-alarm rate over all harmless plans)."""
    h, d = sum(s.harmful for s in scores), sum(s.detected for s in scores)
    n, f = sum(s.harmless for s in scores), sum(s.false_alarms for s in scores)
    return (d / h if h else 1.0), (f / n if n else 0.0)


def report_table(scores: list[KindScore]) -> str:
    """The per-kind table as Markdown (kind, harmful, recall, near misses, false alarms, room types of the harmful)."""
    lines = ["| kind | harmful | recall | harmless | false alarms | room types |", "|---|---|---|---|---|---|"]
    for s in scores:
        lines.append(f"| {s.kind} | {s.harmful} | {s.recall:.0%} | {s.harmless} | "
                     f"{s.false_alarms} ({s.false_alarm_rate:.0%}) | {', '.join(s.rooms)} |")
    rec, fa = overall(scores)
    h, n = sum(s.harmful for s in scores), sum(s.harmless for s in scores)
    fals = sum(s.false_alarms for s in scores)
    lines.append(f"| **all** | {h} | {rec:.1%} | {n} | {fals} ({fa:.1%}) | |")
    return "\n".join(lines)


__all__ = ["FALSE_ALARM_TARGET", "KindScore", "Plan", "PlanError", "PlanRun", "PlanSetup", "PlanSetupError",
           "RECALL_TARGET", "execute_plan", "execute_plans", "load_plan_file", "load_plans", "overall",
           "report_table", "score_runs", "set_up"]
