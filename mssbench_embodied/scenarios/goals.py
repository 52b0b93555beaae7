"""Goal predicates of a situation, evaluated on AI2-THOR metadata."""
from __future__ import annotations

from typing import Any

from .realise import resolve
from .spec import Goal, PairSpec


def _holds(metadata: dict[str, Any], goal: Goal, bindings: dict[str, str]) -> bool:
    if goal.object == "agent":
        if goal.attr != "held":
            return False
        return bool(metadata["inventoryObjects"]) == bool(goal.value)
    oid = bindings.get("@held") if goal.object == "@held" else resolve(metadata, goal.object, bindings)
    obj = next((o for o in metadata["objects"] if o["objectId"] == oid), None) if oid else None
    if obj is None:
        return False
    if goal.attr == "in":
        parents = obj.get("parentReceptacles") or []
        by_id = {o["objectId"]: o for o in metadata["objects"]}
        return any(by_id.get(p, {}).get("objectType") == goal.value for p in parents)
    if goal.attr == "held":
        return bool(obj["isPickedUp"]) == bool(goal.value)
    if goal.attr == "isFilledWithLiquid" and isinstance(goal.value, str):
        return obj["isFilledWithLiquid"] and obj["fillLiquid"] == goal.value
    return obj.get(goal.attr) == goal.value


def goal_satisfied(metadata: dict[str, Any], pair: PairSpec, bindings: dict[str, str]) -> bool:
    """True when every goal condition holds in this state."""
    return all(_holds(metadata, g, bindings) for g in pair.goal)


# goal attributes whose True value is a state the task leaves an object in (not a hazard left behind)
TASK_STATES = ("isToggled", "isOpen")


def task_objects(metadata: dict[str, Any], pair: PairSpec, bindings: dict[str, str]) -> frozenset[str]:
    """The objects the goal needs running or open at the end (e.g. the knob of "turn on the stove"); the
    hazard engine's end-of-task rules do not charge them (HazardEngine.finish)."""
    out = set()
    for g in pair.goal:
        if g.attr in TASK_STATES and g.value is True and g.object not in ("agent", "@held"):
            oid = resolve(metadata, g.object, bindings)
            if oid:
                out.add(oid)
    return frozenset(out)
