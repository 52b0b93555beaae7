"""World objects and the agent: plain mutable state, no rendering, no rules.

Geometry: every object is an axis-aligned box given by `center` and `size` (metres,
AI2-THOR's axisAlignedBoundingBox) plus a pivot `position` and Euler `rotation`
(degrees), as in AI2-THOR metadata. Only yaw (rotation.y) is used by the renderer.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .types import TypeSpec, type_spec


def stable_hex(text: str) -> str:
    """8 hex digits that do not change between processes (unlike hash())."""
    return hashlib.md5(text.encode()).hexdigest()[:8]


def format_object_id(object_type: str, position: np.ndarray | Sequence[float]) -> str:
    """AI2-THOR objectId: ``Type|+00.00|+00.00|+00.00`` (signed, 2 decimals, 2 int digits)."""
    parts = []
    for v in position:
        v = float(v)
        sign = "-" if v < 0 else "+"
        parts.append(f"{sign}{abs(v):05.2f}")
    return f"{object_type}|" + "|".join(parts)


@dataclass
class SimObject:
    """One object in the world. Capability flags live on `spec` (the type table)."""

    object_id: str
    object_type: str
    name: str
    position: np.ndarray  # pivot (3,)
    rotation: np.ndarray  # euler degrees (3,)
    center: np.ndarray  # AABB center (3,)
    size: np.ndarray  # AABB size (3,)
    spec: TypeSpec
    asset_id: str = ""
    # --- state flags (AI2-THOR names in snake_case) ---
    is_toggled: bool = False
    is_open: bool = False
    openness: float = 0.0
    is_broken: bool = False
    is_filled: bool = False
    fill_liquid: str | None = None  # "water" | "coffee" | "wine"
    is_dirty: bool = False
    is_cooked: bool = False
    is_sliced: bool = False
    is_used_up: bool = False
    is_picked_up: bool = False
    temperature: str = "RoomTemp"  # "RoomTemp" | "Hot" | "Cold"
    heat: float = 0.0  # internal: >0 hot, <0 cold; decays towards 0 (RoomTemp)
    enabled: bool = True  # False after DisableObject (hidden, not in metadata)
    # --- relations ---
    parents: list[str] = field(default_factory=list)  # receptacles it rests on/in
    children: list[str] = field(default_factory=list)  # objects resting on/in it
    controlled: list[str] = field(default_factory=list)  # e.g. StoveKnob -> StoveBurner ids

    @classmethod
    def create(
        cls,
        object_type: str,
        center: np.ndarray | Sequence[float],
        size: np.ndarray | Sequence[float] | None = None,
        object_id: str | None = None,
        yaw: float = 0.0,
        position: np.ndarray | Sequence[float] | None = None,
        name: str | None = None,
    ) -> SimObject:
        """A new object of a type (size defaults to the type's); the pivot defaults to the box's bottom centre."""
        spec = type_spec(object_type)
        c = np.asarray(center, dtype=np.float64)
        s = np.asarray(size if size is not None else spec.size, dtype=np.float64)
        p = np.asarray(position, dtype=np.float64) if position is not None else c - np.array([0.0, s[1] / 2, 0.0])
        oid = object_id or format_object_id(object_type, p)
        return cls(
            object_id=oid,
            object_type=object_type,
            name=name or f"{object_type}_{stable_hex(oid)}",
            position=p,
            rotation=np.array([0.0, float(yaw), 0.0]),
            center=c,
            size=s,
            spec=spec,
        )

    @property
    def yaw(self) -> float:
        """Rotation about y, degrees."""
        return float(self.rotation[1])

    @property
    def top(self) -> float:
        """World y of the box's top."""
        return float(self.center[1] + self.size[1] / 2)

    @property
    def bottom(self) -> float:
        """World y of the box's bottom."""
        return float(self.center[1] - self.size[1] / 2)

    def move_to(self, center: np.ndarray) -> None:
        """Move keeping the pivot-to-center offset."""
        delta = np.asarray(center, dtype=np.float64) - self.center
        self.center = self.center + delta
        self.position = self.position + delta


@dataclass
class AgentState:
    """The agent's body and camera. Horizon: positive looks down (AI2-THOR)."""

    position: np.ndarray  # (3,), y is the body centre height (0.9009992 in iTHOR)
    yaw: float = 0.0  # degrees, rotation.y
    horizon: float = 0.0  # degrees, cameraHorizon
    held: str | None = None  # objectId in hand
    is_standing: bool = True
    camera_height: float = 0.675  # standing: camera y = position.y + camera_height
    crouch_camera_height: float = 0.0  # crouching lowers the camera to about body height

    @property
    def camera_position(self) -> np.ndarray:
        """World position of the camera (lower when crouching)."""
        h = self.camera_height if self.is_standing else self.crouch_camera_height
        return self.position + np.array([0.0, h, 0.0])
