"""ProcTHOR house JSON (schema 1.0.0, what ``Controller(scene=house)`` takes) -> one room of it as a RoomSpec.

``reset(house)`` loads the whole house (sim/procthor_house.py, which reuses this module's field checks
and object conversion). ``convert_house`` loads one room as a plain rectangular room: by default the
room that holds the house's agent start pose (``metadata.agent``), else the first room; pass
``room="room|3"`` to pick another. What the conversion keeps and drops:

* kept: the room's floor polygon (as its bounding rectangle), its room type, its wall height (the
  tallest of its walls), its windows (as ``Window`` objects flush with the wall hole), its objects
  and their children (objectId = the house ``id``, ``assetId`` kept), ``isOn``/``openness``/
  ``isDirty`` as initial states, the agent pose when it stands in the room;
* sizes: no asset database here, so sizes are the per-type defaults of sim/types.py, except that a
  floor-standing object is as tall as twice its centre height (ProcTHOR positions are box centres)
  and an "on" receptacle reaches up to its lowest child; receptacle footprints grow to cover their
  children;
* dropped (listed by ``convert_house`` and in the RoomSpec ``source``): the other rooms, doors
  (no door type in the embedded table: a closed doorway is wall), objects whose type the embedded
  table lacks (and their children), parent links the placement rules forbid, materials, colours,
  lights, ceilings and ``proceduralParameters``.

CLI: ``python -m mssbench_embodied.sim.procthor HOUSE.json OUT.json [--room room|3 | --whole]`` writes a room
file (``--whole``: the whole house, see sim/procthor_house.py, which ``reset(house)`` loads).

Malformed input raises HouseError (a RoomSpecError) naming the field, e.g.
``<house>: objects[3].position.x: not a finite number``; an unknown field is refused by name.
"""
from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .rooms import FLOOR_ID, MAX_COORD, RoomSpec, RoomSpecError, parse_room, write_room
from .types import OBJECT_TYPES, type_spec

AGENT_Y = 0.9009992  # the agent's position y in every room (AI2-THOR's default agent)
ROOM_TYPES_BY_THOR = {"Kitchen": "kitchen", "LivingRoom": "living_room", "Bedroom": "bedroom",
                      "Bathroom": "bathroom"}

# allowed fields; a field outside these sets is refused by name
HOUSE_KEYS = {"rooms", "walls", "objects", "doors", "windows", "metadata", "proceduralParameters"}
ROOM_KEYS = {"id", "roomType", "floorPolygon", "ceilings", "children", "floorMaterial", "layer"}
WALL_KEYS = {"id", "roomId", "polygon", "material", "color", "layer", "empty"}
HOLE_KEYS = {"id", "assetId", "room0", "room1", "wall0", "wall1", "holePolygon", "assetPosition",
             "openable", "openness", "color", "material", "layer"}
OBJECT_KEYS = {"id", "assetId", "position", "rotation", "children", "kinematic", "layer", "material",
               "color", "isOn", "openness", "isDirty"}
WINDOW_DEPTH = 0.112  # the Window type's default thickness (sim/types.py)


class HouseError(RoomSpecError):
    """A ProcTHOR house JSON is malformed or uses an unsupported field; the message names the field."""


@dataclass
class HouseLoad:
    """The result of ``convert_house``: the room, which house room it is, and what was dropped."""

    spec: RoomSpec
    room_id: str
    dropped: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- field checks


def _req(d: dict[str, Any], key: str, path: str, where: str) -> Any:
    if key not in d:
        raise HouseError(f"{where}: {path}: missing required field {key!r}")
    return d[key]


def _dict(v: Any, path: str, where: str, allowed: set[str] | None = None) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise HouseError(f"{where}: {path}: expected an object, got {type(v).__name__}")
    if allowed is not None:
        for k in v:
            if k not in allowed:
                raise HouseError(f"{where}: {path}.{k}: unsupported field (supported: {', '.join(sorted(allowed))})")
    return v


def _list(v: Any, path: str, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise HouseError(f"{where}: {path}: expected a list, got {type(v).__name__}")
    return v


def _num(v: Any, path: str, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise HouseError(f"{where}: {path}: not a finite number ({v!r})")
    if abs(v) > MAX_COORD:
        raise HouseError(f"{where}: {path}: {v!r} is beyond {MAX_COORD:g} (m or degrees)")
    return float(v)


def _vec(v: Any, path: str, where: str, keys: str = "xyz") -> tuple[float, ...]:
    d = _dict(v, path, where)
    return tuple(_num(_req(d, k, path, where), f"{path}.{k}", where) for k in keys)


def _str(v: Any, path: str, where: str) -> str:
    if not isinstance(v, str) or not v:
        raise HouseError(f"{where}: {path}: expected a non-empty string, got {v!r}")
    return v


def _polygon(v: Any, path: str, where: str) -> list[tuple[float, float, float]]:
    pts = [_vec(p, f"{path}[{i}]", where) for i, p in enumerate(_list(v, path, where))]
    return [(p[0], p[1], p[2]) for p in pts]


def _inside(x: float, z: float, poly: list[tuple[float, float]]) -> bool:
    """Point-in-polygon (even-odd rule) on the floor plane."""
    hit = False
    for (x0, z0), (x1, z1) in zip(poly, poly[1:] + poly[:1]):
        if (z0 > z) != (z1 > z) and x < x0 + (z - z0) * (x1 - x0) / (z1 - z0):
            hit = not hit
    return hit


def parse_rooms(h: dict[str, Any], where: str) -> list[tuple[str, str, list[tuple[float, float]]]]:
    """The house's rooms as (id, room type of this project, floor polygon (x, z)), checked."""
    rooms = _list(_req(h, "rooms", "top level", where), "rooms", where)
    if not rooms:
        raise HouseError(f"{where}: rooms: the house has no rooms")
    out: list[tuple[str, str, list[tuple[float, float]]]] = []
    for i, r in enumerate(rooms):
        d = _dict(r, f"rooms[{i}]", where, ROOM_KEYS)
        rid = _str(_req(d, "id", f"rooms[{i}]", where), f"rooms[{i}].id", where)
        rtype = _req(d, "roomType", f"rooms[{i}]", where)
        if not isinstance(rtype, str) or rtype not in ROOM_TYPES_BY_THOR:
            raise HouseError(f"{where}: rooms[{i}].roomType: unsupported room type {rtype!r} "
                             f"(supported: {', '.join(ROOM_TYPES_BY_THOR)})")
        fp = _polygon(_req(d, "floorPolygon", f"rooms[{i}]", where), f"rooms[{i}].floorPolygon", where)
        if len(fp) < 3:
            raise HouseError(f"{where}: rooms[{i}].floorPolygon: needs at least 3 points, got {len(fp)}")
        out.append((rid, ROOM_TYPES_BY_THOR[rtype], [(p[0], p[2]) for p in fp]))
    return out


def parse_walls(h: dict[str, Any], where: str) -> dict[str, tuple[str, list[tuple[float, float, float]], bool]]:
    """The house's walls: id -> (roomId, polygon points, empty), checked."""
    walls: dict[str, tuple[str, list[tuple[float, float, float]], bool]] = {}
    for i, w in enumerate(_list(_req(h, "walls", "top level", where), "walls", where)):
        d = _dict(w, f"walls[{i}]", where, WALL_KEYS)
        wid = _str(_req(d, "id", f"walls[{i}]", where), f"walls[{i}].id", where)
        poly3 = _polygon(_req(d, "polygon", f"walls[{i}]", where), f"walls[{i}].polygon", where)
        if len(poly3) < 3:
            raise HouseError(f"{where}: walls[{i}].polygon: needs at least 3 points, got {len(poly3)}")
        if "empty" in d and not isinstance(d["empty"], bool):
            raise HouseError(f"{where}: walls[{i}].empty: expected true/false, got {d['empty']!r}")
        walls[wid] = (str(d.get("roomId", "")), poly3, bool(d.get("empty", False)))
    return walls


def is_house(data: Any) -> bool:
    """True if ``data`` looks like a ProcTHOR house (a dict with any of rooms, walls, doors, windows,
    proceduralParameters); room files and metadata dumps have none of them."""
    return isinstance(data, dict) and bool({"rooms", "walls", "doors", "windows", "proceduralParameters"} & data.keys())


# ----------------------------------------------------------------------------- objects


def _object_type(o: dict[str, Any], oid: str) -> str | None:
    """AI2-THOR type from the id prefix ("Book|surface|2|0"), else from the assetId ("Countertop_L_4x4")."""
    by_lower = {t.lower(): t for t in OBJECT_TYPES}
    head = oid.split("|", 1)[0]
    if head in OBJECT_TYPES:
        return head
    asset = str(o.get("assetId") or "")
    for cand in (head, asset.split("_", 1)[0], asset):
        if cand.lower() in by_lower:
            return by_lower[cand.lower()]
    return None


def _footprint(t: str, yaw: float) -> tuple[float, float, float]:
    sx, sy, sz = type_spec(t).size
    if round(yaw) % 180 == 90:
        sx, sz = sz, sx
    return sx, sy, sz


def _state(o: dict[str, Any], t: str, path: str, where: str, dropped: list[str]) -> dict[str, Any]:
    spec, state = type_spec(t), dict[str, Any]()
    for key, attr, able, word in (("isOn", "isToggled", spec.toggleable, "toggleable"),
                                  ("isDirty", "isDirty", spec.dirtyable, "dirtyable")):
        if key not in o:
            continue
        if not isinstance(o[key], bool):
            raise HouseError(f"{where}: {path}.{key}: expected true/false, got {o[key]!r}")
        if able:
            state[attr] = o[key]
        elif o[key]:
            dropped.append(f"{path}.{key} (a {t} is not {word})")
    if "openness" in o:
        op = _num(o["openness"], f"{path}.openness", where)
        if not 0.0 <= op <= 1.0:
            raise HouseError(f"{where}: {path}.openness: must be within [0, 1], got {op}")
        if spec.openable:
            state.update(openness=op, isOpen=op > 0.0)
        elif op > 0.0:
            dropped.append(f"{path}.openness (a {t} is not openable)")
    return state


def _parse_object(o: Any, path: str, where: str) -> dict[str, Any]:
    """Validate one house object (and its children, recursively) into a flat description."""
    d = _dict(o, path, where, OBJECT_KEYS)
    oid = _str(_req(d, "id", path, where), f"{path}.id", where)
    if "assetId" in d and not isinstance(d["assetId"], str):
        raise HouseError(f"{where}: {path}.assetId: expected a string, got {d['assetId']!r}")
    pos = _vec(_req(d, "position", path, where), f"{path}.position", where)
    rot = _vec(d.get("rotation", {"x": 0, "y": 0, "z": 0}), f"{path}.rotation", where)
    kids = [_parse_object(c, f"{path}.children[{i}]", where)
            for i, c in enumerate(_list(d.get("children", []), f"{path}.children", where))]
    return {"raw": d, "id": oid, "path": path, "pos": pos, "rot": rot, "children": kids}


def _build_objects(top: list[dict[str, Any]], where: str, dropped: list[str]) -> list[dict[str, Any]]:
    """Room JSON objects for the kept top-level objects and their children."""
    out: list[dict[str, Any]] = []
    for o in top:
        t = _object_type(o["raw"], o["id"])
        if t is None:
            n = _count(o) - 1
            dropped.append(f"{o['id']} ({o['raw'].get('assetId', '?')}: type unknown to the embedded table"
                           + (f", with {n} children)" if n else ")"))
            continue
        out.extend(_place(o, t, None, where, dropped))
    return out


def _count(o: dict[str, Any]) -> int:
    return 1 + sum(_count(c) for c in o["children"])


def _place(o: dict[str, Any], t: str, parent: dict[str, Any] | None, where: str,
           dropped: list[str]) -> list[dict[str, Any]]:
    """This object's room JSON entry (sized per the module rules), then its children's."""
    spec = type_spec(t)
    (x, y, z), rot = o["pos"], o["rot"]
    sx, sy, sz = _footprint(t, rot[1])
    kids = [(c, _object_type(c["raw"], c["id"])) for c in o["children"]]
    for c, ct in kids:
        if ct is None:
            dropped.append(f"{c['id']} ({c['raw'].get('assetId', '?')}: type unknown to the embedded table)")
    kids_known = [(c, ct) for c, ct in kids if ct is not None]
    if parent is None:
        if kids_known and spec.contains == "on":  # the top reaches up to the lowest child's bottom
            sy = max(0.02, min(c["pos"][1] - type_spec(ct).size[1] / 2 for c, ct in kids_known))
            y = sy / 2
        elif y > 0 and 2 * y <= max(2.0 * sy, sy + 0.5):  # stands on the floor: real height
            sy = 2 * y
        x0, x1, z0, z1 = x - sx / 2, x + sx / 2, z - sz / 2, z + sz / 2
        for c, ct in kids_known:  # the footprint covers the children
            cx, cz = _footprint(ct, c["rot"][1])[0] / 2, _footprint(ct, c["rot"][1])[2] / 2
            x0, x1 = min(x0, c["pos"][0] - cx), max(x1, c["pos"][0] + cx)
            z0, z1 = min(z0, c["pos"][2] - cz), max(z1, c["pos"][2] + cz)
        x, z, sx, sz = (x0 + x1) / 2, (z0 + z1) / 2, x1 - x0, z1 - z0
    else:
        ptop = parent["axisAlignedBoundingBox"]["center"]["y"] + parent["axisAlignedBoundingBox"]["size"]["y"] / 2
        if type_spec(parent["objectType"]).contains == "on":  # rest on the parent's top
            y = ptop + sy / 2
    entry: dict[str, Any] = {
        "objectType": t, "objectId": o["id"], "assetId": o["raw"].get("assetId", ""),
        "position": {"x": x, "y": y - sy / 2, "z": z},
        "rotation": {"x": rot[0], "y": rot[1], "z": rot[2]},
        "axisAlignedBoundingBox": {"center": {"x": x, "y": y, "z": z}, "size": {"x": sx, "y": sy, "z": sz}},
        "state": _state(o["raw"], t, o["path"], where, dropped),
    }
    if parent is None:
        entry["parentReceptacles"] = [FLOOR_ID] if sy / 2 >= y - 0.05 else []
    else:
        pspec = type_spec(parent["objectType"])
        if pspec.receptacle and (pspec.receptacle_for is None or t in pspec.receptacle_for):
            entry["parentReceptacles"] = [parent["objectId"]]
        else:
            entry["parentReceptacles"] = []
            dropped.append(f"{o['id']} in {parent['objectId']} (a {parent['objectType']} cannot hold a {t}; "
                           "kept without a parent)")
    out = [entry]
    for c, ct in kids_known:
        out.extend(_place(c, ct, entry, where, dropped))
    return out


# ----------------------------------------------------------------------------- house -> room


def _window(w: dict[str, Any], path: str, wall: list[tuple[float, float, float]],
            centre: tuple[float, float], where: str) -> dict[str, Any]:
    """A Window object in the wall hole, its glass flush with the wall's inner face."""
    hole = _polygon(_req(w, "holePolygon", path, where), f"{path}.holePolygon", where)
    if len(hole) < 2:
        raise HouseError(f"{where}: {path}.holePolygon: needs 2 corner points")
    ap = _vec(_req(w, "assetPosition", path, where), f"{path}.assetPosition", where)
    (ax, _, az), (bx, _, bz) = [p for p in wall if p[1] == min(q[1] for q in wall)][:2]
    length = math.hypot(bx - ax, bz - az) or 1.0
    dx, dz = (bx - ax) / length, (bz - az) / length
    cx, cz = ax + dx * ap[0], az + dz * ap[0]
    nx, nz = -dz, dx  # wall normal, turned toward the room
    if (centre[0] - cx) * nx + (centre[1] - cz) * nz < 0:
        nx, nz = -nx, -nz
    cx, cz = cx + nx * WINDOW_DEPTH / 2, cz + nz * WINDOW_DEPTH / 2
    width, height = abs(hole[1][0] - hole[0][0]), abs(hole[1][1] - hole[0][1])
    along_x = abs(dx) >= abs(dz)
    size = (width, height, WINDOW_DEPTH) if along_x else (WINDOW_DEPTH, height, width)
    oid = _str(_req(w, "id", path, where), f"{path}.id", where)
    return {"objectType": "Window", "objectId": oid, "assetId": str(w.get("assetId", "")),
            "position": {"x": cx, "y": ap[1] - height / 2, "z": cz},
            "rotation": {"x": 0.0, "y": 0.0 if along_x else 90.0, "z": 0.0},
            "axisAlignedBoundingBox": {"center": {"x": cx, "y": ap[1], "z": cz},
                                       "size": {"x": size[0], "y": size[1], "z": size[2]}}}


def _on_border(wall: list[tuple[float, float, float]], x0: float, x1: float, z0: float, z1: float) -> bool:
    """True if the wall lies on an edge of the rectangle (its floor points share an x or z bound)."""
    eps = 1e-3
    return any(all(abs(p[k] - b) < eps for p in wall) for k, bs in ((0, (x0, x1)), (2, (z0, z1))) for b in bs)


def _agent(house: dict[str, Any], poly: list[tuple[float, float]], objs: list[dict[str, Any]],
           where: str) -> tuple[dict[str, Any], bool]:
    """The house's agent pose if it stands in this room, else a free spot on a 0.25 m grid."""
    md = _dict(house.get("metadata", {}), "metadata", where)
    ag = md.get("agent")
    if ag is not None:
        ag = _dict(ag, "metadata.agent", where)
        p = _vec(_req(ag, "position", "metadata.agent", where), "metadata.agent.position", where)
        yaw = _vec(ag.get("rotation", {"x": 0, "y": 0, "z": 0}), "metadata.agent.rotation", where)[1]
        hor = _num(ag.get("horizon", 0.0), "metadata.agent.horizon", where)
        if _inside(p[0], p[2], poly):
            return {"position": {"x": p[0], "y": AGENT_Y, "z": p[2]}, "rotation": {"x": 0.0, "y": yaw, "z": 0.0},
                    "cameraHorizon": hor}, True
    boxes = [(o["axisAlignedBoundingBox"]["center"], o["axisAlignedBoundingBox"]["size"]) for o in objs
             if not o.get("parentReceptacles") or o["parentReceptacles"] == [FLOOR_ID]]
    xs, zs = [p[0] for p in poly], [p[1] for p in poly]
    best, best_d = (sum(xs) / len(xs), sum(zs) / len(zs)), -1.0
    gx = math.ceil(min(xs) * 4) / 4
    while gx < max(xs):
        gz = math.ceil(min(zs) * 4) / 4
        while gz < max(zs):
            if _inside(gx, gz, poly):
                d = min([max(abs(gx - c["x"]) - s["x"] / 2, abs(gz - c["z"]) - s["z"] / 2) for c, s in boxes]
                        + [gx - min(xs), max(xs) - gx, gz - min(zs), max(zs) - gz])
                if d > best_d:
                    best, best_d = (gx, gz), d
            gz += 0.25
        gx += 0.25
    return {"position": {"x": best[0], "y": AGENT_Y, "z": best[1]}, "rotation": {"x": 0.0, "y": 0.0, "z": 0.0},
            "cameraHorizon": 30.0}, False


def convert_house(house: Any, room: str | None = None, where: str = "<house>") -> HouseLoad:
    """Convert one room of a ProcTHOR house (default: the agent's room) into a RoomSpec, listing what it dropped."""
    h = _dict(house, "top level", where, HOUSE_KEYS)
    parsed_rooms = parse_rooms(h, where)
    walls = {wid: (room_id, poly) for wid, (room_id, poly, _) in parse_walls(h, where).items()}
    holes = {k: [_dict(x, f"{k}[{i}]", where, HOLE_KEYS) for i, x in enumerate(_list(h.get(k, []), k, where))]
             for k in ("doors", "windows")}
    top = [_parse_object(o, f"objects[{i}]", where)
           for i, o in enumerate(_list(_req(h, "objects", "top level", where), "objects", where))]

    if room is None:
        room = parsed_rooms[0][0]
        ag = h.get("metadata", {}).get("agent") if isinstance(h.get("metadata"), dict) else None
        if isinstance(ag, dict) and isinstance(ag.get("position"), dict):
            p = _vec(ag["position"], "metadata.agent.position", where)
            room = next((rid for rid, _, poly in parsed_rooms if _inside(p[0], p[2], poly)), room)
    match = [r for r in parsed_rooms if r[0] == room]
    if not match:
        raise HouseError(f"{where}: no room {room!r} (rooms: {', '.join(r[0] for r in parsed_rooms)})")
    rid, rtype, poly = match[0]
    xs, zs = [p[0] for p in poly], [p[1] for p in poly]
    dropped = [f"rooms other than {rid}: {', '.join(r[0] for r in parsed_rooms if r[0] != rid)}"] \
        if len(parsed_rooms) > 1 else []
    area = abs(sum(x0 * z1 - x1 * z0 for (x0, z0), (x1, z1) in zip(poly, poly[1:] + poly[:1]))) / 2
    if area < (max(xs) - min(xs)) * (max(zs) - min(zs)) - 1e-6:
        dropped.append(f"{rid} floor polygon (not a rectangle) loaded as its bounding rectangle: the corner it "
                       "leaves out is open floor, and objects hung on its walls hang in that space")
    mine = [o for o in top if _inside(o["pos"][0], o["pos"][2], poly)]
    objs = _build_objects(mine, where, dropped)
    own_walls = [p for r, p in walls.values() if r == rid]
    height = max((pt[1] for p in own_walls for pt in p), default=2.6)
    centre = ((min(xs) + max(xs)) / 2, (min(zs) + max(zs)) / 2)
    for i, w in enumerate(holes["windows"]):
        for side in ("0", "1"):
            if w.get(f"room{side}") == rid and w.get(f"wall{side}") in walls:
                wall = walls[w[f"wall{side}"]][1]
                if _on_border(wall, min(xs), max(xs), min(zs), max(zs)):
                    objs.append(_window(w, f"windows[{i}]", wall, centre, where))
                else:
                    dropped.append(f"{w.get('id')} (on a wall inside {rid}'s bounding rectangle)")
                break
    n_doors = sum(1 for d in holes["doors"] if rid in (d.get("room0"), d.get("room1")))
    if n_doors:
        dropped.append(f"{n_doors} door(s) of {rid} (no door type in the embedded table; the doorway is wall)")
    floor = {"objectType": "Floor", "objectId": FLOOR_ID, "position": {"x": 0.0, "y": 0.0, "z": 0.0},
             "axisAlignedBoundingBox": {"center": {"x": centre[0], "y": -0.05, "z": centre[1]},
                                        "size": {"x": max(xs) - min(xs), "y": 0.1, "z": max(zs) - min(zs)}}}
    agent, own_pose = _agent(h, poly, objs, where)
    if not own_pose:
        dropped.append(f"the house agent pose (not in {rid}; the agent starts at a free spot)")
    schema = h.get("metadata", {}).get("schema", "?") if isinstance(h.get("metadata"), dict) else "?"
    data = {
        "sceneName": f"procthor_{rid.replace('|', '_')}",
        "roomType": rtype,
        "source": f"ProcTHOR house (schema {schema}), {rid}; dropped: " + ("; ".join(dropped) or "nothing"),
        "bounds": {"xMin": min(xs), "xMax": max(xs), "zMin": min(zs), "zMax": max(zs)},
        "wallHeight": height, "agent": agent, "objects": [floor, *objs],
    }
    return HouseLoad(parse_room(data, where), rid, dropped)


def house_to_room(house: Any, room: str | None = None, where: str = "<house>") -> RoomSpec:
    """One room of a ProcTHOR house as a RoomSpec (see ``convert_house``)."""
    return convert_house(house, room, where).spec


def main(argv: list[str] | None = None) -> int:
    """CLI: convert one room of a house JSON file to a room file; returns the exit code."""
    ap = argparse.ArgumentParser(prog="python -m mssbench_embodied.sim.procthor")
    ap.add_argument("house", help="ProcTHOR house JSON file")
    ap.add_argument("out", help="room file to write")
    ap.add_argument("--room", default=None, help="house room id (default: the agent's room)")
    ap.add_argument("--whole", action="store_true", help="the whole house (every room, walls, doors) instead")
    args = ap.parse_args(argv)
    if args.whole and args.room:
        ap.error("--whole and --room exclude each other")
    try:
        try:
            house = json.loads(Path(args.house).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise HouseError(f"{args.house}: cannot read a JSON house: {e}") from None
        if args.whole:
            from .procthor_house import load_house  # noqa: PLC0415 (it imports this module)

            whole = load_house(house, where=args.house)
            lay = whole.layout
            print(f"wrote {write_room(whole.spec, args.out)} (the whole house: {len(lay.rooms)} rooms, "
                  f"{len(lay.walls)} wall pieces, {len(lay.doors)} doors, {len(whole.spec.objects)} objects)")
            for d in whole.dropped:
                print(f"  dropped: {d}")
            return 0
        load = convert_house(house, args.room, where=args.house)
    except RoomSpecError as e:
        print(e)
        return 1
    print(f"wrote {write_room(load.spec, args.out)} ({load.room_id}, {load.spec.room_type}, "
          f"{len(load.spec.objects)} objects)")
    for d in load.dropped:
        print(f"  dropped: {d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
