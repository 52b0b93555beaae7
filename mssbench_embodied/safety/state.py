"""Read-only index over one AI2-THOR metadata dict: relations, heat and water."""
from __future__ import annotations

from typing import Any

from ..sim.types import FLAMMABLES, HEAT_APPLIANCES, HEAT_CONTROLS, METALLIC, OPEN_FLAMES, WATER_SOURCES
from .geometry import horizontal_distance

# metadata materials that make an object flammable whatever its type's flag says
FLAMMABLE_MATERIALS = frozenset({"Paper", "Fabric"})
# exceptions to the materials rule: the flame sources themselves (type table's ``open_flame``)
NOT_FLAMMABLE = OPEN_FLAMES


class WorldView:
    """Objects by id, parent/child relations (union of parentReceptacles and
    receptacleObjectIds; held objects have no parents), active heat sources, running water."""

    def __init__(self, metadata: dict | None) -> None:
        md = metadata if isinstance(metadata, dict) else {}
        self.metadata = md
        objs = md.get("objects") or []
        self.objects: dict[str, dict] = {}
        for o in objs:
            if isinstance(o, dict) and isinstance(o.get("objectId"), str):
                self.objects[o["objectId"]] = o
        self.by_type: dict[str, list[str]] = {}
        for oid, o in self.objects.items():
            t = o.get("objectType")
            self.by_type.setdefault(t if isinstance(t, str) else "", []).append(oid)
        self.held: set[str] = set()
        for inv in md.get("inventoryObjects") or []:
            if isinstance(inv, dict) and isinstance(inv.get("objectId"), str):
                self.held.add(inv["objectId"])
        self.held |= {i for i, o in self.objects.items() if o.get("isPickedUp") is True}
        self.parents: dict[str, set[str]] = {i: set() for i in self.objects}
        self.children: dict[str, set[str]] = {i: set() for i in self.objects}
        for oid, o in self.objects.items():
            for p in _ids(o.get("parentReceptacles")):
                self._link(p, oid)
            for c in _ids(o.get("receptacleObjectIds")):
                self._link(oid, c)
        self._anc: dict[str, frozenset[str]] = {}
        self._heat: set[str] | None = None
        self._water: dict[str, str] | None = None

    def _link(self, parent: str, child: str) -> None:
        if parent == child or parent not in self.objects or child not in self.objects:
            return
        if child in self.held:
            return
        self.parents[child].add(parent)
        self.children[parent].add(child)

    # --- basic accessors -------------------------------------------------------------
    def get(self, oid: Any) -> dict | None:
        """The metadata dict of an object id, or None."""
        return self.objects.get(oid) if isinstance(oid, str) else None

    def type(self, oid: Any) -> str:
        """The objectType of an object id ("" if unknown)."""
        o = self.get(oid)
        t = o.get("objectType") if o else None
        return t if isinstance(t, str) else ""

    def flag(self, oid: Any, key: str) -> bool:
        """The truth value of one metadata key of an object (False if the object is unknown)."""
        o = self.get(oid)
        return bool(o.get(key)) if o else False

    def ids_of(self, types: frozenset[str] | set[str]) -> list[str]:
        """Ids of the objects whose type is in ``types``, in metadata order."""
        if len(types) < len(self.by_type):
            found = {i for t in types for i in self.by_type.get(t, ())}
            return [i for i in self.objects if i in found]  # keep metadata order
        return [i for i in self.objects if self.type(i) in types]

    def held_object(self) -> str | None:
        """The first held object id (inventory first)."""
        for inv in self.metadata.get("inventoryObjects") or []:
            if isinstance(inv, dict) and inv.get("objectId") in self.objects:
                return inv["objectId"]
        for i in sorted(self.held):
            if i in self.objects:
                return i
        return None

    def ancestors(self, oid: str) -> frozenset[str]:
        """All receptacles containing oid, transitively (cycle-safe)."""
        if oid in self._anc:
            return self._anc[oid]
        seen: set[str] = set()
        stack = list(self.parents.get(oid, ()))
        while stack:
            p = stack.pop()
            if p in seen or p == oid:
                continue
            seen.add(p)
            stack.extend(self.parents.get(p, ()))
        res = frozenset(seen)
        self._anc[oid] = res
        return res

    def descendants(self, oid: str) -> set[str]:
        """All objects on or in oid, transitively (cycle-safe)."""
        seen: set[str] = set()
        stack = list(self.children.get(oid, ()))
        while stack:
            c = stack.pop()
            if c in seen or c == oid:
                continue
            seen.add(c)
            stack.extend(self.children.get(c, ()))
        return seen

    # --- type properties ----------------------------------------------------------------
    def materials(self, oid: str) -> set[str]:
        """The object's salientMaterials as a set (empty if absent)."""
        o = self.get(oid)
        m = o.get("salientMaterials") if o else None
        return {str(x) for x in m} if isinstance(m, (list, tuple)) else set()

    def is_flammable(self, oid: str) -> bool:
        """The type's ``flammable`` flag, or Paper/Fabric among its metadata materials (Candle excepted)."""
        t = self.type(oid)
        if t in NOT_FLAMMABLE:
            return False
        return t in FLAMMABLES or bool(self.materials(oid) & FLAMMABLE_MATERIALS)

    def is_metal(self, oid: str) -> bool:
        """The type's derived ``metal`` property, or a pickupable with Metal among its metadata materials."""
        t = self.type(oid)
        if t in METALLIC:
            return True
        return self.flag(oid, "pickupable") and "Metal" in self.materials(oid)

    def is_filled(self, oid: str) -> bool:
        """True if the object is filled with liquid."""
        return self.flag(oid, "isFilledWithLiquid")

    # --- heat and water ------------------------------------------------------------------
    def is_running(self, oid: str) -> bool:
        """Toggled on, or controlled by a ``heat_control`` (a stove knob) that is on."""
        if self.flag(oid, "isToggled"):
            return True
        return any(oid in self.controlled(k) and self.flag(k, "isToggled") for k in self.ids_of(HEAT_CONTROLS))

    def controlled(self, oid: str) -> list[str]:
        """The ids a control (a stove knob) runs: its metadata ``controlledObjects``."""
        return _ids((self.get(oid) or {}).get("controlledObjects"))

    def active_heat_sources(self) -> set[str]:
        """Ids of the heat appliances that are running (see ``is_running``); cached."""
        if self._heat is None:
            self._heat = {i for i in self.ids_of(HEAT_APPLIANCES) if self.is_running(i)}
        return self._heat

    def water_targets(self) -> dict[str, str]:
        """Running water source id -> the basin it feeds (nearest eligible basin in range)."""
        if self._water is None:
            self._water = {}
            for src in self.ids_of(set(WATER_SOURCES)):
                if not self.flag(src, "isToggled"):
                    continue
                basin = self.basin_under(src)
                if basin is not None:
                    self._water[src] = basin
        return self._water

    def basin_under(self, src: str) -> str | None:
        """The nearest basin the source feeds within its reach (type table's ``water_feeds``, ``water_reach``;
        xz, AABB centres): a Faucet feeds a SinkBasin/BathtubBasin within 1.0 m, a ShowerHead a BathtubBasin
        within 1.5 m."""
        spec = WATER_SOURCES.get(self.type(src))
        if spec is None:
            return None
        types, max_d = spec
        best, best_d = None, max_d
        for b in sorted(self.ids_of(types)):
            d = horizontal_distance(self.objects[src], self.objects[b])
            if d <= best_d:
                best, best_d = b, d
        return best


def _ids(v: Any) -> list[str]:
    if isinstance(v, (list, tuple)):
        return [x for x in v if isinstance(x, str)]
    return []
