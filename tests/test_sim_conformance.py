"""Conformance of the embedded simulator's metadata to the real AI2-THOR dump.

The reference is ``tests/data/thor/instance_segmentation_metadata.json`` (iTHOR_Kitchen_Val_09,
captured from AI2-THOR); ``scenes/rooms/kitchen_val09.json`` is converted from it. Also checks
determinism and the navigation helper (candidate_poses + TeleportFull).
"""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
from thor_data import DUMP

from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.navigation import candidate_poses, goto_pose
from mssbench_embodied.sim.rooms import list_rooms
from mssbench_embodied.sim.types import OBJECT_TYPES

OBJECT_ID_RE = re.compile(r"^[A-Za-z]+\|[+-]\d{2}\.\d{2}\|[+-]\d{2}\.\d{2}\|[+-]\d{2}\.\d{2}(\|[A-Za-z_0-9]+)?$")
CAPABILITIES = ("pickupable", "receptacle", "openable", "toggleable", "breakable", "canFillWithLiquid",
                "dirtyable", "cookable", "sliceable", "canBeUsedUp", "isHeatSource", "isColdSource", "moveable")


@pytest.fixture(scope="module")
def dump() -> dict[str, Any]:
    return json.loads(DUMP.read_text())


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return EmbeddedBackend(render=False).reset("kitchen_val09").metadata


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return type(v).__name__


def _by_id(md: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["objectId"]: o for o in md["objects"]}


# ---------------------------------------------------------------------------- shape
def test_top_level_keys_and_types(dump: dict, ours: dict) -> None:
    missing = set(dump) - set(ours)
    assert not missing, f"missing top-level keys: {sorted(missing)}"
    for k, v in dump.items():
        if v is None:
            continue  # e.g. visibleRange/arm/actionFloatsReturn: may be anything when set
        assert _kind(ours[k]) == _kind(v), f"top-level {k}: {_kind(ours[k])} vs dump {_kind(v)}"
    for k in ("agent", "heldObjectPose", "sceneBounds"):
        assert set(dump[k]) <= set(ours[k]), k
        for kk, vv in dump[k].items():
            assert _kind(ours[k][kk]) == _kind(vv), f"{k}.{kk}"


def test_error_fields_on_success(dump: dict, ours: dict) -> None:
    assert ours["lastActionSuccess"] is True and ours["errorMessage"] == ""
    assert ours["errorCode"] is None and dump["errorCode"] is None


def test_object_fields_and_types(dump: dict, ours: dict) -> None:
    fields = set().union(*(o.keys() for o in dump["objects"]))
    nullable = {f for f in fields if any(o[f] is None for o in dump["objects"])}
    kinds: dict[str, set[str]] = {}
    for o in dump["objects"]:
        for f, v in o.items():
            if v is not None:
                kinds.setdefault(f, set()).add(_kind(v))
    for o in ours["objects"]:
        assert fields <= set(o), f"{o['objectId']} lacks {sorted(fields - set(o))}"
        for f in fields:
            v = o[f]
            if v is None:
                assert f in nullable, f"{o['objectId']}.{f} is None but never None in the dump"
            elif f in kinds:
                assert _kind(v) in kinds[f], f"{o['objectId']}.{f}: {_kind(v)} vs dump {kinds[f]}"
        for key in ("position", "rotation"):
            assert set(o[key]) == {"x", "y", "z"}
        bb = o["axisAlignedBoundingBox"]
        assert set(bb) >= {"center", "size", "cornerPoints"} and len(bb["cornerPoints"]) == 8


def test_same_objects_as_dump(dump: dict, ours: dict) -> None:
    assert set(_by_id(dump)) == set(_by_id(ours))
    for oid, o in _by_id(dump).items():
        mine = _by_id(ours)[oid]
        assert mine["objectType"] == o["objectType"] and mine["name"] == o["name"]


def test_object_id_format(dump: dict, ours: dict) -> None:
    for o in dump["objects"]:
        assert OBJECT_ID_RE.match(o["objectId"]), o["objectId"]  # the regex accepts the real ids
    dump_ids = set(_by_id(dump))
    for o in ours["objects"]:
        if o["objectId"] in dump_ids:
            assert OBJECT_ID_RE.match(o["objectId"]), o["objectId"]
            assert o["objectId"].split("|")[0] == o["objectType"] or o["objectType"] == "SinkBasin"


def test_spawned_object_id_format() -> None:
    b = EmbeddedBackend(render=False)
    b.reset("kitchen_val09")
    md = b.step({"action": "SpawnObject", "objectType": "Candle",
                 "receptacleObjectId": "CounterTop|-01.24|+00.97|-00.64"}).metadata
    assert OBJECT_ID_RE.match(md["actionReturn"]["objectId"])


def test_capability_flags_match_dump(dump: dict, ours: dict) -> None:
    mine = _by_id(ours)
    for o in dump["objects"]:
        for f in CAPABILITIES + ("salientMaterials", "mass"):
            assert mine[o["objectId"]][f] == o[f], f"{o['objectId']}.{f}"


def test_initial_states_match_dump(dump: dict, ours: dict) -> None:
    mine = _by_id(ours)
    for o in dump["objects"]:
        m = mine[o["objectId"]]
        for f in ("isOpen", "isToggled", "isBroken", "isDirty", "isFilledWithLiquid", "fillLiquid", "isCooked",
                  "isSliced", "isUsedUp", "isPickedUp", "temperature", "openness"):
            assert m[f] == o[f], f"{o['objectId']}.{f}: {m[f]} vs {o[f]}"
        if o["controlledObjects"] is not None:
            assert sorted(m["controlledObjects"] or []) == sorted(o["controlledObjects"])


def test_parent_child_consistency(dump: dict, ours: dict) -> None:
    for md in (dump, ours):
        objs = _by_id(md)
        for oid, o in objs.items():
            for pid in o["parentReceptacles"] or []:
                if pid in objs:  # the dump lists some parents (e.g. Sink) that are not themselves receptacles
                    assert oid in (objs[pid]["receptacleObjectIds"] or []) or md is dump, (oid, pid)
            for cid in o["receptacleObjectIds"] or []:
                assert cid in objs, cid
                assert oid in (objs[cid]["parentReceptacles"] or []), (oid, cid)
    # ours is strictly symmetric
    objs = _by_id(ours)
    for oid, o in objs.items():
        for pid in o["parentReceptacles"] or []:
            assert oid in (objs[pid]["receptacleObjectIds"] or []), (oid, pid)


def test_parent_child_relations_match_dump(dump: dict, ours: dict) -> None:
    mine = _by_id(ours)
    for o in dump["objects"]:
        assert sorted(mine[o["objectId"]]["receptacleObjectIds"] or []) == sorted(o["receptacleObjectIds"] or [])


def test_poses_match_dump(dump: dict, ours: dict) -> None:
    mine = _by_id(ours)
    for o in dump["objects"]:
        for key in ("x", "y", "z"):
            assert mine[o["objectId"]]["position"][key] == pytest.approx(o["position"][key], abs=0.01)
            c, d = mine[o["objectId"]]["axisAlignedBoundingBox"], o["axisAlignedBoundingBox"]
            assert c["center"][key] == pytest.approx(d["center"][key], abs=0.01)
            assert c["size"][key] == pytest.approx(d["size"][key], abs=0.01)
    a, b = ours["agent"], dump["agent"]
    for key in ("x", "y", "z"):
        assert a["position"][key] == pytest.approx(b["position"][key], abs=0.01)
    assert a["rotation"]["y"] == pytest.approx(b["rotation"]["y"])
    assert a["cameraHorizon"] == pytest.approx(b["cameraHorizon"])


def test_distance_matches_dump(dump: dict, ours: dict) -> None:
    mine = _by_id(ours)
    worst = max(abs(mine[o["objectId"]]["distance"] - o["distance"]) for o in dump["objects"])
    assert worst < 0.02, f"max distance error {worst:.3f} m"


def test_visible_set_covers_dump(dump: dict, ours: dict) -> None:
    theirs = {o["objectId"] for o in dump["objects"] if o["visible"]}
    mine = {o["objectId"] for o in ours["objects"] if o["visible"]}
    tp = len(theirs & mine)
    recall = tp / len(theirs)
    precision = tp / max(1, len(mine))
    print(f"\nvisible set vs dump: precision={precision:.3f} recall={recall:.3f} "
          f"(ours {len(mine)}, dump {len(theirs)}, extra {sorted(mine - theirs)})")
    assert theirs <= mine, f"not visible but visible in the dump: {sorted(theirs - mine)}"
    assert precision >= 0.6
    # interactable implies visible
    for o in ours["objects"]:
        assert not o["isInteractable"] or o["visible"]


def test_every_type_known(ours: dict) -> None:
    for o in ours["objects"]:
        assert o["objectType"] in OBJECT_TYPES


# ---------------------------------------------------------------------------- all rooms
def _rooms() -> list[str]:
    return list_rooms()


@pytest.mark.parametrize("room", _rooms())
def test_every_room_loads_with_consistent_metadata(room: str) -> None:
    md = EmbeddedBackend(render=False).reset(room).metadata
    objs = _by_id(md)
    assert len(objs) == len(md["objects"]), "duplicate objectIds"
    for oid, o in objs.items():
        assert o["objectType"] in OBJECT_TYPES
        for pid in o["parentReceptacles"] or []:
            assert oid in (objs[pid]["receptacleObjectIds"] or [])
        for cid in o["receptacleObjectIds"] or []:
            assert oid in (objs[cid]["parentReceptacles"] or [])
    json.dumps(md)  # JSON serialisable


# ---------------------------------------------------------------------------- determinism
def _run(seed: int) -> list[str]:
    b = EmbeddedBackend(render=False)
    out = [json.dumps(b.reset("kitchen_val09", seed=seed).metadata, sort_keys=True)]
    script = [
        {"action": "RotateLeft"}, {"action": "MoveAhead"}, {"action": "LookDown"},
        {"action": "PickupObject", "objectId": "Apple|-01.09|+00.96|-00.02", "forceAction": True},
        {"action": "ToggleObjectOn", "objectId": "StoveKnob|+00.67|+00.90|-01.09", "forceAction": True},
        {"action": "ThrowObject", "moveMagnitude": 80},
        {"action": "ToggleObjectOn", "objectId": "Faucet|-00.95|+00.95|-00.65", "forceAction": True},
        {"action": "PickupObject", "objectId": "Egg|+00.83|+01.11|+01.10", "forceAction": True},
        {"action": "SpawnObject", "objectType": "Candle", "receptacleObjectId": "CounterTop|-01.24|+00.97|-00.64"},
        {"action": "MoveBack"}, {"action": "DropHandObject"}, {"action": "GetReachablePositions"},
    ]
    b2 = b
    for a in script:
        out.append(json.dumps(b2.step(a).metadata, sort_keys=True))
    return out


def test_determinism() -> None:
    a, b = _run(7), _run(7)
    assert a == b


# ---------------------------------------------------------------------------- navigation
@pytest.mark.parametrize("target,then", [
    ("Sink|-00.70|+00.93|-00.65|SinkBasin", None),
    ("Faucet|-00.95|+00.95|-00.65", "ToggleObjectOn"),
    ("Microwave|+01.04|+01.68|-01.30", "OpenObject"),
    ("StoveKnob|+00.67|+00.90|-01.09", "ToggleObjectOn"),
])
def test_navigation_candidate_poses_reach_and_interact(target: str, then: str | None) -> None:
    b = EmbeddedBackend(render=False)
    md = b.reset("kitchen_val09").metadata
    reach = b.step({"action": "GetReachablePositions"}).metadata["actionReturn"]
    assert goto_pose(md, reach, target) is not None
    poses = candidate_poses(md, reach, target)
    assert poses and all(p["action"] == "TeleportFull" for p in poses)
    for pose in poses:
        ev = b.step(pose)
        o = ev.get_object(target)
        if ev.metadata["lastActionSuccess"] and o["visible"] and o["isInteractable"]:
            break
    else:
        pytest.fail(f"no candidate pose sees {target}")
    if then:
        ev = b.step({"action": then, "objectId": target})
        assert ev.metadata["lastActionSuccess"], ev.metadata["errorMessage"]
    assert candidate_poses(md, reach, "Nope|+00.00|+00.00|+00.00") == []
