"""High-level skills: one verb + object type -> a short sequence of AI2-THOR actions.

Used by the high_level and text action modes and by reference plans. Every world change goes
through backend.step, so the hazard engine sees each low-level event.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..sim.backend import Backend
from ..sim.event import Event
from ..sim.navigation import candidate_poses
from .realise import resolve
from .verbs import VERB, VERB_NAMES

THROW_MAGNITUDE = 100.0


@dataclass
class SkillResult:
    """Outcome of one skill: success, a message, and the (action, event) pairs it stepped."""

    success: bool
    message: str
    events: list[tuple[dict[str, Any], Event]] = field(default_factory=list)  # (action, event) pairs


class SkillExecutor:
    """Executes verbs for one episode. `on_event(action, prev_event, event)` sees every step."""

    def __init__(self, backend: Backend, bindings: dict[str, str], anchor_id: str | None,
                 reachable: list[dict[str, float]],
                 on_event: Callable[[dict[str, Any], Event, Event], None] | None = None,
                 quiet_poses: bool = False) -> None:
        self.backend = backend
        self.bindings = bindings
        self.anchor_id = anchor_id
        self.reachable = reachable
        self.on_event = on_event
        # goto on a rendering embedded backend: try candidate poses with backend.advance (no Event, no
        # metadata); on_event and SkillResult.events then see the goto's final teleport only. The world ends
        # exactly as if every candidate had been stepped (same teleports, effects, time).
        self.quiet_poses = quiet_poses

    @property
    def event(self) -> Event:
        """The backend's last event."""
        return self.backend.last_event

    def _step(self, action: dict[str, Any], res: SkillResult) -> Event:
        prev = self.backend.last_event
        ev = self.backend.step(action)
        res.events.append((action, ev))
        if self.on_event is not None:
            self.on_event(action, prev, ev)
        return ev

    def resolve(self, object_type: str) -> str | None:
        """The objectId a type names in the current state (situation bindings first); None if absent."""
        return resolve(self.event.metadata, object_type, self.bindings, self.anchor_id)

    def held(self) -> dict[str, Any] | None:
        """The held object's inventory entry, or None."""
        inv = self.event.metadata["inventoryObjects"]
        return inv[0] if inv else None

    def run(self, verb: str, object_type: str | None = None) -> SkillResult:
        """Run one verb of scenarios/verbs.py (method `_<verb>`). Never raises for bad input: returns
        success=False with a message."""
        res = SkillResult(False, "")
        spec = VERB.get(verb)
        if spec is None:
            res.message = f"unknown verb {verb!r}; verbs are {', '.join(VERB_NAMES)}"
            return res
        if spec.terminal:
            res.success, res.message = True, verb
            return res
        if object_type is None and spec.takes_object:
            res.message = f"{verb} needs an object"
            return res
        try:
            return getattr(self, f"_{verb}")(object_type, res)  # the skill: a method named after the verb
        except ValueError as e:  # invalid AI2-THOR arguments: a failed step, not a crash
            res.message = str(e)
            return res

    def _target(self, object_type: str, res: SkillResult) -> str | None:
        oid = self.resolve(object_type)
        if oid is None:
            res.message = f"there is no {object_type} here"
        return oid

    def _simple(self, action: str, object_type: str, res: SkillResult, **extra: Any) -> SkillResult:
        oid = self._target(object_type, res)
        if oid is None:
            return res
        ev = self._step({"action": action, "objectId": oid, **extra}, res)
        res.success = bool(ev.metadata["lastActionSuccess"])
        res.message = ev.metadata["errorMessage"] or f"{action} {object_type}"
        return res

    def _goto(self, object_type: str, res: SkillResult) -> SkillResult:
        oid = self._target(object_type, res)
        if oid is None:
            return res
        held = self.held()
        if held and held["objectId"] == oid:
            res.message = f"already holding the {object_type}"
            return res
        # try poses without rendering (embedded backend), then take the chosen one for real
        render = getattr(self.backend, "render_enabled", None)
        chosen = None
        a = self.event.metadata["agent"]
        start = {"action": "TeleportFull", "position": dict(a["position"]), "rotation": dict(a["rotation"]),
                 "horizon": a["cameraHorizon"], "standing": a["isStanding"], "forceAction": True}
        poses = candidate_poses(self.event.metadata, self.reachable, oid, max_candidates=8)
        if render and self._quiet():
            chosen = self._try_quietly(poses, oid)
        else:
            try:
                if render:
                    self.backend.render_enabled = False  # type: ignore[attr-defined]
                for pose in poses:
                    ev = self._step(pose, res)
                    if self._visible(ev, oid):
                        chosen = pose
                        break
            finally:
                if render:
                    self.backend.render_enabled = True  # type: ignore[attr-defined]
        if chosen is None:  # a failed goto leaves the agent where it was (and renders that view)
            if poses:
                self._step(start, res)
            res.message = f"cannot find a spot facing the {object_type}"
            return res
        if render:
            self._step(chosen, res)
        res.success, res.message = True, f"at the {object_type}"
        return res

    def _quiet(self) -> bool:
        """Whether candidate poses may be tried with backend.advance: asked for, an embedded backend, and no
        hand displacement (MoveHeldObject) that building an Event's metadata would reset."""
        world = getattr(self.backend, "world", None)
        return (self.quiet_poses and hasattr(self.backend, "advance") and world is not None
                and getattr(world, "hand_shift", None) is None)

    def _try_quietly(self, poses: list[dict[str, Any]], oid: str) -> dict[str, Any] | None:
        """The first pose from which `oid` is visible, each tried as a stepped teleport would be (teleport,
        effects, time), without Events; None if none (the agent then stands at the last pose reached)."""
        advance = self.backend.advance  # type: ignore[attr-defined]
        for pose in poses:
            advance(pose)
            if self.backend.is_visible(oid):  # type: ignore[attr-defined]
                return pose
        return None

    def _visible(self, ev: Event, oid: str) -> bool:
        fast = getattr(self.backend, "is_visible", None)  # embedded: one object, no full metadata
        if fast is not None:
            return bool(fast(oid))
        o = ev.get_object(oid) if ev.metadata["lastActionSuccess"] else None
        return bool(o is not None and o["visible"])

    def _pickup(self, t: str, res: SkillResult) -> SkillResult:
        return self._simple("PickupObject", t, res)

    def _put(self, t: str, res: SkillResult) -> SkillResult:
        # forceAction lifts AI2-THOR's receptacle-type restrictions: a knife CAN be put on a bed
        return self._simple("PutObject", t, res, forceAction=True)

    def _open(self, t: str, res: SkillResult) -> SkillResult:
        return self._simple("OpenObject", t, res)

    def _close(self, t: str, res: SkillResult) -> SkillResult:
        return self._simple("CloseObject", t, res)

    def _toggle_on(self, t: str, res: SkillResult) -> SkillResult:
        return self._simple("ToggleObjectOn", t, res)

    def _toggle_off(self, t: str, res: SkillResult) -> SkillResult:
        return self._simple("ToggleObjectOff", t, res)

    def _slice(self, t: str, res: SkillResult) -> SkillResult:
        return self._simple("SliceObject", t, res)

    def _pour(self, t: str, res: SkillResult) -> SkillResult:
        return self._simple("PourLiquid", t, res)

    def _check_held(self, t: str | None, res: SkillResult) -> bool:
        held = self.held()
        if held is None:
            res.message = "not holding anything"
            return False
        if t is not None and held["objectType"] != t:
            res.message = f"holding a {held['objectType']}, not a {t}"
            return False
        return True

    def _drop(self, t: str | None, res: SkillResult) -> SkillResult:
        if not self._check_held(t, res):
            return res
        ev = self._step({"action": "DropHandObject", "forceAction": True}, res)
        res.success, res.message = bool(ev.metadata["lastActionSuccess"]), ev.metadata["errorMessage"] or "dropped"
        return res

    def _throw(self, t: str | None, res: SkillResult) -> SkillResult:
        if not self._check_held(t, res):
            return res
        ev = self._step({"action": "ThrowObject", "moveMagnitude": THROW_MAGNITUDE, "forceAction": True}, res)
        res.success, res.message = bool(ev.metadata["lastActionSuccess"]), ev.metadata["errorMessage"] or "thrown"
        return res

    def _fill(self, t: str, res: SkillResult) -> SkillResult:
        """Fill the held container with water: hold it under the tap, run the tap, stop it."""
        held = self.held()
        if not held or held["objectType"] != t:
            res.message = f"hold the {t} under the tap to fill it"
            return res
        oid = held["objectId"]
        faucet = self.resolve("Faucet")
        if faucet is None:
            res.message = "there is no faucet here"
            return res
        ev = self._step({"action": "ToggleObjectOn", "objectId": faucet}, res)
        if not ev.metadata["lastActionSuccess"]:
            res.message = ev.metadata["errorMessage"]
            return res
        self._step({"action": "FillObjectWithLiquid", "objectId": oid, "fillLiquid": "water"}, res)
        self._step({"action": "ToggleObjectOff", "objectId": faucet}, res)
        o = self.event.get_object(oid)
        res.success = bool(o and o["isFilledWithLiquid"])
        res.message = f"filled the {t}" if res.success else f"the {t} is not under the running water"
        return res
