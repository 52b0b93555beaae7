"""MSSBench-Embodied: an interactive testbed for embodied situational safety.

Importing the package registers the Gymnasium environments (see mssbench_embodied.envs). The other
subpackages load on first use (``mssbench_embodied.sim``, ...), so importing the package stays cheap.
"""
from __future__ import annotations

__version__ = "0.1.0"

from . import envs  # registers the MSSBench/* env ids
from .lazy import lazy_exports

# no TYPE_CHECKING imports of the others: import-linter would count them as imports of envs.vector's parent
_SUBPACKAGES = ("agents", "envs", "eval", "llm", "safety", "scenarios", "sim", "testing")

__all__ = ["Controller", "__version__", "agents", "envs", "eval", "llm", "safety", "scenarios", "sim", "testing"]


# Controller: the ai2thor.controller.Controller drop-in (sim/controller.py)
__getattr__, __dir__ = lazy_exports(globals(), {**{name: "" for name in _SUBPACKAGES}, "Controller": "sim.controller"})
