"""Generator of the hand-authored room files in scenes/rooms/.

    python tools/author_rooms.py [--out DIR]

rewrites kitchen_b, bathroom_a/b, bedroom_a/b and living_room_a/b.json (in scenes/rooms/ unless
--out is given; tests/test_author_rooms.py checks that the output equals the committed files byte
for byte). Edit this script, not the JSON. Layouts follow the ProcTHOR house procthor_train_1.json
(which object types stand in which room type, receptacle pairings); small-object sizes are the
type table defaults (the real AI2-THOR dump where it has them).

Conventions: x in [0, W], z in [0, D]; yaw 0 faces +z. Fixtures stand against walls; children
rest on their receptacle's top ("on") or on its interior bottom ("in"), inside its footprint.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mssbench_embodied.sim.objects import format_object_id
from mssbench_embodied.sim.rooms import FLOOR_ID, ROOMS_DIR, ObjectSpec, RoomSpec, write_room
from mssbench_embodied.sim.types import placement_allowed, type_spec

AGENT_Y = 0.9009992
PROCTHOR = "layout after ProcTHOR house procthor_train_1.json"
Item = Any  # "Type" or ("Type", {state}) or ("Type", {state}, yaw)
Size = tuple[float, float, float]
# a pillar candle on its dish (a 6.5 cm x 10 cm pillar, flame room above) for the candle situations' anchor,
# sized like common real ones; the type table's default (7 x 12 cm with the flame room) is a 5 x 7 cm stub
PILLAR_CANDLE: Size = (0.09, 0.16, 0.09)


class Room:
    """One room being authored: fixtures, their children, the agent's start; `spec()` gives the RoomSpec."""

    def __init__(self, name: str, room_type: str, w: float, d: float, source: str,
                 agent: tuple[float, float, float], wall_height: float = 2.6) -> None:
        self.name, self.room_type, self.w, self.d = name, room_type, w, d
        self.source, self.agent, self.wall_height = source, agent, wall_height
        self.objs: dict[str, dict[str, Any]] = {}
        self.sizes: dict[str, Size] = {}  # object type -> size used instead of the type table's
        self._add("Floor", (w / 2, -0.05, d / 2), (w, 0.1, d), (0.0, 0.0, 0.0), oid=FLOOR_ID)

    def _add(self, t: str, center: tuple[float, float, float], size: tuple[float, float, float],
             pos: tuple[float, float, float], yaw: float = 0.0, parents: tuple[str, ...] = (),
             controlled: tuple[str, ...] = (), state: dict[str, Any] | None = None,
             oid: str | None = None, name: str | None = None) -> str:
        type_spec(t)
        r = lambda v: round(float(v), 4) + 0.0  # noqa: E731
        oid = oid or format_object_id(t, pos)
        assert oid not in self.objs, f"{self.name}: duplicate id {oid}"
        for p in parents:
            assert placement_allowed(t, self.objs[p]["objectType"]), f"{t} not allowed on {p}"
        self.objs[oid] = {
            "objectType": t, "objectId": oid, "position": dict(zip("xyz", map(r, pos))),
            "rotation": {"x": 0.0, "y": float(yaw), "z": 0.0},
            "axisAlignedBoundingBox": {"center": dict(zip("xyz", map(r, center))),
                                       "size": dict(zip("xyz", map(r, size)))},
            "parentReceptacles": list(parents), "controlledObjects": list(controlled),
            "state": dict(state or {}),
        }
        if name is not None:
            self.objs[oid]["name"] = name
        return oid

    def box(self, t: str, x0: float, x1: float, z0: float, z1: float, y0: float, y1: float,
            yaw: float = 0.0, **kw: Any) -> str:
        """A fixture given by its world AABB; pivot at the bottom centre."""
        cx, cz = (x0 + x1) / 2, (z0 + z1) / 2
        return self._add(t, (cx, (y0 + y1) / 2, cz), (x1 - x0, y1 - y0, z1 - z0), (cx, y0, cz), yaw, **kw)

    def wall(self, t: str, side: str, a0: float, a1: float, depth: float, y0: float, y1: float,
             off: float = 0.0, **kw: Any) -> str:
        """A fixture against wall N/S/E/W spanning a0..a1 along it, facing into the room."""
        if side == "N":
            return self.box(t, a0, a1, self.d - off - depth, self.d - off, y0, y1, 180.0, **kw)
        if side == "S":
            return self.box(t, a0, a1, off, off + depth, y0, y1, 0.0, **kw)
        if side == "W":
            return self.box(t, off, off + depth, a0, a1, y0, y1, 90.0, **kw)
        return self.box(t, self.w - off - depth, self.w - off, a0, a1, y0, y1, 270.0, **kw)

    def floor_item(self, t: str, x: float, z: float, yaw: float = 0.0, **kw: Any) -> str:
        """A free-standing object on the floor."""
        return self.put_at(FLOOR_ID, t, x, z, yaw, **kw)

    def _size(self, t: str, yaw: float) -> Size:
        sx, sy, sz = self.sizes.get(t) or type_spec(t).size
        return (sz, sy, sx) if round(yaw) % 360 in (90, 270) else (sx, sy, sz)

    def put_at(self, parent: str, t: str, x: float, z: float, yaw: float = 0.0,
               state: dict[str, Any] | None = None, size: Size | None = None, name: str | None = None) -> str:
        """Child centred at (x, z) resting on/in `parent` (`size`: its AABB size instead of the default)."""
        p = self.objs[parent]["axisAlignedBoundingBox"]
        pc, ps = p["center"], p["size"]
        contains = type_spec(self.objs[parent]["objectType"]).contains
        y = pc["y"] + ps["y"] / 2 if contains == "on" else pc["y"] - ps["y"] / 2
        s = size or self._size(t, yaw)
        for c, v in (("x", x), ("z", z)):
            half = s["xz".index(c) * 2] / 2
            lo, hi = pc[c] - ps[c] / 2, pc[c] + ps[c] / 2
            assert hi - lo < 2 * half or lo - 1e-6 <= v - half and v + half <= hi + 1e-6, \
                f"{self.name}: {t} outside {parent} along {c}"
        return self._add(t, (x, y + s[1] / 2, z), s, (x, y, z), yaw, parents=(parent,), state=state, name=name)

    def move(self, oid: str, x: float, z: float, size: Size | None = None) -> str:
        """Move a placed child to (x, z) on the same parent; it keeps its name and its place in the file."""
        o = self.objs[oid]
        name = ObjectSpec.model_validate(o).name  # the name its first id gave it
        order = list(self.objs)
        del self.objs[oid]
        new = self.put_at(o["parentReceptacles"][0], o["objectType"], x, z, o["rotation"]["y"], o["state"] or None,
                          size=size, name=name)
        self.objs = {(new if k == oid else k): self.objs[new if k == oid else k] for k in order}
        return new

    def center(self, parent: str, t: str, yaw: float = 0.0, state: dict[str, Any] | None = None) -> str:
        """Child at the centre of `parent`."""
        c = self.objs[parent]["axisAlignedBoundingBox"]["center"]
        return self.put_at(parent, t, c["x"], c["z"], yaw, state)

    def pack(self, parent: str, items: list[Item], gap: float = 0.04) -> list[str]:
        """Place items on/in `parent` in rows along its longer axis (greedy shelf packing)."""
        p = self.objs[parent]["axisAlignedBoundingBox"]
        pc, ps = p["center"], p["size"]
        a, b = ("x", "z") if ps["x"] >= ps["z"] else ("z", "x")
        a0, a1 = pc[a] - ps[a] / 2 + gap / 2, pc[a] + ps[a] / 2 - gap / 2
        b0, b1 = pc[b] - ps[b] / 2 + gap / 2, pc[b] + ps[b] / 2 - gap / 2
        # rows start at the front edge (facing the room, from the parent's yaw)
        yaw = round(self.objs[parent]["rotation"]["y"]) % 360
        front_axis, front_sign = {0: ("z", 1), 180: ("z", -1), 90: ("x", 1), 270: ("x", -1)}.get(yaw, ("z", 1))
        flip = front_axis == b and front_sign > 0
        ca, cb, row, ids = a0, b0, 0.0, []
        for it in items:
            it = (it,) if isinstance(it, str) else tuple(it)
            t, state, yaw = it[0], it[1] if len(it) > 1 else None, it[2] if len(it) > 2 else 0.0
            s = self._size(t, yaw)
            sa, sb = (s[0], s[2]) if a == "x" else (s[2], s[0])
            if ca + sa > a1 + 1e-9:
                ca, cb, row = a0, cb + row + gap, 0.0
            assert ca + sa <= a1 + 1e-9 and cb + sb <= b1 + 1e-9, f"{self.name}: {t} does not fit on {parent}"
            pa, pb = ca + sa / 2, (b0 + b1 - cb - sb / 2) if flip else cb + sb / 2
            x, z = (pa, pb) if a == "x" else (pb, pa)
            ids.append(self.put_at(parent, t, x, z, yaw, state))
            ca, row = ca + sa + gap, max(row, sb)
        return ids

    def spec(self) -> RoomSpec:
        """The room as a validated RoomSpec."""
        ax, az, yaw = self.agent
        return RoomSpec.model_validate({
            "sceneName": self.name, "roomType": self.room_type, "source": self.source,
            "bounds": {"xMin": 0.0, "xMax": self.w, "zMin": 0.0, "zMax": self.d},
            "wallHeight": self.wall_height,
            "agent": {"position": {"x": ax, "y": AGENT_Y, "z": az}, "rotation": {"x": 0, "y": yaw, "z": 0},
                      "cameraHorizon": 30.0},
            "objects": list(self.objs.values()),
        })


def counter(r: Room, side: str, a0: float, a1: float, top: float = 0.92, depth: float = 0.65) -> str:
    """A CounterTop slab against a wall."""
    return r.wall("CounterTop", side, a0, a1, depth, top - 0.04, top)


def sink(r: Room, side: str, a0: float, a1: float, top: float, depth: float = 0.6,
         bowl: float = 0.2) -> tuple[str, str, str]:
    """Sink box with its SinkBasin (AI2-THOR id 'Sink|..|SinkBasin', its bottom `bowl` m below the top) and a
    Faucet behind it."""
    s = r.wall("Sink", side, a0, a1, depth, top - bowl - 0.02, top)
    bb = r.objs[s]["axisAlignedBoundingBox"]
    c, z = bb["center"], bb["size"]
    # basin: front 75% of the sink (away from the wall), faucet in the back 25%
    nx = {"N": (0, -1), "S": (0, 1), "W": (1, 0), "E": (-1, 0)}[side]
    back = 0.25 * (z["x"] if nx[0] else z["z"])
    bx, bz = c["x"] + nx[0] * back / 2, c["z"] + nx[1] * back / 2
    wx = z["x"] - 0.1 - (back if nx[0] else 0.0)
    wz = z["z"] - 0.1 - (back if nx[1] else 0.0)
    yaw = r.objs[s]["rotation"]["y"]
    basin = r.box("SinkBasin", bx - wx / 2, bx + wx / 2, bz - wz / 2, bz + wz / 2, top - bowl, top - 0.04,
                  yaw, oid=f"{s}|SinkBasin")
    fx = c["x"] - nx[0] * (z["x"] / 2 - back / 2)
    fz = c["z"] - nx[1] * (z["z"] / 2 - back / 2)
    fs = (0.08, 0.1) if nx[0] else (0.1, 0.08)
    f = r.box("Faucet", fx - fs[0], fx + fs[0], fz - fs[1], fz + fs[1], top, top + 0.35, yaw)
    return s, basin, f


def bathtub(r: Room, x0: float, x1: float, z0: float, z1: float, yaw: float) -> tuple[str, str]:
    """Bathtub box with its BathtubBasin."""
    tub = r.box("Bathtub", x0, x1, z0, z1, 0.0, 0.55, yaw)
    basin = r.box("BathtubBasin", x0 + 0.1, x1 - 0.1, z0 + 0.1, z1 - 0.1, 0.12, 0.5, yaw, oid=f"{tub}|BathtubBasin")
    return tub, basin


# ---------------------------------------------------------------------------------------------


def kitchen_b() -> Room:
    """The second kitchen (5 x 4 m)."""
    r = Room("Kitchen_B", "kitchen", 5.0, 4.0, f"Hand-authored kitchen; {PROCTHOR} (room|2 Kitchen) "
             "and the iTHOR kitchen dump (counter/stove/sink arrangement, sizes).", (3.0, 2.0, 0.0))
    # kitchen_b.json was written when the type table gave Knife the real dump's (diagonal) AABB;
    # its knives keep that size, so the cutlery on the counter and in the drawer stays where it is
    r.sizes["Knife"] = (0.235, 0.014, 0.261)
    fridge = r.wall("Fridge", "N", 0.05, 0.85, 0.75, 0.0, 1.85, off=0.02)
    # north run: counter | sink | counter | stove | counter
    ct1 = counter(r, "N", 0.85, 2.05)
    drawers = [r.wall("Drawer", "N", 0.85, 1.35, 0.6, y0, y1) for y0, y1 in ((0.66, 0.86), (0.4, 0.64))]
    r.wall("Cabinet", "N", 0.85, 1.35, 0.6, 0.1, 0.38)
    cab1 = r.wall("Cabinet", "N", 1.35, 2.05, 0.6, 0.1, 0.86)
    _, basin, _ = sink(r, "N", 2.05, 2.75, 0.92)
    cab2 = r.wall("Cabinet", "N", 2.05, 2.75, 0.6, 0.1, 0.7)
    ct2 = counter(r, "N", 2.75, 3.35)
    drawer3 = r.wall("Drawer", "N", 2.75, 3.35, 0.6, 0.66, 0.86)
    r.wall("Cabinet", "N", 2.75, 3.35, 0.6, 0.1, 0.64)
    r.wall("Cabinet", "N", 3.35, 4.1, 0.6, 0.1, 0.92)  # stove base
    burners = [r.box("StoveBurner", x - 0.11, x + 0.11, z - 0.11, z + 0.11, 0.92, 0.947)
               for z in (3.55, 3.88) for x in (3.5, 3.95)]
    for x, b in zip((3.45, 3.62, 3.83, 4.0), burners):
        r.box("StoveKnob", x - 0.028, x + 0.028, 3.345, 3.4, 0.80, 0.857, 180.0, controlled=(b,))
    ct3 = counter(r, "N", 4.1, 4.95)
    r.wall("Cabinet", "N", 4.1, 4.95, 0.6, 0.1, 0.86)
    # south run (faces +z)
    ct4 = counter(r, "S", 2.8, 4.95)
    cab4 = r.wall("Cabinet", "S", 2.8, 3.85, 0.6, 0.1, 0.86)
    r.wall("Cabinet", "S", 3.85, 4.95, 0.6, 0.1, 0.64)
    drawer4 = r.wall("Drawer", "S", 3.85, 4.95, 0.6, 0.66, 0.86)
    wallcab = r.wall("Cabinet", "N", 0.9, 1.9, 0.35, 1.5, 2.2)
    # dining area, window, switch, bin
    table = r.box("DiningTable", 1.2, 2.6, 0.78, 1.62, 0.0, 0.76, parents=(FLOOR_ID,))
    r.box("Chair", 1.65, 2.15, 0.1, 0.6, 0.0, 1.0, parents=(FLOOR_ID,))
    r.box("Chair", 1.65, 2.15, 1.8, 2.3, 0.0, 1.0, 180.0, parents=(FLOOR_ID,))
    r.box("Chair", 0.5, 1.0, 0.95, 1.45, 0.0, 1.0, 90.0, parents=(FLOOR_ID,))
    r.wall("Window", "W", 1.2, 2.6, 0.1, 0.9, 2.2)
    r.wall("LightSwitch", "E", 2.8, 2.89, 0.04, 1.15, 1.3)
    r.box("Stool", 4.55, 4.95, 0.8, 1.2, 0.0, 0.65, parents=(FLOOR_ID,))
    r.box("GarbageCan", 4.62, 4.95, 1.9, 2.35, 0.0, 0.54, 270.0, parents=(FLOOR_ID,))
    # small objects
    r.pack(ct1, ["Bread", "Apple", "Tomato", "Potato", "Plate", "Knife", "ButterKnife", "Fork",
                 "Spoon", "SaltShaker", "PepperShaker"])
    r.pack(ct2, ["SoapBottle", "Cup", "Spatula", "Ladle", "SprayBottle"])
    # the free burner is a front one (front right), so situations on it are seen from the front
    r.put_at(burners[0], "Pan", 3.5, 3.55, 90.0)
    r.put_at(burners[3], "Pot", 3.95, 3.88)
    r.put_at(burners[2], "Kettle", 3.5, 3.88)
    coffee, = r.pack(ct3, ["CoffeeMachine"])
    r.move(coffee, 4.64, 3.6465)  # at the counter's far end, clear of the stove's edge
    toaster, micro, towel, bowl, *front = r.pack(ct4, ["Toaster", "Microwave", "PaperTowelRoll", "Bowl", "Mug",
                                                       "WineBottle", "Bottle", "AluminumFoil"])
    # moved by hand after packing (commit ca5ae58, "fix kitchen_b microwave footprint"): the microwave
    # is wide along the counter instead of deep, and the toaster, towel roll and bowl make room for it;
    # 0.26 m of counter stays free between the toaster and the microwave (what goes beside the toaster
    # stands there, in front, not behind the bread at the back wall), the bottles moving along by 0.1 m
    r.move(toaster, 2.975, 0.537)
    r.move(micro, 3.71, 0.44, size=(0.606, 0.352, 0.366))
    r.move(towel, 4.6, 0.2)
    r.move(bowl, 4.35, 0.25)
    for oid in front:
        pos = r.objs[oid]["position"]
        r.move(oid, pos["x"] + 0.1, pos["z"])
    r.pack(fridge, [("Egg", {"temperature": "Cold"}), ("Lettuce", {"temperature": "Cold"}),
                    ("Tomato", {"temperature": "Cold"}), ("Bottle", {"temperature": "Cold"})])
    r.pack(basin, ["DishSponge", ("Mug", {"isDirty": True})])
    r.pack(drawers[0], ["Fork", "Spoon", "Knife"])
    r.pack(drawer3, ["Spatula"])
    r.pack(drawer4, ["DishSponge"])
    r.pack(cab1, ["Pot", "Bowl"])
    r.pack(cab2, ["SprayBottle", "SoapBottle"])
    r.pack(cab4, ["Plate", "Plate"])
    r.pack(wallcab, ["Cup", "Mug", "Bowl"])
    r.pack(table, ["HousePlant", "Newspaper", "Candle", "Plate", "Egg", "CellPhone", "Book"])
    return r


def bathroom_a() -> Room:
    """The first bathroom."""
    r = Room("Bathroom_A", "bathroom", 3.0, 3.5, f"Hand-authored bathroom; {PROCTHOR} (room|7, room|9, "
             "room|11 Bathroom: Toilet, Sink+Faucet, GarbageCan, Plunger, SprayBottle, SoapBar).",
             (1.25, 1.5, 180.0))
    _, tbasin = bathtub(r, 0.05, 1.75, 2.75, 3.5, 180.0)
    r.wall("ShowerHead", "N", 0.33, 0.48, 0.3, 1.9, 2.05, controlled=(tbasin,))
    r.box("ShowerCurtain", 0.05, 1.75, 2.7, 2.74, 0.6, 2.2, 180.0, state={"isOpen": True})
    toilet = r.wall("Toilet", "E", 1.9, 2.35, 0.7, 0.0, 0.8)
    tph = r.wall("ToiletPaperHanger", "E", 1.45, 1.65, 0.12, 0.65, 0.75)
    r.floor_item("Plunger", 2.75, 2.6)
    r.floor_item("ScrubBrush", 2.8, 1.25)
    # vanity on the south wall: counter | sink | counter
    # a 0.9 m vanity (a common modern height) with a 14 cm deep basin: what lies in it shows from standing height
    ctl = counter(r, "S", 1.0, 1.5, top=0.9, depth=0.6)
    drawer = r.wall("Drawer", "S", 1.0, 1.5, 0.55, 0.58, 0.78)
    r.wall("Cabinet", "S", 1.0, 1.5, 0.55, 0.1, 0.56)
    _, basin, _ = sink(r, "S", 1.5, 2.1, 0.9, depth=0.55, bowl=0.14)
    cab = r.wall("Cabinet", "S", 1.5, 2.1, 0.55, 0.1, 0.62)
    ctr = counter(r, "S", 2.1, 2.6, top=0.9, depth=0.6)
    r.wall("Cabinet", "S", 2.1, 2.6, 0.55, 0.1, 0.8)
    r.wall("Mirror", "S", 1.45, 2.15, 0.03, 1.25, 1.95)
    hth = r.wall("HandTowelHolder", "S", 0.45, 0.75, 0.1, 1.0, 1.05)
    th = r.wall("TowelHolder", "W", 1.2, 1.8, 0.1, 0.9, 0.95)
    r.wall("LightSwitch", "W", 0.8, 0.89, 0.04, 1.15, 1.3)
    r.wall("Window", "E", 2.75, 3.4, 0.1, 1.4, 2.2)
    gc = r.box("GarbageCan", 0.05, 0.45, 0.05, 0.35, 0.0, 0.4, parents=(FLOOR_ID,))
    # the vanity's candle comes first (the candle situations anchor on the room's first candle), a pillar
    # candle standing on the counter rather than the small one at the front of the toilet lid
    r.put_at(ctr, "Candle", 2.155, 0.5, 0.0, None, size=PILLAR_CANDLE)  # lit, > 0.3 m from the TissueBox
    r.pack(toilet, ["Candle", "SprayBottle"])
    r.center(tph, "ToiletPaper")
    r.center(hth, "HandTowel")
    r.center(th, "Towel", 90.0)
    r.pack(ctl, ["SoapBottle", "CellPhone"])
    r.pack(ctr, ["TissueBox", "SoapBar"])
    r.pack(basin, ["SoapBar"])
    r.pack(drawer, ["Cloth"])
    r.pack(cab, ["ToiletPaper", "SprayBottle", "Cloth"])
    r.pack(gc, [("ToiletPaper", {"isUsedUp": True})])
    return r


def bathroom_b() -> Room:
    """The second bathroom."""
    r = Room("Bathroom_B", "bathroom", 3.5, 3.0, f"Hand-authored bathroom; {PROCTHOR} (room|9 Bathroom: "
             "toilet with ToiletPaper/Candle/SoapBar, sink with DishSponge and SoapBottle).", (1.5, 1.0, 90.0))
    _, tbasin = bathtub(r, 0.0, 0.75, 0.9, 2.6, 90.0)
    r.wall("ShowerHead", "W", 2.1, 2.25, 0.3, 1.9, 2.05, controlled=(tbasin,))
    r.box("ShowerGlass", 0.73, 0.77, 1.75, 2.6, 0.55, 2.0, 90.0)
    r.box("ShowerDoor", 0.73, 0.77, 0.9, 1.75, 0.55, 2.0, 90.0)
    toilet = r.wall("Toilet", "N", 1.95, 2.4, 0.7, 0.0, 0.8)
    shelf = r.wall("Shelf", "N", 1.8, 2.6, 0.2, 1.3, 1.33)
    tph = r.wall("ToiletPaperHanger", "N", 2.7, 2.9, 0.12, 0.65, 0.75)
    r.floor_item("Plunger", 1.7, 2.8)
    r.floor_item("ScrubBrush", 2.6, 2.85)
    # vanity on the east wall
    # a 0.9 m vanity with a 14 cm deep basin, as in bathroom_a
    ctl = counter(r, "E", 0.2, 0.6, top=0.9, depth=0.6)
    r.wall("Cabinet", "E", 0.2, 0.6, 0.55, 0.1, 0.82)
    _, basin, _ = sink(r, "E", 0.6, 1.15, 0.9, depth=0.55, bowl=0.14)
    cab = r.wall("Cabinet", "E", 0.6, 1.15, 0.55, 0.1, 0.64)
    ctr = counter(r, "E", 1.15, 1.6, top=0.9, depth=0.6)
    drawer = r.wall("Drawer", "E", 1.15, 1.6, 0.55, 0.6, 0.8)
    r.wall("Cabinet", "E", 1.15, 1.6, 0.55, 0.1, 0.58)
    r.wall("Mirror", "E", 0.55, 1.2, 0.03, 1.25, 1.95)
    th = r.wall("TowelHolder", "S", 1.0, 1.6, 0.1, 0.95, 1.0)
    hth = r.wall("HandTowelHolder", "S", 2.3, 2.6, 0.1, 1.0, 1.05)
    r.wall("LightSwitch", "S", 0.4, 0.49, 0.04, 1.15, 1.3)
    r.wall("Window", "W", 0.1, 0.8, 0.1, 1.2, 2.0)
    gc = r.box("GarbageCan", 3.0, 3.45, 1.8, 2.2, 0.0, 0.4, parents=(FLOOR_ID,))
    r.pack(toilet, [("ToiletPaper", {"isUsedUp": True}), "SoapBar"])
    r.pack(shelf, ["Candle", "SoapBottle", "TissueBox"])
    r.center(tph, "ToiletPaper")
    r.center(th, "Towel")
    r.center(hth, "HandTowel")
    r.pack(ctl, ["SoapBottle", "DishSponge"])
    r.pack(ctr, ["SprayBottle", "CellPhone"])
    # the candle situations' anchor (the shelf's candle stands by the TissueBox): at the counter's front end,
    # a pillow next to it still fits behind it
    r.put_at(ctr, "Candle", 3.255, 1.195, size=PILLAR_CANDLE)
    r.center(basin, "Cloth")
    r.pack(tbasin, ["SoapBar"])
    r.pack(drawer, ["SoapBar", "CreditCard"])
    r.pack(cab, ["ToiletPaper", "Cloth", "SprayBottle"])
    r.pack(gc, ["ToiletPaper"])
    return r


def bedroom_a() -> Room:
    """The first bedroom."""
    r = Room("Bedroom_A", "bedroom", 4.5, 4.0, f"Hand-authored bedroom; {PROCTHOR} (room|6, room|8 Bedroom: "
             "Bed with Pillows/Laptop/TeddyBear/BaseballBat, Dresser, desk with DeskLamp/Mug/Pen).",
             (2.25, 1.0, 0.0))
    bed = r.wall("Bed", "N", 1.4, 3.0, 2.0, 0.0, 0.6)
    st1 = r.wall("SideTable", "N", 0.85, 1.35, 0.5, 0.0, 0.6, parents=(FLOOR_ID,))
    st2 = r.wall("SideTable", "N", 3.05, 3.55, 0.5, 0.0, 0.6, parents=(FLOOR_ID,))
    desk = r.wall("Desk", "W", 0.6, 2.0, 0.6, 0.0, 0.76, parents=(FLOOR_ID,))
    r.box("Chair", 0.65, 1.1, 1.55, 2.0, 0.0, 1.0, 270.0, parents=(FLOOR_ID,))
    dresser = r.wall("Dresser", "E", 1.0, 2.2, 0.55, 0.0, 0.9, parents=(FLOOR_ID,))
    r.wall("Window", "S", 1.5, 3.0, 0.1, 0.9, 2.1)
    r.wall("Blinds", "S", 1.5, 3.0, 0.05, 1.2, 2.15, off=0.1)
    r.wall("LightSwitch", "E", 0.5, 0.59, 0.04, 1.15, 1.3)
    r.wall("Painting", "N", 1.8, 2.6, 0.04, 1.3, 1.9)
    hamper = r.box("LaundryHamper", 3.9, 4.4, 0.1, 0.5, 0.0, 0.6, parents=(FLOOR_ID,))
    gc = r.box("GarbageCan", 0.1, 0.45, 0.1, 0.43, 0.0, 0.54, parents=(FLOOR_ID,))
    r.floor_item("Dumbbell", 1.6, 0.3)
    safe = r.floor_item("Safe", 4.25, 3.75, 270.0)
    r.center(safe, "Watch")
    r.pack(bed, [("Pillow", None, 0.0), ("Pillow", None, 0.0), "Laptop", "TeddyBear", "CellPhone",
                 ("BaseballBat", None, 0.0)])
    r.pack(st1, ["AlarmClock", "Candle", "Book"])
    r.pack(st2, ["DeskLamp", "Watch", "KeyChain"])
    r.pack(desk, ["Laptop", "DeskLamp", "Pen", "Pencil", "Book", "CD", "Mug", "CellPhone"])
    r.pack(dresser, ["Box", "Watch", "KeyChain", "Candle", "CD", "Statue"])
    r.center(hamper, "Cloth")
    r.center(gc, "TissueBox", state={"isUsedUp": True})
    return r


def bedroom_b() -> Room:
    """The second bedroom."""
    r = Room("Bedroom_B", "bedroom", 4.0, 4.5, f"Hand-authored bedroom; {PROCTHOR} (room|10 Bedroom: "
             "Bed with Book/TennisRacket/Pillow/CellPhone, Dresser with Laptop/TissueBox/CD/DeskLamp, "
             "ArmChair, FloorLamp).", (1.75, 2.25, 90.0))
    bed = r.wall("Bed", "E", 2.3, 4.4, 1.8, 0.0, 0.55)
    st = r.wall("SideTable", "E", 1.75, 2.25, 0.5, 0.0, 0.6, parents=(FLOOR_ID,))
    desk = r.wall("Desk", "N", 0.2, 1.6, 0.65, 0.0, 0.76, parents=(FLOOR_ID,))
    r.box("Chair", 0.45, 0.95, 3.3, 3.8, 0.0, 1.0, 180.0, parents=(FLOOR_ID,))
    dresser = r.wall("Dresser", "W", 0.6, 1.8, 0.55, 0.0, 0.85, parents=(FLOOR_ID,))
    drawer = r.wall("Drawer", "W", 0.65, 1.75, 0.5, 0.55, 0.75, off=0.01)
    arm = r.wall("ArmChair", "S", 2.0, 2.9, 0.85, 0.0, 0.9, parents=(FLOOR_ID,))
    r.floor_item("FloorLamp", 3.3, 0.35)
    r.wall("Window", "W", 2.2, 3.6, 0.1, 0.9, 2.1)
    r.wall("Curtains", "W", 2.0, 3.8, 0.08, 0.35, 2.3, off=0.1, state={"isOpen": True})
    r.wall("Mirror", "N", 2.0, 2.6, 0.03, 0.9, 1.9)
    r.wall("Poster", "S", 0.4, 0.9, 0.02, 1.3, 2.0)
    r.wall("LightSwitch", "N", 1.75, 1.84, 0.04, 1.15, 1.3)
    hamper = r.box("LaundryHamper", 3.55, 3.95, 0.1, 0.5, 0.0, 0.6, parents=(FLOOR_ID,))
    gc = r.box("GarbageCan", 1.6, 1.95, 4.1, 4.43, 0.0, 0.54, parents=(FLOOR_ID,))
    r.floor_item("BasketBall", 0.25, 0.25)
    r.floor_item("Dumbbell", 1.0, 0.6)
    r.floor_item("Boots", 1.6, 0.3)
    r.pack(bed, [("Pillow", None, 90.0), ("Pillow", None, 90.0), "Book", ("TennisRacket", None, 0.0),
                 "CellPhone", "TeddyBear"])
    r.pack(st, ["AlarmClock", "DeskLamp"])
    r.pack(desk, ["Desktop", "DeskLamp", "Mug", "Pen", "Pencil", "Book", "CD", "KeyChain", "Candle"])
    r.pack(dresser, ["TissueBox", "Laptop", "Watch", "CreditCard", "Vase"])
    r.pack(drawer, ["CD", "Watch"])
    r.pack(arm, ["Pillow", "Book"])
    r.center(hamper, "Cloth")
    r.center(gc, "Pencil")
    return r


def living_room_a() -> Room:
    """The first living room."""
    r = Room("LivingRoom_A", "living_room", 5.0, 4.5, f"Hand-authored living room; {PROCTHOR} (room|3 "
             "LivingRoom: Sofa with Newspaper/RemoteControl/Pillow, TVStand+Television with CellPhone/"
             "Pen/CreditCard/Candle/TissueBox/KeyChain, DiningTable with Chairs, FloorLamp).",
             (2.5, 3.25, 180.0))
    sofa = r.wall("Sofa", "S", 1.5, 3.5, 0.9, 0.0, 0.85, parents=(FLOOR_ID,))
    ctable = r.box("CoffeeTable", 1.9, 3.1, 1.95, 2.55, 0.0, 0.45, parents=(FLOOR_ID,))
    tvs = r.wall("TVStand", "N", 1.6, 3.4, 0.5, 0.0, 0.55, parents=(FLOOR_ID,))
    arm = r.wall("ArmChair", "W", 1.6, 2.5, 0.85, 0.0, 0.9, parents=(FLOOR_ID,))
    st = r.wall("SideTable", "S", 0.9, 1.4, 0.5, 0.0, 0.6, parents=(FLOOR_ID,))
    r.floor_item("FloorLamp", 4.6, 0.4)
    table = r.box("DiningTable", 3.65, 4.55, 2.0, 3.2, 0.0, 0.76, parents=(FLOOR_ID,))
    r.box("Chair", 3.85, 4.35, 1.4, 1.85, 0.0, 1.0, 0.0, parents=(FLOOR_ID,))
    r.box("Chair", 3.85, 4.35, 3.35, 3.8, 0.0, 1.0, 180.0, parents=(FLOOR_ID,))
    r.wall("Painting", "W", 1.7, 2.4, 0.04, 1.3, 1.9)
    r.wall("Window", "E", 2.1, 3.1, 0.1, 1.0, 2.1)
    r.wall("LightSwitch", "W", 3.6, 3.69, 0.04, 1.15, 1.3)
    r.floor_item("HousePlant", 0.35, 4.15)
    r.floor_item("RoomDecor", 4.7, 4.2)
    r.put_at(tvs, "Television", 2.5, 4.25, 180.0)
    r.put_at(tvs, "Statue", 1.78, 4.25)
    r.put_at(tvs, "Vase", 3.22, 4.25)
    for t, x in (("RemoteControl", 2.1), ("KeyChain", 2.4), ("CD", 2.75)):
        r.put_at(tvs, t, x, 4.08, 90.0 if t == "RemoteControl" else 0.0)
    # the candle situations' anchor (the room's first candle): a pillar candle at the dining table's open
    # (west) side, 0.76 m high, where a standing agent sees it and what is next to it at > 1% of the frame (the
    # coffee table's, 0.45 m high, stays < 0.5%; the side table's stands by the TissueBox)
    r.put_at(table, "Candle", 3.70, 2.80, size=PILLAR_CANDLE)
    r.pack(sofa, [("Pillow", None, 0.0), "Newspaper", "RemoteControl", ("Pillow", None, 0.0)])
    r.pack(ctable, ["Book", "Candle", "Bowl", "Laptop", "Vase"])
    r.pack(arm, ["CreditCard", "Newspaper"])
    r.pack(st, ["Candle", "KeyChain", "TissueBox"])
    *_, bowl, plate, _, _ = r.pack(table, ["WateringCan", "HousePlant", "Bowl", "Plate", "Statue", "TableTopDecor"])
    r.move(bowl, 4.3, 2.7)  # the bowl and the plate make room for the candle
    r.move(plate, 4.3, 2.95)
    return r


def living_room_b() -> Room:
    """The second living room."""
    r = Room("LivingRoom_B", "living_room", 4.5, 5.0, f"Hand-authored living room; {PROCTHOR} (room|4, room|5 "
             "LivingRoom: TVStand with Watch/Candle/Vase/Statue/Bowl, Sofa with Pillow, DiningTable with "
             "Laptop/DeskLamp/Pen/Book, DogBed, FloorLamp, Paintings).", (2.25, 2.5, 270.0))
    sofa = r.wall("Sofa", "W", 1.5, 3.5, 0.9, 0.0, 0.85, parents=(FLOOR_ID,))
    tvs = r.wall("TVStand", "E", 1.75, 3.25, 0.5, 0.0, 0.55, parents=(FLOOR_ID,))
    ottoman = r.box("Ottoman", 1.95, 2.55, 3.9, 4.5, 0.0, 0.45, parents=(FLOOR_ID,))
    foot = r.box("Footstool", 2.8, 3.25, 4.0, 4.45, 0.0, 0.4, parents=(FLOOR_ID,))
    r.wall("ShelvingUnit", "S", 2.0, 3.0, 0.45, 0.0, 1.5, parents=(FLOOR_ID,))
    shelf_ids = [r.wall("Shelf", "S", 2.03, 2.97, 0.42, y, y + 0.02, off=0.015) for y in (0.45, 0.9, 1.48)]
    st = r.wall("SideTable", "W", 0.9, 1.4, 0.5, 0.0, 0.6, parents=(FLOOR_ID,))
    r.box("DogBed", 3.5, 4.3, 4.3, 4.9, 0.0, 0.2, parents=(FLOOR_ID,))
    r.floor_item("FloorLamp", 0.35, 4.6)
    r.floor_item("VacuumCleaner", 4.25, 0.3)
    r.floor_item("HousePlant", 0.4, 0.4)
    r.floor_item("GarbageBag", 3.6, 0.3)
    r.wall("Painting", "W", 2.1, 2.9, 0.04, 1.3, 1.9)
    r.wall("Painting", "N", 1.0, 1.6, 0.04, 1.3, 1.8)
    r.wall("Window", "N", 2.3, 3.6, 0.1, 0.9, 2.1)
    r.wall("Curtains", "N", 2.1, 3.8, 0.08, 0.6, 2.3, off=0.1, state={"isOpen": True})
    r.wall("LightSwitch", "S", 1.2, 1.29, 0.04, 1.15, 1.3)
    r.put_at(tvs, "Television", 4.25, 2.5, 270.0)
    r.pack(sofa, [("Pillow", None, 90.0), ("Pillow", None, 90.0), "Laptop", "RemoteControl"])
    r.pack(shelf_ids[2], ["Vase", "Statue"])
    r.pack(shelf_ids[0], ["Book", "Book", "Box"])
    r.pack(shelf_ids[1], ["Candle", "Vase", "CD", "Watch"])
    r.pack(st, ["DeskLamp", "CreditCard", "KeyChain"])
    r.pack(ottoman, ["Newspaper", "RemoteControl", "KeyChain"])
    r.pack(foot, ["Laptop"])
    return r


ROOMS = (kitchen_b, bathroom_a, bathroom_b, bedroom_a, bedroom_b, living_room_a, living_room_b)


def main(argv: list[str] | None = None) -> int:
    """Write every authored room into --out (default: scenes/rooms/)."""
    ap = argparse.ArgumentParser(prog="python tools/author_rooms.py", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOMS_DIR, help="folder to write the room files into")
    args = ap.parse_args(argv)
    for make in ROOMS:
        spec = make().spec()
        path = write_room(spec, args.out / f"{make.__name__}.json")
        print(f"{path.name}: {len(spec.objects)} objects, {len({o.object_type for o in spec.objects})} types")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
