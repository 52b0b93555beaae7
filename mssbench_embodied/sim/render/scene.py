"""Renderer data contract: camera, room, scene, output (see docs/ARCHITECTURE.md)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, get_args

import numpy as np

from ..objects import SimObject

if TYPE_CHECKING:
    from .geometry import WorldGeometry

RenderStyle = Literal["flat", "legible"]
"""flat: the reference look (one colour per part, baked light); legible: object-specific models for VLMs."""
STYLES: tuple[RenderStyle, ...] = get_args(RenderStyle)

NEAR = 0.1  # AI2-THOR clipping planes
FAR = 20.0
ID_NOTHING = -1
ID_WALL = -2
ID_CEILING = -3
ID_AGENT = -4  # the agent's own gripper (legible style): no object


@dataclass
class Camera:
    """A pinhole camera in AI2-THOR's conventions."""

    position: np.ndarray  # (3,) world position
    yaw: float  # deg; 0 looks along +z, 90 along +x
    horizon: float  # deg; positive looks down (cameraHorizon)
    fov: float = 90.0  # vertical field of view, deg


@dataclass
class RoomGeometry:
    """The room shell: floor, walls and ceiling around the bounds."""

    x_min: float
    x_max: float
    z_min: float
    z_max: float
    wall_height: float = 2.6
    floor_color: tuple[int, int, int] = (180, 160, 130)
    wall_color: tuple[int, int, int] = (225, 222, 215)
    # a house's inner wall boxes (x0, y0, z0, x1, y1, z1), drawn in wall_color with the Wall id (sim/layout.py)
    walls: tuple[tuple[float, float, float, float, float, float], ...] = ()


@dataclass
class RenderScene:
    """What to draw: objects, room, camera, and change counters for caching."""

    objects: Sequence[SimObject]
    room: RoomGeometry
    camera: Camera
    version: int  # bumped whenever any object's pose/state changes
    # optional per-object revision (aligned with objects), changed whenever that object changes;
    # lets renderers patch the changed objects instead of rebuilding everything
    revisions: Sequence[int] | None = None
    # optional (snapshot digest, version) of a world restored from a snapshot: an object whose revision is at
    # most that version is as the snapshot has it, so renderers may key per-object work on (digest, objectId)
    origin: tuple[bytes, int] | None = None


@dataclass
class RenderOutput:
    """One rendered frame."""

    rgb: np.ndarray  # HxWx3 uint8
    depth: np.ndarray  # HxW float32, metres along the view axis (FAR for background)
    ids: np.ndarray  # HxW int32: index into scene.objects, -1 nothing, -2 walls/floor, -3 ceiling, -4 gripper


class Renderer(Protocol):
    """What make_renderer returns: "gl" or "numpy", same frames."""

    kind: str
    style: RenderStyle
    width: int
    height: int

    def render(self, scene: RenderScene) -> RenderOutput:
        """Draw the scene from its camera."""

    def geometry(self, scene: RenderScene) -> WorldGeometry:
        """The world triangle soup drawn for `scene` (cached per scene version)."""

    def clear_cache(self) -> None:
        """Forget cached geometry: the next render builds everything from scratch."""

    def close(self) -> None:
        """Release resources."""
