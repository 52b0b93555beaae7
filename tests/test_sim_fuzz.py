"""Fuzz the embedded simulator with random action sequences in every room of scenes/rooms.

Random action names from sim.actions.ACTIONS with random valid-looking arguments (object ids
from the current metadata, sometimes bogus, sometimes forceAction). Only ValueError may escape,
and only for a deliberately missing argument; invariants are checked after every step.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mssbench_embodied.sim.actions import ACTIONS, LIQUIDS
from mssbench_embodied.sim.actions.registry import accepted_arguments, argument_kind
from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.rooms import list_rooms
from mssbench_embodied.sim.types import OBJECT_TYPES

ROOMS = list_rooms()
ACTION_NAMES = sorted(ACTIONS)
SPAWNABLE = sorted(n for n, s in OBJECT_TYPES.items() if s.pickupable)
STATE_VALUES: dict[str, list[Any]] = {
    "isOpen": [True, False], "isToggled": [True, False], "isBroken": [True], "isDirty": [True, False],
    "isFilledWithLiquid": [True, False], "fillLiquid": [None, *LIQUIDS], "isCooked": [True, False],
    "isSliced": [True, False], "isUsedUp": [True, False], "temperature": ["RoomTemp", "Hot", "Cold"],
    "openness": [0.0, 0.5, 1.0],
}
# actions biased upwards so that interactions actually happen
WEIGHTED = ["PickupObject", "PutObject", "DropHandObject", "ThrowObject", "OpenObject", "ToggleObjectOn",
            "ToggleObjectOff", "SliceObject", "BreakObject", "PutObjectIn", "FillObjectWithLiquid",
            "PourLiquid", "MoveAhead", "RotateRight", "Teleport"]


def _vec(rng: np.random.Generator, bounds: tuple[float, float, float, float], y: tuple[float, float]) -> dict:
    x0, x1, z0, z1 = bounds
    return {"x": float(rng.uniform(x0, x1)), "y": float(rng.uniform(*y)), "z": float(rng.uniform(z0, z1))}


class Fuzzer:
    def __init__(self, room: str, seed: int) -> None:
        self.b = EmbeddedBackend(render=False)
        self.md = self.b.reset(room, seed=seed).metadata
        self.rng = np.random.default_rng(seed)
        w = self.b.world
        assert w is not None
        self.bounds = w.bounds
        self.broken: set[str] = set()
        self.reach = self.b.step({"action": "GetReachablePositions"}).metadata["actionReturn"]
        check_invariants(self.md, self.broken)

    # ------------------------------------------------------------------ argument generation
    def oid(self) -> str:
        objs = self.md["objects"]
        r = self.rng.random()
        if r < 0.03 or not objs:
            return "Nothing|+00.00|+00.00|+00.00"
        if r < 0.5:  # prefer objects the agent can act on
            vis = [o for o in objs if o["visible"]]
            if vis:
                return vis[int(self.rng.integers(len(vis)))]["objectId"]
        return objs[int(self.rng.integers(len(objs)))]["objectId"]

    def pose_pos(self) -> dict:
        if self.reach and self.rng.random() < 0.8:
            return dict(self.reach[int(self.rng.integers(len(self.reach)))])
        return _vec(self.rng, self.bounds, (0.9, 0.9))

    def args(self, name: str) -> dict[str, Any]:
        rng = self.rng
        a: dict[str, Any] = {"action": name}
        if name.startswith("Move"):
            if rng.random() < 0.3 or "moveMagnitude" in ACTIONS[name][1]:  # MoveHeldObject* require it
                a["moveMagnitude"] = float(rng.choice([0.1, 0.25, 0.5, 1.0]))
        elif name.startswith("Rotate") or name.startswith("Look"):
            if rng.random() < 0.3:
                a["degrees"] = float(rng.choice([10, 30, 45, 90]))
        elif name in ("Teleport", "TeleportFull"):
            a["position"] = self.pose_pos()
            a["rotation"] = {"x": 0.0, "y": float(rng.choice([0, 90, 180, 270, rng.uniform(0, 360)])), "z": 0.0}
            a["horizon"] = float(rng.choice([-30, 0, 30, 60, 75]))
            if name == "TeleportFull":
                a["standing"] = True
        elif name == "ThrowObject":
            a["moveMagnitude"] = float(rng.choice([10, 50, 100, 200]))
        elif name == "FillObjectWithLiquid":
            a["objectId"] = self.oid()
            a["fillLiquid"] = str(rng.choice([*LIQUIDS, "lava"]))
        elif name == "SetObjectStates":
            key = str(rng.choice(sorted(STATE_VALUES)))
            vals = STATE_VALUES[key]
            spec: dict[str, Any] = {key: vals[int(rng.integers(len(vals)))]}
            if rng.random() < 0.5 or not self.md["objects"]:
                spec["objectId"] = self.oid()
            else:
                o = self.md["objects"][int(rng.integers(len(self.md["objects"])))]
                spec["objectType"] = o["objectType"]
            a["SetObjectStates"] = spec
        elif name == "SetObjectPoses":
            movable = [o for o in self.md["objects"] if o["pickupable"] or o["moveable"]]
            keep = [o for o in movable if rng.random() < 0.9]
            poses = []
            for o in keep:
                p = dict(o["position"])
                if rng.random() < 0.2:
                    p = {k: v + float(rng.normal(0, 0.1)) for k, v in p.items()}
                poses.append({"objectName": o["name"], "position": p, "rotation": o["rotation"]})
            a["objectPoses"] = poses
        elif name == "PlaceObjectAtPoint":
            a["objectId"] = self.oid()
            a["position"] = _vec(rng, self.bounds, (0.0, 1.5))
        elif name == "SpawnObject":
            a["objectType"] = str(rng.choice(SPAWNABLE))
            a["receptacleObjectId"] = self.oid()
            if rng.random() < 0.2:  # an explicit id: sometimes an existing one (must fail cleanly)
                if rng.random() < 0.5:
                    a["newObjectId"] = self.oid()
                else:
                    a["newObjectId"] = f"{a['objectType']}|+0{rng.integers(10)}.00|+00.00|+00.00"
            if rng.random() < 0.2:
                a["nearObjectId"] = self.oid()
        elif name == "PutObjectIn":
            a["objectId"] = self.oid()
            a["receptacleObjectId"] = self.oid()
        else:
            for k in ACTIONS[name][1]:
                kind = argument_kind(name, k)
                a[k] = (self.oid() if k.endswith("bjectId") else float(rng.uniform(0, 1)) if kind == "float"
                        else _vec(rng, self.bounds, (0.0, 1.5)) if kind == "vec3" else None)
            if "objectId" not in a and rng.random() < 0.2:
                a["objectId"] = self.oid()
        if rng.random() < 0.25:
            a["forceAction"] = True
        accepted = accepted_arguments(name)  # well-formed: only arguments the action takes
        return a if accepted is None else {k: v for k, v in a.items() if k in accepted}

    # ------------------------------------------------------------------ one step
    def step(self) -> dict[str, Any]:
        rng = self.rng
        name = str(rng.choice(WEIGHTED if rng.random() < 0.5 else ACTION_NAMES))
        act = self.args(name)
        required = ACTIONS[name][1]
        if required and rng.random() < 0.03:
            del act[str(rng.choice(required))]
            with pytest.raises(ValueError):
                self.b.step(act)
            return act
        ev = self.b.step(act)
        md = ev.metadata
        assert isinstance(md["lastActionSuccess"], bool)
        assert md["lastActionSuccess"] or md["errorMessage"], f"failure without errorMessage: {act}"
        assert md["lastAction"] == name
        check_invariants(md, self.broken, act)
        self.md = md
        return act


def check_invariants(md: dict[str, Any], broken: set[str], act: dict | None = None) -> None:
    ctx = f"after {str(act)[:300]}"
    objs = {o["objectId"]: o for o in md["objects"]}
    assert len(objs) == len(md["objects"]), f"duplicate objectIds {ctx}"
    inv = md["inventoryObjects"]
    assert len(inv) <= 1, ctx
    picked = [oid for oid, o in objs.items() if o["isPickedUp"]]
    if inv:
        held = inv[0]["objectId"]
        assert held in objs, f"held object missing from metadata {ctx}"
        assert picked == [held], f"isPickedUp {picked} vs inventory {held} {ctx}"
        assert inv[0]["objectType"] == objs[held]["objectType"]
        assert not objs[held]["parentReceptacles"], f"held object still has parents {ctx}"
        c, h = objs[held]["axisAlignedBoundingBox"]["center"], md["heldObjectPose"]["position"]
        assert all(abs(c[k] - h[k]) < 1e-6 for k in "xyz"), f"held object not in the hand {ctx}"
    else:
        assert picked == [], f"isPickedUp {picked} with empty hand {ctx}"
    for oid, o in objs.items():
        assert o["objectType"] in OBJECT_TYPES, ctx
        for key in ("position", "rotation"):
            assert all(math.isfinite(v) for v in o[key].values()), f"{oid}.{key} not finite {ctx}"
        bb = o["axisAlignedBoundingBox"]
        assert all(math.isfinite(v) for v in (*bb["center"].values(), *bb["size"].values())), ctx
        assert math.isfinite(o["distance"]), ctx
        # symmetric parent/child links (an object may rest on several receptacles)
        for pid in o["parentReceptacles"] or []:
            assert pid in objs, f"{oid} rests on {pid} which is not in the scene {ctx}"
            assert oid in (objs[pid]["receptacleObjectIds"] or []), f"{oid} -> {pid} not mirrored {ctx}"
        for cid in o["receptacleObjectIds"] or []:
            assert cid in objs, f"{oid} holds {cid} which is not in the scene {ctx}"
            assert oid in (objs[cid]["parentReceptacles"] or []), f"{oid} <- {cid} not mirrored {ctx}"
        if o["receptacleObjectIds"]:
            assert o["receptacle"], f"non-receptacle {oid} holds objects {ctx}"
        if o["isBroken"]:
            broken.add(oid)
        elif oid in broken:
            raise AssertionError(f"{oid} was broken and is whole again {ctx}")
        assert o["isFilledWithLiquid"] == (o["fillLiquid"] is not None), f"{oid} fill state {ctx}"
        assert not o["isFilledWithLiquid"] or o["canFillWithLiquid"], ctx
        assert not o["isInteractable"] or o["visible"], ctx
    # acyclic
    state: dict[str, int] = {}

    def visit(oid: str) -> None:
        state[oid] = 1
        for pid in objs[oid]["parentReceptacles"] or []:
            s = state.get(pid, 0)
            assert s != 1, f"parent cycle through {oid} and {pid} {ctx}"
            if s == 0:
                visit(pid)
        state[oid] = 2

    for oid in objs:
        if state.get(oid, 0) == 0:
            visit(oid)
    for key in ("position",):
        assert all(math.isfinite(v) for v in md["agent"][key].values()), ctx
    assert -30.0 - 1e-6 <= md["agent"]["cameraHorizon"] <= 60.0 + 1e-6, ctx


STEPS = 250
SEEDS = (0, 1, 2)


@pytest.mark.parametrize("room", ROOMS)
@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_random_actions(room: str, seed: int) -> None:
    fz = Fuzzer(room, seed)
    for _ in range(STEPS):
        fz.step()


@pytest.mark.parametrize("room", ROOMS)
def test_fuzz_is_deterministic(room: str) -> None:
    import json

    def run() -> list[str]:
        fz = Fuzzer(room, 11)
        out = []
        for _ in range(40):
            fz.step()
            out.append(json.dumps(fz.md, sort_keys=True))
        return out

    assert run() == run()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), room=st.sampled_from(ROOMS))
def test_fuzz_hypothesis(seed: int, room: str) -> None:
    fz = Fuzzer(room, seed)
    for _ in range(30):
        fz.step()


# ---------------------------------------------------------------------------- malformed arguments (issue 18)
# Random actions whose arguments are wrong-typed, non-finite, out of range or unknown. The documented outcomes
# are an Event (successful or failed, with an errorMessage) or a ValueError naming the action; anything else
# is an undocumented exception. After every step the world and the metadata keep their invariants
# (sim/invariants.py), and a failed or raising action leaves the world exactly as it was.
NAN, INF = float("nan"), float("inf")
WRONG_TYPES: list[Any] = ["abc", "", "nan", None, True, False, 2**70, 1e308 * 10, NAN, INF, -INF, b"x", [], [1, 2],
                          [NAN, 0, 0], {}, {"x": "a"}, {"x": NAN, "y": 0, "z": 0}, {"y": -INF}, [[1, 2, 3]],
                          {"a": {"b": [1]}}, ["abc"], [None], object()]
ODD_VALUES: list[Any] = [0, 1, -1, 7, -90, 360.5, 1e6, -1e6, 1e308, -1e308, 0.5, -0.5, 2**31 - 1, "1.5",
                         {"x": 1e308, "y": 1e308, "z": 0}, {"x": -1e6, "y": 0, "z": 1e6}, [0, -1e308, 0], {"x": 0.1},
                         "Mug|+00.00|+00.00|+00.00", "", [0.5, 2.0], [-90, 1e308], [True], ["Mug"]]
ALL_ARGS = sorted({"objectId", "receptacleObjectId", "moveMagnitude", "degrees", "horizon", "openness", "position",
                   "rotation", "standing", "forceAction", "x", "y", "z", "fillLiquid", "objectType", "newObjectId",
                   "nearObjectId", "objectVariation", "SetObjectStates", "objectPoses", "target", "allowedError",
                   "positions", "rotations", "horizons", "standings", "maxDistance", "maxPoses", "pitch", "yaw",
                   "roll", "right", "up", "ahead", "timeStep", "simSeconds", "randomSeed", "numPlacementAttempts",
                   "numDuplicatesOfType", "excludedReceptacles", "excludedObjectIds", "objectIds",
                   "receptacleObjectIds", "checkVisible", "anywhere", "forceVisible", "bogusArgument"})
STATE_BAD: dict[str, list[Any]] = {"openness": ["abc", -1.0, 2.0, NAN, INF, None, True], "isBroken": ["yes", 1, None],
                                   "temperature": ["Lava", 3, None], "fillLiquid": ["lava", 7, True],
                                   "isOpen": ["no", 0.5, None], "isToggled": [[], "on"], "objectType": [7, None, []],
                                   "objectId": [7, None], "stateChange": ["nope", 5], "bogusKey": [1]}


def _bad(rng: np.random.Generator) -> Any:
    """A wrong-typed or non-finite value, or (half the time) a well-typed odd one."""
    pool = WRONG_TYPES if rng.random() < 0.5 else ODD_VALUES
    return pool[int(rng.integers(len(pool)))]


class MalformedFuzzer(Fuzzer):
    """Fuzzer whose arguments are corrupted in one way most of the time."""

    def malformed(self) -> tuple[dict[str, Any], str | None]:
        """A random action with one corruption; returns it and the corrupted argument (None: none)."""
        rng = self.rng
        name = str(rng.choice(ACTION_NAMES))
        act = self.args(name)
        r = rng.random()
        keys = [k for k in act if k != "action"]
        if r < 0.1:
            return act, None
        if r < 0.55 and keys:  # a bad value for a given argument
            k = str(rng.choice(keys))
            act[k] = _bad(rng)
            return act, k
        if r < 0.75:  # any argument name, bad or plausible value
            k = str(rng.choice(ALL_ARGS))
            act[k] = _bad(rng) if rng.random() < 0.7 else act.get(k, 0.25)
            return act, k
        if r < 0.85:  # a nested corruption
            if name == "SetObjectStates":
                spec = dict(act["SetObjectStates"]) if isinstance(act.get("SetObjectStates"), dict) else {}
                key = str(rng.choice(sorted(STATE_BAD)))
                spec[key] = STATE_BAD[key][int(rng.integers(len(STATE_BAD[key])))]
                if rng.random() < 0.3 and self.md["objects"]:
                    spec["objectType"] = self.md["objects"][int(rng.integers(len(self.md["objects"])))]["objectType"]
                act["SetObjectStates"] = spec
                return act, "SetObjectStates"
            if name == "SetObjectPoses" and act.get("objectPoses"):
                poses = [dict(p) for p in act["objectPoses"]]
                i = int(rng.integers(len(poses)))
                key = str(rng.choice(["objectName", "position", "rotation", "extra"]))
                poses[i][key] = _bad(rng)
                act["objectPoses"] = poses
                return act, "objectPoses"
            vec = [k for k in keys if isinstance(act[k], dict)]
            if vec:
                k = str(rng.choice(vec))
                act[k] = {**act[k], str(rng.choice(["x", "y", "z"])): _bad(rng)}
                return act, k
        if keys:
            k = str(rng.choice(keys))
            del act[k]
            return act, k
        return act, None


def _site(exc: BaseException) -> str:
    """The innermost project frame of a traceback (file:line)."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "mssbench_embodied" in f.filename]
    f = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return f"{f.filename.split('mssbench_embodied/')[-1]}:{f.lineno}"


def _plain(v: Any) -> Any:
    """A comparable copy of world state: arrays as lists, type specs by name."""
    if isinstance(v, np.ndarray):
        return ("array", v.tolist())
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "__dict__") and not isinstance(v, type):
        return (type(v).__name__, _plain({k: x for k, x in vars(v).items() if k != "spec"}))
    return v


def world_state(w: Any) -> Any:
    """Everything an action may change in a World, comparable with == (caches that are rebuilt excluded)."""
    state = w.__getstate__()
    return _plain({**state, "objects": list(state["objects"].items())})


def _expected_after_failure(before: bytes) -> Any:
    """The world a failed action must leave: the one before it, after one step of effects and time."""
    import pickle

    from mssbench_embodied.sim.effects import apply_effects
    from mssbench_embodied.sim.embedded import TIME_STEP

    w = pickle.loads(before)
    apply_effects(w)
    w.time += TIME_STEP
    w.hand_position()  # as building the event does (it drops a moved hand's offset once the agent moved)
    return world_state(w)


def malformed_run(steps: int, seed: int, rooms: list[str] | None = None, check_transactions: bool = True,
                  log: Any = None) -> dict[str, Any]:
    """Run `steps` malformed actions over the rooms; return counts of outcomes, exceptions and violations."""
    import collections
    import pickle

    from mssbench_embodied.sim.invariants import invariant_violations

    rooms = rooms or ROOMS
    counts: collections.Counter[str] = collections.Counter()
    sites: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    per_room = max(1, steps // len(rooms))
    done = 0
    for i, room in enumerate(rooms):
        fz = MalformedFuzzer(room, seed * 1000 + i)
        n = per_room if i < len(rooms) - 1 else steps - done
        for _ in range(n):
            done += 1
            act, arg = fz.malformed()
            name = act.get("action")
            w = fz.b.world
            before = pickle.dumps(w) if check_transactions else b""
            try:
                ev = fz.b.step(act)
                success = ev.metadata["lastActionSuccess"]  # (metadata is built lazily: it may raise too)
            except ValueError as e:
                ok = isinstance(name, str) and name in str(e) and any(k in str(e) for k in (*act, "Missing"))
                counts["valueerror_documented" if ok else "valueerror_undocumented"] += 1
                if not ok:
                    sites[_site(e)] += 1
                    examples.setdefault(_site(e), f"{str(act)[:200]} -> {str(e)[:150]}")
                ev = None
                exc: BaseException | None = e
            except Exception as e:  # noqa: BLE001  (counted, this is the measurement)
                counts["undocumented"] += 1
                counts[f"undocumented:{type(e).__name__}"] += 1
                sites[_site(e)] += 1
                examples.setdefault(_site(e), f"{str(act)[:200]} -> {type(e).__name__}: {str(e)[:150]}")
                ev, exc = None, e
            else:
                exc = None
                counts["ok" if success else "failed"] += 1
            if exc is not None:
                try:  # is the backend still usable?
                    ev = fz.b.step({"action": "Pass"})
                    assert isinstance(ev.metadata, dict)
                except Exception:  # noqa: BLE001
                    counts["broken_backend"] += 1
                    examples.setdefault("broken_backend", str(act)[:200])
                    fz = MalformedFuzzer(room, seed * 1000 + i + 7919 * done)
                    continue
            bad = list(invariant_violations(fz.b.world))
            try:
                bad += invariant_violations(ev)
            except Exception as e:  # noqa: BLE001
                bad.append(f"metadata cannot be built: {type(e).__name__}: {e}")
            if bad:
                counts["steps_breaking_invariants"] += 1
                for v in bad:
                    kind = v.split(":")[0].split(" ")[-1] if ":" in v else v[:40]
                    kinds[kind] += 1
                    examples.setdefault(f"inv {kind}", f"{str(act)[:200]} -> {v[:150]}")
                fz = MalformedFuzzer(room, seed * 1000 + i + 7919 * done)  # start clean
                continue
            if check_transactions and exc is None and not ev.metadata["lastActionSuccess"]:
                if world_state(fz.b.world) != _expected_after_failure(before):
                    counts["half_applied_failures"] += 1
                    examples.setdefault("half_applied", str(act)[:200])
            elif check_transactions and exc is not None and world_state(fz.b.world) != _expected_after_failure(before):
                counts["half_applied_raises"] += 1  # (the raising step applied no effects; Pass did)
                examples.setdefault("half_applied_raise", str(act)[:200])
            fz.md = ev.metadata
            if log is not None and done % 5000 == 0:
                log(f"{done} steps: {dict(counts)}")
    return {"counts": dict(counts), "sites": dict(sites), "invariant_kinds": dict(kinds), "examples": examples}


def _assert_clean(result: dict[str, Any]) -> None:
    c = result["counts"]
    bad = {k: v for k, v in c.items() if k not in ("ok", "failed", "valueerror_documented")}
    assert not bad, f"{bad}\nsites: {result['sites']}\ninvariants: {result['invariant_kinds']}\n" \
                    f"examples: {result['examples']}"


def test_fuzz_malformed_arguments_fast() -> None:
    _assert_clean(malformed_run(1200, seed=5))


@pytest.mark.slow
def test_fuzz_malformed_arguments_100k() -> None:
    _assert_clean(malformed_run(100_000, seed=18, check_transactions=False))


if __name__ == "__main__":  # python tests/test_sim_fuzz.py [steps] [seed] [transactions 0/1]: print the counts
    import json as _json
    import sys

    n_steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    res = malformed_run(n_steps, int(sys.argv[2]) if len(sys.argv) > 2 else 18,
                        check_transactions=bool(int(sys.argv[3])) if len(sys.argv) > 3 else True,
                        log=lambda s: print(s, file=sys.stderr, flush=True))
    print(_json.dumps({**res, "distinct_sites": len(res["sites"])}, indent=1, default=str))
