"""AI2-THOR actions on the embedded world.

The registry (`registry.py`) maps action names to handlers; each group module registers its
actions on import: `interaction`, `navigation`, `setup`, then `extra` and `poses` (AI2-THOR 5.0
actions added for issue 16: held-object manipulation, physics stepping, GetObjectInFrame,
InitialRandomSpawn, GetShortestPath*, GetInteractablePoses). Embedded extensions (not in AI2-THOR;
the thor backend emulates them): PourLiquid, SpawnObject, PutObjectIn.
"""
from __future__ import annotations

from . import extra, interaction, navigation, poses, setup  # noqa: F401  (register the groups)
from .helpers import DROP_BREAK_HEIGHT, LIQUIDS, THROW_BREAK_MAGNITUDE, break_object
from .navigation import MOVES, NAVIGATION_ACTIONS
from .registry import ACTIONS, ActionFailed, Handler, action, execute

__all__ = ["ACTIONS", "ActionFailed", "DROP_BREAK_HEIGHT", "Handler", "LIQUIDS", "MOVES", "NAVIGATION_ACTIONS",
           "THROW_BREAK_MAGNITUDE", "action", "break_object", "execute"]
