"""inspect_ai's entry point (``[project.entry-points.inspect_ai]``): the tasks ``inspect eval`` finds, and
the ``mssbench-replay`` model provider (recorded answers: ``--model mssbench-replay/M -M answers=PATH``)."""
from __future__ import annotations

from .inspect.task import mssbench_embodied
from .replay import mssbench_replay
from .static_task import mssbench_static

__all__ = ["mssbench_embodied", "mssbench_replay", "mssbench_static"]
