"""Egocentric renderers: moderngl/EGL (fast) with a pure numpy fallback.

make_renderer(width, height, fov, kind) -> Renderer; see docs/ARCHITECTURE.md ("Renderer").
"""
from __future__ import annotations

import warnings

from .scene import FAR, NEAR, STYLES, Camera, Renderer, RenderOutput, RenderScene, RenderStyle, RoomGeometry

__all__ = ["Camera", "RoomGeometry", "RenderScene", "RenderOutput", "Renderer", "make_renderer", "NEAR", "FAR",
           "RenderStyle", "STYLES"]

fallback_warned = False  # set once make_renderer(kind="auto") has warned about the numpy fallback


def make_renderer(width: int, height: int, fov: float = 90.0, kind: str = "auto",
                  style: RenderStyle = "flat") -> Renderer:
    """kind: "gl" (moderngl + EGL), "numpy", or "auto" (gl, else numpy with one warning);
    style: "flat" (the reference look) or "legible" (object-specific models)."""
    global fallback_warned
    from .raster import NumpyRenderer

    if style not in STYLES:
        raise ValueError(f"unknown render style {style!r} (expected one of {', '.join(STYLES)})")
    if kind == "numpy":
        return NumpyRenderer(width, height, fov, style)
    if kind == "gl":
        from .gl import GLRenderer

        return GLRenderer(width, height, fov, style)
    if kind != "auto":
        raise ValueError(f"unknown renderer kind {kind!r} (expected 'gl', 'numpy' or 'auto')")
    try:
        from .gl import GLRenderer

        return GLRenderer(width, height, fov, style)
    except Exception as exc:  # no libEGL, no GL 3.3, no moderngl ...
        if not fallback_warned:
            fallback_warned = True
            warnings.warn(f"OpenGL renderer unavailable ({type(exc).__name__}: {exc}); "
                          "falling back to the slower numpy renderer", RuntimeWarning, stacklevel=2)
        return NumpyRenderer(width, height, fov, style)
