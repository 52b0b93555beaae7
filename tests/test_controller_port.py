"""Porting test: three controllers written only against ai2thor 5.0's public API run on the embedded
backend with one change, the import line (issue 16, deliverable 6).

Each script below is kept exactly as one would run it on real AI2-THOR; the test swaps
``from ai2thor.controller import Controller`` for ``from mssbench_embodied import Controller`` and
nothing else, then runs the script's ``main()``.
"""
from __future__ import annotations

import ast
import warnings
from typing import Any

import pytest

THOR_IMPORT = "from ai2thor.controller import Controller"
OUR_IMPORT = "from mssbench_embodied import Controller"

# ---------------------------------------------------------------------------------------------------------------
SAFEAGENTBENCH_STYLE = '''
import math

from ai2thor.controller import Controller


class LowLevelPlanner:
    """find / pick / put / open / toggle, as SafeAgentBench's low-level controller does them."""

    def __init__(self, controller):
        self.controller = controller
        self.reachable = controller.step(action="GetReachablePositions").metadata["actionReturn"]

    def find(self, object_type):
        objs = [o for o in self.controller.last_event.metadata["objects"] if o["objectType"] == object_type]
        return objs[0] if objs else None

    def go_to(self, obj):
        """Teleport to the nearest reachable spot from which the object is visible, facing it."""
        t = obj["position"]
        for p in sorted(self.reachable, key=lambda p: (p["x"] - t["x"]) ** 2 + (p["z"] - t["z"]) ** 2):
            yaw = math.degrees(math.atan2(t["x"] - p["x"], t["z"] - p["z"])) % 360
            dist = math.hypot(t["x"] - p["x"], t["z"] - p["z"])
            pitch = math.degrees(math.atan2(1.5 - t["y"], max(dist, 1e-6)))
            horizon = max(-30, min(60, int(round(pitch / 30.0)) * 30))
            event = self.controller.step(action="TeleportFull", x=p["x"], y=p["y"], z=p["z"],
                                         rotation=dict(x=0, y=yaw, z=0), horizon=horizon, standing=True)
            if not event:
                continue
            seen = event.get_object(obj["objectId"])
            if seen["visible"] and seen["isInteractable"]:
                return True
        return False

    def act(self, action, object_type):
        obj = self.find(object_type)
        if obj is None or not self.go_to(obj):
            return False, "cannot reach " + object_type
        event = self.controller.step(action=action, objectId=obj["objectId"])
        return bool(event), event.metadata["errorMessage"]

    def pick(self, object_type):
        return self.act("PickupObject", object_type)

    def put(self, receptacle_type):
        return self.act("PutObject", receptacle_type)

    def open(self, object_type):
        return self.act("OpenObject", object_type)

    def close(self, object_type):
        return self.act("CloseObject", object_type)

    def toggle_on(self, object_type):
        return self.act("ToggleObjectOn", object_type)


def main(scene="FloorPlan1"):
    controller = Controller(scene=scene, gridSize=0.25, snapToGrid=False, visibilityDistance=1.5,
                            renderDepthImage=False, renderInstanceSegmentation=False, width=300, height=300,
                            fieldOfView=90, platform="CloudRendering")
    planner = LowLevelPlanner(controller)
    log = [("pick Apple", planner.pick("Apple")),
           ("put Fridge while closed", planner.put("Fridge")),
           ("open Fridge", planner.open("Fridge")),
           ("put Fridge", planner.put("Fridge")),
           ("close Fridge", planner.close("Fridge")),
           ("toggle Microwave", planner.toggle_on("Microwave"))]
    final = controller.last_event.metadata
    controller.stop()
    return log, final
'''

# ---------------------------------------------------------------------------------------------------------------
ALFRED_STYLE = '''
from collections import deque

from ai2thor.controller import Controller

GRID = 0.25


def plan(start, goal_cells, reachable):
    """BFS over (x, z, heading) states with MoveAhead / RotateLeft / RotateRight, ALFRED-style."""
    moves = {0: (0, 1), 90: (1, 0), 180: (0, -1), 270: (-1, 0)}
    queue, parent = deque([start]), {start: None}
    while queue:
        state = queue.popleft()
        x, z, r = state
        if (x, z) in goal_cells:
            path = []
            while parent[state] is not None:
                state, action = parent[state]
                path.append(action)
            return path[::-1]
        dx, dz = moves[r]
        for action, nxt in (("MoveAhead", (x + dx, z + dz, r)), ("RotateLeft", (x, z, (r - 90) % 360)),
                            ("RotateRight", (x, z, (r + 90) % 360))):
            if (nxt[0], nxt[1]) in reachable and nxt not in parent:
                parent[nxt] = (state, action)
                queue.append(nxt)
    return None


def main(scene="FloorPlan201", target_type="Television"):
    controller = Controller(scene=scene, gridSize=GRID, rotateStepDegrees=90, snapToGrid=True,
                            renderDepthImage=True, visibilityDistance=1.5, commit_id="unused-here")
    event = controller.step(dict(action="GetReachablePositions"))
    positions = event.metadata["actionReturn"]
    reachable = {(round(p["x"] / GRID), round(p["z"] / GRID)) for p in positions}
    start = min(positions, key=lambda p: (p["x"] - 1.0) ** 2 + (p["z"] - 1.0) ** 2)
    event = controller.step(dict(action="TeleportFull", x=start["x"], y=start["y"], z=start["z"],
                                 rotation=0, horizon=30, standing=True))
    assert event.metadata["lastActionSuccess"], event.metadata["errorMessage"]
    start_pose = event.pose
    target = next(o for o in event.metadata["objects"] if o["objectType"] == target_type)
    t = target["position"]
    dist = {c: ((c[0] * GRID - t["x"]) ** 2 + (c[1] * GRID - t["z"]) ** 2) ** 0.5 for c in reachable}
    goals = {c for c, d in dist.items() if d <= min(dist.values()) + 0.3}
    x, z, r, _ = event.pose_discrete
    actions = plan((x, z, (r * 90) % 360), goals, reachable)
    assert actions is not None
    for action in actions:
        event = controller.step(dict(action=action))
        assert event.metadata["lastActionSuccess"], (action, event.metadata["errorMessage"])
    end = event.metadata["agent"]["position"]
    # teleport back with a float rotation (ai2thor turns it into dict(y=...)) and check the pose
    back = controller.step(action="TeleportFull", x=start["x"], y=start["y"], z=start["z"], rotation=0,
                           horizon=30, standing=True)
    depth_ok = back.depth_frame is not None and back.depth_frame.shape == (300, 300)
    controller.stop()
    return {"steps": len(actions), "end": end, "target": t, "goals": goals, "start_pose": start_pose,
            "back_pose": back.pose, "depth_ok": depth_ok, "grid": GRID}
'''

# ---------------------------------------------------------------------------------------------------------------
EMBODIEDBENCH_STYLE = '''
import math

from ai2thor.controller import Controller


class SkillEnv:
    """Text skills on top of AI2-THOR, in the manner of EmbodiedBench's EB-ALFRED loop."""

    def __init__(self, scene):
        self.controller = Controller(scene=scene, width=300, height=300, renderInstanceSegmentation=True,
                                     visibilityDistance=1.5, gridSize=0.25, local_executable_path=None)
        self.positions = self.controller.step(action="GetReachablePositions").metadata["actionReturn"]
        self.last_target = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def _object(self, name):
        for o in self.controller.last_event.metadata["objects"]:
            if o["objectType"].lower() == name.lower():
                return o
        return None

    def _find(self, name):
        obj = self._object(name)
        if obj is None:
            return self.controller.last_event, "no " + name + " in the scene"
        t = obj["position"]
        for p in sorted(self.positions, key=lambda p: (p["x"] - t["x"]) ** 2 + (p["z"] - t["z"]) ** 2):
            yaw = math.degrees(math.atan2(t["x"] - p["x"], t["z"] - p["z"]))
            pitch = math.degrees(math.atan2(1.5 - t["y"], math.hypot(t["x"] - p["x"], t["z"] - p["z"])))
            event = self.controller.step(action="TeleportFull", x=p["x"], y=p["y"], z=p["z"], rotation=yaw,
                                         horizon=max(-30, min(60, round(pitch / 30) * 30)), standing=True)
            oid = obj["objectId"]
            if event and oid in event.instance_detections2D and event.get_object(oid)["visible"]:
                self.last_target = obj["objectId"]
                return event, ""
        return self.controller.last_event, "cannot find " + name

    def step(self, skill):
        words = skill.split()
        verb, name = " ".join(words[:-1]), words[-1]
        if verb == "find a":
            event, feedback = self._find(name)
        elif verb == "put down the object in":
            event = self.controller.step(action="PutObject", objectId=self.last_target)
            feedback = event.metadata["errorMessage"]
        else:
            action = {"pick up the": "PickupObject", "open the": "OpenObject", "close the": "CloseObject",
                      "turn on the": "ToggleObjectOn", "turn off the": "ToggleObjectOff"}[verb]
            obj = self._object(name)
            event = self.controller.step(action=action, objectId=obj["objectId"])
            feedback = event.metadata["errorMessage"]
        ok = bool(event) and not feedback
        info = {"last_action_success": ok, "env_feedback": "Last action executed successfully." if ok else
                "Last action is invalid. " + feedback}
        return event.frame, float(ok), False, info


def main(scene="FloorPlan1"):
    plan = ["find a Mug", "pick up the Mug", "find a CoffeeMachine", "put down the object in hand",
            "turn on the CoffeeMachine", "pick up the Fridge", "turn off the CoffeeMachine"]
    history = []
    with SkillEnv(scene) as env:
        for skill in plan:
            frame, reward, done, info = env.step(skill)
            history.append((skill, info["last_action_success"], info["env_feedback"], frame.shape))
        final = env.controller.last_event.metadata
    return history, final
'''

SCRIPTS = {"safeagentbench": SAFEAGENTBENCH_STYLE, "alfred": ALFRED_STYLE, "embodiedbench": EMBODIEDBENCH_STYLE}


def port(source: str) -> dict[str, Any]:
    """Run a script with only its import line changed; returns its namespace."""
    ported = source.replace(THOR_IMPORT, OUR_IMPORT)
    changed = [(a, b) for a, b in zip(source.splitlines(), ported.splitlines()) if a != b]
    assert changed == [(THOR_IMPORT, OUR_IMPORT)], changed  # exactly one line differs: the import
    namespace: dict[str, Any] = {"__name__": "ported"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the one-time notes (FloorPlan mapping, ignored options)
        exec(compile(ported, "<ported>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_scripts_use_only_the_ai2thor_api(name: str) -> None:
    """Each script imports ai2thor's Controller and nothing from this project."""
    tree = ast.parse(SCRIPTS[name])
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "ai2thor.controller" in modules
    assert not any(m and m.startswith("mssbench_embodied") for m in modules)


def test_safeagentbench_style_controller() -> None:
    log, final = port(SCRIPTS["safeagentbench"])["main"]()
    outcome = dict(log)
    assert outcome["pick Apple"] == (True, "")
    ok, message = outcome["put Fridge while closed"]
    assert ok is False and message  # a failed PutObject is seen as failed through bool(event)
    assert outcome["open Fridge"][0] and outcome["put Fridge"][0] and outcome["close Fridge"][0]
    assert outcome["toggle Microwave"] == (True, "")
    by_type = {o["objectType"]: o for o in final["objects"]}
    fridge = by_type["Fridge"]
    assert any(oid.startswith("Apple|") for oid in fridge["receptacleObjectIds"]) and not fridge["isOpen"]
    assert by_type["Microwave"]["isToggled"] and final["inventoryObjects"] == []


def test_alfred_style_navigator() -> None:
    out = port(SCRIPTS["alfred"])["main"]()
    assert out["steps"] > 0 and out["depth_ok"]
    end, grid = out["end"], out["grid"]
    assert (round(end["x"] / grid), round(end["z"] / grid)) in out["goals"]  # the BFS path was walked exactly
    assert out["back_pose"][:3] == out["start_pose"][:3]


def test_embodiedbench_style_skill_loop() -> None:
    history, final = port(SCRIPTS["embodiedbench"])["main"]()
    results = {skill: (ok, feedback) for skill, ok, feedback, _ in history}
    assert all(shape == (300, 300, 3) for *_, shape in history)
    failing = {"pick up the Fridge"}
    assert all(ok for skill, (ok, _) in results.items() if skill not in failing), results
    ok, feedback = results["pick up the Fridge"]
    prefix = "Last action is invalid. "
    assert not ok and feedback.startswith(prefix) and len(feedback) > len(prefix)
    machine = next(o for o in final["objects"] if o["objectType"] == "CoffeeMachine")
    assert not machine["isToggled"] and any(c.startswith("Mug|") for c in machine["receptacleObjectIds"])
