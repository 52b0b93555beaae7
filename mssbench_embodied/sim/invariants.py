"""Invariants the simulator keeps after every step, on the World and on the metadata it exports.

`check_invariants(x)` raises InvariantError listing every violation; `invariant_violations(x)` returns
them. ``x`` is a World, an Event (its metadata) or a metadata dict. Checked: finite poses and boxes,
the camera horizon in [-30, 60], openness in [0, 1] and consistent with isOpen, state flags of their
types, fill state consistent, no dangling, unmirrored, duplicate or cyclic parent links, one held
object at most; metadata is strict JSON (``json.dumps(..., allow_nan=False)``).
"""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from .actions.helpers import LIQUIDS
from .rooms import TEMPERATURES
from .world import World

HORIZON_RANGE = (-30.0, 60.0)  # degrees: LookUp / LookDown / Teleport limits (AI2-THOR's default agent)
BOOL_FLAGS = ("is_toggled", "is_open", "is_broken", "is_filled", "is_dirty", "is_cooked", "is_sliced", "is_used_up",
              "is_picked_up", "enabled")
_EPS = 1e-6


class InvariantError(AssertionError):
    """A simulator invariant does not hold (the message lists every violation)."""


def _finite(v: Any) -> bool:
    return bool(np.all(np.isfinite(np.asarray(v, dtype=np.float64))))


def _horizon_ok(h: Any) -> bool:
    return isinstance(h, (int, float)) and math.isfinite(h) and \
        HORIZON_RANGE[0] - _EPS <= h <= HORIZON_RANGE[1] + _EPS


def _cycles(parents: dict[str, list[str]]) -> list[str]:
    """Ids on a parent cycle (iterative DFS over parent links)."""
    state: dict[str, int] = {}
    bad: list[str] = []
    for root in parents:
        if state.get(root):
            continue
        stack = [(root, iter(parents.get(root, ())))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif nxt in parents:
                s = state.get(nxt, 0)
                if s == 1:
                    bad.append(f"{node} -> {nxt}")
                elif s == 0:
                    state[nxt] = 1
                    stack.append((nxt, iter(parents.get(nxt, ()))))
    return bad


def world_violations(w: World) -> list[str]:
    """Every invariant the World breaks (empty: all hold)."""
    out: list[str] = []
    a = w.agent
    if not (_finite(a.position) and np.shape(a.position) == (3,)):
        out.append(f"agent position not finite: {a.position}")
    if not (isinstance(a.yaw, float) and math.isfinite(a.yaw)):
        out.append(f"agent yaw not a finite float: {a.yaw!r}")
    if not (isinstance(a.horizon, float) and _horizon_ok(a.horizon)):
        out.append(f"agent horizon {a.horizon!r} not a float in {list(HORIZON_RANGE)}")
    if not isinstance(a.is_standing, bool):
        out.append(f"agent isStanding not a bool: {a.is_standing!r}")
    for oid, o in w.objects.items():
        if o.object_id != oid:
            out.append(f"{oid}: keyed under a different objectId {o.object_id!r}")
        for key in ("position", "rotation", "center", "size"):
            v = getattr(o, key)
            if np.shape(v) != (3,) or not _finite(v):
                out.append(f"{oid}.{key} not a finite 3-vector: {v}")
        if _finite(o.size) and bool(np.any(np.asarray(o.size) < 0)):
            out.append(f"{oid}.size negative: {o.size}")
        for flag in BOOL_FLAGS:
            if not isinstance(getattr(o, flag), bool):
                out.append(f"{oid}.{flag} not a bool: {getattr(o, flag)!r}")
        if not (isinstance(o.openness, float) and 0.0 <= o.openness <= 1.0):
            out.append(f"{oid}.openness {o.openness!r} not a float in [0, 1]")
        elif isinstance(o.is_open, bool) and o.is_open != (o.openness > 0):
            out.append(f"{oid}: isOpen={o.is_open} with openness={o.openness}")
        if o.temperature not in TEMPERATURES:
            out.append(f"{oid}.temperature {o.temperature!r} not one of {TEMPERATURES}")
        if not (isinstance(o.heat, float) and math.isfinite(o.heat)):
            out.append(f"{oid}.heat not a finite float: {o.heat!r}")
        if o.fill_liquid is not None and o.fill_liquid not in LIQUIDS:
            out.append(f"{oid}.fillLiquid {o.fill_liquid!r} not one of {LIQUIDS}")
        if o.is_filled != (o.fill_liquid is not None):
            out.append(f"{oid}: isFilledWithLiquid={o.is_filled} with fillLiquid={o.fill_liquid!r}")
        if not isinstance(o.asset_id, str) or not isinstance(o.name, str):
            out.append(f"{oid}: assetId/name not strings")
        for rel, back in (("parents", "children"), ("children", "parents")):
            ids = getattr(o, rel)
            if len(set(ids)) != len(ids):
                out.append(f"{oid}.{rel} has duplicates: {ids}")
            for other_id in ids:
                other = w.objects.get(other_id)
                if other is None:
                    out.append(f"{oid}.{rel} names {other_id}, not in the world")
                elif oid not in getattr(other, back):
                    out.append(f"{oid}.{rel} names {other_id}, which does not link back")
                elif o.enabled and not other.enabled:
                    out.append(f"enabled {oid} linked to disabled {other_id}")
        if o.children and not o.spec.receptacle:
            out.append(f"non-receptacle {oid} holds {o.children}")
        if o.is_picked_up and (not o.enabled or a.held != oid):
            out.append(f"{oid} is picked up but not the agent's held object")
    if a.held is not None:
        held = w.objects.get(a.held)
        if held is None or not held.enabled:
            out.append(f"held object {a.held} is not an enabled object")
        elif not held.is_picked_up or held.parents:
            out.append(f"held object {a.held}: isPickedUp={held.is_picked_up}, parents={held.parents}")
    out += [f"parent cycle {c}" for c in _cycles({k: list(o.parents) for k, o in w.objects.items()})]
    return out


def metadata_violations(md: dict[str, Any]) -> list[str]:
    """Every invariant an event's metadata breaks (empty: all hold)."""
    out: list[str] = []
    try:
        json.dumps(md, allow_nan=False)
    except (TypeError, ValueError) as e:
        out.append(f"metadata is not strict JSON: {e}")
    agent = md.get("agent") or {}
    for key in ("position", "rotation"):
        vals = list((agent.get(key) or {}).values())
        if len(vals) != 3 or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in vals):
            out.append(f"agent.{key} not finite: {agent.get(key)}")
    if not _horizon_ok(agent.get("cameraHorizon")):
        out.append(f"cameraHorizon {agent.get('cameraHorizon')!r} outside {list(HORIZON_RANGE)}")
    objs = md.get("objects") or []
    ids = [o.get("objectId") for o in objs]
    if len(set(ids)) != len(ids):
        out.append("duplicate objectIds in metadata")
    by_id = {o.get("objectId"): o for o in objs}
    for o in objs:
        oid = o.get("objectId")
        for key in ("position", "rotation"):
            vals = list((o.get(key) or {}).values())
            if len(vals) != 3 or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in vals):
                out.append(f"{oid}.{key} not finite: {o.get(key)}")
        op = o.get("openness")
        if not (isinstance(op, float) and 0.0 <= op <= 1.0):
            out.append(f"{oid}.openness {op!r} not in [0, 1]")
        for flag in ("isToggled", "isOpen", "isBroken", "isFilledWithLiquid", "isDirty", "isCooked", "isSliced",
                     "isUsedUp", "isPickedUp", "visible", "isInteractable"):
            if not isinstance(o.get(flag), bool):
                out.append(f"{oid}.{flag} not a bool: {o.get(flag)!r}")
        if o.get("temperature") not in TEMPERATURES:
            out.append(f"{oid}.temperature {o.get('temperature')!r} not one of {TEMPERATURES}")
        parents = o.get("parentReceptacles") or []
        if len(set(parents)) != len(parents):
            out.append(f"{oid}.parentReceptacles has duplicates: {parents}")
        for pid in parents:
            if pid not in by_id:
                out.append(f"{oid} rests on {pid}, which is not in the scene")
            elif oid not in (by_id[pid].get("receptacleObjectIds") or []):
                out.append(f"{oid} rests on {pid}, which does not list it")
    out += [f"parent cycle {c}" for c in _cycles({o.get("objectId"): list(o.get("parentReceptacles") or [])
                                                  for o in objs})]
    return out


def invariant_violations(x: Any) -> list[str]:
    """Every invariant broken by a World, an Event or a metadata dict."""
    if isinstance(x, World):
        return world_violations(x)
    md = getattr(x, "metadata", x)
    if not isinstance(md, dict):
        raise TypeError(f"check_invariants takes a World, an Event or a metadata dict, not {type(x).__name__}")
    return metadata_violations(md)


def check_invariants(x: Any) -> None:
    """Raise InvariantError naming every invariant a World, Event or metadata dict breaks."""
    bad = invariant_violations(x)
    if bad:
        raise InvariantError("; ".join(bad[:20]) + (f" (+{len(bad) - 20} more)" if len(bad) > 20 else ""))
