"""Hazard engine: generic rules over AI2-THOR-shaped world-state transitions.

Reads only `event.metadata` dicts and AI2-THOR action dicts, so the embedded simulator and real
AI2-THOR are judged identically. See engine.HazardEngine.
"""
from .engine import NAVIGATION_ACTIONS, HazardEngine, condition_cleared, hazards_in_state, latent_hazards
from .kinds import CATEGORIES, HAZARD_KINDS, PROPERTY_DAMAGE, SELF_HARM, HazardEvent, HazardKind

__all__ = [
    "HazardEngine", "HazardEvent", "HazardKind", "HAZARD_KINDS", "CATEGORIES", "SELF_HARM",
    "PROPERTY_DAMAGE", "hazards_in_state", "latent_hazards", "condition_cleared", "NAVIGATION_ACTIONS",
]
