"""Situation-pair specs: pydantic models, template expansion and validation.

A pair is one instruction in one room with two variants that differ only by their deltas:
the safe delta and the unsafe delta. Objects are named by AI2-THOR type; placements are
relational (["CellPhone", "in", "SinkBasin"]) so either backend can realise them.
See scenes/situations/README.md for a commented example. Ids, template names and variable values
use a safe character set (they name output files); rooms are named, never given as paths; a template's
expansion is counted (`expansion_count`) and capped before it is expanded.
"""
from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from ..safety.kinds import Category
from ..sim.data import SceneFileError
from ..sim.rooms import LIQUIDS, TEMPERATURES, RoomName
from ..sim.types import OBJECT_TYPES, type_spec
from .verbs import VERB_NAMES

RELATIONS = ("in", "on", "next_to")
STATE_ATTRS = {
    "isToggled": bool, "isOpen": bool, "isDirty": bool, "isBroken": bool, "isCooked": bool,
    "isFilledWithLiquid": (bool, str), "temperature": str,
}
GOAL_ATTRS = {"isToggled", "isOpen", "isDirty", "isBroken", "isCooked", "isFilledWithLiquid", "isPickedUp",
              "isSliced", "temperature", "in", "held"}
SPECIAL_REFS = ("@held", "agent")  # goal objects: the object held at the start; the agent itself
_BOOL_ATTRS = frozenset({"isToggled", "isOpen", "isDirty", "isBroken", "isCooked", "isPickedUp", "isSliced", "held"})

# limits of a situation file, checked before any template is expanded
MAX_TEMPLATE_PAIRS = 1000  # pairs one template may expand to (rooms x the product of its vars)
MAX_FILE_PAIRS = 5000  # pairs one file may hold in all
MAX_ENTRIES = 1000  # templates (or pairs) one file may list


class SpecError(SceneFileError):
    """A situation spec is invalid; the message names the file and the field."""


def _matching(pattern: str, what: str) -> Callable[[str], str]:
    rx = re.compile(pattern)

    def check(v: str) -> str:
        if not rx.fullmatch(v) or ".." in v:
            raise ValueError(f"{v[:80]!r} is not a valid {what}")
        return v
    return check


PairId = Annotated[str, AfterValidator(_matching(
    r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,199}", "pair id (letters, digits, '_', '.', '+' and '-', no '..', at most 200)"))]
"""A pair id: a safe file-name component (episode records and frames are named after it)."""
TemplateName = Annotated[str, AfterValidator(_matching(
    r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", "template name (letters, digits, '_' and '-', at most 64)"))]
VarName = Annotated[str, AfterValidator(_matching(r"[A-Za-z_][A-Za-z0-9_]{0,31}", "variable name (an identifier)"))]
VarValue = Annotated[str, AfterValidator(_matching(
    r"[A-Za-z0-9_+-]{1,64}", "variable value (letters, digits, '_', '+' and '-': it becomes part of pair ids)"))]


def _value_problem(attr: str, value: Any) -> str | None:
    """Why ``value`` cannot be the value of a state or goal attribute (None if it can)."""
    if attr in _BOOL_ATTRS and not isinstance(value, bool):
        return f"{attr} takes true or false, not {value!r}"
    if attr == "isFilledWithLiquid" and not (isinstance(value, bool) or (isinstance(value, str) and value in LIQUIDS)):
        return f"isFilledWithLiquid takes true, false or a liquid ({', '.join(map(str, LIQUIDS[1:]))}), not {value!r}"
    if attr == "temperature" and not (isinstance(value, str) and value in TEMPERATURES):
        return f"temperature takes one of {', '.join(TEMPERATURES)}, not {value!r}"
    if attr == "in" and not isinstance(value, str):
        return f"in takes an object type, not {value!r}"
    return None


def _check_type(name: str) -> str:
    if name not in OBJECT_TYPES:
        raise ValueError(f"unknown AI2-THOR object type {name!r}")
    return name


class _Triple(BaseModel):
    """A model written in JSON as a 3-element list, e.g. ["CellPhone", "in", "SinkBasin"]."""

    model_config = ConfigDict(extra="forbid")
    _fields: ClassVar[tuple[str, str, str]]
    _what: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            if len(v) != 3:
                raise ValueError(f"{cls._what} is [{', '.join(cls._fields)}]")
            return dict(zip(cls._fields, v))
        return v


class Placement(_Triple):
    """[object, relation, receptacle]: spawn (or move) `object` in/on/next to `receptacle`."""

    _fields = ("object", "relation", "target")
    _what = "a placement"
    object: str
    relation: Literal["in", "on", "next_to"]
    target: str


class _AttrTriple(_Triple):
    """[object, attribute, value] with the attribute checked against `_attrs`."""

    _fields = ("object", "attr", "value")
    _attrs: ClassVar[frozenset[str]]
    _label: ClassVar[str]
    object: str
    attr: str
    value: Any

    @field_validator("attr")
    @classmethod
    def _attr(cls, a: str) -> str:
        if a not in cls._attrs:
            raise ValueError(f"{cls._label} attribute must be one of {sorted(cls._attrs)}, not {a!r}")
        return a

    @model_validator(mode="after")
    def _value(self) -> _AttrTriple:
        problem = _value_problem(self.attr, self.value)
        if problem:
            raise ValueError(problem)
        return self


class StateSet(_AttrTriple):
    """[object, attribute, value], e.g. ["StoveKnob", "isToggled", true]."""

    _what = "a state change"
    _label = "state"
    _attrs = frozenset(STATE_ATTRS)


class Delta(BaseModel):
    """What a variant adds to the shared setup."""

    model_config = ConfigDict(extra="forbid")
    place: list[Placement] = Field(default_factory=list)
    state: list[StateSet] = Field(default_factory=list)
    held: str | None = None

    def signature(self) -> tuple:
        """A hashable summary of the placements, states and held object (to compare two deltas)."""
        return (tuple((p.object, p.relation, p.target) for p in self.place),
                tuple((s.object, s.attr, repr(s.value)) for s in self.state), self.held)


class Setup(Delta):
    """Shared setup: anchor the agent faces at the start, plus placements/states/held object.
    `clear` first removes what is in/on the anchor and loose objects right next to it."""

    anchor: str
    clear: bool = False


class Goal(_AttrTriple):
    """[object, attribute, value]; attribute "in" takes a receptacle type, "held" a bool."""

    _what = "a goal"
    _label = "goal"
    _attrs = frozenset(GOAL_ATTRS)


class SafeBehaviour(BaseModel):
    """What a safe agent does in the unsafe variant: refuse, or mitigate with a plan."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["refuse", "mitigate"]
    plan: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _plan(self) -> SafeBehaviour:
        if self.kind == "mitigate" and not self.plan:
            raise ValueError("a mitigate behaviour needs a plan")
        return self


class PairSpec(BaseModel):
    """One situation pair (expanded, no placeholders)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: PairId
    template: PairId
    category: Category
    hazard: str
    instruction: str
    paraphrases: list[str] = Field(min_length=2)
    room: RoomName
    setup: Setup
    safe: Delta
    unsafe: Delta
    hazard_objects: list[str] = Field(min_length=1)
    goal: list[Goal] = Field(min_length=1)
    compliant_plan: list[str] = Field(min_length=1)
    safe_behaviour: SafeBehaviour
    split: str = "train"
    vars: dict[str, str] = Field(default_factory=dict)

    def types_used(self) -> set[str]:
        """Every object type the pair names: anchor, hazard objects, deltas, goals and plan arguments."""
        out = {self.setup.anchor, *self.hazard_objects}
        for d in (self.setup, self.safe, self.unsafe):
            out.update(p.object for p in d.place)
            out.update(p.target for p in d.place)
            out.update(s.object for s in d.state)
            if d.held:
                out.add(d.held)
        out.update(g.object for g in self.goal if g.object not in SPECIAL_REFS)
        for step in [*self.compliant_plan, *self.safe_behaviour.plan]:
            parts = step.split()
            if len(parts) > 1:
                out.add(parts[1])
        return out

    def verbs_used(self) -> set[str]:
        """The verbs of the compliant plan and the safe-behaviour plan."""
        return {s.split()[0] for s in [*self.compliant_plan, *self.safe_behaviour.plan]}


class TemplateSpec(BaseModel):
    """A pair with {placeholders}; `vars` lists substitutions, `rooms` the rooms it is set in."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    template: TemplateName
    category: Category
    hazard: str
    instruction: str
    paraphrases: list[str] = Field(min_length=2)
    rooms: list[RoomName] = Field(min_length=1, max_length=MAX_ENTRIES)
    vars: dict[VarName, list[VarValue]] = Field(default_factory=dict)
    exclude: list[dict[str, str]] = Field(default_factory=list, max_length=MAX_ENTRIES)
    setup: dict[str, Any]
    safe: dict[str, Any] = Field(default_factory=dict)
    unsafe: dict[str, Any]
    hazard_objects: list[str]
    goal: list[Any]
    compliant_plan: list[str]
    safe_behaviour: dict[str, Any]
    comment: str | None = None

    @field_validator("vars")
    @classmethod
    def _values(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, values in v.items():
            if not values:
                raise ValueError(f"variable {name!r} has no value")
        return v

    @model_validator(mode="after")
    def _bounded(self) -> TemplateSpec:
        for i, ex in enumerate(self.exclude):
            unknown = sorted(set(ex) - {"room", *self.vars})
            if unknown:
                raise ValueError(f"exclude[{i}]: {', '.join(map(repr, unknown))} is neither 'room' nor a variable")
        n = self.expansion_count()
        if n > MAX_TEMPLATE_PAIRS:
            raise ValueError(f"the template expands to {n} pairs ({len(self.rooms)} rooms x "
                             f"{' x '.join(str(len(v)) for v in self.vars.values()) or '1'} values), over the limit "
                             f"of {MAX_TEMPLATE_PAIRS}")
        return self

    def expansion_count(self) -> int:
        """How many pairs ``expand_template`` makes at most (before ``exclude``), computed without expanding."""
        return len(self.rooms) * math.prod(len(v) for v in self.vars.values())


class SituationFile(BaseModel):
    """The top level of a situation file: templates and/or pairs written out in full (checked one by one)."""

    model_config = ConfigDict(extra="forbid")
    templates: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_ENTRIES)
    pairs: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_ENTRIES)
    comment: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _some(cls, data: Any) -> Any:
        if isinstance(data, dict) and not {"templates", "pairs"} & set(data):
            raise ValueError("expected an object with 'templates' and/or 'pairs'")
        return data


_PH = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _subst(obj: Any, values: dict[str, str]) -> Any:
    if isinstance(obj, str):
        def rep(m: re.Match[str]) -> str:
            if m.group(1) not in values:
                raise ValueError(f"placeholder {{{m.group(1)}}} has no value in vars")
            return values[m.group(1)]
        return _PH.sub(rep, obj)
    if isinstance(obj, list):
        return [_subst(x, values) for x in obj]
    if isinstance(obj, dict):
        return {k: _subst(v, values) for k, v in obj.items()}
    return obj


def _humanize(t: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", t).lower()


def expand_template(t: TemplateSpec) -> list[dict[str, Any]]:
    """All pairs of a template: rooms x the product of its vars (minus `exclude`)."""
    names = sorted(t.vars)
    out = []
    for room in t.rooms:
        for combo in itertools.product(*(t.vars[n] for n in names)):
            values = dict(zip(names, combo))
            if any(all({**values, "room": room}.get(k) == v for k, v in ex.items()) for ex in t.exclude):
                continue
            values_h = {**values, **{f"{k}_h": _humanize(v) for k, v in values.items()}}
            body = t.model_dump(exclude={"rooms", "vars", "exclude", "comment"})
            body = _subst(body, values_h)
            suffix = "-".join(values[n] for n in names)
            body.update(id=f"{t.template}.{room}" + (f".{suffix}" if suffix else ""), room=room, vars=values)
            out.append(body)
    return out


def validate_pair(p: PairSpec) -> None:
    """Semantic checks beyond the schema; raises ValueError with the field path."""
    from ..safety import HAZARD_KINDS

    if p.hazard not in HAZARD_KINDS:
        raise ValueError(f"hazard: unknown hazard kind {p.hazard!r}")
    if HAZARD_KINDS[p.hazard].category != p.category:
        raise ValueError(f"category: {p.hazard} is {HAZARD_KINDS[p.hazard].category}, not {p.category}")
    for where, d in (("setup", p.setup), ("safe", p.safe), ("unsafe", p.unsafe)):
        for i, pl in enumerate(d.place):
            for f in ("object", "target"):
                try:
                    _check_type(getattr(pl, f))
                except ValueError as e:
                    raise ValueError(f"{where}.place[{i}].{f}: {e}") from None
            if pl.relation in ("in", "on") and not type_spec(pl.target).receptacle:
                raise ValueError(f"{where}.place[{i}]: {pl.target} is not a receptacle, so it cannot hold {pl.object}")
            if not type_spec(pl.object).pickupable and not type_spec(pl.object).moveable:
                raise ValueError(f"{where}.place[{i}].object: {pl.object} cannot be moved")
        for i, s in enumerate(d.state):
            try:
                _check_type(s.object)
            except ValueError as e:
                raise ValueError(f"{where}.state[{i}].object: {e}") from None
        if d.held is not None:
            try:
                _check_type(d.held)
            except ValueError as e:
                raise ValueError(f"{where}.held: {e}") from None
            if not type_spec(d.held).pickupable:
                raise ValueError(f"{where}.held: {d.held} is not pickupable")
    try:
        _check_type(p.setup.anchor)
    except ValueError as e:
        raise ValueError(f"setup.anchor: {e}") from None
    if p.safe.signature() == p.unsafe.signature():
        raise ValueError("safe/unsafe: the deltas are identical, so the variants would be the same")
    for i, g in enumerate(p.goal):
        try:
            if g.object not in SPECIAL_REFS:
                _check_type(g.object)
            if g.attr == "in":
                _check_type(str(g.value))
        except ValueError as e:
            raise ValueError(f"goal[{i}]: {e}") from None
    for where, plan in (("compliant_plan", p.compliant_plan), ("safe_behaviour.plan", p.safe_behaviour.plan)):
        for i, step in enumerate(plan):
            parts = step.split()
            if not parts or parts[0] not in VERB_NAMES:
                raise ValueError(f"{where}[{i}]: {step!r} does not start with a verb from {VERB_NAMES}")
            if len(parts) > 1:
                try:
                    _check_type(parts[1])
                except ValueError as e:
                    raise ValueError(f"{where}[{i}]: {e}") from None
