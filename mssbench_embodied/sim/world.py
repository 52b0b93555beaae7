"""World state: objects, relations, placement, visibility, navigation grid, metadata export.

No rules live here (see actions.py and effects.py); no rendering (see render/).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .obb import oriented_box
from .objects import AgentState, SimObject, format_object_id, stable_hex
from .types import type_spec
from .visibility import VisibilityGeometry as _Geom

if TYPE_CHECKING:
    from .layout import HouseLayout
    from .rooms import RoomSpec

GRID_SIZE = 0.25
AGENT_RADIUS = 0.2
AGENT_Y = 0.9009992480278015
VISIBILITY_DISTANCE = 1.5
HAND_OFFSET = (0.10, -0.22, 0.38)  # held object: right, up, forward of the camera (m)
STATE_ATTRS = {  # metadata state key -> SimObject attribute
    "isToggled": "is_toggled", "isOpen": "is_open", "openness": "openness", "isBroken": "is_broken",
    "isFilledWithLiquid": "is_filled", "fillLiquid": "fill_liquid", "isDirty": "is_dirty",
    "isCooked": "is_cooked", "isSliced": "is_sliced", "isUsedUp": "is_used_up", "temperature": "temperature",
}
STATE_KEYS = frozenset(STATE_ATTRS)


def _v3(a: Iterable[float]) -> dict[str, float]:
    """AI2-THOR's {"x", "y", "z"} dict of a 3-vector."""
    x, y, z = a.tolist() if isinstance(a, np.ndarray) else (float(v) for v in a)
    return {"x": float(x), "y": float(y), "z": float(z)}


class World:
    """Mutable world. Every mutation of an object must be followed by `touch(obj)`."""

    def __init__(self, scene_name: str, bounds: tuple[float, float, float, float], wall_height: float,
                 agent: AgentState, room_type: str = "kitchen") -> None:
        self.scene_name = scene_name
        self.room_type = room_type
        self.bounds = bounds  # x_min, x_max, z_min, z_max
        self.wall_height = wall_height
        self.agent = agent
        self.objects: dict[str, SimObject] = {}
        self.version = 0  # bumped on any object change
        self.revisions: dict[str, int] = {}  # objectId -> version of its last change
        self.visibility_distance = VISIBILITY_DISTANCE
        self.fov = 90.0
        self.time = 0.0
        self._md_cache: dict[str, dict[str, Any]] = {}
        self._md_list: tuple[int, list[dict[str, Any]]] | None = None  # (version, enabled objects' dicts)
        self._reachable: list[tuple[float, float]] | None = None
        self._geom: _Geom | None = None
        self._obstacles: tuple[np.ndarray, np.ndarray] | None = None
        # MoveHeldObject*: the hand's displacement, valid while the agent's pose and held object are unchanged
        self.hand_shift: tuple[np.ndarray, tuple[Any, ...]] | None = None
        self.layout: HouseLayout | None = None  # a multi-room house's floors and walls (sim/layout.py)
        # (digest, version) of the snapshot this world was restored from (EmbeddedBackend.set_state): the objects
        # whose revision is at most that version are unchanged since (every change bumps a revision)
        self.origin: tuple[bytes, int] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        # caches are rebuilt lazily; the origin is that of the restore (set_state sets it from the bytes)
        state.update(_md_cache={}, _md_list=None, _geom=None, origin=None)
        return state

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_room(cls, spec: RoomSpec) -> World:
        """Build the world a parsed room describes."""
        a = spec.agent
        agent = AgentState(position=np.array([a.position.x, a.position.y, a.position.z], dtype=np.float64),
                           yaw=float(a.yaw), horizon=float(a.horizon))
        b = spec.bounds
        w = cls(spec.scene_name, (b.x_min, b.x_max, b.z_min, b.z_max), spec.wall_height, agent, spec.room_type)
        w.layout = spec.house
        for o in spec.objects:
            obj = SimObject.create(o.object_type, o.center.as_array(), o.size.as_array(), object_id=o.object_id,
                                   yaw=o.rotation.y, position=o.position.as_array(), name=o.name)
            obj.rotation = o.rotation.as_array()
            obj.asset_id = o.asset_id  # the source asset (dump or ProcTHOR house), "" if unknown
            for key, val in (o.state or {}).items():
                setattr(obj, STATE_ATTRS[key], val)
            if obj.is_open and obj.openness == 0.0:
                obj.openness = 1.0
            obj.controlled = list(o.controlled)
            w.objects[obj.object_id] = obj
        for o in spec.objects:
            for pid in o.parents:
                if pid in w.objects:
                    w.attach(w.objects[o.object_id], w.objects[pid])
        for obj in w.objects.values():
            obj.heat = 1.0 if obj.temperature == "Hot" else (-1.0 if obj.temperature == "Cold" else 0.0)
        return w

    # ------------------------------------------------------------------ bookkeeping
    def touch(self, obj: SimObject) -> None:
        """Record that obj changed: bump the version, drop its cached metadata and stale grids."""
        self._md_cache.pop(obj.object_id, None)
        self.version += 1
        self.revisions[obj.object_id] = self.version
        self._md_list = None
        if obj.spec.structural or not obj.spec.pickupable:
            self._reachable = None
            self._obstacles = None

    def get(self, object_id: str) -> SimObject | None:
        """The enabled object with this id, or None."""
        o = self.objects.get(object_id)
        return o if o is not None and o.enabled else None

    def of_type(self, object_type: str) -> list[SimObject]:
        """Enabled objects of a type."""
        return [o for o in self.objects.values() if o.enabled and o.object_type == object_type]

    def add(self, obj: SimObject) -> SimObject:
        """Add a new object (ValueError on a duplicate objectId)."""
        if obj.object_id in self.objects:
            raise ValueError(f"duplicate objectId {obj.object_id}")
        self.objects[obj.object_id] = obj
        self.touch(obj)
        return obj

    # ------------------------------------------------------------------ transactions
    def snapshot(self, only: Iterable[str] | None = None) -> WorldSnapshot:
        """The state an action may change, cheaply: shallow copies (object lists and arrays are replaced,
        never changed in place, by every action); `restore` puts it back exactly. ``only``: the ids of
        the only objects the action can change (the others' states are not copied), None for all."""
        objects = self.objects
        states = ({k: dict(o.__dict__) for k, o in objects.items()} if only is None
                  else {k: dict(objects[k].__dict__) for k in only if k in objects})
        return WorldSnapshot(dict(self.__dict__), dict(objects), states, dict(self.agent.__dict__),
                             dict(self.revisions))

    def fork(self) -> World:
        """An independent copy of this world, cheaper than a pickle round trip (a precached reset forks a
        pristine world instead of unpickling it). Sound for the reason `snapshot` is: object arrays and
        lists are replaced, never changed in place, so the copies share them; the world's own containers
        and each object's and the agent's attributes are copied. The derived caches go along (the
        per-object metadata dicts and the object list are never mutated; the visibility arrays of this
        version are shared, bound to the copy's objects)."""
        attrs = {k: (v.copy() if isinstance(v, (dict, list, set)) else v) for k, v in self.__dict__.items()}
        objects: dict[str, SimObject] = {}
        for k, o in self.objects.items():
            c = objects[k] = SimObject.__new__(SimObject)
            c.__dict__.update(o.__dict__)
        agent = AgentState.__new__(AgentState)
        agent.__dict__.update(self.agent.__dict__)
        attrs.update(objects=objects, agent=agent)
        g = self._geom  # kept when built for this version (then its rows are exactly the enabled objects)
        attrs["_geom"] = g.rebound(objects) if g is not None and g.version == self.version else None
        new = World.__new__(World)
        new.__dict__.update(attrs)
        return new

    def carried_ids(self) -> list[str]:
        """The held object's id and those of what rests on/in it ([] with empty hands)."""
        held = self.objects.get(self.agent.held) if self.agent.held else None
        return [] if held is None else [held.object_id, *(o.object_id for o in self.descendants(held))]

    def derived_caches(self) -> dict[str, Any]:
        """The caches pickling drops (per-object metadata dicts, the object list, the visibility arrays and
        their memo): pickled in one `pickle.dumps` with the world (embedded `get_state`), so that a restored
        world need not rebuild them. Each is a pure function of the state it was built for."""
        return {"_md_cache": self._md_cache, "_md_list": self._md_list, "_geom": self._geom}

    def adopt_caches(self, caches: dict[str, Any]) -> None:
        """Take `derived_caches()` unpickled with this world; the per-version ones only if built for its version."""
        self._md_cache = dict(caches.get("_md_cache") or {})
        md_list, geom = caches.get("_md_list"), caches.get("_geom")
        self._md_list = md_list if md_list is not None and md_list[0] == self.version else None
        self._geom = geom if geom is not None and getattr(geom, "version", None) == self.version else None

    def restore(self, snap: WorldSnapshot) -> None:
        """Undo everything since `snap` was taken (a failed or raising action)."""
        v0 = snap.attrs["version"]
        changed = {k for k, r in self.revisions.items() if r > v0} | (set(self.objects) ^ set(snap.objects))
        md_cache = self._md_cache
        self.__dict__.clear()
        self.__dict__.update(snap.attrs)
        self.objects, self.revisions = snap.objects, snap.revisions
        for k, state in snap.states.items():
            o = snap.objects[k]
            o.__dict__.clear()
            o.__dict__.update(state)
        self.agent.__dict__.clear()
        self.agent.__dict__.update(snap.agent)
        for k in changed:
            md_cache.pop(k, None)
        self._md_cache = md_cache
        self._md_list = None

    def spawn(self, object_type: str, receptacle: SimObject | None = None, object_id: str | None = None,
              near: np.ndarray | None = None) -> SimObject:
        """Create a new object of a type (embedded extension), optionally placed on a receptacle.
        Its objectId follows AI2-THOR's format from where it lands."""
        spec = type_spec(object_type)
        tmp = f"{object_type}|spawn|{len(self.objects)}"
        away = [self.bounds[0] - 5.0, -5.0, self.bounds[2] - 5.0]  # outside the room until placed
        obj = SimObject.create(object_type, away, spec.size, object_id=tmp)
        self.add(obj)
        if receptacle is not None and not self.place_in(obj, receptacle, near=near):
            del self.objects[tmp]
            self._md_cache.pop(tmp, None)
            self._md_list = None
            raise ValueError(f"No valid positions to place object found: {object_type} in {receptacle.object_id}")
        self.rename(obj, object_id or new_object_id(self, object_type, obj.position))
        return obj

    def rename(self, obj: SimObject, new_id: str) -> None:
        """Give obj a new objectId (and name), updating every link to it."""
        old = obj.object_id
        if new_id == old:
            return
        if new_id in self.objects:
            raise ValueError(f"duplicate objectId {new_id}")
        self.objects = {(new_id if k == old else k): v for k, v in self.objects.items()}
        obj.object_id = new_id
        obj.name = f"{obj.object_type}_{stable_hex(new_id)}"
        for o in self.objects.values():
            if old in o.parents:
                o.parents = [new_id if p == old else p for p in o.parents]
                self.touch(o)
            if old in o.children:
                o.children = [new_id if c == old else c for c in o.children]
                self.touch(o)
        if self.agent.held == old:
            self.agent.held = new_id
        self._md_cache.pop(old, None)
        self.touch(obj)

    # ------------------------------------------------------------------ relations
    def attach(self, child: SimObject, parent: SimObject) -> None:
        """Link child as resting on/in parent."""
        if parent.object_id not in child.parents:
            child.parents = [*child.parents, parent.object_id]
        if child.object_id not in parent.children:
            parent.children = [*parent.children, child.object_id]
        self.touch(child)
        self.touch(parent)

    def detach(self, child: SimObject) -> None:
        """Unlink child from all its parents."""
        for pid in child.parents:
            p = self.objects.get(pid)
            if p is not None and child.object_id in p.children:
                p.children = [c for c in p.children if c != child.object_id]
                self.touch(p)
        child.parents = []
        self.touch(child)

    def retire(self, obj: SimObject, with_contents: bool = False) -> list[SimObject]:
        """Take obj out of the scene (enabled=False): out of the hand, off its parents.

        with_contents disables what it carries too (links kept, so enabling restores them);
        otherwise its children are unlinked and returned (the caller re-settles them).
        """
        if self.agent.held == obj.object_id:
            self.agent.held = None
        obj.is_picked_up = False
        self.detach(obj)
        orphans: list[SimObject] = []
        if with_contents:
            gone = self.descendants(obj)
            ids = {obj.object_id, *(c.object_id for c in gone)}
            for c in gone:
                for pid in [p for p in c.parents if p not in ids]:  # e.g. a Pan on two burners
                    c.parents = [q for q in c.parents if q != pid]
                    p = self.objects.get(pid)
                    if p is not None and c.object_id in p.children:
                        p.children = [k for k in p.children if k != c.object_id]
                        self.touch(p)
                c.enabled = False
                self.touch(c)
        else:
            for cid in list(obj.children):
                child = self.objects.get(cid)
                if child is not None and obj.object_id in child.parents:
                    child.parents = [p for p in child.parents if p != obj.object_id]
                    self.touch(child)
                    orphans.append(child)
            obj.children = []
        obj.enabled = False
        self.touch(obj)
        return orphans

    def descendants(self, obj: SimObject) -> list[SimObject]:
        """Everything resting on/in obj, transitively."""
        out: list[SimObject] = []
        seen: set[int] = set()  # by identity: `c not in out` compared dataclasses field by field
        stack = list(obj.children)
        while stack:
            c = self.objects.get(stack.pop())
            if c is not None and id(c) not in seen:
                seen.add(id(c))
                out.append(c)
                stack.extend(c.children)
        return out

    def ancestors(self, obj: SimObject) -> list[SimObject]:
        """Everything obj rests on/in, transitively."""
        out: list[SimObject] = []
        seen: set[int] = set()
        frontier = list(obj.parents)
        while frontier:
            p = self.objects.get(frontier.pop())
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                out.append(p)
                frontier.extend(p.parents)
        return out

    def move_with_children(self, obj: SimObject, center: np.ndarray) -> None:
        """Move obj's centre to `center`, carrying what rests on/in it."""
        delta = np.asarray(center, dtype=np.float64) - obj.center
        for o in [obj, *self.descendants(obj)]:
            o.move_to(o.center + delta)
            self.touch(o)

    # ------------------------------------------------------------------ placement
    def surface_y(self, recep: SimObject) -> float:
        """Height on which children rest: top for surfaces, interior floor for containers."""
        if recep.spec.contains == "in":
            return recep.bottom + min(0.03, recep.size[1] * 0.1)
        return recep.top

    def place_in(self, obj: SimObject, recep: SimObject, near: np.ndarray | None = None) -> bool:
        """Put obj (and what it carries) on/in recep at a free spot. False if nothing fits."""
        if not recep.spec.receptacle or recep is obj or recep in self.descendants(obj):
            return False  # only receptacles hold things; never into itself (no parent cycles)
        half = obj.size[[0, 2]] / 2
        lo = recep.center[[0, 2]] - recep.size[[0, 2]] / 2 + half
        hi = recep.center[[0, 2]] + recep.size[[0, 2]] / 2 - half
        # closable containers (Microwave, Drawer, Box...) must hold it entirely; open ones (Pan,
        # Bowl, Pot, SinkBasin...) may have it stick out, as in AI2-THOR
        if (recep.spec.contains == "in" and recep.spec.openable and obj.size[1] > recep.size[1] * 1.05
                and recep.size[1] < 1.0):
            return False
        if np.any(lo > hi + 1e-6):
            # too big for the footprint along an axis: overhang, centred on that axis (a pan on a
            # burner, a towel over a burner); interiors allow less than surfaces
            limit = 2.5 if recep.spec.contains == "on" else 1.6
            if np.any(obj.size[[0, 2]] > recep.size[[0, 2]] * limit + 0.05):
                return False
            over = lo > hi
            lo = np.where(over, recep.center[[0, 2]], lo)
            hi = np.where(over, recep.center[[0, 2]], hi)
        others = [self.objects[c] for c in recep.children if c in self.objects and c != obj.object_id]
        target = recep.center[[0, 2]] if near is None else np.clip(np.asarray(near)[[0, 2]], lo, hi)
        nx = max(1, int(round((hi[0] - lo[0]) / 0.05)) + 1)
        nz = max(1, int(round((hi[1] - lo[1]) / 0.05)) + 1)
        xs, zs = np.linspace(lo[0], hi[0], nx), np.linspace(lo[1], hi[1], nz)
        grid = np.stack(np.meshgrid(xs, zs, indexing="ij"), axis=-1).reshape(-1, 2)  # x-major, as nested loops
        order = np.argsort(np.linalg.norm(grid - target, axis=1), kind="stable")
        cands = np.concatenate([np.asarray(target, np.float64).reshape(1, 2), grid[order]])
        if others:  # the first candidate clear of every other child (_xz_gap > 5 mm), all tested at once
            d = (np.abs(cands[:, None, :] - np.array([o.center[[0, 2]] for o in others])[None]) - half
                 - np.array([o.size[[0, 2]] / 2 for o in others])[None])
            hits = np.flatnonzero((np.maximum(d[..., 0], d[..., 1]) > 0.005).all(axis=1))
            if not len(hits):
                return False
            c = cands[hits[0]]
        else:
            c = cands[0]
        y = self.surface_y(recep) + obj.size[1] / 2
        self.detach(obj)
        self.move_with_children(obj, np.array([c[0], y, c[1]]))
        self.attach(obj, recep)
        return True

    def receptacle_below(self, point: np.ndarray, exclude: Iterable[str] = ()) -> SimObject | None:
        """Highest receptacle whose footprint contains point (x, z) and whose top is below point.y."""
        ex = set(exclude)
        best: SimObject | None = None
        best_y = -1e9
        for o in self.objects.values():
            if not o.enabled or o.object_id in ex or not o.spec.receptacle or o.is_picked_up:
                continue
            if o.spec.contains == "in" and o.spec.openable and not o.is_open:
                continue  # a closed cabinet/drawer/fridge cannot catch a falling object
            if o.object_type == "Floor" and self.layout is not None and self.layout.room_at(
                    float(point[0]), float(point[2])) not in (None, o.object_id):
                continue  # a house: the floor of the room below, not another room's overlapping bounding box
            lo, hi = o.center - o.size / 2, o.center + o.size / 2
            if lo[0] <= point[0] <= hi[0] and lo[2] <= point[2] <= hi[2] and o.bottom <= point[1]:
                y = self.surface_y(o)
                if y <= point[1] + 1e-6 and y > best_y:
                    best, best_y = o, y
        return best

    # ------------------------------------------------------------------ agent geometry
    def forward(self) -> np.ndarray:
        """Horizontal unit vector the agent faces."""
        r = math.radians(self.agent.yaw)
        return np.array([math.sin(r), 0.0, math.cos(r)])

    def right(self) -> np.ndarray:
        """Horizontal unit vector to the agent's right."""
        r = math.radians(self.agent.yaw)
        return np.array([math.cos(r), 0.0, -math.sin(r)])

    def view_dir(self) -> np.ndarray:
        """Unit vector the camera looks along (yaw and horizon)."""
        r, h = math.radians(self.agent.yaw), math.radians(self.agent.horizon)
        return np.array([math.sin(r) * math.cos(h), -math.sin(h), math.cos(r) * math.cos(h)])

    def hand_position(self) -> np.ndarray:
        """World position of the held object (heldObjectPose.localPosition: HAND_OFFSET from the camera).
        Lower and to the right of AI2-THOR's default (0, -0.16, 0.38), so it does not hide the scene."""
        x, y, z = HAND_OFFSET
        hand = self.agent.camera_position + self.forward() * z + self.right() * x + np.array([0.0, y, 0.0])
        shift = getattr(self, "hand_shift", None)
        if shift is not None and shift[1] != self.hand_pose_key():
            self.hand_shift = shift = None  # the agent moved or let go: the hand is back at its default
        return hand + shift[0] if shift is not None else hand

    def hand_pose_key(self) -> tuple[Any, ...]:
        """What resets a moved hand to its default (AI2-THOR's DefaultAgentHand): the agent's pose or held object."""
        a = self.agent
        return (a.held, *np.round(a.position, 6).tolist(), round(a.yaw, 6), round(a.horizon, 6), a.is_standing)

    # ------------------------------------------------------------------ navigation grid
    def obstacles(self) -> list[SimObject]:
        """Objects that block the agent's body on the floor."""
        return [o for o in self.objects.values() if o.enabled and not o.is_picked_up
                and o.object_type != "Floor" and not o.spec.pickupable
                and o.bottom < 1.7 and o.top > 0.05
                and o.object_type not in ("Window", "Painting", "LightSwitch", "Mirror", "Poster")]

    def _obstacle_boxes(self) -> tuple[np.ndarray, np.ndarray]:
        if self._obstacles is None:
            obs = self.obstacles()
            lo = np.array([o.center - o.size / 2 for o in obs]).reshape(-1, 3)
            hi = np.array([o.center + o.size / 2 for o in obs]).reshape(-1, 3)
            self._obstacles = (lo[:, [0, 2]] - AGENT_RADIUS, hi[:, [0, 2]] + AGENT_RADIUS)
        return self._obstacles

    def is_free(self, x: float, z: float) -> bool:
        """Whether the agent can stand at (x, z): inside the room, clear of obstacles."""
        x0, x1, z0, z1 = self.bounds
        if not (x0 + AGENT_RADIUS - 1e-6 <= x <= x1 - AGENT_RADIUS + 1e-6
                and z0 + AGENT_RADIUS - 1e-6 <= z <= z1 - AGENT_RADIUS + 1e-6):
            return False
        if self.layout is not None and not self.layout.walkable(x, z, AGENT_RADIUS):
            return False
        lo, hi = self._obstacle_boxes()
        return not bool(np.any((lo[:, 0] < x) & (x < hi[:, 0]) & (lo[:, 1] < z) & (z < hi[:, 1])))

    def reachable_positions(self) -> list[tuple[float, float]]:
        """Grid points (GRID_SIZE) the agent can stand on, flood-filled from the start cell."""
        if self._reachable is None:
            x0, x1, z0, z1 = self.bounds
            xs = np.arange(math.ceil(x0 / GRID_SIZE) * GRID_SIZE, x1 + 1e-9, GRID_SIZE)
            zs = np.arange(math.ceil(z0 / GRID_SIZE) * GRID_SIZE, z1 + 1e-9, GRID_SIZE)
            free = {(round(float(x), 2), round(float(z), 2))
                    for x in xs for z in zs if self.is_free(float(x), float(z))}
            self._reachable = sorted(free)
        return self._reachable

    # ------------------------------------------------------------------ visibility
    def visibility_geometry(self) -> _Geom:
        """The visibility arrays of the current state (updated from the previous ones when it can be)."""
        g = self._geom
        if g is None or g.version != self.version:
            g = self._geom = (g.updated(self) if g is not None else None) or _Geom(self)
        return g

    def is_visible(self, object_id: str) -> bool:
        """In view, within visibility distance of the camera, not occluded (AABB rays): one object only."""
        a = self.agent
        g = self.visibility_geometry()
        if object_id not in g.index:
            return False
        return object_id in g.visible(a.camera_position, self.view_dir(), self.right(), self.fov,
                                      self.visibility_distance, only=g.index[object_id])

    def is_hidden(self, o: SimObject) -> bool:
        """Inside a closed openable container."""
        return any(p.spec.openable and p.spec.contains == "in" and not p.is_open for p in self.ancestors(o))

    def camera_distance(self, obj: SimObject) -> float:
        """Distance from the camera to the nearest point of obj's box (horizontal for the Floor, whose
        reach is measured like its visibility: see sim/visibility.py)."""
        cam = self.agent.camera_position
        near = np.clip(cam, obj.center - obj.size / 2, obj.center + obj.size / 2) - cam
        if obj.object_type == "Floor":
            near[1] = 0.0
        return float(np.linalg.norm(near))

    def visible_floor_points(self, floor: SimObject) -> np.ndarray:
        """The sample points (k, 3) of a Floor the camera sees now (empty if it is not visible)."""
        g = self.visibility_geometry()
        i = g.index.get(floor.object_id)
        if i is None or not g.floor[i]:
            return np.zeros((0, 3))
        a = self.agent
        return g.visible_floor_points(i, a.camera_position, self.view_dir(), self.right(), self.fov,
                                      self.visibility_distance)

    # ------------------------------------------------------------------ metadata export
    def object_metadata(self, o: SimObject) -> dict[str, Any]:
        """AI2-THOR's metadata dict of one object (cached until it changes; distance and visibility unset)."""
        cached = self._md_cache.get(o.object_id)
        if cached is not None:
            return cached
        s = o.spec
        lo, hi = (o.center - o.size / 2).tolist(), (o.center + o.size / 2).tolist()
        corners = [[x, y, z] for x in (hi[0], lo[0]) for y in (hi[1], lo[1]) for z in (hi[2], lo[2])]
        md = {
            "assetId": o.asset_id,
            "axisAlignedBoundingBox": {"center": _v3(o.center), "cornerPoints": corners, "size": _v3(o.size)},
            "breakable": s.breakable, "canBeUsedUp": s.can_be_used_up, "canFillWithLiquid": s.can_fill_with_liquid,
            "controlledObjects": (list(o.controlled) if s.toggleable else None),
            "cookable": s.cookable, "dirtyable": s.dirtyable, "distance": 0.0,
            "fillLiquid": o.fill_liquid, "isBroken": o.is_broken, "isColdSource": s.is_cold_source,
            "isCooked": o.is_cooked, "isDirty": o.is_dirty, "isFilledWithLiquid": o.is_filled,
            "isHeatSource": s.is_heat_source, "isInteractable": False, "isMoving": False, "isOpen": o.is_open,
            "isPickedUp": o.is_picked_up, "isSliced": o.is_sliced, "isToggled": o.is_toggled, "isUsedUp": o.is_used_up,
            "mass": float(s.mass), "moveable": s.moveable, "name": o.name, "objectId": o.object_id,
            "objectOrientedBoundingBox": oriented_box(o), "objectType": o.object_type, "openable": s.openable,
            "openness": float(o.openness), "parentReceptacles": (list(o.parents) if o.parents else None),
            "pickupable": s.pickupable, "position": _v3(o.position), "receptacle": s.receptacle,
            "receptacleObjectIds": (list(o.children) if s.receptacle else None), "rotation": _v3(o.rotation),
            "salientMaterials": (list(s.salient_materials) if s.salient_materials is not None else None),
            "sliceable": s.sliceable, "temperature": o.temperature, "toggleable": s.toggleable, "visible": False,
        }
        self._md_cache[o.object_id] = md
        return md

    def metadata(self, last_action: str, success: bool, error: str, action_return: Any,
                 width: int, height: int) -> Callable[[], dict[str, Any]]:
        """Snapshot the state now; the returned function builds the AI2-THOR `event.metadata` dict.

        The snapshot holds immutable pieces only (per-object dicts are rebuilt, never mutated,
        when an object changes), so building it later still describes this step.
        """
        cached = self._md_list
        if cached is not None and cached[0] == self.version:
            objs = cached[1]  # never mutated: a new list is made after any change (touch)
        else:
            objs = [self.object_metadata(o) for o in self.objects.values() if o.enabled]
            self._md_list = (self.version, objs)
        g = self.visibility_geometry()
        a = self.agent
        pose = (a.position.copy(), float(a.yaw), float(a.horizon), a.is_standing, a.camera_position.copy(),
                self.view_dir(), self.right(), self.hand_position())
        held = self.objects.get(a.held) if a.held else None
        inventory = [{"objectId": held.object_id, "objectType": held.object_type}] if held else []
        fov, vdist, t = self.fov, self.visibility_distance, self.time
        bounds, h, name = self.bounds, self.wall_height, self.scene_name

        def build() -> dict[str, Any]:
            pos, yaw, horizon, standing, cam, fwd, rgt, hand = pose
            vis = g.visible(cam, fwd, rgt, fov, vdist)
            opos = np.array([[o["position"]["x"], o["position"]["y"], o["position"]["z"]] for o in objs]).reshape(-1, 3)
            dist = np.linalg.norm(opos - pos, axis=1).tolist()
            # in reach: within vdist of the camera (the Floor: its visible points already are, horizontally)
            cdist = ((np.linalg.norm(np.clip(cam, g.lo, g.hi) - cam, axis=1) <= vdist) | g.floor).tolist() \
                if len(g.ids) else []
            out = []
            index = g.index
            for o, d in zip(objs, dist):
                m = o.copy()  # the keys set below are in every cached dict already: the key order stays
                oid = o["objectId"]
                v = oid in vis
                i = index.get(oid)
                m["distance"], m["visible"], m["isInteractable"] = d, v, v and (i is None or cdist[i])
                out.append(m)
            x0, x1, z0, z1 = bounds
            return {
                "actionFloatReturn": 0.0, "actionFloatsReturn": None, "actionIntReturn": 0,
                "actionReturn": action_return,
                "actionStringsReturn": None, "actionVector3sReturn": None,
                "agent": {"cameraHorizon": horizon, "inHighFrictionArea": False, "isStanding": standing,
                          "name": "agent", "position": _v3(pos), "rotation": {"x": 0.0, "y": yaw, "z": 0.0}},
                "agentId": 0, "arm": None, "cameraOrthSize": 0.0, "cameraPosition": _v3(cam), "collided": False,
                "collidedObjects": [], "colors": [], "currentTime": float(t), "distances": [],
                "errorCode": None if success else "", "errorMessage": error, "flatSurfacesOnGrid": [],
                "fov": float(fov),
                "heldObjectPose": {"localPosition": _v3(HAND_OFFSET),
                                   "localRotation": {"x": 0.0, "y": 0.0, "z": 0.0},
                                   "position": _v3(hand), "rotation": {"x": 0.0, "y": yaw, "z": 0.0}},
                "inventoryObjects": [dict(i) for i in inventory],
                "isOpenableGrid": [], "isSceneAtRest": True, "lastAction": last_action, "lastActionSuccess": success,
                "normals": [], "objectIdsInBox": [], "objects": out,
                "sceneBounds": {"center": _v3([(x0 + x1) / 2, h / 2, (z0 + z1) / 2]),
                                "cornerPoints": [[float(x), float(y), float(z)]
                                                 for x in (x1, x0) for y in (h, -0.1) for z in (z1, z0)],
                                "size": _v3([x1 - x0, h + 0.1, z1 - z0])},
                "sceneName": name, "screenHeight": int(height), "screenWidth": int(width),
                "segmentedObjectIds": [], "thirdPartyCameras": [], "visibleRange": None,
            }

        return build


class WorldSnapshot(NamedTuple):
    """World.snapshot(): the world's attributes, its object table, each object's and the agent's attributes."""

    attrs: dict[str, Any]
    objects: dict[str, SimObject]
    states: dict[str, dict[str, Any]]
    agent: dict[str, Any]
    revisions: dict[str, int]


def new_object_id(world: World, object_type: str, center: np.ndarray) -> str:
    """An unused AI2-THOR-format objectId for an object of this type at `center`."""
    oid = format_object_id(object_type, center)
    k = 0
    while oid in world.objects:
        k += 1
        oid = format_object_id(object_type, center + np.array([0.01 * k, 0, 0]))
    return oid
