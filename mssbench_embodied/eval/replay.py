"""Recorded answers for CI: a run's model answers taken from its log, replayed with no endpoint.

An answer is keyed on what the model was asked, never on incidental bytes: the model (without its
provider or endpoint: ``openai-api/custom/gpt-4o`` and ``openai/gpt-4o`` are both ``gpt-4o``), the
task's setting, the prompt text (every message's role and text, images as placeholders) and a
canonical image key (pair id, variant and the actions taken so far), which is the same on the GL
and numpy renderers. The images' SHA-256 are kept as a check: a different image under the same key
is replayed and counted (``IMAGE_MISMATCHES`` in the sample store), not a miss.

- ``record_answers(log, path)`` writes ``answers.jsonl`` (one JSON object a line; model text with
  lone surrogates replaced and the API key scrubbed);
- the ``mssbench-replay`` inspect provider (``mssbench-replay/<model>`` with ``answers=PATH``)
  answers from it; a request with no recorded answer raises ``ReplayMiss`` naming the reasons (the
  sample errors). A missing or malformed answers file is an error when the model is built.

Replay answers each request from the file whatever its temperature: it is for CI, not for
measuring variance; live runs never cache unless asked (inspect's ``cache``).
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspect_ai.event import InfoEvent, ModelEvent
from inspect_ai.log import EvalLog, resolve_sample_attachments
from inspect_ai.model import (
    ChatMessage,
    ContentImage,
    ContentText,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from ..llm.model import clean_text
from .inspect.transcript import RECORD, SETTING, STEPS

__all__ = ["FORMAT", "IMAGE_MISMATCHES", "SETTING", "AnswerKey", "ReplayAPI", "ReplayMiss", "load_answers",
           "model_key", "prompt_text", "record_answers", "role_model"]

FORMAT = "mssbench-answers/1"
IMAGE_MISMATCHES = "mssbench:replay_image_mismatches"


class ReplayMiss(RuntimeError):
    """No recorded answer for a request (the message names what differs)."""


def model_key(model: str) -> str:
    """The model without provider and endpoint: ``openai-api/<service>/<m>`` -> m, ``<provider>/<m>`` -> m."""
    parts = model.split("/")
    if parts[0] == "openai-api" and len(parts) > 2:
        return "/".join(parts[2:])
    if parts[0] == "mssbench-replay" and len(parts) > 1:
        return model_key("/".join(parts[1:]))
    return "/".join(parts[1:]) if len(parts) > 1 else model


def role_model(log: EvalLog, role: str) -> str | None:
    """The model string bound to ``role`` (e.g. ``grader``) in ``log``, or None."""
    bound = (log.eval.model_roles or {}).get(role)
    if isinstance(bound, list):
        bound = bound[0] if bound else None
    return bound.model if bound is not None else None


def prompt_text(messages: Iterable[ChatMessage]) -> str:
    """The request as text: each message's role and text parts, images as ``[image]``."""
    out = []
    for m in messages:
        if isinstance(m.content, str):
            body = m.content
        else:
            body = "\n".join(c.text if isinstance(c, ContentText) else "[image]" if isinstance(c, ContentImage)
                             else f"[{c.type}]" for c in m.content)
        out.append(f"{m.role}: {body}")
    return "\n\n".join(out)


def _image_hashes(messages: Iterable[ChatMessage]) -> list[str]:
    return [hashlib.sha256(c.image.encode()).hexdigest()[:16] for m in messages if not isinstance(m.content, str)
            for c in m.content if isinstance(c, ContentImage)]


@dataclass(frozen=True)
class AnswerKey:
    """What the model was asked (see the module docstring)."""

    model: str
    setting: str
    pair_id: str
    variant: str
    actions: tuple[str, ...]
    prompt_sha: str

    @classmethod
    def of(cls, model: str, setting: str, pair_id: str, variant: str, actions: Iterable[str],
           messages: list[ChatMessage]) -> AnswerKey:
        """The key of a request."""
        sha = hashlib.sha256(prompt_text(messages).encode("utf-8", "replace")).hexdigest()
        return cls(model_key(model), setting, pair_id, variant, tuple(actions), sha)


def _entry(key: AnswerKey, images: list[str], text: str, secret: str | None) -> dict[str, Any]:
    return {"format": FORMAT, "model": key.model, "setting": key.setting, "pair_id": key.pair_id,
            "variant": key.variant, "actions": list(key.actions), "prompt_sha256": key.prompt_sha,
            "images_sha256": images, "answer": clean_text(text, secret)}


def record_answers(log: EvalLog, path: Path) -> int:
    """Write every model answer of ``log`` (agent and grader calls) to ``path``; the number written."""
    secret = os.environ.get("OPENAI_API_KEY")
    ev = log.eval
    setting = str(ev.task_args.get("setting", "if"))
    roles: dict[str | None, str] = {None: ev.model}
    for r in (ev.model_roles or {}):
        roles[r] = role_model(log, r) or ev.model
    lines: dict[AnswerKey, str] = {}
    for s in log.samples or []:
        s = resolve_sample_attachments(s, "full")  # long texts and images are attachments in the log
        meta = s.metadata or {}
        execution = (s.scores or {}).get("execution")
        rec = s.store.get(RECORD) or (execution.metadata or {}).get(RECORD) if execution else s.store.get(RECORD)
        rec = rec if isinstance(rec, dict) else {}
        steps = [st.get("action", "") for st in rec.get("steps", [])]
        done = 0
        for e in s.events:
            if isinstance(e, InfoEvent) and str(e.source or "").startswith("mssbench step"):
                done += 1
            elif isinstance(e, ModelEvent) and not e.error and e.output.choices:
                key = AnswerKey.of(str(roles.get(e.role, e.model)), setting, str(meta.get("pair_id")),
                                   str(meta.get("variant")), steps[:done], e.input)
                lines[key] = json.dumps(_entry(key, _image_hashes(e.input), e.output.completion, secret))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(x + "\n" for x in lines.values()), encoding="utf-8")
    os.replace(tmp, path)
    return len(lines)


def load_answers(path: str | Path) -> dict[AnswerKey, dict[str, Any]]:
    """The answers of a file ``record_answers`` wrote; ValueError if it is missing or malformed."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"replay answers file not found: {p}")
    out: dict[AnswerKey, dict[str, Any]] = {}
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            if d.get("format") != FORMAT:
                raise ValueError(f"format {d.get('format')!r}, expected {FORMAT}")
            key = AnswerKey(str(d["model"]), str(d["setting"]), str(d["pair_id"]), str(d["variant"]),
                            tuple(str(a) for a in d["actions"]), str(d["prompt_sha256"]))
            if not isinstance(d["answer"], str):
                raise ValueError("answer is not text")
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ValueError(f"{p}:{n}: not a recorded answer ({e})") from None
        out[key] = d
    return out


def _miss_reasons(key: AnswerKey, answers: dict[AnswerKey, dict[str, Any]]) -> str:
    same = [k for k in answers if (k.pair_id, k.variant) == (key.pair_id, key.variant)]
    if not same:
        return f"no answer recorded for {key.pair_id} ({key.variant})"
    why = []
    if all(k.model != key.model for k in same):
        why.append(f"model {key.model!r} (recorded: {sorted({k.model for k in same})})")
    if all(k.setting != key.setting for k in same):
        why.append(f"setting {key.setting!r} (recorded: {sorted({k.setting for k in same})})")
    if all(k.actions != key.actions for k in same):
        why.append(f"actions so far {list(key.actions)} (recorded: "
                   f"{[list(a) for a in sorted({k.actions for k in same})][:3]})")
    if all(k.prompt_sha != key.prompt_sha for k in same if k.actions == key.actions):
        why.append("prompt text differs")
    return f"{key.pair_id} ({key.variant}): " + ("; ".join(why) or "no matching answer")


class ReplayAPI(ModelAPI):
    """Answers from a recorded answers file (``model_args``: ``answers=PATH``); see the module docstring."""

    def __init__(self, model_name: str, base_url: str | None = None, api_key: str | None = None,
                 config: GenerateConfig | None = None, answers: str | None = None, **_: Any) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key,
                         config=config if config is not None else GenerateConfig())
        if not answers:
            raise ValueError("mssbench-replay needs -M answers=PATH (a recorded answers.jsonl)")
        self.answers = load_answers(answers)

    async def generate(self, input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice,
                       config: GenerateConfig) -> ModelOutput:
        """The recorded answer of this request, or ReplayMiss."""
        from inspect_ai.solver._task_state import sample_state
        from inspect_ai.util import store

        state = sample_state()
        meta = state.metadata if state is not None else {}
        st = store()
        steps: list[dict[str, Any]] = st.get(STEPS, [])
        actions = [x.get("action", "") for x in steps]
        key = AnswerKey.of(self.model_name, str(st.get(SETTING, "if")), str(meta.get("pair_id")),
                           str(meta.get("variant")), actions, input)
        hit = self.answers.get(key)
        if hit is None:
            raise ReplayMiss(f"replay miss: {_miss_reasons(key, self.answers)}")
        if hit.get("images_sha256") != _image_hashes(input):
            st.set(IMAGE_MISMATCHES, int(st.get(IMAGE_MISMATCHES, 0)) + 1)
        return ModelOutput.from_content(model=self.model_name, content=hit["answer"])

    def max_connections(self) -> int:
        """Replay is local: no connection limit to speak of."""
        return 64


@modelapi(name="mssbench-replay")
def mssbench_replay() -> type[ModelAPI]:
    """The ``mssbench-replay`` provider (registered on import of this module)."""
    return ReplayAPI
