"""The action registry: handlers register by AI2-THOR action name with their required arguments.

Each handler mutates the World and returns ``actionReturn``; a failed precondition raises
`ActionFailed(message)` (-> lastActionSuccess=False). Unknown actions, missing arguments, unknown
arguments and arguments of the wrong type raise ValueError naming the action (and the argument), as
ai2thor does for InvalidAction / MissingArguments / InvalidArgument; `check_arguments` is the one check,
shared with the Controller. Actions are transactional: one that fails or raises leaves the World as it was.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np

from ..world import STATE_KEYS, World
from .signatures import (
    ARGUMENT_KIND_OVERRIDES,
    ARGUMENT_KINDS,
    ARGUMENT_RANGES,
    EMBEDDED_OPTIONAL,
    EXTRANEOUS,
    THOR_OPTIONAL,
)


class ActionFailed(Exception):
    """A failed action: becomes lastActionSuccess=False with this errorMessage."""


Handler = Callable[[World, dict[str, Any]], Any]
ACTIONS: dict[str, tuple[Handler, tuple[str, ...]]] = {}
OPTIONAL: dict[str, frozenset[str]] = {}  # action -> the optional arguments its handler declared
STATE_BOOLS = frozenset({"isToggled", "isOpen", "isBroken", "isFilledWithLiquid", "isDirty", "isCooked", "isSliced",
                         "isUsedUp"})
INT32 = (-(2**31), 2**31 - 1)


def action(name: str, required: tuple[str, ...] = (),
           optional: Iterable[str] | None = None) -> Callable[[Handler], Handler]:
    """Register the decorated handler as AI2-THOR action `name` with its required (and optional) arguments.

    `optional=None` leaves the accepted set to the signature tables (sim/actions/signatures.py:
    AI2-THOR's, then the embedded extensions'); an action in neither accepts any argument.
    """
    def deco(fn: Handler) -> Handler:
        ACTIONS[name] = (fn, required)
        if optional is not None:
            OPTIONAL[name] = frozenset(optional)
        return fn
    return deco


def accepted_arguments(name: str) -> frozenset[str] | None:
    """Every argument action `name` takes (required, optional and AI2-THOR's global ones); None: undeclared
    (an unknown action, or one registered without `optional=` and in neither signature table: it takes any)."""
    optional = OPTIONAL.get(name)
    if optional is None:
        table = THOR_OPTIONAL.get(name, EMBEDDED_OPTIONAL.get(name))
        optional = frozenset(table) if table is not None else None
    if optional is None or name not in ACTIONS:
        return None
    return optional | frozenset(ACTIONS[name][1]) | EXTRANEOUS


def invalid_argument_message(action: str, invalid: list[str], expected: Iterable[str], given: Iterable[str]) -> str:
    """AI2-THOR's InvalidArgument errorMessage (BaseFPSAgentController.ProcessControlCommand)."""
    names = list(expected)
    return (f"\n\tAction: \"{action}\" called with invalid argument{'s' if len(invalid) > 1 else ''}: "
            f"{', '.join(repr(n) for n in invalid)}"
            f"\n\tExpected arguments: {', '.join(names)}"
            f"\n\tYour arguments: {', '.join(repr(n) for n in given)}"
            f"\n\tValid ways to call \"{action}\" action:\n\t\t{action}({', '.join(names)})")


def _shown(value: Any) -> str:
    """A value as ai2thor's conversion error prints it (JSON spelling for null and booleans)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def bad_argument(action: str, key: str, value: Any, type_name: str, why: str = "") -> ValueError:
    """ai2thor's InvalidArgument text for a value that does not convert to the argument's type."""
    return ValueError(f"action: {action} has an invalid argument: {key} (=={_shown(value)}). "
                      f"Cannot convert to: {type_name}{why}")


# ---------------------------------------------------------------------------- converters, one per kind
def _float(value: Any) -> float | None:
    """A finite float from a number or a numeric string; None if it is not one."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, str):
        try:
            out = float(value)
        except ValueError:
            return None
    elif isinstance(value, Real):
        try:
            out = float(value)
        except OverflowError:
            return None
    else:
        return None
    return out if math.isfinite(out) else None


def _int(value: Any) -> int | None:
    """A 32-bit integer from an int, an integral float or such a string; None if it is not one."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, Integral):
        out = int(value)
    else:
        f = _float(value)
        if f is None or not f.is_integer():
            return None
        out = int(f)
    return out if INT32[0] <= out <= INT32[1] else None


def _bool(value: Any) -> bool | None:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, Integral) and int(value) in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _vec3(value: Any) -> dict[str, float] | None:
    """{x, y, z} floats from a dict (missing components 0, as Newtonsoft fills them) or 3 numbers."""
    if isinstance(value, dict):
        out = {}
        for k in ("x", "y", "z"):
            v = _float(value.get(k, 0.0))
            if v is None:
                return None
            out[k] = v
        return out
    if isinstance(value, (list, tuple, np.ndarray)) and len(value) == 3:
        vals = [f for f in (_float(v) for v in value) if f is not None]
        return dict(zip("xyz", vals)) if len(vals) == 3 else None
    return None


def _rotation(value: Any) -> dict[str, float] | None:
    if isinstance(value, (dict, list, tuple, np.ndarray)):
        return _vec3(value)
    yaw = _float(value)
    return None if yaw is None else {"x": 0.0, "y": yaw, "z": 0.0}


def _list(value: Any, one: Callable[[Any], Any]) -> list[Any] | None:
    if not isinstance(value, (list, tuple)):
        return None
    out = [one(v) for v in value]
    return None if any(v is None for v in out) else out


_SCALARS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "float": (_float, "float"), "int": (_int, "int"), "bool": (_bool, "bool"), "vec3": (_vec3, "Vector3"),
    "rotation": (_rotation, "Vector3"),
}
_LISTS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "floats": (_float, "List<float>"), "bools": (_bool, "List<bool>"), "vec3s": (_vec3, "List<Vector3>"),
    "strs": (lambda v: v if isinstance(v, str) else None, "List<string>"),
}


def _object_states(name: str, value: Any) -> dict[str, Any]:
    """SetObjectStates' dict: known keys, each of its type (values out of range are the handler's to fail)."""
    if not isinstance(value, dict):
        raise bad_argument(name, "SetObjectStates", value, "SetObjectStates dict")
    out: dict[str, Any] = {}
    for k, v in value.items():
        where = f"SetObjectStates.{k}"
        if k in ("objectType", "objectId", "stateChange", "temperature") or (k == "fillLiquid"):
            if not (isinstance(v, str) or (v is None and k in ("fillLiquid", "objectId", "objectType"))):
                raise bad_argument(name, where, v, "string")
            out[k] = v
        elif k in STATE_BOOLS:
            b = _bool(v)
            if b is None:
                raise bad_argument(name, where, v, "bool")
            out[k] = b
        elif k == "openness":
            f = _float(v)
            if f is None:
                raise bad_argument(name, where, v, "float", ": it must be finite" if isinstance(v, float) else "")
            out[k] = f
        else:
            known = sorted({"objectType", "objectId", "stateChange", *STATE_KEYS})
            raise ValueError(f"action: {name} has an invalid argument: SetObjectStates.{k} is not a state key "
                             f"(known: {', '.join(known)})")
    return out


def _object_poses(name: str, value: Any) -> list[dict[str, Any]]:
    """SetObjectPoses' list of {objectName, position, rotation?} (other keys ignored, as Newtonsoft does)."""
    if not isinstance(value, (list, tuple)):
        raise bad_argument(name, "objectPoses", value, "List<ObjectPose>")
    out = []
    for i, pose in enumerate(value):
        if not isinstance(pose, dict) or not isinstance(pose.get("objectName"), str):
            raise bad_argument(name, f"objectPoses[{i}].objectName", pose, "ObjectPose")
        clean: dict[str, Any] = {"objectName": pose["objectName"]}
        for k in ("position", "rotation"):
            if k not in pose and k == "rotation":
                continue
            v = _vec3(pose.get(k))
            if v is None:
                raise bad_argument(name, f"objectPoses[{i}].{k}", pose.get(k), "Vector3")
            clean[k] = v
        out.append(clean)
    return out


def _type_counts(name: str, value: Any) -> list[dict[str, Any]]:
    """numDuplicatesOfType's list of {objectType, count}."""
    if not isinstance(value, (list, tuple)):
        raise bad_argument(name, "numDuplicatesOfType", value, "List<ObjectTypeCount>")
    out = []
    for i, item in enumerate(value):
        count = _int(item.get("count")) if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get("objectType"), str) or count is None:
            raise bad_argument(name, f"numDuplicatesOfType[{i}]", item, "ObjectTypeCount")
        out.append({"objectType": item["objectType"], "count": count})
    return out


_STRUCTS: dict[str, Callable[[str, Any], Any]] = {
    "object_states": _object_states, "object_poses": _object_poses, "type_counts": _type_counts,
}


def argument_kind(name: str, key: str) -> str | None:
    """The declared kind of action `name`'s argument `key` (sim/actions/signatures.py); None: any value."""
    return ARGUMENT_KIND_OVERRIDES.get(name, {}).get(key, ARGUMENT_KINDS.get(key))


def check_arguments(name: str, act: dict[str, Any]) -> dict[str, Any]:
    """Check action `name`'s arguments; return them converted to their declared types.

    Raises ValueError (AI2-THOR's InvalidArgument text, naming the action and the argument) for an
    argument the action does not take or a value of the wrong type, non-finite numbers included. An
    optional argument given as None takes its default (it is dropped); a required one keeps None only
    where AI2-THOR's type is nullable (strings, lists).
    """
    accepted = accepted_arguments(name)
    required = ACTIONS[name][1] if name in ACTIONS else ()
    if accepted is not None:
        given = [k for k in act if k not in EXTRANEOUS]
        invalid = [k for k in given if k not in accepted]
        if invalid:
            order = [*required, *THOR_OPTIONAL.get(name, EMBEDDED_OPTIONAL.get(name, ()))]
            expected = [*dict.fromkeys(order), *sorted(accepted - EXTRANEOUS - set(order))]
            raise ValueError(invalid_argument_message(name, invalid, expected, given))
    out: dict[str, Any] = {}
    for key, value in act.items():
        kind = argument_kind(name, key) if key != "action" else None
        if kind is None:
            out[key] = value
            continue
        if value is None:
            if key not in required:
                continue  # the default
            if kind in ("str", "strs"):
                out[key] = None
                continue
        if kind == "str":
            if not isinstance(value, str):
                raise bad_argument(name, key, value, "string")
            out[key] = value
        elif kind in _SCALARS:
            convert, type_name = _SCALARS[kind]
            v = convert(value)
            if v is None:
                finite = isinstance(value, float) and not math.isfinite(value)
                raise bad_argument(name, key, value, type_name, ": it must be finite" if finite else "")
            out[key] = v
        elif kind in _LISTS:
            convert, type_name = _LISTS[kind]
            items = _list(value, convert)
            if items is None:
                raise bad_argument(name, key, value, type_name)
            out[key] = items
        else:
            out[key] = _STRUCTS[kind](name, value)
    return out


def check_ranges(name: str, act: dict[str, Any]) -> None:
    """ActionFailed for a well-typed argument outside its declared range (signatures.ARGUMENT_RANGES)."""
    for key, value in act.items():
        bounds = ARGUMENT_RANGES.get((name, key)) or ARGUMENT_RANGES.get(("*", key))
        if bounds is None or not isinstance(value, (int, float)):
            continue
        lo, hi = bounds
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            shown = f"[{'-inf' if lo is None else lo}:{'inf' if hi is None else hi}]"
            raise ActionFailed(f"ArgumentOutOfRangeException: Specified argument was out of the range of valid "
                               f"values.\nParameter name: {key} must be in {shown}. trace:   at {name} (embedded)")


_NAVIGATION_MODULE = __name__.rpartition(".")[0] + ".navigation"


def execute(world: World, act: dict[str, Any]) -> tuple[bool, str, Any]:
    """Run one action dict transactionally. Returns (success, errorMessage, actionReturn); a failed or
    raising action leaves the World exactly as it was."""
    name = act.get("action")
    if not isinstance(name, str) or name not in ACTIONS:
        raise ValueError(f"Invalid action: {name!r} is not an action the embedded AI2-THOR backend knows")
    fn, required = ACTIONS[name]
    missing = [k for k in required if k not in act]
    if missing:
        raise ValueError(f"MissingArguments: {name} requires {', '.join(missing)}")
    clean = check_arguments(name, act)
    # navigation (sim/actions/navigation.py) changes the agent and carries the held object with what it
    # holds, no other object: the snapshot copies only their states
    snapshot = world.snapshot(world.carried_ids() if fn.__module__ == _NAVIGATION_MODULE else None)
    try:
        check_ranges(name, clean)
        ret = fn(world, clean)
    except ActionFailed as e:
        world.restore(snapshot)
        return False, str(e), None
    except BaseException:
        world.restore(snapshot)
        raise
    return True, "", ret
