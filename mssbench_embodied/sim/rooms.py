"""Room scene files: schema (pydantic v2), loading, validation, AI2-THOR dump conversion.

JSON uses AI2-THOR field names (camelCase); Python attributes are snake_case. Object
`state` keeps AI2-THOR camelCase keys (isOpen, isToggled, fillLiquid, temperature, ...).
Specs returned by `load_room` are cached and shared: treat them as read-only
(`spec.model_copy(deep=True)` before mutating).

CLI: ``python -m mssbench_embodied.sim.rooms convert DUMP OUT --room-type kitchen``
and ``python -m mssbench_embodied.sim.rooms check [NAME_OR_PATH ...]``.

Limits (issue 18): files are read by ``data.read_json`` (size, encoding, depth, strict JSON); geometry is
finite (coordinates within MAX_COORD, sizes positive up to MAX_EXTENT); object centres lie in the room
(INSIDE_TOLERANCE); parent links have no cycles; at most MAX_OBJECTS objects; a room file has a Floor.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias, get_args

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .data import SceneFileError, display_path, field_path, read_json, scenes_root, shipped_scenes_root
from .layout import HouseLayout
from .objects import format_object_id
from .types import type_spec

REPO_ROOT = Path(__file__).resolve().parents[2]


ROOMS_DIR = shipped_scenes_root() / "rooms"
"""The shipped room library (``rooms_dir()`` is the one in use: it follows $MSSBENCH_SCENES_DIR)."""
RoomType = Literal["kitchen", "bathroom", "bedroom", "living_room"]
"""The room types a room (and a situation) may have."""
ROOM_TYPES: tuple[RoomType, ...] = get_args(RoomType)
FLOOR_ID = "Floor|+00.00|+00.00|+00.00"

# allowed initial state keys -> (value types, default, capability needed for a non-default value)
STATE_KEYS: dict[str, tuple[tuple[type, ...], Any, str | None]] = {
    "isOpen": ((bool,), False, "openable"), "openness": ((int, float), 0.0, "openable"),
    "isToggled": ((bool,), False, "toggleable"), "isBroken": ((bool,), False, "breakable"),
    "isFilledWithLiquid": ((bool,), False, "can_fill_with_liquid"),
    "fillLiquid": ((str, type(None)), None, "can_fill_with_liquid"),
    "isDirty": ((bool,), False, "dirtyable"), "isCooked": ((bool,), False, "cookable"),
    "isSliced": ((bool,), False, "sliceable"), "isUsedUp": ((bool,), False, "can_be_used_up"),
    "temperature": ((str,), "RoomTemp", None),
}
STATE_DEFAULTS: dict[str, Any] = {k: v[1] for k, v in STATE_KEYS.items()}
LIQUIDS = (None, "water", "coffee", "wine")
TEMPERATURES = ("RoomTemp", "Hot", "Cold")

# limits of a room: finite, sized geometry of a plausible house room
MAX_COORD = 1000.0  # m (and degrees for rotations): no coordinate beyond it
MAX_EXTENT = 100.0  # m: largest room side and object size
MAX_OBJECTS = 2000
INSIDE_TOLERANCE = 0.5  # m an object's box centre may lie outside the floor rectangle / below 0 / above the walls
HORIZON_RANGE = (-30.0, 60.0)  # AI2-THOR's camera horizon limits
ROOM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""A room's name (its file name without .json): what situation files reference."""


def check_room_name(name: str) -> str:
    """``name`` if it is a bare room name (letters, digits, ``_`` and ``-``); ValueError (a path, ``..``) otherwise."""
    if not ROOM_NAME.fullmatch(name):
        raise ValueError(f"{name[:80]!r} is not a room name: use the name of a file in the rooms folder without "
                         ".json (letters, digits, '_' and '-'; no path)")
    return name


RoomName = Annotated[str, AfterValidator(check_room_name)]
"""A reference to a room of the library by name (situation files): never a path."""


class RoomSpecError(SceneFileError):
    """A room file (or dump) is malformed; the message names the file and field path."""


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", allow_inf_nan=False)


Coord = Annotated[float, Field(ge=-MAX_COORD, le=MAX_COORD)]
Extent = Annotated[float, Field(gt=0.0, le=MAX_EXTENT)]


class Vec3(_Model):
    """A 3-vector; JSON gives it as ``{"x", "y", "z"}`` or as a 3-element list. Finite, within MAX_COORD."""

    x: Coord
    y: Coord
    z: Coord

    @model_validator(mode="before")
    @classmethod
    def _from_seq(cls, data: Any) -> Any:
        if isinstance(data, (list, tuple, np.ndarray)) and len(data) == 3:
            return {"x": data[0], "y": data[1], "z": data[2]}
        return data

    def as_array(self) -> np.ndarray:
        """The vector as a float64 array ``[x, y, z]``."""
        return np.array([self.x, self.y, self.z], dtype=np.float64)

    def to_json(self) -> dict[str, float]:
        """The vector as JSON: ``{"x", "y", "z"}``."""
        return {"x": self.x, "y": self.y, "z": self.z}


class Size3(Vec3):
    """A box size: every component positive and at most MAX_EXTENT."""

    x: Extent
    y: Extent
    z: Extent


class Bounds(_Model):
    """The room's floor rectangle (JSON xMin/xMax/zMin/zMax); min must be below max on both axes."""

    x_min: Coord = Field(alias="xMin")
    x_max: Coord = Field(alias="xMax")
    z_min: Coord = Field(alias="zMin")
    z_max: Coord = Field(alias="zMax")

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.x_min >= self.x_max or self.z_min >= self.z_max:
            raise ValueError("bounds must satisfy xMin < xMax and zMin < zMax")
        if max(self.x_max - self.x_min, self.z_max - self.z_min) > MAX_EXTENT:
            raise ValueError(f"the room is larger than {MAX_EXTENT:g} m on a side")
        return self

    def contains(self, x: float, z: float, margin: float = 0.0) -> bool:
        """True if (x, z) lies within the bounds shrunk by ``margin`` on every side."""
        return (self.x_min + margin <= x <= self.x_max - margin
                and self.z_min + margin <= z <= self.z_max - margin)


class AgentPose(_Model):
    """JSON: position, rotation (only y used -> yaw), cameraHorizon -> horizon."""

    position: Vec3
    yaw: Coord = 0.0
    horizon: float = Field(0.0, alias="cameraHorizon", ge=HORIZON_RANGE[0], le=HORIZON_RANGE[1])

    @model_validator(mode="before")
    @classmethod
    def _from_thor(cls, data: Any) -> Any:
        if isinstance(data, dict) and "rotation" in data:
            data = dict(data)
            rot = data.pop("rotation")
            data["yaw"] = rot.get("y", 0.0) if isinstance(rot, dict) else rot
        return data


class AABB(_Model):
    """An axis-aligned bounding box (centre, size) as AI2-THOR dumps give it; folded into ObjectSpec."""

    center: Vec3 | None = None
    size: Size3 | None = None


class ObjectSpec(_Model):
    """One object. center/size/object_id/name are always filled in after validation."""

    object_type: str = Field(alias="objectType")
    object_id: str = Field("", alias="objectId")
    name: str = ""
    asset_id: str = Field("", alias="assetId")
    position: Vec3
    rotation: Vec3 = Field(default_factory=lambda: Vec3(x=0.0, y=0.0, z=0.0))
    aabb: AABB | None = Field(None, alias="axisAlignedBoundingBox", exclude=True)
    center: Vec3 = None  # type: ignore[assignment]  # filled by _fill
    size: Size3 = None  # type: ignore[assignment]
    parents: list[str] = Field(default_factory=list, alias="parentReceptacles")
    controlled: list[str] = Field(default_factory=list, alias="controlledObjects")
    state: dict[str, Any] = Field(default_factory=dict)

    @field_validator("object_type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        type_spec(v)  # ValueError: unknown AI2-THOR object type 'X'
        return v

    @field_validator("parents", "controlled", mode="before")
    @classmethod
    def _none_list(cls, v: Any) -> Any:
        return [] if v is None else v

    @field_validator("state")
    @classmethod
    def _check_state(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key, val in v.items():
            if key not in STATE_KEYS:
                raise ValueError(f"state key {key!r} not allowed (allowed: {', '.join(STATE_KEYS)})")
            if not isinstance(val, STATE_KEYS[key][0]) or (isinstance(val, bool) and key == "openness"):
                raise ValueError(f"state.{key}: bad value {val!r}")
        if v.get("fillLiquid") not in LIQUIDS:
            raise ValueError(f"state.fillLiquid must be one of {LIQUIDS}, got {v['fillLiquid']!r}")
        if v.get("temperature", "RoomTemp") not in TEMPERATURES:
            raise ValueError(f"state.temperature must be one of {TEMPERATURES}, got {v['temperature']!r}")
        if not 0.0 <= float(v.get("openness", 0.0)) <= 1.0:
            raise ValueError("state.openness must be within [0, 1]")
        return v

    @model_validator(mode="after")
    def _fill(self) -> ObjectSpec:
        spec = type_spec(self.object_type)
        for key, val in self.state.items():
            cap = STATE_KEYS[key][2]
            if cap and val != STATE_DEFAULTS[key] and not getattr(spec, cap):
                raise ValueError(f"state.{key}: a {self.object_type} is not {cap.replace('_', ' ')}")
        if self.aabb is not None:
            self.center = self.aabb.center or self.center
            self.size = self.aabb.size or self.size
            self.aabb = None
        if self.size is None:
            sx, sy, sz = spec.size
            yaw = round(self.rotation.y) % 360
            if yaw in (90, 270):
                sx, sz = sz, sx
            self.size = Size3(x=sx, y=sy, z=sz)
        if self.center is None:
            p = self.position
            self.center = Vec3(x=p.x, y=p.y + self.size.y / 2, z=p.z)
        if not self.object_id:
            self.object_id = format_object_id(self.object_type, self.position.as_array())
        if not self.name:
            self.name = f"{self.object_type}_{hashlib.sha1(self.object_id.encode()).hexdigest()[:8]}"
        return self

    @property
    def top(self) -> float:
        """Height of the top face of the object's box."""
        return self.center.y + self.size.y / 2

    @property
    def bottom(self) -> float:
        """Height of the bottom face of the object's box."""
        return self.center.y - self.size.y / 2


class RoomSpec(_Model):
    """One room: name, room type, floor bounds, wall height, agent start pose and objects (cross-checked)."""

    scene_name: str = Field(alias="sceneName")
    room_type: RoomType = Field(alias="roomType")
    source: str = ""
    bounds: Bounds
    wall_height: float = Field(2.6, alias="wallHeight", gt=0, le=MAX_EXTENT)
    agent: AgentPose
    objects: list[ObjectSpec] = Field(max_length=MAX_OBJECTS)
    house: HouseLayout | None = None  # a multi-room house's floors, walls and doorways (sim/layout.py)

    @model_validator(mode="after")
    def _cross_check(self, info: ValidationInfo) -> RoomSpec:
        problems = _cross_problems(self)
        if (info.context or {}).get("require_floor") and not any(o.object_type == "Floor" for o in self.objects):
            problems.append("objects: the room has no Floor object (held objects are created on it)")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def object(self, object_id: str) -> ObjectSpec:
        """The object with this objectId; KeyError if the room has none."""
        for o in self.objects:
            if o.object_id == object_id:
                return o
        raise KeyError(f"{self.scene_name}: no object {object_id!r}")

    def objects_of_type(self, object_type: str) -> list[ObjectSpec]:
        """The room's objects of one AI2-THOR type, in file order."""
        return [o for o in self.objects if o.object_type == object_type]


SceneRef: TypeAlias = str | Path | RoomSpec | dict[str, Any]
"""What a backend's reset() loads: a room name (scenes/rooms), a room JSON path, a parsed RoomSpec, an
AI2-THOR scene name (FloorPlan<N>) or a ProcTHOR house dict (sim/scene_names.py)."""


def _cross_problems(spec: RoomSpec) -> list[str]:
    """Checks that need the whole room; each problem is 'path: message'."""
    out: list[str] = []
    by_id: dict[str, ObjectSpec] = {}
    for i, o in enumerate(spec.objects):
        if o.object_id in by_id:
            out.append(f"objects[{i}].objectId: duplicate objectId {o.object_id!r}")
        by_id.setdefault(o.object_id, o)
    for i, o in enumerate(spec.objects):
        for j, pid in enumerate(o.parents):
            path = f"objects[{i}].parentReceptacles[{j}]"
            parent = by_id.get(pid)
            if parent is None:
                out.append(f"{path}: parent receptacle {pid!r} does not exist")
                continue
            pspec = type_spec(parent.object_type)
            if not pspec.receptacle:
                out.append(f"{path}: {pid!r} ({parent.object_type}) is not a receptacle")
            elif pspec.receptacle_for is not None and o.object_type not in pspec.receptacle_for:
                allowed = ", ".join(sorted(pspec.receptacle_for))
                out.append(f"{path}: {parent.object_type} {pid!r} cannot hold a {o.object_type}"
                           f" (allowed: {allowed})")
        for j, cid in enumerate(o.controlled):
            if cid not in by_id:
                out.append(f"objects[{i}].controlledObjects[{j}]: controlled object {cid!r} does not exist")
    b, tol = spec.bounds, INSIDE_TOLERANCE
    for i, o in enumerate(spec.objects):
        c = o.center
        if not b.contains(c.x, c.z, -tol) or not -tol <= c.y <= spec.wall_height + tol:
            out.append(f"objects[{i}]: {o.object_id} (centre {c.x:.2f}, {c.y:.2f}, {c.z:.2f}) is outside the room "
                       f"(x [{b.x_min}, {b.x_max}], y [0, {spec.wall_height}], z [{b.z_min}, {b.z_max}], "
                       f"tolerance {tol} m)")
    out.extend(_cycle_problems(spec, by_id))
    p = spec.agent.position
    if not spec.bounds.contains(p.x, p.z):
        b = spec.bounds
        out.append(f"agent.position: ({p.x:.2f}, {p.z:.2f}) is outside the room bounds "
                   f"x [{b.x_min}, {b.x_max}], z [{b.z_min}, {b.z_max}]")
    elif spec.house is not None and spec.house.room_at(p.x, p.z) is None:
        out.append(f"agent.position: ({p.x:.2f}, {p.z:.2f}) is on no floor of the house")
    return out


def _cycle_problems(spec: RoomSpec, by_id: dict[str, ObjectSpec]) -> list[str]:
    """Parent links that loop (an object resting on itself, directly or through others)."""
    index = {o.object_id: i for i, o in enumerate(spec.objects)}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    out: list[str] = []
    for start in by_id:
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            oid, k = stack.pop()
            if k == 0:
                state[oid] = 1
                path.append(oid)
            parents = [p for p in by_id[oid].parents if p in by_id]
            if k < len(parents):
                stack.append((oid, k + 1))
                nxt = parents[k]
                if state.get(nxt) == 1:
                    loop = path[path.index(nxt):] + [nxt]
                    what = "rests on itself" if len(loop) == 2 else "is part of a parent cycle " + " -> ".join(loop)
                    out.append(f"objects[{index[oid]}].parentReceptacles[{k}]: {oid} {what}")
                elif nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[oid] = 2
                path.pop()
    return out


# ----------------------------------------------------------------------------- errors


def _format_validation(err: ValidationError, where: str) -> RoomSpecError:
    lines: list[str] = []
    for e in err.errors(include_url=False):
        msg = str(e["msg"]).removeprefix("Value error, ")
        path = field_path(tuple(e["loc"]))
        if not path:  # cross-object problems carry their own paths, one per line
            lines.extend(f"{where}: {m}" for m in msg.splitlines())
        else:
            lines.append(f"{where}: {path}: {msg}")
    return RoomSpecError("\n".join(lines))


_display = display_path


# ----------------------------------------------------------------------------- loading


def rooms_dir() -> Path:
    """The room library in use: ``scenes_root()/rooms`` (``$MSSBENCH_SCENES_DIR`` overrides the shipped one)."""
    return scenes_root() / "rooms"


def _resolve(name_or_path: str | Path) -> Path:
    p = Path(name_or_path).expanduser()
    bare = p.parent == Path(".")
    if not bare or (p.suffix == ".json" and p.exists()):
        return Path(os.path.abspath(p))  # as named (a link is reported by its name), never raises
    cand = rooms_dir() / (p.name if p.suffix == ".json" else f"{p.name}.json")
    if not cand.exists():
        raise RoomSpecError(f"{_display(cand)}: no such room (known: {', '.join(list_rooms())})")
    return Path(os.path.abspath(cand))


def is_thor_dump(data: Any) -> bool:
    """True if ``data`` is a raw AI2-THOR metadata dump (has objects, agent and sceneBounds)."""
    return isinstance(data, dict) and {"objects", "agent", "sceneBounds"} <= data.keys()


def parse_room(data: Any, where: str = "<room>", room_type: str = "kitchen", *,
               require_floor: bool = False) -> RoomSpec:
    """Validate a parsed JSON document (room file or raw AI2-THOR metadata dump). Room files
    (``load_room``) must also have a Floor (``require_floor``)."""
    if is_thor_dump(data):
        return room_from_metadata(data, room_type=room_type, where=where, require_floor=require_floor)
    if not isinstance(data, dict):
        raise RoomSpecError(f"{where}: top level must be a JSON object")
    try:
        return RoomSpec.model_validate(data, context={"require_floor": require_floor})
    except ValidationError as e:
        raise _format_validation(e, where) from None


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int) -> RoomSpec:
    where = _display(Path(path))
    try:
        data = read_json(Path(path), where)
    except SceneFileError as e:
        raise RoomSpecError(str(e)) from None
    return parse_room(data, where, require_floor=True)


def load_room(name_or_path: str | Path) -> RoomSpec:
    """Load a room by bare name (from ROOMS_DIR) or path; cached on (path, mtime). Read-only."""
    path = _resolve(name_or_path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise RoomSpecError(f"{_display(path)}: no such file") from None
    return _load_cached(str(path), mtime)


def list_rooms() -> list[str]:
    """Sorted names of the rooms in ``rooms_dir()`` (files starting with ``_`` are left out)."""
    d = rooms_dir()
    return sorted(p.stem for p in d.glob("*.json") if not p.name.startswith("_")) if d.is_dir() else []


def room_library() -> tuple[dict[str, RoomSpec], dict[str, str]]:
    """The rooms of ``rooms_dir()``: (name -> RoomSpec of each valid file, name -> error of each broken one).
    A file whose name is not a room name (``ROOM_NAME``) is broken: situations could not name it."""
    good: dict[str, RoomSpec] = {}
    bad: dict[str, str] = {}
    for name in list_rooms():
        path = rooms_dir() / f"{name}.json"
        if not ROOM_NAME.fullmatch(name):
            bad[name] = f"{_display(path)}: file name: {name[:80]!r} is not a room name (letters, digits, '_' and '-')"
            continue
        try:
            good[name] = load_room(path)
        except RoomSpecError as e:
            bad[name] = str(e)
    return good, bad


# ----------------------------------------------------------------------------- conversion


def _v(d: dict[str, Any] | None) -> dict[str, float]:
    d = d or {}
    return {k: round(float(d.get(k, 0.0)), 5) + 0.0 for k in "xyz"}


def _thor_state(o: dict[str, Any]) -> dict[str, Any]:
    """Non-default initial states of one dump object."""
    state: dict[str, Any] = {}
    for key, default in STATE_DEFAULTS.items():
        val = o.get(key, o.get("ObjectTemperature") if key == "temperature" else None)
        if val is None or val == default:
            continue
        if key == "fillLiquid":
            val = str(val).lower()
        state[key] = float(val) if key == "openness" else val
    return state


def room_from_metadata(metadata: dict[str, Any], room_type: str = "kitchen", scene_name: str | None = None,
                       where: str = "<metadata>", require_floor: bool = False) -> RoomSpec:
    """Convert a raw AI2-THOR ``event.metadata`` dump into a RoomSpec."""
    try:
        sb = metadata["sceneBounds"]
        c, s = sb["center"], sb["size"]
        corners = np.asarray(sb.get("cornerPoints") or [[0, c["y"] + s["y"] / 2, 0]], dtype=float)
        bounds = {"xMin": c["x"] - s["x"] / 2, "xMax": c["x"] + s["x"] / 2,
                  "zMin": c["z"] - s["z"] / 2, "zMax": c["z"] + s["z"] / 2}
        bounds = {k: round(v, 4) + 0.0 for k, v in bounds.items()}
        ag = metadata["agent"]
        objects = []
        for o in metadata["objects"]:
            aabb = o.get("axisAlignedBoundingBox") or {}
            obj: dict[str, Any] = {
                "objectType": o["objectType"], "objectId": o["objectId"], "name": o.get("name", ""),
                "assetId": o.get("assetId") or "", "position": _v(o.get("position")),
                "rotation": _v(o.get("rotation")),
                "parentReceptacles": list(o.get("parentReceptacles") or []),
                "controlledObjects": list(o.get("controlledObjects") or []),
                "state": _thor_state(o),
            }
            if aabb.get("center") and aabb.get("size"):
                obj["axisAlignedBoundingBox"] = {"center": _v(aabb["center"]), "size": _v(aabb["size"])}
            objects.append(obj)
        data = {
            "sceneName": scene_name or metadata.get("sceneName") or "thor_scene",
            "roomType": room_type,
            "source": f"converted from AI2-THOR metadata of {metadata.get('sceneName', '?')}",
            "bounds": bounds, "wallHeight": round(float(corners[:, 1].max()), 4),
            "agent": {"position": {k: float(ag["position"][k]) for k in "xyz"}, "rotation": _v(ag.get("rotation")),
                      "cameraHorizon": float(ag.get("cameraHorizon", 0.0)) + 0.0},
            "objects": objects,
        }
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise RoomSpecError(f"{where}: not an AI2-THOR metadata dump: missing/bad field {e}") from None
    return parse_room(data, where, require_floor=require_floor)


def _obj_json(o: ObjectSpec) -> dict[str, Any]:
    d: dict[str, Any] = {"objectType": o.object_type, "objectId": o.object_id, "name": o.name}
    if o.asset_id:
        d["assetId"] = o.asset_id
    d["position"] = o.position.to_json()
    d["rotation"] = o.rotation.to_json()
    d["axisAlignedBoundingBox"] = {"center": o.center.to_json(), "size": o.size.to_json()}
    if o.parents:
        d["parentReceptacles"] = list(o.parents)
    if o.controlled:
        d["controlledObjects"] = list(o.controlled)
    if o.state:
        d["state"] = dict(o.state)
    return d


def room_to_json(spec: RoomSpec) -> dict[str, Any]:
    """Room file JSON (camelCase); ``load`` of it gives back an equal RoomSpec."""
    b = spec.bounds
    return {
        "sceneName": spec.scene_name, "roomType": spec.room_type, "source": spec.source,
        "bounds": {"xMin": b.x_min, "xMax": b.x_max, "zMin": b.z_min, "zMax": b.z_max},
        "wallHeight": spec.wall_height,
        "agent": {"position": spec.agent.position.to_json(), "rotation": {"x": 0.0, "y": spec.agent.yaw, "z": 0.0},
                  "cameraHorizon": spec.agent.horizon},
        "objects": [_obj_json(o) for o in spec.objects],
        **({"house": spec.house.model_dump(by_alias=True)} if spec.house is not None else {}),
    }


def _dumps(obj: Any, indent: int = 0) -> str:
    """JSON with flat dicts/lists (vectors, states) on one line."""
    pad, inner = " " * indent, " " * (indent + 2)
    flat = lambda v: not isinstance(v, (dict, list)) or (isinstance(v, dict) and not v) or (
        isinstance(v, dict) and all(not isinstance(x, (dict, list)) for x in v.values()))
    if isinstance(obj, dict) and not all(flat(v) for v in obj.values()) or (
            isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj)):
        items = ([f"{inner}{json.dumps(k)}: {_dumps(v, indent + 2)}" for k, v in obj.items()]
                 if isinstance(obj, dict) else [f"{inner}{_dumps(v, indent + 2)}" for v in obj])
        o, c = ("{", "}") if isinstance(obj, dict) else ("[", "]")
        return o + "\n" + ",\n".join(items) + "\n" + pad + c
    if isinstance(obj, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_dumps(v)}" for k, v in obj.items()) + "}"
    return json.dumps(obj)


def write_room(spec: RoomSpec, path: str | Path) -> Path:
    """Write a room file (compact JSON: one line per vector, trailing newline)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_dumps(room_to_json(spec)) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """CLI: ``convert`` a metadata dump to a room file or ``check`` room files; returns the exit code."""
    ap = argparse.ArgumentParser(prog="python -m mssbench_embodied.sim.rooms")
    sub = ap.add_subparsers(dest="cmd", required=True)
    cv = sub.add_parser("convert", help="convert an AI2-THOR metadata dump to a room file")
    cv.add_argument("dump")
    cv.add_argument("out")
    cv.add_argument("--room-type", default="kitchen", choices=ROOM_TYPES)
    cv.add_argument("--scene-name", default=None)
    ck = sub.add_parser("check", help="validate room files (default: all in the rooms dir)")
    ck.add_argument("rooms", nargs="*")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "convert":
            dump = Path(args.dump)
            data = read_json(dump)
            spec = room_from_metadata(data, args.room_type, args.scene_name, where=_display(dump.resolve()))
            spec = spec.model_copy(update={"source": f"{spec.source} ({dump.name})"})
            print(f"wrote {write_room(spec, args.out)} ({len(spec.objects)} objects)")
        else:
            for name in args.rooms or list_rooms():
                spec = load_room(name)
                print(f"ok {name}: {spec.room_type}, {len(spec.objects)} objects, "
                      f"{len({o.object_type for o in spec.objects})} types")
    except SceneFileError as e:
        print(e)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
