"""Issue 18, the simulator: argument checking shared by the backend and the Controller, transactional
actions, and the invariants of sim/invariants.py, with the issue's reproducers."""
from __future__ import annotations

import json
import math
import pickle
from typing import Any

import numpy as np
import pytest

from mssbench_embodied.sim.actions import ACTIONS
from mssbench_embodied.sim.actions.registry import ActionFailed, action, check_arguments
from mssbench_embodied.sim.controller import Controller
from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.invariants import InvariantError, check_invariants, invariant_violations

ROOM = "kitchen_val09"


@pytest.fixture
def b() -> EmbeddedBackend:
    backend = EmbeddedBackend(render=False)
    backend.reset(ROOM, seed=0)
    return backend


def _world(b: EmbeddedBackend) -> Any:
    assert b.world is not None
    return b.world


def _state(b: EmbeddedBackend) -> bytes:
    return pickle.dumps(_world(b))


def _first(b: EmbeddedBackend, object_type: str) -> str:
    return next(o.object_id for o in _world(b).objects.values() if o.object_type == object_type and o.enabled)


def _usable(b: EmbeddedBackend) -> None:
    """The backend still steps, and every invariant holds."""
    ev = b.step({"action": "Pass"})
    assert ev.metadata["lastActionSuccess"]
    check_invariants(b.world)
    check_invariants(ev)


# ---------------------------------------------------------------------------- argument checking
@pytest.mark.parametrize("act, arg", [
    ({"action": "LookUp", "degrees": -math.inf}, "degrees"),
    ({"action": "LookDown", "degrees": math.nan}, "degrees"),
    ({"action": "MoveAhead", "moveMagnitude": math.inf}, "moveMagnitude"),
    ({"action": "RotateRight", "degrees": [1, 2]}, "degrees"),
    ({"action": "Teleport", "position": {"x": "a", "y": 0, "z": 0}}, "position"),
    ({"action": "Teleport", "position": 1e6}, "position"),
    ({"action": "TeleportFull", "position": {"x": 1, "y": 0.9, "z": 1}, "rotation": 0, "horizon": {}, "standing": True},
     "horizon"),
    ({"action": "TeleportFull", "position": {"x": 1, "y": 0.9, "z": 1}, "rotation": 0, "horizon": 0, "standing": "yes"},
     "standing"),
    ({"action": "SpawnObject", "objectType": "Apple", "receptacleObjectId": "x", "newObjectId": 7}, "newObjectId"),
    ({"action": "SetObjectStates", "SetObjectStates": {"objectType": "Mug", "openness": "abc"}}, "openness"),
    ({"action": "SetObjectStates", "SetObjectStates": {"objectType": "Mug", "isBroken": "yes"}}, "isBroken"),
    ({"action": "SetObjectStates", "SetObjectStates": {"objectType": "Mug", "colour": "red"}}, "colour"),
    ({"action": "SetObjectStates", "SetObjectStates": None}, "SetObjectStates"),
    ({"action": "SetObjectPoses", "objectPoses": [{"objectName": "a", "position": [1, 2]}]}, "position"),
    ({"action": "InitialRandomSpawn", "numDuplicatesOfType": 0.25}, "numDuplicatesOfType"),
    ({"action": "InitialRandomSpawn", "randomSeed": 2**70}, "randomSeed"),
    ({"action": "PickupObject", "objectId": {"x": 1}}, "objectId"),
    ({"action": "EnableObject", "objectId": 5}, "objectId"),
    ({"action": "MoveAhead", "speed": 2}, "speed"),
    ({"action": "Pass", "forceAction": True}, "forceAction"),
])
def test_wrong_type_or_unknown_argument_raises_value_error_naming_both(b: EmbeddedBackend, act: dict[str, Any],
                                                                       arg: str) -> None:
    before = _state(b)
    with pytest.raises(ValueError) as err:
        b.step(act)
    assert act["action"] in str(err.value) and arg in str(err.value)
    assert _state(b) == before  # nothing applied
    _usable(b)


def test_controller_shares_the_backend_check() -> None:
    with Controller(scene=ROOM) as c:
        for act in ({"action": "LookUp", "degrees": -math.inf}, {"action": "MoveAhead", "moveMagnitude": "far"},
                    {"action": "OpenObject", "objectId": "x", "openness": [0.5]}, {"action": "MoveAhead", "speed": 1}):
            with pytest.raises(ValueError) as from_controller:
                c.step(dict(act))
            with pytest.raises(ValueError) as direct:
                check_arguments(act["action"], dict(act))
            assert str(from_controller.value) == str(direct.value)
        assert c.step(action="LookDown", degrees="30")  # a numeric string converts, as Newtonsoft does


def test_well_typed_values_convert() -> None:
    out = check_arguments("TeleportFull", {"action": "TeleportFull", "position": [1, 0.9, 2], "rotation": 90,
                                           "horizon": np.float32(30), "standing": 1})
    assert out["position"] == {"x": 1.0, "y": 0.9, "z": 2.0} and out["rotation"] == {"x": 0.0, "y": 90.0, "z": 0.0}
    assert isinstance(out["horizon"], float) and out["standing"] is True
    assert "degrees" not in check_arguments("LookUp", {"action": "LookUp", "degrees": None})  # None: the default


# ---------------------------------------------------------------------------- out of range: failed events
@pytest.mark.parametrize("act, message", [
    ({"action": "LookUp", "degrees": -90}, "can't look down beyond 60 degrees"),
    ({"action": "LookDown", "degrees": -90}, "can't look up beyond 30 degrees"),
    ({"action": "MoveAhead", "moveMagnitude": 1e308}, "blocked from moving"),
    ({"action": "Teleport", "position": {"x": 1e308, "y": 0.9, "z": 0.0}, "forceAction": True},
     "outside the scene bounds"),
    ({"action": "SetObjectStates", "SetObjectStates": {"objectType": "Mug", "openness": 2.0}}, "Openness must be in"),
    ({"action": "SetObjectStates", "SetObjectStates": {"objectType": "Mug", "temperature": "Lava"}}, "Lava"),
    ({"action": "SetObjectStates", "SetObjectStates": {"objectType": "Mug", "fillLiquid": "lava"}},
     "not a valid Liquid"),
    ({"action": "InitialRandomSpawn", "numPlacementAttempts": 10**6}, "numPlacementAttempts must be in"),
    ({"action": "InitialRandomSpawn", "numDuplicatesOfType": [{"objectType": "Apple", "count": 10**6}]},
     "numDuplicatesOfType count"),
    ({"action": "SpawnObject", "objectType": "Apple", "receptacleObjectId": "", "objectVariation": -1},
     "objectVariation"),
    ({"action": "SpawnObject", "objectType": "Dragon", "receptacleObjectId": "CounterTop"}, ""),
])
def test_out_of_range_fails_with_a_message_and_changes_nothing(b: EmbeddedBackend, act: dict[str, Any],
                                                               message: str) -> None:
    act = dict(act)
    if act["action"] == "SpawnObject" and act["receptacleObjectId"] != "":
        act["receptacleObjectId"] = _first(b, "CounterTop")
    h0 = _world(b).agent.horizon
    md = b.step(act).metadata
    assert md["lastActionSuccess"] is False and message in md["errorMessage"], md["errorMessage"]
    assert _world(b).agent.horizon == h0
    _usable(b)


def test_open_object_openness_out_of_range(b: EmbeddedBackend) -> None:
    fridge = _first(b, "Fridge")
    md = b.step({"action": "OpenObject", "objectId": fridge, "openness": -1, "forceAction": True}).metadata
    assert not md["lastActionSuccess"] and "Openness must be in [0:1]" in md["errorMessage"]
    assert _world(b).objects[fridge].openness == 0.0
    _usable(b)


# ---------------------------------------------------------------------------- transactions
def test_a_raising_action_is_undone(b: EmbeddedBackend) -> None:
    """A handler that changes the world and then raises (a bug) leaves it exactly as it was."""
    name = "TestOnlyHalfApplies"

    @action(name, optional=("how",))
    def half(world: Any, act: dict[str, Any]) -> None:
        apple = next(o for o in world.objects.values() if o.object_type == "Apple")
        world.detach(apple)
        world.move_with_children(apple, apple.center + 1.0)
        world.agent.horizon = 45.0
        world.retire(next(o for o in world.objects.values() if o.object_type == "Fridge"), with_contents=True)
        world.spawn("Mug")
        if act["how"] == "fail":
            raise ActionFailed("half done")
        raise KeyError("a bug")

    try:
        before = _state(b)
        md = b.step({"action": name, "how": "fail"}).metadata
        assert md["errorMessage"] == "half done"
        after = pickle.loads(_state(b))
        expected = pickle.loads(before)
        expected.time = after.time
        from mssbench_embodied.sim.effects import apply_effects
        apply_effects(expected)
        assert pickle.dumps(after) == pickle.dumps(expected) or _same(after, expected)
        before = _state(b)
        with pytest.raises(KeyError):
            b.step({"action": name, "how": "raise"})
        assert _state(b) == before
        _usable(b)
    finally:
        ACTIONS.pop(name, None)


def _same(a: Any, b: Any) -> bool:
    """World equality by value (pickles may differ only in how equal strings are shared)."""
    def plain(v: Any) -> Any:
        if isinstance(v, np.ndarray):
            return v.tolist()
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if hasattr(v, "__dict__"):
            return plain({k: x for k, x in vars(v).items() if k != "spec"})
        return v
    return bool(plain(a.__getstate__()) == plain(b.__getstate__()))


def test_spawn_with_a_bad_id_changes_nothing(b: EmbeddedBackend) -> None:
    counter = _first(b, "CounterTop")
    before = _state(b)
    with pytest.raises(ValueError, match="newObjectId"):
        b.step({"action": "SpawnObject", "objectType": "Apple", "receptacleObjectId": counter, "newObjectId": 7})
    assert _state(b) == before
    taken = _first(b, "Apple")
    md = b.step({"action": "SpawnObject", "objectType": "Apple", "receptacleObjectId": counter,
                 "newObjectId": taken}).metadata
    assert not md["lastActionSuccess"] and "duplicate objectId" in md["errorMessage"]
    n = len(_world(b).objects)
    md = b.step({"action": "SpawnObject", "objectType": "Fridge", "receptacleObjectId": _first(b, "Apple")}).metadata
    assert not md["lastActionSuccess"] and len(_world(b).objects) == n  # the provisional object is gone
    _usable(b)


def test_failed_teleport_full_keeps_standing(b: EmbeddedBackend) -> None:
    b.step({"action": "Crouch"})
    md = b.step({"action": "TeleportFull", "position": {"x": 1e6, "y": 0.9, "z": 0}, "rotation": {"y": 0},
                 "horizon": 0, "standing": True, "forceAction": True}).metadata
    assert not md["lastActionSuccess"] and md["agent"]["isStanding"] is False


# ---------------------------------------------------------------------------- relations
def test_enable_object_leaves_no_dangling_parent(b: EmbeddedBackend) -> None:
    """Disable a receptacle with its contents, enable one of the contents alone: it must not stay
    linked to the disabled receptacle (the issue's dangling parent links)."""
    w = _world(b)
    recep = next(o for o in w.objects.values() if o.enabled and o.children and o.object_type != "Floor"
                 and o.spec.pickupable is False and all(c in w.objects for c in o.children))
    child = recep.children[0]
    assert b.step({"action": "DisableObject", "objectId": recep.object_id})
    assert b.step({"action": "EnableObject", "objectId": child})
    assert recep.object_id not in w.objects[child].parents
    check_invariants(w)
    check_invariants(b.step({"action": "Pass"}))


# ---------------------------------------------------------------------------- the checker itself
def test_check_invariants_reports_each_kind_of_violation(b: EmbeddedBackend) -> None:
    w = _world(b)
    check_invariants(w)
    apple = w.objects[_first(b, "Apple")]
    breaks = [
        ("position", lambda: setattr(apple, "position", np.array([math.nan, 0.0, 0.0]))),
        ("horizon", lambda: setattr(w.agent, "horizon", 90.0)),
        ("openness", lambda: setattr(apple, "openness", 1.5)),
        ("is_broken", lambda: setattr(apple, "is_broken", "yes")),
        ("temperature", lambda: setattr(apple, "temperature", "Lava")),
        ("duplicates", lambda: setattr(apple, "parents", [*apple.parents, *apple.parents])),
        ("not in the world", lambda: setattr(apple, "parents", ["Nowhere|1"])),
    ]
    for word, breaker in breaks:
        snap = w.snapshot()
        breaker()
        with pytest.raises(InvariantError, match=word):
            check_invariants(w)
        w.restore(snap)
        assert invariant_violations(w) == []
    md = b.step({"action": "Pass"}).metadata
    check_invariants(md)
    bad = json.loads(json.dumps(md))
    bad["agent"]["position"]["x"] = math.inf
    assert any("strict JSON" in v for v in invariant_violations(bad))
    bad["objects"][0]["parentReceptacles"] = ["Ghost|1"]
    assert any("not in the scene" in v for v in invariant_violations(bad))
    with pytest.raises(TypeError):
        check_invariants(42)
