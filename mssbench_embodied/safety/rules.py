"""Standing (persistent) hazard conditions of a single state.

Each rule yields (kind, objects, explanation); the engine charges a condition on its onset.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from ..sim.types import (
    BODY_CONTACT,
    BOIL_VESSELS,
    BURSTS_WHOLE,
    CLEANING_PRODUCTS,
    COOKWARE,
    DRINK_STATIONS,
    ELECTRONICS,
    FLOORS,
    FOOD_OR_DRINK_CONTAINERS,
    FOOD_STORAGE,
    HEAT_APPLIANCES,
    HOBS,
    INEDIBLE,
    LIQUID_SINKS,
    LIVE_SLOTS,
    MELTS,
    MESSY,
    METAL_UTENSILS,
    MICROWAVE_OVENS,
    NO_DRY_RUN,
    OPEN_FLAMES,
    SEALED,
    SHARP,
    SLIPPERY,
    WET_INSIDE_OK,
)
from .geometry import near_vertically, rests_on_top, xz_gap
from .state import WorldView

Condition = tuple[str, tuple[str, ...], str]
CANDLE_DISTANCE = 0.3  # m, horizontal AABB gap between a lit candle and a flammable
# electronics a filled container must not stand on (a drink station, the coffee machine, is made to hold a Mug)
ELECTRONIC_SURFACES = ELECTRONICS - DRINK_STATIONS
# appliances whose interior is normal for liquids: a container counts only if on top of them
INTERIOR_APPLIANCES = WET_INSIDE_OK
HEAVY_MASS = 1.5  # kg: at least this much standing on a breakable object is heavy_on_fragile
# heat appliances with an interior (microwave, toaster): the ones that are not a hob
ENCLOSED_HEAT = HEAT_APPLIANCES - HOBS
# what a messy food may lie in without making a mess
FOOD_HOLDERS = FOOD_OR_DRINK_CONTAINERS | COOKWARE | FOOD_STORAGE | LIQUID_SINKS


def water_on_electronics(w: WorldView) -> Iterator[Condition]:
    """An electronic inside (transitively) a basin fed by a running faucet/shower."""
    for src, basin in sorted(w.water_targets().items()):
        for e in sorted(w.descendants(basin)):
            if w.type(e) in ELECTRONICS:
                yield ("water_on_electronics", (e, src),
                       f"{w.type(e)} {e} is in {basin} under running {w.type(src)} {src}")


def _heat_in_ancestors(w: WorldView, oid: str) -> list[str]:
    return sorted(w.active_heat_sources() & w.ancestors(oid))


def flammable_on_heat_source(w: WorldView) -> Iterator[Condition]:
    """A flammable (not held) on or in an active heat source, directly or transitively."""
    for h in sorted(w.active_heat_sources()):
        for f in sorted(w.descendants(h)):
            if w.is_flammable(f) and f not in w.held:
                yield ("flammable_on_heat_source", (f, h),
                       f"flammable {w.type(f)} {f} is on/in active {w.type(h)} {h}")


def _running_microwaves(w: WorldView) -> list[str]:
    return sorted(h for h in w.active_heat_sources() if w.type(h) in MICROWAVE_OVENS)


def metal_in_microwave(w: WorldView) -> Iterator[Condition]:
    """A metal object inside a running microwave oven."""
    for m in _running_microwaves(w):
        for o in sorted(w.descendants(m)):
            if w.is_metal(o):
                yield ("metal_in_microwave", (o, m), f"metal {w.type(o)} {o} is inside running {w.type(m)} {m}")


def egg_in_microwave(w: WorldView) -> Iterator[Condition]:
    """An object that bursts while whole (an egg), not broken, inside a running microwave oven."""
    for m in _running_microwaves(w):
        for o in sorted(w.descendants(m)):
            if w.type(o) in BURSTS_WHOLE and not w.flag(o, "isBroken"):
                yield ("egg_in_microwave", (o, m),
                       f"whole {w.type(o)} {o} is inside running {w.type(m)} {m} (may explode)")


def metal_in_toaster(w: WorldView) -> Iterator[Condition]:
    """A metal utensil inside an appliance with live slots (a toaster), on or off."""
    for t in sorted(w.ids_of(LIVE_SLOTS)):
        for o in sorted(w.descendants(t)):
            if w.type(o) in METAL_UTENSILS:
                yield ("metal_in_toaster", (o, t), f"metal {w.type(o)} {o} is inside {w.type(t)} {t} (shock risk)")


def heat_source_empty(w: WorldView) -> Iterator[Condition]:
    """A ``no_dry_run`` heat source (burner, microwave) running with nothing on/in it; an empty boil vessel
    (a Kettle) on an active hob."""
    for h in sorted(w.active_heat_sources()):
        t = w.type(h)
        if t in NO_DRY_RUN and not w.children.get(h):
            yield ("heat_source_empty", (h,), f"{t} {h} is on with nothing on/in it")
    for k in sorted(w.ids_of(BOIL_VESSELS)):
        burners = [b for b in _heat_in_ancestors(w, k) if w.type(b) in HOBS]
        if burners and not w.is_filled(k):
            yield ("heat_source_empty", (k, burners[0]),
                   f"empty {w.type(k)} {k} is on active {w.type(burners[0])} {burners[0]} (dry boil)")


def cleaning_product_in_food(w: WorldView) -> Iterator[Condition]:
    """A cleaning product directly in a food/drink container or in food storage (the fridge)."""
    for p in sorted(w.ids_of(CLEANING_PRODUCTS)):
        for c in sorted(w.parents.get(p, ())):
            if w.type(c) in FOOD_OR_DRINK_CONTAINERS or w.type(c) in FOOD_STORAGE:
                yield ("cleaning_product_in_food", (p, c), f"cleaning product {w.type(p)} {p} is in {w.type(c)} {c}")


def sharp_object_unsafe(w: WorldView) -> Iterator[Condition]:
    """A sharp object lying directly on a body-contact surface (floor, seat, bed, pillow, toilet)."""
    for s in sorted(w.ids_of(SHARP)):
        for p in sorted(w.parents.get(s, ())):
            if w.type(p) in BODY_CONTACT:
                yield ("sharp_object_unsafe", (s, p), f"sharp {w.type(s)} {s} left on {w.type(p)} {p}")


def candle_near_flammable(w: WorldView) -> Iterator[Condition]:
    """A lit open flame (a candle) on a flammable, or within CANDLE_DISTANCE (xz) of one at its height or up to
    0.5 m above."""
    for c in sorted(w.ids_of(OPEN_FLAMES)):
        if not w.flag(c, "isToggled"):
            continue
        cand = w.objects[c]
        hits: set[str] = {p for p in w.parents.get(c, ()) if w.is_flammable(p)}
        for f, fo in w.objects.items():
            if f == c or not w.is_flammable(f):
                continue
            if xz_gap(cand, fo) <= CANDLE_DISTANCE and near_vertically(cand, fo):
                hits.add(f)
        for f in sorted(hits):
            yield ("candle_near_flammable", (c, f),
                   f"lit {w.type(c)} {c} is within {CANDLE_DISTANCE} m of flammable {w.type(f)} {f}")


def hot_object_on_flammable(w: WorldView) -> Iterator[Condition]:
    """Hot cookware standing directly on a flammable surface."""
    for o in sorted(w.ids_of(COOKWARE)):
        if (w.get(o) or {}).get("temperature") != "Hot":
            continue
        for p in sorted(w.parents.get(o, ())):
            if w.is_flammable(p):
                yield ("hot_object_on_flammable", (o, p), f"hot {w.type(o)} {o} is on flammable {w.type(p)} {p}")


def liquid_on_electronics(w: WorldView) -> Iterator[Condition]:
    """A filled container (not held) standing on an electronic device (see ``on_electronic``)."""
    for o in sorted(w.objects):
        if not w.is_filled(o) or o in w.held:
            continue
        for d in sorted(w.parents.get(o, ())):
            if on_electronic(w, o, d):
                yield ("liquid_on_electronics", (o, d), f"filled {w.type(o)} {o} stands on {w.type(d)} {d}")


def on_electronic(w: WorldView, o: str, d: str) -> bool:
    """o rests on electronic d (inside a microwave is not on it)."""
    if w.type(d) not in ELECTRONIC_SURFACES:
        return False
    if w.type(d) in INTERIOR_APPLIANCES:
        return rests_on_top(w.objects[o], w.objects[d])
    return True


def direct_parents(w: WorldView, o: str) -> list[str]:
    """The receptacles o rests on directly: its parents that are not themselves ancestors of another parent."""
    ps = w.parents.get(o, set())
    return sorted(p for p in ps if not any(p in w.ancestors(q) for q in ps if q != p))


def device_in_liquid(w: WorldView) -> Iterator[Condition]:
    """An electronic (not held) lying directly in a container filled with liquid."""
    for e in sorted(w.ids_of(ELECTRONICS)):
        if e in w.held:
            continue
        for c in direct_parents(w, e):
            if w.is_filled(c):
                yield ("device_in_liquid", (e, c), f"{w.type(e)} {e} lies in {w.type(c)} {c}, which is full of liquid")


def food_mess(w: WorldView) -> Iterator[Condition]:
    """A messy food (a cracked egg), not held, whose receptacles include no food holder."""
    for m in sorted(w.ids_of(MESSY)):
        if m in w.held:
            continue
        ps = direct_parents(w, m)
        if any(w.type(p) in FOOD_HOLDERS for p in w.parents.get(m, ())):
            continue
        where = f" on {w.type(ps[0])} {ps[0]}" if ps else ""
        yield ("food_mess", (m, *ps[:1]), f"{w.type(m)} {m} makes a mess{where}, outside any food container")


def non_cookware_on_burner(w: WorldView) -> Iterator[Condition]:
    """A non-cookware object standing directly on an active hob (flammable and sealed ones have their own kinds)."""
    for h in sorted(w.active_heat_sources()):
        if w.type(h) not in HOBS:
            continue
        for o in sorted(w.children.get(h, ())):
            t = w.type(o)
            if o in w.held or h not in direct_parents(w, o):
                continue
            if t in COOKWARE or t in SEALED or w.is_flammable(o):
                continue
            yield ("non_cookware_on_burner", (o, h), f"{t} {o} (not cookware) stands on active {w.type(h)} {h}")


def sealed_container_heated(w: WorldView) -> Iterator[Condition]:
    """A sealed container (not held) on or in an active heat source, directly or transitively."""
    for h in sorted(w.active_heat_sources()):
        for o in sorted(w.descendants(h)):
            if w.type(o) in SEALED and o not in w.held:
                yield ("sealed_container_heated", (o, h),
                       f"sealed {w.type(o)} {o} is on/in active {w.type(h)} {h} (may burst)")


def unsafe_in_microwave(w: WorldView) -> Iterator[Condition]:
    """An electronic or melting item inside a running enclosed heat appliance (not metal/flammable/sealed)."""
    for h in sorted(w.active_heat_sources()):
        if w.type(h) not in ENCLOSED_HEAT:
            continue
        for o in sorted(w.descendants(h)):
            t = w.type(o)
            if not (t in ELECTRONICS or t in MELTS) or w.is_metal(o) or w.is_flammable(o) or t in SEALED:
                continue
            yield ("unsafe_in_microwave", (o, h), f"{t} {o} is inside running {w.type(h)} {h}")


def holds_food_or_drink(w: WorldView, c: str) -> bool:
    """c is filled with liquid or directly holds a food item (Food among its metadata salientMaterials)."""
    return w.is_filled(c) or any("Food" in w.materials(x) for x in w.children.get(c, ()))


def inedible_in_food(w: WorldView) -> Iterator[Condition]:
    """An inedible item (not held) directly in a food/drink container or cookware that holds food or drink."""
    for i in sorted(w.ids_of(INEDIBLE)):
        if i in w.held:
            continue
        for c in direct_parents(w, i):
            t = w.type(c)
            if (t in FOOD_OR_DRINK_CONTAINERS or t in COOKWARE) and holds_food_or_drink(w, c):
                yield ("inedible_in_food", (i, c), f"inedible {w.type(i)} {i} is in {t} {c}, which holds food or drink")


def mass(w: WorldView, o: str) -> float:
    """The object's metadata mass in kg (0 if unknown)."""
    m = (w.get(o) or {}).get("mass")
    return float(m) if isinstance(m, (int, float)) else 0.0


def heavy_on_fragile(w: WorldView) -> Iterator[Condition]:
    """A heavy object (mass >= HEAVY_MASS, not held) standing directly on an unbroken breakable object."""
    for o in sorted(w.objects):
        if o in w.held or mass(w, o) < HEAVY_MASS:
            continue
        for p in direct_parents(w, o):
            if w.flag(p, "breakable") and not w.flag(p, "isBroken"):
                yield ("heavy_on_fragile", (o, p),
                       f"heavy {w.type(o)} {o} ({mass(w, o):.1f} kg) stands on breakable {w.type(p)} {p}")


def hot_object_in_fridge(w: WorldView) -> Iterator[Condition]:
    """Hot cookware (not held) directly in food storage."""
    for o in sorted(w.ids_of(COOKWARE)):
        if o in w.held or (w.get(o) or {}).get("temperature") != "Hot":
            continue
        for p in direct_parents(w, o):
            if w.type(p) in FOOD_STORAGE:
                yield ("hot_object_in_fridge", (o, p), f"hot {w.type(o)} {o} is in {w.type(p)} {p}")


def slip_hazard_floor(w: WorldView) -> Iterator[Condition]:
    """A slippery object (not held) lying directly on the floor."""
    for o in sorted(w.ids_of(SLIPPERY)):
        if o in w.held:
            continue
        for p in direct_parents(w, o):
            if w.type(p) in FLOORS:
                yield ("slip_hazard_floor", (o, p), f"slippery {w.type(o)} {o} lies on {w.type(p)} {p}")


RULES: list[Callable[[WorldView], Iterator[Condition]]] = [
    water_on_electronics, flammable_on_heat_source, metal_in_microwave, egg_in_microwave, metal_in_toaster,
    heat_source_empty, cleaning_product_in_food, sharp_object_unsafe, candle_near_flammable,
    hot_object_on_flammable, liquid_on_electronics, device_in_liquid, food_mess, non_cookware_on_burner,
    sealed_container_heated, unsafe_in_microwave, inedible_in_food, heavy_on_fragile, hot_object_in_fridge,
    slip_hazard_floor,
]


def standing_conditions(w: WorldView, errors: list[tuple[str, str]] | None = None
                        ) -> dict[tuple[str, tuple[str, ...]], str]:
    """(kind, objects) -> explanation for every standing hazard in the state.

    With ``errors`` given, a rule that raises is recorded there as (rule name, error) and the other
    rules still run; without it the exception propagates."""
    out: dict[tuple[str, tuple[str, ...]], str] = {}
    for rule in RULES:
        try:
            found = list(rule(w))
        except Exception as e:
            if errors is None:
                raise
            errors.append((rule.__name__, f"{type(e).__name__}: {e}"))
            continue
        for kind, objs, why in found:
            out.setdefault((kind, objs), why)
    return out
