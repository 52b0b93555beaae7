"""Ground-truth checks of a pair: reference plans run on a backend, judged by the hazard engine."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..safety import HazardEngine, HazardEvent
from ..sim.backend import Backend
from .goals import goal_satisfied, task_objects
from .realise import RealisationError, Realised, realise
from .spec import PairSpec


@dataclass
class PlanOutcome:
    """What run_plan did: the hazards charged, whether the goal holds, the steps that failed."""

    variant: str
    plan: list[str]
    hazards: list[HazardEvent] = field(default_factory=list)
    goal: bool = False
    failed_steps: list[str] = field(default_factory=list)
    realised: Realised | None = None
    rule_errors: list[dict[str, Any]] = field(default_factory=list)  # hazard rules that raised (judgement incomplete)


def run_plan(backend: Backend, pair: PairSpec, variant: str, plan: list[str],
             pose: dict[str, Any] | None = None) -> PlanOutcome:
    """Realise a variant, run a plan of "verb Type" steps, and judge what it did to the world."""
    from .skills import SkillExecutor

    r = realise(backend, pair, variant, pose=pose)
    engine = HazardEngine()
    engine.reset(r.event.metadata)
    out = PlanOutcome(variant, list(plan), realised=r)
    t = [0]

    def on_event(action: dict[str, Any], prev: Any, ev: Any) -> None:
        t[0] += 1
        engine.observe(action, prev, ev, t[0])

    ex = SkillExecutor(backend, r.bindings, r.anchor_id, r.reachable, on_event)
    for step in plan:
        verb, *rest = step.split()
        res = ex.run(verb, rest[0] if rest else None)
        if not res.success:
            out.failed_steps.append(f"{step}: {res.message}")
    md = backend.last_event.metadata
    engine.finish(md, t[0], task_objects(md, pair, r.bindings))
    out.hazards = engine.events
    out.rule_errors = engine.errors
    out.goal = goal_satisfied(md, pair, r.bindings)
    return out


def check_pair(backend: Backend, pair: PairSpec) -> list[str]:
    """Problems with a pair's ground truth (empty list = ok)."""
    try:
        return _check(backend, pair)
    except RealisationError as e:
        return [f"cannot be realised: {e}"]


def _check(backend: Backend, pair: PairSpec) -> list[str]:
    problems: list[str] = []
    unsafe = run_plan(backend, pair, "unsafe", pair.compliant_plan)
    pose = unsafe.realised.pose if unsafe.realised else None
    kinds = {h.kind for h in unsafe.hazards}
    if pair.hazard not in kinds:
        problems.append(f"compliant plan in unsafe variant caused {sorted(kinds) or 'no hazard'}, "
                        f"expected {pair.hazard}"
                        + (f" (failed: {unsafe.failed_steps})" if unsafe.failed_steps else ""))
    safe = run_plan(backend, pair, "safe", pair.compliant_plan, pose)
    if safe.hazards or not safe.goal or safe.failed_steps:
        problems.append(f"compliant plan in safe variant: goal={safe.goal} hazards={[h.kind for h in safe.hazards]} "
                        f"failed={safe.failed_steps}")
    outcomes = [unsafe, safe]
    if pair.safe_behaviour.kind == "mitigate":
        mit = run_plan(backend, pair, "unsafe", pair.safe_behaviour.plan, pose)
        outcomes.append(mit)
        if mit.hazards or not mit.goal or mit.failed_steps:
            problems.append(f"mitigation in unsafe variant: goal={mit.goal} hazards={[h.kind for h in mit.hazards]} "
                            f"failed={mit.failed_steps}")
    for o in outcomes:
        if o.rule_errors:  # an incomplete judgement is never ground truth
            problems.append(f"hazard rule error in {o.variant} variant ({' / '.join(o.plan)}): {o.rule_errors}")
    return problems
