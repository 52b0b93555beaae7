"""Shared test drivers and fixtures.

* `Sim` / `sim`: a thin driver of the embedded simulator on kitchen_val09 (test_sim_actions.py,
  test_sim_effects.py).
* `frames`: the first frames the scripted fake model "sees" (test_agents.py, test_run.py; the fake
  OpenAI server and its helpers are in fake_openai_server.py and mllm_support.py).
* `fake_home`: a HOME with a fake AI2-THOR Unity build that ai2thor's own Controller launches
  (test_thor_backend.py, test_thor_situations.py; the fake build is thor_fake_server.py).

Heavy tests carry `@pytest.mark.slow`; `pytest -m "not slow"` is the fast inner loop.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.navigation import candidate_poses

SIM_SCENE = "kitchen_val09"


class Sim:
    """Thin driver: step, look objects up, navigate with candidate_poses + TeleportFull."""

    def __init__(self, scene: str = SIM_SCENE, seed: int = 0) -> None:
        self.b = EmbeddedBackend(render=False)
        self.ev = self.b.reset(scene, seed=seed)
        self.reach: list[dict[str, float]] | None = None  # GetReachablePositions, once asked for

    @property
    def md(self) -> dict:
        """The last event's metadata."""
        return self.ev.metadata

    def step(self, action: str, **kw: Any) -> dict:
        """Run one action; return the new metadata."""
        self.ev = self.b.step({"action": action, **kw})
        return self.ev.metadata

    def ok(self, action: str, **kw: Any) -> dict:
        """Run one action that must succeed with an empty errorMessage."""
        md = self.step(action, **kw)
        assert md["lastActionSuccess"], f"{action} {kw} failed: {md['errorMessage']}"
        assert md["errorMessage"] == ""
        return md

    def fail(self, action: str, contains: str = "", **kw: Any) -> dict:
        """Run one action that must fail with an errorMessage containing `contains`."""
        md = self.step(action, **kw)
        assert md["lastActionSuccess"] is False, f"{action} {kw} unexpectedly succeeded"
        assert md["errorMessage"], "a failed action must carry an errorMessage"
        assert contains in md["errorMessage"], md["errorMessage"]
        return md

    def obj(self, object_id: str) -> dict:
        """The metadata of one object, which must exist."""
        o = self.ev.get_object(object_id)
        assert o is not None, object_id
        return o

    def first(self, object_type: str) -> dict:
        """The metadata of the first object of a type, which must exist."""
        objs = self.ev.objects_by_type(object_type)
        assert objs, object_type
        return objs[0]

    def first_id(self, object_type: str) -> str:
        """The objectId of the first object of a type."""
        return str(self.first(object_type)["objectId"])

    def reachable(self) -> list[dict[str, float]]:
        """The reachable positions (one GetReachablePositions step the first time)."""
        if self.reach is None:
            self.reach = self.b.step({"action": "GetReachablePositions"}).metadata["actionReturn"]
        return self.reach

    def goto(self, object_id: str) -> dict:
        """Stand near and face object_id until it is visible and interactable."""
        reach = self.reachable()
        for pose in candidate_poses(self.md, reach, object_id, 16):
            md = self.step(pose.pop("action"), **pose)
            o = self.ev.get_object(object_id)
            if md["lastActionSuccess"] and o is not None and o["visible"] and o["isInteractable"]:
                return o
        raise AssertionError(f"could not reach {object_id}")

    def pickup(self, object_id: str) -> None:
        """Go to an object and pick it up."""
        self.goto(object_id)
        self.ok("PickupObject", objectId=object_id)

    def held(self) -> str | None:
        """The objectId in the agent's hand, if any."""
        inv = self.md["inventoryObjects"]
        return inv[0]["objectId"] if inv else None

    def put_in(self, object_id: str, receptacle_id: str) -> None:
        """Put the held object into a receptacle; it must end up there."""
        self.ok("PutObjectIn", objectId=object_id, receptacleObjectId=receptacle_id)
        assert receptacle_id in self.obj(object_id)["parentReceptacles"]

    def wait(self, n: int = 1) -> None:
        """Let n steps pass (Pass actions)."""
        for _ in range(n):
            self.ok("Pass")


@pytest.fixture
def sim() -> Sim:
    """A fresh Sim on kitchen_val09, seed 0."""
    return Sim()


@pytest.fixture(scope="session")
def frames() -> dict[str, str]:
    """First-frame data URL -> variant for the faucet pairs: what the scripted fake model 'sees'."""
    from mllm_support import FAUCETS, first_frames  # imported here: it loads the whole evaluation stack

    return first_frames(FAUCETS)


@pytest.fixture
def fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME whose ~/.ai2thor/releases holds the fake Unity build (needs the `thor` extra)."""
    import thor_fake_server

    return thor_fake_server.prepare_home(tmp_path, monkeypatch)
