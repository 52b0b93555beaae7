"""MSSBench-Embodied: an interactive testbed for embodied situational safety.

Importing the package registers the Gymnasium environments (see mssbench_embodied.envs).
"""
from __future__ import annotations

__version__ = "0.1.0"

from . import envs as _envs  # noqa: F401  (registers MSSBench/* env ids)
