"""Breakage per type (issue 15, deliverable 3): each breakable type breaks from its own fall height
(sim/types.py ``break_height``), never on a soft surface; unbreakable types never break."""
from __future__ import annotations

import numpy as np
import pytest

from mssbench_embodied.sim.actions import THROW_BREAK_MAGNITUDE, execute
from mssbench_embodied.sim.actions.helpers import after_fall, breaks_on_landing, land
from mssbench_embodied.sim.objects import AgentState, SimObject
from mssbench_embodied.sim.types import OBJECT_TYPES, type_spec, types_with
from mssbench_embodied.sim.world import AGENT_Y, World

HAND_Y = 1.355  # hand height of the standing agent (camera 1.576 m, hand 0.22 m below it)
TABLE_TOP = 0.76
COUNTER_TOP = 0.9


def _world() -> World:
    """Agent at (0, -0.3) facing +z; a table ahead (its hand is over it), a bed and a sofa aside, all on a floor."""
    w = World("breakage", (-3.0, 3.0, -3.0, 3.0), 2.5, AgentState(position=np.array([0.0, AGENT_Y, -0.3])))
    floor = w.add(SimObject.create("Floor", [0.0, -0.05, 0.0], [6.0, 0.1, 6.0]))
    for t, centre, size in (("DiningTable", [0.1, TABLE_TOP / 2, 0.3], [1.0, TABLE_TOP, 0.8]),
                            ("Bed", [-2.0, 0.25, 0.0], [1.6, 0.5, 2.0]),
                            ("Sofa", [2.0, 0.25, 0.0], [0.9, 0.5, 2.0]),
                            ("CounterTop", [0.0, COUNTER_TOP - 0.02, 2.5], [2.0, 0.04, 0.6])):
        w.attach(w.add(SimObject.create(t, centre, size)), floor)
    return w


def _drop(w: World, object_type: str, over: tuple[float, float], thrown: float = 0.0) -> SimObject:
    """Drop (or throw) a new object of a type from hand height over (x, z); returns it after landing."""
    o = w.add(SimObject.create(object_type, [over[0], HAND_Y, over[1]]))
    o.is_picked_up, w.agent.held = True, o.object_id
    fall = land(w, o, np.array([over[0], HAND_Y, over[1]]))
    after_fall(w, o, fall, thrown=thrown)
    return o


def _landed_on(w: World, o: SimObject) -> str:
    return w.objects[o.parents[0]].object_type


def test_every_breakable_type_has_a_break_height_and_no_other_type_has_one() -> None:
    for name, spec in OBJECT_TYPES.items():
        assert (spec.break_height is not None) is spec.breakable, name
        if spec.break_height is not None:
            assert 0.0 < spec.break_height < 2.0, name
    # the dump's flags stay: a Bowl is plastic and unbreakable; pillows and teddy bears never break
    assert not {"Bowl", "Pillow", "TeddyBear", "Pot", "Book"} & types_with("breakable")


def test_break_heights_order_egg_ceramic_device() -> None:
    egg, mug, phone = (type_spec(t).break_height for t in ("Egg", "Mug", "CellPhone"))
    assert egg is not None and mug is not None and phone is not None
    assert egg <= 0.3  # an egg cracks from a table-height drop
    assert egg < HAND_Y - TABLE_TOP - 0.1  # ... so a hand drop onto a table cracks it
    assert mug > HAND_Y - TABLE_TOP  # a mug dropped onto a table does not break
    assert mug < COUNTER_TOP  # a mug knocked off a counter onto a hard floor breaks
    for t in ("Cup", "Plate", "Vase", "Bottle", "WineBottle"):
        assert type_spec(t).break_height == mug, t  # ceramic and glass alike
    assert COUNTER_TOP < phone < HAND_Y - 0.1  # a phone survives a counter fall, not a hand drop


def test_egg_dropped_onto_a_table_cracks() -> None:
    w = _world()
    egg = _drop(w, "Egg", (0.1, 0.3))
    assert _landed_on(w, egg) == "DiningTable"
    assert egg.is_broken
    assert any(o.object_type == "EggCracked" for o in w.objects.values())


@pytest.mark.parametrize("object_type", ["Mug", "Plate", "Cup", "WineBottle", "CellPhone", "Laptop"])
def test_dropped_onto_a_table_stays_whole(object_type: str) -> None:
    w = _world()
    o = _drop(w, object_type, (0.1, 0.3))
    assert _landed_on(w, o) == "DiningTable"
    assert not o.is_broken


@pytest.mark.parametrize("object_type", ["Mug", "Plate", "Cup", "Vase", "WineBottle", "CellPhone", "Laptop", "Egg"])
def test_dropped_onto_the_floor_breaks(object_type: str) -> None:
    w = _world()
    o = _drop(w, object_type, (0.0, -2.0))
    assert _landed_on(w, o) == "Floor"
    assert o.is_broken


@pytest.mark.parametrize("soft", ["Bed", "Sofa"])
@pytest.mark.parametrize("object_type", ["Mug", "Egg", "WineBottle", "CellPhone"])
def test_soft_surfaces_never_break_what_lands_on_them(soft: str, object_type: str) -> None:
    assert type_spec(soft).soft
    w = _world()
    x = -2.0 if soft == "Bed" else 2.0
    dropped = _drop(w, object_type, (x, 0.0))
    thrown = _drop(w, object_type, (x, 0.5), thrown=THROW_BREAK_MAGNITUDE * 2)
    for o in (dropped, thrown):
        assert _landed_on(w, o) == soft
        assert not o.is_broken


def test_hard_throw_breaks_from_any_height() -> None:
    w = _world()
    o = _drop(w, "CellPhone", (0.1, 0.3), thrown=THROW_BREAK_MAGNITUDE)
    assert _landed_on(w, o) == "DiningTable" and o.is_broken


def test_falling_off_counter_height() -> None:
    """Off a counter onto the floor (a 0.9 m fall): ceramic and eggs break, a phone does not."""
    w = _world()
    floor = w.of_type("Floor")[0]
    for t, broken in (("Mug", True), ("Plate", True), ("Egg", True), ("CellPhone", False), ("Laptop", False)):
        o = w.add(SimObject.create(t, [0.0, 0.0, -2.0]))
        w.attach(o, floor)
        assert breaks_on_landing(w, o, COUNTER_TOP) is broken, t
    pillow = w.add(SimObject.create("Pillow", [0.5, 0.0, -2.0]))
    w.attach(pillow, floor)
    assert not breaks_on_landing(w, pillow, 3.0, thrown=1000.0)


def test_drop_action_uses_the_type_height() -> None:
    """DropHandObject from the agent's hand, over the table: the egg cracks, the mug does not."""
    for t, broken in (("Egg", True), ("Mug", False)):
        w = _world()
        o = w.add(SimObject.create(t, w.hand_position()))
        o.is_picked_up, w.agent.held = True, o.object_id
        assert execute(w, {"action": "DropHandObject"})[0]
        assert _landed_on(w, o) == "DiningTable"
        assert o.is_broken is broken, t
