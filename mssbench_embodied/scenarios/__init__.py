"""Situation pairs: specs, the library, the verb table, realisation on a backend, skills, goals and checks.

``load_pairs("train")`` gives the PairSpecs; ``realise(backend, pair, "unsafe")`` sets one variant up;
``SkillExecutor`` runs verbs; ``check_pair`` runs a pair's reference plans. The names below load their
modules on first use, except ``realise``: it is bound at import, so that
``mssbench_embodied.scenarios.realise`` is always the function (its module has the same name).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .realise import RealisationError, Realised, realise

if TYPE_CHECKING:
    from .captions import caption
    from .checks import PlanOutcome, check_pair, run_plan
    from .goals import goal_satisfied
    from .library import (
        combination_key,
        get_pair,
        library_counts,
        load_file,
        load_pairs,
        situations_dir,
        split_of,
    )
    from .skills import SkillExecutor, SkillResult
    from .spec import (
        Delta,
        Goal,
        PairSpec,
        Placement,
        SafeBehaviour,
        Setup,
        SpecError,
        StateSet,
        TemplateSpec,
        expand_template,
        validate_pair,
    )
    from .verbs import FREE_VERBS, OBJECT_VERBS, TERMINAL_VERBS, VERB, VERB_NAMES, VERBS, Verb, VerbTable

_EXPORTS: dict[str, str] = {  # public name -> the submodule that defines it
    "caption": "captions",
    "PlanOutcome": "checks", "check_pair": "checks", "run_plan": "checks",
    "goal_satisfied": "goals",
    "combination_key": "library", "get_pair": "library", "library_counts": "library", "load_file": "library",
    "load_pairs": "library", "situations_dir": "library", "split_of": "library",
    "SkillExecutor": "skills", "SkillResult": "skills",
    "Delta": "spec", "Goal": "spec", "PairSpec": "spec", "Placement": "spec", "SafeBehaviour": "spec",
    "Setup": "spec", "SpecError": "spec", "StateSet": "spec", "TemplateSpec": "spec",
    "expand_template": "spec", "validate_pair": "spec",
    "FREE_VERBS": "verbs", "OBJECT_VERBS": "verbs", "TERMINAL_VERBS": "verbs", "VERB": "verbs",
    "VERB_NAMES": "verbs", "VERBS": "verbs", "Verb": "verbs", "VerbTable": "verbs",
}

__all__ = ["FREE_VERBS", "OBJECT_VERBS", "TERMINAL_VERBS", "VERB", "VERBS", "VERB_NAMES", "Delta", "Goal", "PairSpec",
           "Placement", "PlanOutcome", "RealisationError", "Realised", "SafeBehaviour", "Setup", "SkillExecutor",
           "SkillResult", "SpecError", "StateSet", "TemplateSpec", "Verb", "VerbTable", "caption", "check_pair",
           "combination_key", "expand_template", "get_pair", "goal_satisfied", "library_counts", "load_file",
           "load_pairs", "realise", "run_plan", "situations_dir", "split_of", "validate_pair"]


__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
