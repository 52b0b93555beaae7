"""The action registry: handlers register by AI2-THOR action name with their required arguments.

Each handler mutates the World and returns ``actionReturn``; a failed precondition raises
`ActionFailed(message)` (-> lastActionSuccess=False). Unknown actions and missing
arguments raise ValueError, as ai2thor does for InvalidAction / MissingArguments.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..world import World


class ActionFailed(Exception):
    """A failed action: becomes lastActionSuccess=False with this errorMessage."""


Handler = Callable[[World, dict[str, Any]], Any]
ACTIONS: dict[str, tuple[Handler, tuple[str, ...]]] = {}


def action(name: str, required: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
    """Register the decorated handler as AI2-THOR action `name` with its required arguments."""
    def deco(fn: Handler) -> Handler:
        ACTIONS[name] = (fn, required)
        return fn
    return deco


def execute(world: World, act: dict[str, Any]) -> tuple[bool, str, Any]:
    """Run one action dict. Returns (success, errorMessage, actionReturn)."""
    name = act.get("action")
    if name not in ACTIONS:
        raise ValueError(f"Invalid action: {name!r} is not an action the embedded AI2-THOR backend knows")
    fn, required = ACTIONS[name]
    missing = [k for k in required if k not in act]
    if missing:
        raise ValueError(f"MissingArguments: {name} requires {', '.join(missing)}")
    try:
        ret = fn(world, act)
        return True, "", ret
    except ActionFailed as e:
        return False, str(e), None


