"""Realise a situation pair's variant on any backend with AI2-THOR actions.

Objects are named by type. `resolve` picks the instance: the one bound by the situation
(spawned or anchored), else visible before hidden, nearest to the anchor. A StoveKnob resolves
to the knob that drives the bound StoveBurner. `RealisationCheck` runs the same set-up steps on a
symbolic backend, so `scenes validate` rejects what `realise` could not set up (scenarios/library.py).
"""
from __future__ import annotations

import copy
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..sim.navigation import candidate_poses, close_up_poses

if TYPE_CHECKING:  # annotations only: importing this module stays cheap (the package exports realise)
    from ..sim.backend import Backend
    from ..sim.event import Event
    from .spec import Delta, PairSpec

MIN_HAZARD_SHARE = 0.003  # the danger must cover at least 0.3% of the first frame


class RealisationError(RuntimeError):
    """A situation could not be set up on this backend (the message says which step failed)."""


@dataclass
class Realised:
    """A variant set up on a backend: the event it starts from, type -> objectId bindings, hazard ids, start pose."""

    event: Event
    variant: str
    bindings: dict[str, str]  # type -> objectId
    hazard_ids: list[str]  # the objects that make the unsafe variant unsafe (empty when safe)
    element_ids: list[str]  # the variant's own delta objects (safe or unsafe)
    pose: dict[str, Any]
    anchor_id: str
    setup_steps: int = 0
    reachable: list[dict[str, float]] = field(default_factory=list)


def _center(o: dict[str, Any]) -> tuple[float, float, float]:
    c = o["axisAlignedBoundingBox"]["center"]
    return c["x"], c["y"], c["z"]


def resolve(metadata: dict[str, Any], object_type: str, bindings: dict[str, str] | None = None,
            anchor_id: str | None = None, prefer_visible: bool = True) -> str | None:
    """objectId for a type in this state, or None if the scene has none."""
    objs = metadata["objects"]
    by_id = {o["objectId"]: o for o in objs}
    if bindings and object_type in bindings and bindings[object_type] in by_id:
        return bindings[object_type]
    cands = [o for o in objs if o["objectType"] == object_type]
    if not cands:
        return None
    if object_type == "StoveKnob" and bindings and "StoveBurner" in bindings:
        for o in cands:
            if bindings["StoveBurner"] in (o.get("controlledObjects") or []):
                return o["objectId"]
    ref = by_id.get(anchor_id) if anchor_id else None
    if ref:
        rx, ry, rz = _center(ref)
    else:
        agent = metadata["agent"]["position"]
        rx, ry, rz = agent["x"], 1.0, agent["z"]

    def key(o: dict[str, Any]) -> tuple:
        x, y, z = _center(o)
        return (not o["visible"] if prefer_visible else 0, math.dist((x, y, z), (rx, ry, rz)), o["objectId"])

    return min(cands, key=key)["objectId"]


_SOURCES = frozenset({"Faucet", "ShowerHead", "StoveKnob", "StoveBurner", "Microwave", "Toaster", "Candle"})


def _anchor(metadata: dict[str, Any], anchor_type: str) -> str:
    """The anchor instance: one that would cause no hazard by itself (for sources such as a
    candle or burner), preferably free of other objects, then in room order."""
    from ..safety import latent_hazards

    cands = [o for o in metadata["objects"] if o["objectType"] == anchor_type]
    if not cands:
        raise RealisationError(f"setup.anchor: the room has no {anchor_type} to anchor the situation")
    if len(cands) == 1:
        return cands[0]["objectId"]
    latent = latent_hazards(metadata) if anchor_type in _SOURCES else {}
    risky = {src for src, hz in latent.items() if hz}
    knobs = {o["objectId"]: o.get("controlledObjects") or []
             for o in metadata["objects"] if o["objectType"] == "StoveKnob"}
    for k, burners in knobs.items():
        if k in risky:
            risky.update(burners)
    order = sorted(range(len(cands)),
                   key=lambda i: (bool(cands[i].get("receptacleObjectIds")), cands[i]["objectId"] in risky, i))
    return cands[order[0]]["objectId"]


class _Setup:
    """Issues setup actions and checks that each one succeeded."""

    def __init__(self, backend: Backend, pair: PairSpec, event: Event) -> None:
        self.backend, self.pair, self.event = backend, pair, event
        self.steps = 0

    def do(self, action: dict[str, Any], what: str) -> Event:
        ev = self.backend.step(action)
        self.steps += 1
        if not ev.metadata["lastActionSuccess"]:
            raise RealisationError(f"{self.pair.id}: cannot {what}: {action['action']} failed: "
                                   f"{ev.metadata['errorMessage']}")
        self.event = ev
        return ev


def variation(pair: PairSpec, object_type: str) -> int:
    """The asset variation a created object gets: fixed per pair and type, so both variants show the
    same shared objects, while one type looks different across pairs (its finish in the legible style)."""
    return zlib.crc32(f"{pair.id}|{object_type}".encode()) % 1000


def _apply(s: _Setup, delta: Delta, bindings: dict[str, str], anchor_id: str, created: list[str],
           held: str | None = None, where: str = "setup") -> None:
    for i, pl in enumerate(delta.place):
        md = s.event.metadata
        target = resolve(md, pl.target, bindings, anchor_id, prefer_visible=False)
        if target is None:
            raise RealisationError(f"{s.pair.id}: {where}.place[{i}].target: the room has no {pl.target} for "
                                   f"{pl.object} {pl.relation} {pl.target}")
        act: dict[str, Any] = {"action": "SpawnObject", "objectType": pl.object, "receptacleObjectId": target,
                               "objectVariation": variation(s.pair, pl.object)}
        if pl.relation == "next_to":
            tobj = next(o for o in md["objects"] if o["objectId"] == target)
            parents = tobj.get("parentReceptacles") or []
            if not parents:
                raise RealisationError(f"{s.pair.id}: {where}.place[{i}].target: {pl.target} rests on nothing, "
                                       "so nothing can go next to it")
            act = {**act, "receptacleObjectId": parents[0], "nearObjectId": target}
        ev = s.do(act, f"put {pl.object} {pl.relation} {pl.target}")
        oid = ev.metadata["actionReturn"]["objectId"]
        bindings.setdefault(pl.object, oid)
        created.append(oid)
    for i, st in enumerate(delta.state):
        if st.object == held:
            continue  # applied once the held object exists
        oid = resolve(s.event.metadata, st.object, bindings, anchor_id, prefer_visible=False)
        if oid is None:
            raise RealisationError(f"{s.pair.id}: {where}.state[{i}].object: the room has no {st.object} "
                                   f"to set {st.attr}")
        bindings.setdefault(st.object, oid)
        s.do(state_action(oid, st.attr, st.value), f"set {st.object}.{st.attr}={st.value}")
        if st.object not in created:
            created.append(oid)


def state_action(object_id: str, attr: str, value: Any) -> dict[str, Any]:
    """The AI2-THOR action that sets one state flag (forceAction, for setup)."""
    on = bool(value)
    base: dict[str, Any] = {"objectId": object_id, "forceAction": True}
    if attr == "isToggled":
        return {"action": "ToggleObjectOn" if on else "ToggleObjectOff", **base}
    if attr == "isOpen":
        return {"action": "OpenObject" if on else "CloseObject", **base}
    if attr == "isFilledWithLiquid":
        if not on:
            return {"action": "EmptyLiquidFromObject", **base}
        return {"action": "FillObjectWithLiquid", "fillLiquid": value if isinstance(value, str) else "water", **base}
    if attr == "isDirty":
        return {"action": "DirtyObject" if on else "CleanObject", **base}
    if attr == "isBroken":
        return {"action": "BreakObject", **base}
    if attr == "isCooked":
        return {"action": "CookObject", **base}
    if attr == "temperature":
        return {"action": "SetObjectStates", "SetObjectStates": {"objectId": object_id, "temperature": value}}
    raise ValueError(f"no setup action for {attr}")


CLEAR_RADIUS = 0.35  # m, horizontal gap from the anchor's box


def _clear_around(s: _Setup, anchor_id: str) -> None:
    """Disable the anchor's contents and loose objects beside it on the same surface."""
    md = s.event.metadata
    by_id = {o["objectId"]: o for o in md["objects"]}
    anchor = by_id[anchor_id]
    alo, ahi = _bounds(anchor)
    parents = set(anchor.get("parentReceptacles") or [])
    doomed = list(anchor.get("receptacleObjectIds") or [])
    for o in md["objects"]:
        if o["objectId"] == anchor_id or not o["pickupable"] or not parents & set(o.get("parentReceptacles") or []):
            continue
        lo, hi = _bounds(o)
        gap = max(lo[0] - ahi[0], alo[0] - hi[0], lo[2] - ahi[2], alo[2] - hi[2], 0.0)
        if gap <= CLEAR_RADIUS:
            doomed.append(o["objectId"])
    for oid in dict.fromkeys(doomed):
        s.do({"action": "DisableObject", "objectId": oid}, f"clear {oid} from around the {anchor['objectType']}")


def _bounds(o: dict[str, Any]) -> tuple[list[float], list[float]]:
    c, z = o["axisAlignedBoundingBox"]["center"], o["axisAlignedBoundingBox"]["size"]
    return ([c["x"] - z["x"] / 2, 0.0, c["z"] - z["z"] / 2], [c["x"] + z["x"] / 2, 0.0, c["z"] + z["z"] / 2])


def _delta_for(pair: PairSpec, variant: str) -> Delta:
    if variant not in ("safe", "unsafe"):
        raise ValueError(f"variant must be 'safe' or 'unsafe', not {variant!r}")
    return pair.safe if variant == "safe" else pair.unsafe


def realise(backend: Backend, pair: PairSpec, variant: str, pose: dict[str, Any] | None = None,
            seed: int | None = None, prepared: PreparedState | None = None) -> Realised:
    """Reset the backend to the pair's room and set up one variant. Computes the start pose
    (facing the anchor, with the hazard elements in view) when `pose` is None; on a backend with
    render_style "legible", a standing, level-or-down pose scored on the segmentation of both
    variants (scenarios/legible_pose.py). With `pose` and `prepared` (from `start_pose`, for this
    variant), the set-up steps are not run again: the prepared snapshot is restored instead."""
    delta = _delta_for(pair, variant)
    if prepared is not None and pose is None:
        raise ValueError("a prepared state needs the start pose")
    if prepared is not None and (prepared.pair_id, prepared.variant) != (pair.id, variant):
        raise ValueError(f"the prepared state of {prepared.pair_id} ({prepared.variant}) is not {pair.id} ({variant})")
    render = getattr(backend, "render_enabled", None)
    if render:  # the embedded backend need not render setup steps: render once at the end
        backend.render_enabled = False  # type: ignore[attr-defined]
    try:
        if prepared is not None and pose is not None:
            r = _finish(_restore(backend, pair, prepared), pose)
        else:
            r = _realise(backend, pair, variant, delta, pose, seed)
    finally:
        if render:
            backend.render_enabled = True  # type: ignore[attr-defined]
    if render:
        r.event = backend.step({"action": "Pass"})
    return r


@dataclass(frozen=True)
class PreparedState:
    """A variant set up up to its start pose, as a backend snapshot (`get_state`) with its bindings:
    `start_pose` keeps the variants it prepares, and `realise(..., pose, prepared=it)` restores one
    instead of running the variant's set-up steps again (the same steps give the same state)."""

    pair_id: str
    variant: str
    state: bytes
    steps: int
    bindings: tuple[tuple[str, str], ...]
    anchor_id: str
    own: tuple[str, ...]
    placed: int
    reach: tuple[tuple[tuple[str, float], ...], ...]
    hazard_ids: tuple[str, ...]
    held_type: str | None


def _keep(p: _Prepared, state: bytes) -> PreparedState:
    return PreparedState(p.s.pair.id, p.variant, state, p.s.steps, tuple(p.bindings.items()), p.anchor_id,
                         tuple(p.own), p.placed, tuple(tuple(r.items()) for r in p.reach), tuple(p.hazard_ids),
                         p.held_type)


def _restore(backend: Backend, pair: PairSpec, k: PreparedState) -> _Prepared:
    s = _Setup(backend, pair, backend.set_state(k.state))  # type: ignore[attr-defined]
    s.steps = k.steps
    return _Prepared(s, k.variant, dict(k.bindings), k.anchor_id, list(k.own), k.placed,
                     [dict(r) for r in k.reach], list(k.hazard_ids), k.held_type)


def start_pose(backend: Backend, pair: PairSpec, seed: int | None = None
               ) -> tuple[dict[str, Any], dict[str, PreparedState]]:
    """The start pose ``realise(backend, pair, "unsafe", seed=seed).pose`` computes, without finishing the
    variant; on a backend with ``get_state``, also the variants prepared on the way (unsafe; with the
    legible style both) for ``realise(..., prepared=...)``."""
    render = getattr(backend, "render_enabled", None)
    if render:
        backend.render_enabled = False  # type: ignore[attr-defined]
    kept: dict[str, PreparedState] = {}
    try:
        p = _prepare(backend, pair, "unsafe", pair.unsafe, seed)
        snap = hasattr(backend, "get_state")
        if getattr(backend, "render_style", None) == "legible" and snap:
            pose = _legible_pose(p, seed, kept)
        else:
            if snap:
                kept["unsafe"] = _keep(p, backend.get_state())  # type: ignore[attr-defined]
            pose = _choose_pose(p.s, p.reach, p.anchor_id, p.hazard_ids)
    finally:
        if render:
            backend.render_enabled = True  # type: ignore[attr-defined]
    return pose, kept


@dataclass
class _Prepared:
    """A variant set up up to its start pose (the held object is made after the teleport)."""

    s: _Setup
    variant: str
    bindings: dict[str, str]
    anchor_id: str
    own: list[str]
    placed: int  # the delta's placements come first in `own`
    reach: list[dict[str, float]]
    hazard_ids: list[str]
    held_type: str | None


def _prepare(backend: Backend, pair: PairSpec, variant: str, delta: Delta, seed: int | None,
             anchor_of: Callable[[dict[str, Any], str], str] = _anchor) -> _Prepared:
    s = _Setup(backend, pair, backend.reset(pair.room, seed=seed))
    anchor_id = anchor_of(s.event.metadata, pair.setup.anchor)
    bindings: dict[str, str] = {pair.setup.anchor: anchor_id}
    if pair.setup.anchor == "StoveBurner":
        knob = resolve(s.event.metadata, "StoveKnob", bindings)
        if knob:
            bindings["StoveKnob"] = knob
    if pair.setup.clear:
        _clear_around(s, anchor_id)
    held_type = delta.held or pair.setup.held
    shared: list[str] = []
    _apply(s, pair.setup, bindings, anchor_id, shared, held_type, "setup")
    own: list[str] = []
    _apply(s, delta, bindings, anchor_id, own, held_type, variant)
    reach = s.do({"action": "GetReachablePositions"}, "list reachable positions").metadata["actionReturn"]
    hazard_ids = ([bindings[t] for t in pair.hazard_objects if t in bindings and t != held_type]
                  if variant == "unsafe" else [])
    return _Prepared(s, variant, bindings, anchor_id, own, len(delta.place), reach, hazard_ids, held_type)


def _realise(backend: Backend, pair: PairSpec, variant: str, delta: Delta, pose: dict[str, Any] | None,
             seed: int | None) -> Realised:
    p = _prepare(backend, pair, variant, delta, seed)
    if pose is None:
        if getattr(backend, "render_style", None) == "legible" and hasattr(backend, "get_state"):
            pose = _legible_pose(p, seed)
        else:
            pose = _choose_pose(p.s, p.reach, p.anchor_id, p.hazard_ids)
    return _finish(p, pose)


def _make_held(s: _Setup, variant: str, held_type: str) -> str:
    """Create the held object on the floor, pick it up and set its states (after the teleport); its id."""
    pair = s.pair
    floor = resolve(s.event.metadata, "Floor")
    if floor is None:
        where = "setup.held" if pair.setup.held else f"{variant}.held"
        raise RealisationError(f"{pair.id}: {where}: the room has no Floor to spawn the held {held_type} on")
    ev = s.do({"action": "SpawnObject", "objectType": held_type, "receptacleObjectId": floor,
               "objectVariation": variation(pair, held_type)}, f"create {held_type}")
    hid = ev.metadata["actionReturn"]["objectId"]
    s.do({"action": "PickupObject", "objectId": hid, "forceAction": True}, f"pick up {held_type}")
    for st in [x for x in (pair.setup.state + _delta_for(pair, variant).state) if x.object == held_type]:
        s.do(state_action(hid, st.attr, st.value), f"set held {held_type}.{st.attr}")
    return hid


def _finish(p: _Prepared, pose: dict[str, Any]) -> Realised:
    s, held_type = p.s, p.held_type
    s.do(pose, "teleport to the start pose")
    if held_type:
        hid = _make_held(s, p.variant, held_type)
        p.bindings[held_type] = hid
        p.bindings["@held"] = hid
        p.own.append(hid)
        if _held_is_hazard(p):
            p.hazard_ids.append(hid)
    return Realised(s.event, p.variant, p.bindings, p.hazard_ids, p.own, pose, p.anchor_id, s.steps, p.reach)


def _held_is_hazard(p: _Prepared) -> bool:
    """The variant's held object is one of its hazard objects."""
    return p.variant == "unsafe" and p.held_type in set(p.s.pair.hazard_objects)


def _roles(p: _Prepared, held_id: str | None = None) -> dict[str, list[str]]:
    """legibility.critical_objects of the variant as prepared (+ its held object ``held_id``, once made)."""
    from .legibility import critical_roles, delta_objects

    bound = {p.bindings[t] for t in p.s.pair.hazard_objects if t in p.bindings}
    hazards = p.hazard_ids + ([held_id] if held_id and _held_is_hazard(p) else [])
    return critical_roles(p.anchor_id, p.variant, hazards, delta_objects(p.own, p.placed, bound, None), held_id)


def _legible_view(p: _Prepared, state: bytes | None = None) -> Any:
    """The variant's scoring snapshot and critical objects (legible style). The held object is not made:
    it is drawn in the gripper at a fixed place whatever the pose (the open gripper is drawn there;
    _held_checked then checks the chosen pose with it made)."""
    from .legible_pose import View, object_box

    md = p.s.event.metadata
    roles = _roles(p)
    boxes = {o["objectId"]: object_box(o) for o in md["objects"] if o["objectId"] in roles}
    return View(state if state is not None else p.s.backend.get_state(), roles, boxes)  # type: ignore[attr-defined]


def _legible_pose(p: _Prepared, seed: int | None, kept: dict[str, PreparedState] | None = None) -> dict[str, Any]:
    """Legible style: a standing, level-or-down pose that shows both variants' critical objects (legible_pose).
    ``kept`` receives both variants as prepared (their snapshots are taken here anyway)."""
    from .legible_pose import choose_legible_pose

    backend: Any = p.s.backend
    pair = p.s.pair
    md = p.s.event.metadata
    base, rng = backend.get_state(), copy.deepcopy(getattr(backend, "rng", None))
    views = [_legible_view(p, base)]
    other = "safe" if p.variant == "unsafe" else "unsafe"
    q = _prepare(backend, pair, other, _delta_for(pair, other), seed)
    views.append(_legible_view(q))
    if kept is not None:
        kept[p.variant], kept[other] = _keep(p, base), _keep(q, views[1].state)
    pose = choose_legible_pose(backend, md, p.reach, p.anchor_id, views)
    if pose is not None and (p.held_type or q.held_type):
        pose = _held_checked(backend, md, p, [(p, views[0]), (q, views[1])], pose)
    p.s.event = backend.set_state(base)  # back to this variant as prepared
    if rng is not None:
        backend.rng = rng
    if pose is None:
        raise RealisationError(f"{pair.id}: no standing pose near the {pair.setup.anchor} shows the situation")
    return pose


def _held_checked(backend: Any, md: dict[str, Any], p: _Prepared, views: list[tuple[_Prepared, Any]],
                  pose: dict[str, Any]) -> dict[str, Any]:
    """``pose`` if it meets every target once the held object is made (the search draws the open gripper
    instead, and a held object can hide more of the scene) or misses one without it; else the pose a wider search
    with the held object made after each teleport finds, if that one meets every target; else ``pose``."""
    from .legible_pose import HELD_MAX_TRIED, HELD_PER_SPOT, choose_legible_pose, meets_targets

    def maker(v: _Prepared) -> Callable[[Any], dict[str, list[str]]] | None:
        held_type = v.held_type
        if not held_type:
            return None

        def make(b: Any) -> dict[str, list[str]]:  # as _finish makes it
            return _roles(v, _make_held(_Setup(b, v.s.pair, b.last_event), v.variant, held_type))
        return make

    held = [replace(view, after=maker(v)) for v, view in views]
    # kept if it meets every target with the held object by the quick measure (two renders; where that is
    # optimistic, the pose stays as the search chose it) or the exact one, or misses one without the held object
    if (meets_targets(backend, pose, held, exact=False)[0] or meets_targets(backend, pose, held)[0]
            or not meets_targets(backend, pose, [v for _, v in views])[0]):
        return pose
    alt = choose_legible_pose(backend, md, p.reach, p.anchor_id, held, HELD_MAX_TRIED, HELD_PER_SPOT)
    return alt if alt is not None and meets_targets(backend, alt, held)[0] else pose


def _choose_pose(s: _Setup, reach: list[dict[str, float]], anchor_id: str, must_see: list[str]) -> dict[str, Any]:
    """The start pose: nearest to the hazard objects first, facing them, with the anchor and every
    hazard object visible (so the danger is as large as possible in the first frame)."""
    far = candidate_poses(s.event.metadata, reach, anchor_id, max_candidates=16)
    if not must_see:  # the hazard is held: keep the hand clear of furniture (about 0.5 m away) and
        # look at least 15 degrees down, so the held object (below the camera) is in view
        cands = [{**c, "horizon": max(float(c["horizon"]), 15.0)} for c in far]
    else:  # a held object (0.38 m ahead of the camera) must not end up inside the furniture
        min_gap = 0.45 if (s.pair.setup.held or s.pair.safe.held or s.pair.unsafe.held) else 0.2
        cands = close_up_poses(s.event.metadata, reach, anchor_id, must_see, min_gap=min_gap) + far
    if not cands:
        raise RealisationError(f"{s.pair.id}: no reachable position near the {s.pair.setup.anchor}")
    shares = getattr(s.backend, "pixel_shares", None)  # embedded: also check pixels, not just rays
    best: tuple[float, dict[str, Any] | None] = (-1.0, None)
    tried = 0
    for c in cands:
        ev = s.backend.step(c)
        s.steps += 1
        if not ev.metadata["lastActionSuccess"]:
            continue
        vis = {o["objectId"] for o in ev.metadata["objects"] if o["visible"]}
        if anchor_id in vis and all(h in vis for h in must_see):
            smallest = min(shares(must_see).values()) if shares is not None and must_see else 1.0
            if smallest >= MIN_HAZARD_SHARE:
                s.event = ev
                return c
            best = max(best, (smallest, c), key=lambda t: t[0])
            tried += 1
            if tried >= 80:
                break
    if best[1] is not None:  # no pose shows the hazard at MIN_HAZARD_SHARE: take the largest view
        s.event = s.backend.step(best[1])
        return best[1]
    raise RealisationError(f"{s.pair.id}: no start pose shows the {s.pair.setup.anchor} and the hazard objects")


# ----------------------------------------------------------------------------- validation (dry run)


class _DryEvent:
    def __init__(self, metadata: dict[str, Any]) -> None:
        self.metadata = metadata


class _DryBackend:
    """A symbolic backend: a room's initial metadata, where SpawnObject adds a stand-in object on its
    receptacle, DisableObject removes an object (and what rests on it) and every other action succeeds.
    Running realise's own set-up steps on it finds what a room lacks, without simulating geometry."""

    def __init__(self, metadata: dict[str, Any]) -> None:
        self.initial = metadata

    def reset(self, scene: Any, seed: int | None = None) -> _DryEvent:
        self.objects = {o["objectId"]: o for o in self.initial["objects"]}
        return self._event(None)

    def _event(self, ret: Any) -> _DryEvent:
        return _DryEvent({**self.initial, "objects": list(self.objects.values()), "lastActionSuccess": True,
                          "errorMessage": "", "actionReturn": ret})

    def step(self, action: dict[str, Any]) -> _DryEvent:
        name = action.get("action")
        if name == "SpawnObject":
            recep = self.objects.get(action["receptacleObjectId"])
            if recep is None:
                return _DryEvent({**self._event(None).metadata, "lastActionSuccess": False,
                                  "errorMessage": "Object ID appears to be invalid."})
            oid = f"{action['objectType']}|dry|{len(self.objects)}"
            self.objects[oid] = {"objectId": oid, "objectType": action["objectType"],
                                 "parentReceptacles": [recep["objectId"]], "visible": False, "pickupable": True,
                                 "axisAlignedBoundingBox": recep["axisAlignedBoundingBox"],
                                 "receptacleObjectIds": [], "controlledObjects": None}
            contents = [*(recep.get("receptacleObjectIds") or []), oid]
            self.objects[recep["objectId"]] = {**recep, "receptacleObjectIds": contents}
            return self._event({"objectId": oid})
        if name == "DisableObject":
            gone = {action["objectId"]}
            while True:
                more = {k for k, o in self.objects.items() if gone & set(o.get("parentReceptacles") or [])} - gone
                if not more:
                    break
                gone |= more
            for k in gone:
                self.objects.pop(k, None)
        return self._event([] if name == "GetReachablePositions" else None)


class RealisationCheck:
    """Checks pairs against one room (its initial metadata) the way ``realise`` would set them up."""

    def __init__(self, metadata: dict[str, Any]) -> None:
        self.metadata = metadata
        self._anchors: dict[str, str] = {}

    def _anchor(self, metadata: dict[str, Any], anchor_type: str) -> str:
        if anchor_type not in self._anchors:  # metadata is the room's initial one (just reset)
            self._anchors[anchor_type] = _anchor(metadata, anchor_type)
        return self._anchors[anchor_type]

    def problems(self, pair: PairSpec) -> list[str]:
        """Why ``realise`` could not set this pair up in this room, as 'field: reason' lines (empty: it can).
        Runs realise's own steps (anchor choice, clearing, placements, states, the held object) on a
        symbolic backend, then checks that the unsafe variant's hazard objects and every goal's objects
        are bound or in the room. Free space and start poses are left to run time."""
        return _problems(pair, self.metadata, self._anchor)


def _problems(pair: PairSpec, metadata: dict[str, Any], anchor_of: Callable[[dict[str, Any], str], str]) -> list[str]:
    out: list[str] = []
    for variant in ("safe", "unsafe"):
        dry = _DryBackend(metadata)
        try:
            p = _prepare(dry, pair, variant, _delta_for(pair, variant), None, anchor_of)  # type: ignore[arg-type]
            _finish(p, {"action": "Teleport"})
        except RealisationError as e:
            out.append(str(e).removeprefix(f"{pair.id}: "))
            continue
        md = p.s.event.metadata

        def found(t: str) -> bool:
            return t in p.bindings or resolve(md, t, p.bindings) is not None  # noqa: B023
        if variant == "unsafe":
            out.extend(f"hazard_objects[{i}]: the room has no {t} and the pair does not place it"
                       for i, t in enumerate(pair.hazard_objects) if not found(t))
        for i, g in enumerate(pair.goal):
            if g.object == "@held" and p.held_type is None:
                out.append(f"goal[{i}].object: @held, but the {variant} variant holds nothing")
            elif g.object not in ("@held", "agent") and not found(g.object):
                out.append(f"goal[{i}].object: the room has no {g.object} and the pair does not place it")
            if g.attr == "in" and not found(str(g.value)):
                out.append(f"goal[{i}].value: the room has no {g.value} and the pair does not place it")
    return list(dict.fromkeys(out))
