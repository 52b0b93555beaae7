"""The one backend interface (defined in mssbench_embodied.protocol) and make_backend.

Both the embedded simulator and real AI2-THOR implement it.
"""
from __future__ import annotations

from typing import Any

from ..protocol import Backend

__all__ = ["Backend", "make_backend"]


def make_backend(name: str = "embedded", **kwargs: Any) -> Backend:
    """Build a backend by name: "embedded" (default) or "thor" (needs the `thor` extra)."""
    if name == "embedded":
        from .embedded import EmbeddedBackend

        return EmbeddedBackend(**kwargs)
    if name == "thor":
        from .thor import ThorBackend

        return ThorBackend(**kwargs)
    raise ValueError(f"unknown backend {name!r}; choose 'embedded' or 'thor'")
