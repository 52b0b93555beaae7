"""A whole ProcTHOR house (schema 1.0.0) -> one RoomSpec with a HouseLayout (what ``reset(house)`` loads).

All rooms load into one world whose bounds are the house's bounding box:

* floors: one ``Floor`` object per room, objectId = the room id (``room|2``), as AI2-THOR names a
  ProcTHOR room's floor; its box is the bounding box of the floor polygon. The agent walks only inside
  the polygons (L-shapes included), so space outside every room is unreachable;
* walls: the ``walls`` entries, one per segment (a wall shared by two rooms is listed twice in the
  JSON), each WALL_THICKNESS thick and centred on its line, cut where a doorway or window is, and
  left out where the JSON marks the wall ``empty`` (an open boundary between rooms). They are
  structure (segmentation class ``Wall``), not objects: the embedded type table has no Wall type;
* doors: a door hole is open (walkable) unless the JSON gives ``openness: 0``; a closed one stays wall.
  Doors are not objects (the table has no Doorway/Doorframe type); ``HouseLoad.layout.doors`` lists them;
* windows: ``Window`` objects (objectId = the window id, ``assetId`` kept) filling their wall holes;
* objects and their children as for one room (sim/procthor.py: per-type sizes where the asset
  database is unavailable, ``assetId`` kept); a floor-standing object rests on its room's Floor;
* the agent starts at the house's ``metadata.agent`` pose when it stands on a floor.

Malformed input raises HouseError naming the field, e.g. ``<house>: doors[1].wall0: no wall 'wall|9|x'``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .data import field_path
from .layout import Doorway, HouseLayout, WallBox
from .procthor import (
    FLOOR_ID,
    HOLE_KEYS,
    HOUSE_KEYS,
    HouseError,
    _agent,
    _build_objects,
    _dict,
    _list,
    _num,
    _parse_object,
    _polygon,
    _req,
    _str,
    _vec,
    parse_rooms,
    parse_walls,
)
from .rooms import MAX_EXTENT, RoomSpec, RoomSpecError, parse_room

WALL_THICKNESS = 0.02  # m; ProcTHOR walls are zero-thickness polygons (paintings hang 2 cm off them)
WINDOW_DEPTH = 0.112  # the Window type's default thickness (sim/types.py): thicker than the wall
MIN_PIECE = 0.01  # m: wall pieces thinner or shorter than this are left out
THOR_ROOM_TYPES = {"kitchen": "Kitchen", "living_room": "LivingRoom", "bedroom": "Bedroom", "bathroom": "Bathroom"}
SCENE_NAME = "Procedural"  # AI2-THOR's sceneName for a house


@dataclass
class HouseLoad:
    """The result of ``load_house``: the RoomSpec (with its layout) and what was dropped."""

    spec: RoomSpec
    layout: HouseLayout
    dropped: list[str] = field(default_factory=list)


@dataclass
class _Segment:
    """One wall line (both rooms' walls on it), in the frame of its first wall: p0 + t * (dx, dz), t in [0, length]."""

    wall_id: str
    x0: float
    z0: float
    dx: float
    dz: float
    length: float
    bottom: float
    height: float
    empty: bool
    holes: list[tuple[float, float, float, float, bool]] = field(default_factory=list)  # t0, t1, y0, y1, solid

    def along(self, x: float, z: float) -> float:
        return (x - self.x0) * self.dx + (z - self.z0) * self.dz


def _polygon_area(poly: list[tuple[float, float]]) -> float:
    return sum(x0 * z1 - x1 * z0 for (x0, z0), (x1, z1) in zip(poly, poly[1:] + poly[:1])) / 2


def _check_floor(rid: str, i: int, poly: list[tuple[float, float]], where: str) -> None:
    for k, (a, b) in enumerate(zip(poly, poly[1:] + poly[:1])):
        if math.dist(a, b) < 1e-6:
            raise HouseError(f"{where}: rooms[{i}].floorPolygon[{k}]: repeats the next point (a degenerate polygon)")
    if abs(_polygon_area(poly)) < 1e-6:
        raise HouseError(f"{where}: rooms[{i}].floorPolygon: encloses no area (room {rid!r} is not a polygon)")


def _wall_line(wid: str, i: int, poly: list[tuple[float, float, float]],
               where: str) -> tuple[tuple[float, float, float], tuple[float, float, float], float]:
    """(p0, p1, height) as AI2-THOR reads a wall polygon: the two lowest points, in file order."""
    low = sorted(range(len(poly)), key=lambda k: poly[k][1])[:2]
    p0, p1 = poly[min(low)], poly[max(low)]
    if poly[low[0]][1] != poly[low[1]][1]:
        raise HouseError(f"{where}: walls[{i}].polygon: the wall's bottom edge is not level ({wid})")
    height = max(p[1] for p in poly) - p0[1]
    if math.hypot(p1[0] - p0[0], p1[2] - p0[2]) < 1e-6 or height <= 0:
        raise HouseError(f"{where}: walls[{i}].polygon: a degenerate wall (no length or no height) ({wid})")
    if max(math.hypot(p1[0] - p0[0], p1[2] - p0[2]), height) > MAX_EXTENT:
        raise HouseError(f"{where}: walls[{i}].polygon: the wall is longer or taller than {MAX_EXTENT:g} m ({wid})")
    if abs(p1[0] - p0[0]) > 1e-6 and abs(p1[2] - p0[2]) > 1e-6:
        raise HouseError(f"{where}: walls[{i}].polygon: the wall is not axis-aligned ({wid}); the embedded "
                         "world supports axis-aligned walls only")
    return p0, p1, height


def _segments(walls: dict[str, tuple[str, list[tuple[float, float, float]], bool]],
              where: str) -> tuple[dict[str, _Segment], dict[str, tuple[str, float, float, float, float]]]:
    """Wall segments keyed by their line, and each wall id -> (segment key, x0, z0, unit dx, dz of its p0 -> p1)."""
    segs: dict[str, _Segment] = {}
    frames: dict[str, tuple[str, float, float, float, float]] = {}
    for i, (wid, (_, poly, empty)) in enumerate(walls.items()):
        p0, p1, height = _wall_line(wid, i, poly, where)
        length = math.hypot(p1[0] - p0[0], p1[2] - p0[2])
        dx, dz = (p1[0] - p0[0]) / length, (p1[2] - p0[2]) / length
        ends = sorted([(round(p0[0], 3), round(p0[2], 3)), (round(p1[0], 3), round(p1[2], 3))])
        key = f"{ends}|{round(p0[1], 3)}"
        seg = segs.get(key)
        if seg is None:
            seg = segs[key] = _Segment(wid, p0[0], p0[2], dx, dz, length, p0[1], height, empty)
        else:
            if seg.empty and not empty:
                seg.wall_id = wid  # named after a wall that is drawn
            seg.empty = seg.empty and empty  # drawn unless every wall on the line is empty
            seg.height = max(seg.height, height)
        if seg.wall_id.startswith("wall|exterior") and not wid.startswith("wall|exterior") and not empty:
            seg.wall_id = wid  # a room's name rather than the exterior side's
        frames[wid] = (key, p0[0], p0[2], dx, dz)
    return segs, frames


def _holes(h: dict[str, Any], walls: dict[str, tuple[str, list[tuple[float, float, float]], bool]],
           segs: dict[str, _Segment], frames: dict[str, tuple[str, float, float, float, float]],
           rooms: set[str], where: str) -> tuple[list[Doorway], list[dict[str, Any]]]:
    """Cut the doors and windows into their segments; returns the doorways and the Window objects."""
    doors: list[Doorway] = []
    windows: list[dict[str, Any]] = []
    for kind in ("doors", "windows"):
        for i, raw in enumerate(_list(h.get(kind, []), kind, where)):
            path = f"{kind}[{i}]"
            d = _dict(raw, path, where, HOLE_KEYS)
            hid = _str(_req(d, "id", path, where), f"{path}.id", where)
            for side in ("room0", "room1"):
                r = _str(d[side], f"{path}.{side}", where) if side in d else None
                if r is not None and r not in rooms:
                    raise HouseError(f"{where}: {path}.{side}: no room {r!r} (rooms: {', '.join(sorted(rooms))})")
            w0 = _str(_req(d, "wall0", path, where), f"{path}.wall0", where)
            for side in ("wall0", "wall1"):
                w = _str(d[side], f"{path}.{side}", where) if side in d else None
                if w is not None and w not in walls:
                    raise HouseError(f"{where}: {path}.{side}: no wall {w!r}")
            hole = _polygon(_req(d, "holePolygon", path, where), f"{path}.holePolygon", where)
            if len(hole) != 2:
                raise HouseError(f"{where}: {path}.holePolygon: needs 2 corner points (min, max), got {len(hole)}")
            (a0, y0, _), (a1, y1, _) = hole
            if not (a1 > a0 and y1 > y0):
                raise HouseError(f"{where}: {path}.holePolygon: the second corner must lie above and after the "
                                 f"first (got x {a0:g} -> {a1:g}, y {y0:g} -> {y1:g})")
            if "assetPosition" in d:
                _vec(d["assetPosition"], f"{path}.assetPosition", where)
            openness = _num(d["openness"], f"{path}.openness", where) if "openness" in d else None
            if "openable" in d and not isinstance(d["openable"], bool):
                raise HouseError(f"{where}: {path}.openable: expected true/false, got {d['openable']!r}")
            key, fx, fz, fdx, fdz = frames[w0]
            seg = segs[key]
            ts = sorted(seg.along(fx + fdx * a, fz + fdz * a) for a in (a0, a1))
            if ts[0] < -0.01 or ts[1] > seg.length + 0.01:
                raise HouseError(f"{where}: {path}.holePolygon: x {a0:g} -> {a1:g} lies beyond wall {w0!r} "
                                 f"(length {seg.length:.3f} m)")
            t0, t1 = max(ts[0], 0.0), min(ts[1], seg.length)
            closed = kind == "doors" and openness == 0.0
            seg.holes.append((t0, t1, y0, y1, closed))
            cx, cz = seg.x0 + seg.dx * (t0 + t1) / 2, seg.z0 + seg.dz * (t0 + t1) / 2
            cy = seg.bottom + (y0 + y1) / 2
            along_x = abs(seg.dx) >= abs(seg.dz)
            depth = WINDOW_DEPTH if kind == "windows" else WALL_THICKNESS
            size = (t1 - t0, y1 - y0, depth) if along_x else (depth, y1 - y0, t1 - t0)
            asset = str(d.get("assetId", ""))
            if kind == "doors":
                pair = (str(d.get("room0", "")), str(d.get("room1", d.get("room0", ""))))
                doors.append(Doorway(id=hid, assetId=asset, rooms=pair, wall=w0, open=not closed,
                                     center=(cx, cy, cz), size=size))
            else:
                windows.append({
                    "objectType": "Window", "objectId": hid, "assetId": asset,
                    "position": {"x": cx, "y": cy - size[1] / 2, "z": cz},
                    "rotation": {"x": 0.0, "y": 0.0 if along_x else 90.0, "z": 0.0},
                    "axisAlignedBoundingBox": {"center": {"x": cx, "y": cy, "z": cz},
                                               "size": {"x": size[0], "y": size[1], "z": size[2]}}})
    return doors, windows


def _wall_boxes(segs: dict[str, _Segment]) -> list[WallBox]:
    """The solid pieces of every drawn segment: full height between holes, below and above each open hole."""
    out: list[WallBox] = []
    for seg in segs.values():
        if seg.empty:
            continue
        pieces: list[tuple[float, float, float, float]] = []  # t0, t1, y0, y1 (y from the wall's bottom)
        cuts = sorted((t0, t1, y0, y1) for t0, t1, y0, y1, solid in seg.holes if not solid)
        t = 0.0
        for t0, t1, y0, y1 in cuts:
            pieces.append((t, t0, 0.0, seg.height))
            pieces.append((t0, t1, 0.0, y0))
            pieces.append((t0, t1, y1, seg.height))
            t = max(t, t1)
        pieces.append((t, seg.length, 0.0, seg.height))
        along_x = abs(seg.dx) >= abs(seg.dz)
        for t0, t1, y0, y1 in pieces:
            if t1 - t0 < MIN_PIECE or y1 - y0 < MIN_PIECE:
                continue
            cx, cz = seg.x0 + seg.dx * (t0 + t1) / 2, seg.z0 + seg.dz * (t0 + t1) / 2
            size = (t1 - t0, y1 - y0, WALL_THICKNESS) if along_x else (WALL_THICKNESS, y1 - y0, t1 - t0)
            out.append(WallBox(id=seg.wall_id, center=(cx, seg.bottom + (y0 + y1) / 2, cz), size=size))
    return out


def _clear_walls(entries: list[dict[str, Any]], walls: list[WallBox]) -> int:
    """Trim object boxes that reach through a wall (per-type default sizes are often deeper than the real
    asset: a TV hung on a wall) back to the wall's face on their own side; returns how many were trimmed."""
    n = 0
    for e in entries:
        bb = e["axisAlignedBoundingBox"]
        c = [bb["center"][k] for k in "xyz"]
        sz = [bb["size"][k] for k in "xyz"]
        lo, hi = [c[k] - sz[k] / 2 for k in range(3)], [c[k] + sz[k] / 2 for k in range(3)]
        trimmed = False
        for w in walls:
            ax = 0 if w.size[0] < w.size[2] else 2  # the wall's thin axis
            wlo = [w.center[k] - w.size[k] / 2 for k in range(3)]
            whi = [w.center[k] + w.size[k] / 2 for k in range(3)]
            if not all(lo[k] < whi[k] and wlo[k] < hi[k] for k in range(3)):
                continue
            if c[ax] < w.center[ax] and whi[ax] > lo[ax] and wlo[ax] - lo[ax] >= MIN_PIECE:
                hi[ax], trimmed = min(hi[ax], wlo[ax]), True
            elif c[ax] > w.center[ax] and hi[ax] - whi[ax] >= MIN_PIECE:
                lo[ax], trimmed = max(lo[ax], whi[ax]), True
        if trimmed:
            n += 1
            bb["center"] = {k: (lo[j] + hi[j]) / 2 for j, k in enumerate("xyz")}
            bb["size"] = {k: hi[j] - lo[j] for j, k in enumerate("xyz")}
            e["position"] = {**e["position"], "x": bb["center"]["x"], "z": bb["center"]["z"]}
    return n


def load_house(house: Any, where: str = "<house>") -> HouseLoad:
    """The whole ProcTHOR house as one RoomSpec with its HouseLayout (see the module doc)."""
    h = _dict(house, "top level", where, HOUSE_KEYS)
    rooms = parse_rooms(h, where)
    seen: set[str] = set()
    for i, (rid, _, poly) in enumerate(rooms):
        if rid in seen:
            raise HouseError(f"{where}: rooms[{i}].id: duplicate room id {rid!r}")
        seen.add(rid)
        _check_floor(rid, i, poly, where)
    walls = parse_walls(h, where)
    for i, (room_id, _, _) in enumerate(walls.values()):
        if room_id and room_id not in seen and room_id != "exterior":
            raise HouseError(f"{where}: walls[{i}].roomId: no room {room_id!r}")
    top = [_parse_object(o, f"objects[{i}]", where)
           for i, o in enumerate(_list(_req(h, "objects", "top level", where), "objects", where))]
    segs, frames = _segments(walls, where)
    doors, windows = _holes(h, walls, segs, frames, seen, where)
    rtypes = {rid: rtype for rid, rtype, _ in rooms}
    try:
        layout = HouseLayout.model_validate({
            "rooms": [{"id": rid, "roomType": THOR_ROOM_TYPES[rt], "floorPolygon": poly} for rid, rt, poly in rooms],
            "walls": _wall_boxes(segs), "doors": doors})
    except ValidationError as e:  # a coordinate beyond MAX_COORD, a wall longer than MAX_EXTENT
        err = e.errors(include_url=False)[0]
        raise HouseError(f"{where}: house layout {field_path(tuple(err['loc']))}: {err['msg']}") from None

    dropped: list[str] = []
    by_room: dict[str, list[dict[str, Any]]] = {rid: [] for rid, _, _ in rooms}
    for o in top:
        home = layout.room_at(o["pos"][0], o["pos"][2])
        if home is None:
            dropped.append(f"{o['id']} (its position lies on no room's floor)")
            continue
        by_room[home].append(o)
    objs: list[dict[str, Any]] = []
    floors: list[dict[str, Any]] = []
    for rid, _, poly in rooms:
        xs, zs = [p[0] for p in poly], [p[1] for p in poly]
        floors.append({"objectType": "Floor", "objectId": rid, "position": {"x": 0.0, "y": 0.0, "z": 0.0},
                       "axisAlignedBoundingBox": {
                           "center": {"x": (min(xs) + max(xs)) / 2, "y": -0.05, "z": (min(zs) + max(zs)) / 2},
                           "size": {"x": max(xs) - min(xs), "y": 0.1, "z": max(zs) - min(zs)}}})
        for entry in _build_objects(by_room[rid], where, dropped):
            entry["parentReceptacles"] = [rid if p == FLOOR_ID else p for p in entry["parentReceptacles"]]
            objs.append(entry)
    n_trim = _clear_walls(objs, layout.walls)
    if n_trim:
        dropped.append(f"{n_trim} object box(es) reaching through a wall trimmed to the wall's face")
    closed = [d.id for d in doors if not d.open]
    if closed:
        dropped.append(f"closed doors stay wall: {', '.join(closed)}")
    if doors:
        dropped.append(f"{len(doors)} door(s) are openings in their walls, not objects (no Doorway type)")

    agent_room = next((r for r in rooms if r[0] == _agent_room(h, layout, where)), rooms[0])
    agent, own_pose = _agent(h, agent_room[2], objs, where)
    if not own_pose:
        dropped.append(f"the house agent pose (on no floor; the agent starts at a free spot in {agent_room[0]})")
    xs = [p[0] for _, _, poly in rooms for p in poly]
    zs = [p[1] for _, _, poly in rooms for p in poly]
    height = max((seg.bottom + seg.height for seg in segs.values()), default=2.6)
    md = h.get("metadata", {})
    schema = md.get("schema", "?") if isinstance(md, dict) else "?"
    data = {
        "sceneName": SCENE_NAME, "roomType": rtypes[agent_room[0]],
        "source": f"ProcTHOR house (schema {schema}): {len(rooms)} rooms, {len(segs)} wall segments, "
                  f"{len(doors)} doors, {len(windows)} windows; dropped: " + ("; ".join(dropped) or "nothing"),
        "bounds": {"xMin": min(xs), "xMax": max(xs), "zMin": min(zs), "zMax": max(zs)},
        "wallHeight": height, "agent": agent, "objects": [*floors, *objs, *windows],
        "house": layout.model_dump(by_alias=True),
    }
    try:
        spec = parse_room(data, where)
    except RoomSpecError as e:  # e.g. an object far outside the house: name the first problem, on one line
        lines = str(e).splitlines()
        more = f" (and {len(lines) - 1} more; objects[i] counts the converted objects)" if len(lines) > 1 else ""
        raise HouseError(lines[0] + more) from None
    return HouseLoad(spec, layout, dropped)


def _agent_room(h: dict[str, Any], layout: HouseLayout, where: str) -> str | None:
    """The room holding the house's agent start position, if any."""
    md = h.get("metadata")
    ag = md.get("agent") if isinstance(md, dict) else None
    if isinstance(ag, dict) and "position" in ag:
        p = _vec(ag["position"], "metadata.agent.position", where)
        return layout.room_at(p[0], p[2])
    return None
