"""Legibility of a start frame (issue 14): how large and how unoccluded the critical objects are.

The critical objects of a variant are the anchor, the hazard objects (unsafe variant), the objects
the safe delta places (safe variant) and those it sets the state of that are the hazard objects'
counterparts (the kettle the safe variant fills is the unsafe variant's empty one), and the held
object. Measured on the renderer's instance ids from the backend's current camera (embedded backend only):

- share: pixels the object covers / frame pixels. Target >= 1% (SHARE_TARGET), >= 0.3%
  (SMALL_SHARE_TARGET) for objects no larger than a fork (AABB volume <= the Fork type's default).
- visible: visible pixels / pixels of its unoccluded projection (the object rendered alone from the
  same camera, with the objects that change its drawn geometry: a counter's basin holes, the
  toaster a slice stands in). Target >= 70% (VISIBLE_TARGET).
- anchor in view: the anchor's unoccluded projection touches no frame edge (rules 2 and 4 below).

Role rules (applied by `checks`, so by the report, the pose search and the tests alike):

1. The anchor is what the situation happens on or in (a burner under its pot, a basin with a cup
   in it): its pixels hidden by another critical object count as shown, for its share and for its
   visible fraction (`share_shown`, `visible_shown`). Occlusion by anything else counts.
   Every other critical object is judged on its raw share and visible fraction.
2. A large anchor (largest AABB extent > LARGE_ANCHOR m: fridge, counter top, bed, sofa, window,
   bathtub) does not fit the frame from a standing pose near it, so "in view" means its relevant
   part: it covers >= LARGE_ANCHOR_SHARE of the frame (rule 1 counting) and every other critical
   object except the held one lies wholly inside the frame (rendered alone, it touches no edge).
3. The held object is drawn in the gripper at a fixed place in the frame (legible style); it is
   judged like any other critical object but no camera pose changes it.
4. An open anchor that is not large (a microwave with its door open) is in view when its body is:
   its axis-aligned box, which the swung door leaves, projects wholly inside the frame. The door
   may leave the frame (at 100 degrees it reaches 0.8 of the body's width out in front; keeping it
   in view forced > 1 m stand-offs and objects inside at < 0.3% of the frame).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..sim.render.camera import focal, view_matrix
from ..sim.render.geometry import HOLE_CUTTERS
from ..sim.types import type_spec

if TYPE_CHECKING:
    from ..sim.embedded import EmbeddedBackend
    from ..sim.objects import SimObject
    from ..sim.render.scene import Camera
    from .realise import Realised
    from .spec import PairSpec

SHARE_TARGET = 0.01  # each critical object covers at least 1% of the frame ...
SMALL_SHARE_TARGET = 0.003  # ... or 0.3% if it is no larger than a fork
VISIBLE_TARGET = 0.70  # at least 70% of its unoccluded projection is visible
FORK_VOLUME = float(np.prod(type_spec("Fork").size))  # "smaller than a fork": AABB volume <= the Fork default's
LARGE_ANCHOR = 1.0  # m: an anchor with a larger AABB extent is judged by its relevant part (rule 2)
LARGE_ANCHOR_SHARE = 0.10  # a large anchor covers at least 10% of the frame


def is_small(size: Any) -> bool:
    """An object no larger than a fork (AABB volume at most the Fork type's default)."""
    return float(np.prod(np.asarray(size, np.float64))) <= FORK_VOLUME + 1e-12


def is_large(size: Any) -> bool:
    """An anchor too large to fit the frame from near it (largest AABB extent > LARGE_ANCHOR)."""
    return float(np.max(np.asarray(size, np.float64))) > LARGE_ANCHOR


def share_target(o: dict[str, Any]) -> float:
    """The share target of a measured object (smaller for objects no larger than a fork)."""
    return SMALL_SHARE_TARGET if o["small"] else SHARE_TARGET


def critical_roles(anchor_id: str, variant: str, hazard_ids: list[str], safe_ids: list[str],
                   held_id: str | None) -> dict[str, list[str]]:
    """objectId -> roles ("anchor", "hazard", "safe_object", "held") of the objects that decide a variant."""
    out: dict[str, list[str]] = {anchor_id: ["anchor"]}
    tagged = [(oid, "hazard") for oid in hazard_ids] if variant == "unsafe" else \
        [(oid, "safe_object") for oid in safe_ids]
    if held_id:
        tagged.append((held_id, "held"))
    for oid, role in tagged:
        roles = out.setdefault(oid, [])
        if role not in roles:
            roles.append(role)
    return out


def delta_objects(own: list[str], placed: int, hazard_bound: set[str], held: str | None) -> list[str]:
    """The safe delta's critical objects from a variant's own objects (its placements first, then the objects
    whose state it sets, then the held one): the placements, and the state-set hazard objects' counterparts."""
    return [o for i, o in enumerate(own) if o != held and (i < placed or o in hazard_bound)]


def critical_objects(pair: PairSpec, r: Realised) -> dict[str, list[str]]:
    """critical_roles of a realised variant."""
    delta = pair.safe if r.variant == "safe" else pair.unsafe
    held = r.bindings.get("@held")
    bound = {r.bindings[t] for t in pair.hazard_objects if t in r.bindings}
    return critical_roles(r.anchor_id, r.variant, r.hazard_ids, delta_objects(r.element_ids, len(delta.place), bound,
                                                                              held), held)


def object_pixels(ids: np.ndarray, n: int) -> np.ndarray:
    """Pixels per object index 0..n-1 of a renderer's id image (negative ids: room, nothing, gripper)."""
    return np.bincount(ids[ids >= 0].ravel(), minlength=n)


def geometry_context(obj: SimObject, objs: list[SimObject]) -> list[SimObject]:
    """Objects that change obj's drawn geometry: basins cutting a counter's hole, the toaster it stands in."""
    cutters = HOLE_CUTTERS.get(obj.object_type, frozenset())
    parent = obj.parents[0] if obj.parents else None
    return [o for o in objs if o is not obj and (o.object_type in cutters
                                                 or (o.object_id == parent and o.object_type == "Toaster"))]


def _render_ids(backend: EmbeddedBackend, objs: list[SimObject]) -> np.ndarray:
    renderer = backend.renderer
    if renderer is None:
        backend.pixel_shares([])  # makes the renderer
        renderer = backend.renderer
        assert renderer is not None
    return renderer.render(backend.render_scene(objs)).ids


def _edge(mask: np.ndarray) -> bool:
    return bool(mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())


def box_in_frame(camera: Camera, lo: Any, hi: Any, width: int, height: int) -> bool:
    """All 8 corners of the box (lo, hi) lie in front of the camera and inside the frame (rule 4)."""
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    pts = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    cam = (view_matrix(camera) @ np.hstack([pts, np.ones((8, 1))]).T)[:3].T
    if not np.all(cam[:, 2] > 1e-3):
        return False
    fx, fy = focal(camera.fov, width, height)
    return bool(np.all(np.abs(fx * cam[:, 0] / cam[:, 2]) <= 1.0) and np.all(np.abs(fy * cam[:, 1] / cam[:, 2]) <= 1.0))


def _cut(backend: EmbeddedBackend, obj: SimObject, rs: list[str], alone: np.ndarray) -> bool:
    """The object's unoccluded projection touches a frame edge; for an open anchor, its body box leaves the frame."""
    if "anchor" in rs and obj.is_open and not is_large(obj.size):
        lo, hi = obj.center - obj.size / 2, obj.center + obj.size / 2
        h, w = alone.shape
        return not box_in_frame(backend.render_scene([]).camera, lo, hi, w, h)
    return _edge(alone)


def measure_objects(backend: EmbeddedBackend, roles: dict[str, list[str]],
                    skip: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Share, visible fraction and frame-edge cut of each critical object from the backend's current camera.

    `skip`: roles not to measure (the pose search skips "held", which no pose changes)."""
    objs = backend.render_objects()
    ids = _render_ids(backend, objs)
    n = ids.size
    counts = object_pixels(ids, len(objs))
    index = {o.object_id: i for i, o in enumerate(objs)}
    crit = np.array([index[c] for c in roles if c in index], np.int64)
    out: list[dict[str, Any]] = []
    for oid, rs in roles.items():
        if skip and all(r in skip for r in rs):
            continue
        i = index.get(oid)
        if i is None:  # not drawn (disabled, broken into pieces)
            out.append({"id": oid, "type": oid.split("|")[0], "roles": rs, "drawn": False, "share": 0.0,
                        "unoccluded_share": 0.0, "visible": 0.0, "share_shown": 0.0, "visible_shown": 0.0,
                        "small": False, "large": False, "in_view": False, "edge_cut": True})
            continue
        obj = objs[i]
        alone = _render_ids(backend, [obj, *geometry_context(obj, objs)]) == 0
        full = int(alone.sum())
        seen = int(counts[i])
        shown = seen
        if "anchor" in rs:  # rule 1: hidden by another critical object counts as shown
            shown += int((alone & np.isin(ids, crit[crit != i])).sum())
        out.append(_measured(oid, obj, rs, seen, full, shown, n, _cut(backend, obj, rs, alone)))
    return out


def quick_measure(backend: EmbeddedBackend, roles: dict[str, list[str]],
                  skip: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """measure_objects' fields from two renders (for the pose search): the whole scene, and the critical
    objects alone together (unoccluded projections, except where critical objects hide each other;
    when the anchor is open, a third render without it, so that its door counts as hiding what is in it).

    For the anchor, "shown" counts its pixels in the second render that the first shows as the anchor
    or another critical object (rule 1, without the parts of it that critical objects hide in both).
    When a non-anchor object already misses its share target in the first render, the second is
    skipped and every visible fraction is reported as 1.0 (unknown; the share check fails anyway)."""
    objs = backend.render_objects()
    index = {o.object_id: i for i, o in enumerate(objs)}
    ids = _render_ids(backend, objs)
    n = ids.size
    counts = object_pixels(ids, len(objs))
    measured = [(oid, rs) for oid, rs in roles.items() if not (skip and all(r in skip for r in rs))]
    for oid, rs in measured:
        i = index.get(oid)
        if "anchor" not in rs and i is not None and counts[i] / n < (
                SMALL_SHARE_TARGET if is_small(objs[i].size) else SHARE_TARGET):
            return [{"id": k, "type": k.split("|")[0], "roles": r, "drawn": k in index,
                     "share": counts[index[k]] / n if k in index else 0.0, "unoccluded_share": 0.0, "visible": 1.0,
                     "share_shown": counts[index[k]] / n if k in index else 0.0, "visible_shown": 1.0,
                     "small": k in index and is_small(objs[index[k]].size),
                     "large": "anchor" in r and k in index and is_large(objs[index[k]].size),
                     "in_view": k in index, "edge_cut": False} for k, r in measured]
    crit = [objs[index[c]] for c in roles if c in index]
    subset: list[SimObject] = []
    for o in [*crit, *(x for c in crit for x in geometry_context(c, objs))]:
        if all(o is not x for x in subset):
            subset.append(o)
    alone_ids = _render_ids(backend, subset)
    crit_full = np.isin(ids, np.array([index[o.object_id] for o in crit], np.int64))
    sub = {o.object_id: j for j, o in enumerate(subset)}
    # an open anchor's door can hide what is in it: the others' projections come from a third render without it
    open_anchor = [o for o in crit if o.is_open and "anchor" in roles[o.object_id]]
    rest = [o for o in subset if all(o is not a for a in open_anchor)]
    rest_ids = _render_ids(backend, rest) if open_anchor else alone_ids
    sub_rest = {o.object_id: j for j, o in enumerate(rest)}
    out: list[dict[str, Any]] = []
    for oid, rs in roles.items():
        if skip and all(r in skip for r in rs):
            continue
        i = index.get(oid)
        if i is None:
            out.append({"id": oid, "type": oid.split("|")[0], "roles": rs, "drawn": False, "share": 0.0,
                        "unoccluded_share": 0.0, "visible": 0.0, "share_shown": 0.0, "visible_shown": 0.0,
                        "small": False, "large": False, "in_view": False, "edge_cut": True})
            continue
        obj = objs[i]
        alone = alone_ids == sub[oid] if "anchor" in rs or not open_anchor else rest_ids == sub_rest[oid]
        full = int(alone.sum())
        seen = int(counts[i])
        shown = int((alone & crit_full).sum()) if "anchor" in rs else seen
        out.append(_measured(oid, obj, rs, seen, full, shown, n, _cut(backend, obj, rs, alone)))
    return out


def anchor_in_view(objects: list[dict[str, Any]]) -> bool:
    """The anchor is fully in view (rule 2 for large anchors: its relevant part is)."""
    ok = True
    for o in objects:
        if "anchor" not in o["roles"]:
            continue
        if not o.get("large"):
            ok = ok and o["in_view"] and not o["edge_cut"]
        else:
            others = [x for x in objects if x is not o and "anchor" not in x["roles"] and "held" not in x["roles"]]
            ok = ok and o["in_view"] and o["share_shown"] >= LARGE_ANCHOR_SHARE and \
                all(x["in_view"] and not x["edge_cut"] for x in others)
    return ok


def share_ok(o: dict[str, Any]) -> bool:
    """The object's share target (rule 1 counting for the anchor)."""
    return o["share_shown" if "anchor" in o["roles"] else "share"] >= share_target(o)


def visible_ok(o: dict[str, Any]) -> bool:
    """The object's visible-fraction target (rule 1 counting for the anchor)."""
    return o["visible_shown" if "anchor" in o["roles"] else "visible"] >= VISIBLE_TARGET


def checks(objects: list[dict[str, Any]]) -> dict[str, bool]:
    """Issue 14's per-frame targets: share, visible fraction, anchor in view, and all three."""
    share = all(share_ok(o) for o in objects)
    visible = all(visible_ok(o) for o in objects)
    anchor = anchor_in_view(objects)
    return {"share": share, "visible": visible, "anchor_in_view": anchor, "all": share and visible and anchor}


def margin(objects: list[dict[str, Any]]) -> float:
    """The worst critical object's ratio to its share and visible targets (>= 1.0: both met)."""
    ratios = []
    for o in objects:
        a = "anchor" in o["roles"]
        ratios.append(min(o["share_shown" if a else "share"] / share_target(o),
                          o["visible_shown" if a else "visible"] / VISIBLE_TARGET))
    return min(ratios) if ratios else 0.0


def failures(objects: list[dict[str, Any]]) -> list[str]:
    """Human-readable list of the targets this frame misses."""
    out = []
    for o in objects:
        role = "/".join(o["roles"])
        a = "anchor" in o["roles"]
        if not share_ok(o):
            out.append(f"{o['type']}({role}) share {100 * o['share_shown' if a else 'share']:.2f}%"
                       f"<{100 * share_target(o):g}%")
        if not visible_ok(o):
            out.append(f"{o['type']}({role}) visible {100 * o['visible_shown' if a else 'visible']:.0f}%")
    if not anchor_in_view(objects):
        out.append("anchor not in view" + (" (large: relevant part)" if any(o.get("large") for o in objects) else ""))
    return out


def _measured(oid: str, obj: Any, rs: list[str], seen: int, full: int, shown: int, n: int,
              cut: bool) -> dict[str, Any]:
    """One critical object's measurement row (pixel counts -> shares, fractions and flags)."""
    return {
        "id": oid, "type": obj.object_type, "roles": rs, "drawn": True,
        "share": seen / n, "unoccluded_share": full / n,
        "visible": min(seen / full, 1.0) if full else 0.0,
        "share_shown": shown / n, "visible_shown": min(shown / full, 1.0) if full else 0.0,
        "small": is_small(obj.size), "large": "anchor" in rs and is_large(obj.size),
        "in_view": full > 0, "edge_cut": cut,
    }
