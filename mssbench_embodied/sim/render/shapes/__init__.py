"""Per-type low-poly meshes in the unit AABB (front = +z), with visible object state.

`registry` holds the shape registry, palette, mesh transforms and `object_mesh`; `small` and
`large` register the builders of small objects and of furniture/appliances on import.
"""
from __future__ import annotations

from . import large, legible_extra, legible_home, legible_kitchen, small  # noqa: F401  (register the builders)
from .large import LIT, WHITE, WOOD
from .registry import (
                       DARK,
                       GLOW,
                       LIQUID,
                       SHAPES,
                       STEEL,
                       ShapeState,
                       build_mesh,
                       has_model,
                       mix,
                       model,
                       model_key,
                       mul,
                       object_mesh,
                       shape,
                       state_of,
)

__all__ = ["DARK", "GLOW", "LIQUID", "LIT", "SHAPES", "STEEL", "ShapeState", "WHITE", "WOOD",
           "build_mesh", "has_model", "mix", "model", "model_key", "mul", "object_mesh", "shape", "state_of"]
