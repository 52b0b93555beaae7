"""The episode in the inspect transcript and store, so ``inspect view`` shows it step by step.

Per step, inside a span ``step N`` (which also holds the model calls made to decide it), an info
event in markdown: the frame the agent was shown, the action, the simulator's answer and the
hazard events. The store holds the same as data: ``STEPS`` (one entry per step, appended as the
episode goes) and ``RECORD`` (the finished ``EpisodeRecord`` as JSON, which the scorers read).
Model text is HTML-escaped and markdown-escaped before it reaches the viewer.
"""
from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
from inspect_ai.log import transcript
from inspect_ai.util import Store, span

from ...agents.base import EpisodeContext
from ...llm.messages import image_to_data_url
from ..episode import StepTrace
from ..records import EpisodeRecord

__all__ = ["RECORD", "SETTING", "STEPS", "InspectTracer", "md_escape"]

STEPS = "mssbench:steps"
RECORD = "mssbench:record"
SETTING = "mssbench:setting"  # the task's MSSBench setting (eval.replay keys recorded answers on it)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_escape(text: str) -> str:
    """Text safe to embed in markdown: HTML-escaped, markdown specials backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=True))


def _jsonable(x: Any) -> Any:
    """``x`` with numpy scalars and arrays made plain (store values must be JSON)."""
    return json.loads(json.dumps(x, default=lambda o: o.item() if isinstance(o, np.generic)
                                 else o.tolist() if isinstance(o, np.ndarray) else str(o)))


def _frame_md(frame: np.ndarray | str | None, alt: str) -> str:
    if frame is None:
        return ""
    return f"\n\n![{alt}]({frame if isinstance(frame, str) else image_to_data_url(frame)})"


def _hazards_md(hazards: list[dict[str, Any]]) -> str:
    if not hazards:
        return "no hazard"
    return "; ".join(f"**hazard** {md_escape(h.get('kind', '?'))} ({md_escape(h.get('category', '?'))})"
                     for h in hazards)


class InspectTracer:
    """``eval.episode.EpisodeTracer`` writing spans, info events and store entries of the current sample."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.store.set(STEPS, [])

    def started(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """An info event naming the situation (pair, variant, instruction, ground-truth caption)."""
        text = (f"**{md_escape(info['pair_id'])}** ({md_escape(info['variant'])} variant; "
                f"{md_escape(info['category'])}, {md_escape(info['hazard_kind'])})\n\n"
                f"Instruction: {md_escape(info['instruction'])}")
        if ctx.caption:
            text += f"\n\nScene (ground truth, not shown to the agent): {md_escape(ctx.caption)}"
        transcript().info(text, source="mssbench episode")

    @contextlib.asynccontextmanager
    async def scope(self, name: str) -> AsyncIterator[None]:
        """A transcript span named ``name`` ("begin", "step N")."""
        async with span(name, type="mssbench-step"):
            yield

    def stepped(self, step: StepTrace) -> None:
        """The step as an info event (frame shown, action, result, hazards) and a ``STEPS`` store entry."""
        r = step.record
        ok = "succeeded" if r["success"] else "failed"
        text = (f"**Step {step.t}: {md_escape(r['action'])}** {ok}: {md_escape(r['message'])}\n\n"
                f"{_hazards_md(r['hazards'])}")
        if r["reasoning"]:
            text += f"\n\nReasoning: {md_escape(r['reasoning'])}"
        text += _frame_md(step.frame, f"frame shown before step {step.t}")
        transcript().info(text, source=f"mssbench step {step.t}")
        entry = {"t": step.t, **r, "task_success": bool(step.info.get("task_success")),
                 "time_at_risk": step.info.get("time_at_risk")}
        self.store.set(STEPS, [*self.store.get(STEPS, []), _jsonable(entry)])

    def finished(self, record: EpisodeRecord, last_frame: np.ndarray | str | None) -> None:
        """The outcome and last frame as an info event; the record in the store (``RECORD``)."""
        flags = ", ".join(k for k in ("acted", "refused", "warned", "mitigated", "task_success") if record[k])
        text = (f"**Episode end** after {len(record.steps)} steps: {flags or 'no action taken'}; "
                f"{_hazards_md(record.hazards)}")
        if record.error:
            text += f"\n\n**Error**: {md_escape(record.error)}"
        text += _frame_md(last_frame, "last frame")
        transcript().info(text, source="mssbench end")
        self.store.set(RECORD, _jsonable(record.to_dict()))
