"""inspect_ai's entry point (``[project.entry-points.inspect_ai]``): the tasks ``inspect eval`` finds."""
from __future__ import annotations

from .inspect.task import mssbench_embodied
from .static_task import mssbench_static

__all__ = ["mssbench_embodied", "mssbench_static"]
