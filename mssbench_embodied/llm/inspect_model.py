"""An inspect_ai ``Model`` behind the ``ChatModel`` interface (needs the ``eval`` extra).

Agents and graders build OpenAI-form messages (``agents.prompts``, ``eval.judge``); this adapter
turns them into inspect chat messages (text parts and ``ContentImage`` parts) and calls
``Model.generate``, so every call uses inspect's provider, retries, cache and generation config and
lands in the sample transcript as a model event. What is ours on top:

- errors: a failed call (after inspect's retries) comes back as ``LLMResult(error=...)``, one line,
  the key scrubbed; limits inspect enforces (``LimitExceededError``) propagate;
- answers: lone surrogates replaced and a reflected key scrubbed (``clean_text``); a structured
  refusal is ``"Refuse: <text>"``; an answer longer than ``PARSE_CAP`` characters is cut to it for
  parsing and storing, with an info event saying so (the model event keeps the whole answer);
- single-flight: with caching on (inspect's ``cache`` policy), a request identical to one in flight
  (same inspect cache key) waits for it and is then served from inspect's cache, so N identical
  concurrent requests make one upstream call. With caching off every request goes upstream.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.log import transcript
from inspect_ai.model import (
    CachePolicy,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    Content,
    ContentImage,
    ContentText,
    GenerateConfig,
    Model,
)
from inspect_ai.util import LimitExceededError

from .model import REFUSAL_PREFIX, LLMResult, clean_text, scrub
from .parsing import PARSE_CAP

__all__ = ["InspectChatModel", "cache_key", "to_inspect_messages"]


def _content(content: Any) -> str | list[Content]:
    if isinstance(content, str):
        return content
    parts: list[Content] = []
    for part in content or []:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            parts.append(ContentText(text=str(part.get("text", ""))))
        elif kind == "image_url":
            image = part.get("image_url") or {}
            detail = image.get("detail", "auto")
            parts.append(ContentImage(image=str(image.get("url", "")),
                                      detail=detail if detail in ("auto", "low", "high") else "auto"))
        else:
            raise ValueError(f"unsupported message part {kind!r}; expected text or image_url")
    return parts


def to_inspect_messages(messages: list[dict]) -> list[ChatMessage]:
    """OpenAI chat messages (system / user / assistant; text and image_url parts) as inspect messages."""
    out: list[ChatMessage] = []
    for m in messages:
        role, content = m.get("role"), _content(m.get("content"))
        if role == "system":
            out.append(ChatMessageSystem(content=content))
        elif role == "user":
            out.append(ChatMessageUser(content=content))
        elif role == "assistant":
            out.append(ChatMessageAssistant(content=content))
        else:
            raise ValueError(f"unsupported message role {role!r}; expected system, user or assistant")
    return out


def _one_line(exc: BaseException, secret: str | None = None) -> str:
    """The error in one line, the key scrubbed before truncation: the provider's status and message when
    inspect kept them, else the text (a retry wrapper is unwrapped to the last attempt's error)."""
    last = getattr(exc, "last_attempt", None)  # tenacity's RetryError
    if last is not None and callable(getattr(last, "exception", None)) and last.exception() is not None:
        exc = last.exception()
    status, provider = getattr(exc, "status_code", None), getattr(exc, "provider_message", None)
    if provider:
        text = f"{status} {provider}" if status else str(provider)
    else:
        try:
            text = str(exc)
        except Exception:  # noqa: BLE001 - an exception that cannot print still becomes an error result
            text = "(message unavailable)"
    return f"{type(exc).__name__}: {' '.join(scrub(text, secret).split())[:300]}"


def cache_key(model: Model, messages: list[ChatMessage], config: GenerateConfig) -> str | None:
    """The key inspect's generate cache files this request under, or None when caching is off.

    Mirrors ``Model.generate`` (inspect_ai 0.3.x ``model/_model.py``): the model's config merged with
    the active one and ``config``, max_tokens defaulted by the provider, the config's system message
    first, the sample's epoch, then ``CacheEntry(...).key`` (``model/_cache.py``)."""
    from inspect_ai.model._cache import CacheEntry, epoch
    from inspect_ai.solver._task_state import sample_state

    resolved = model._resolve_config(config)
    policy = resolved.cache
    if not policy:
        return None
    if resolved.max_tokens is None:
        resolved.max_tokens = model.api.max_tokens_for_config(resolved) or model.api.max_tokens()
    if resolved.system_message:
        messages = [ChatMessageSystem(content=resolved.system_message), *messages]
    state = sample_state()
    if state is not None:
        epoch.set(state.epoch)
    return CacheEntry(base_url=model.api.base_url, config=resolved, input=messages, model=str(model),
                      policy=policy if isinstance(policy, CachePolicy) else CachePolicy(), tool_choice="none",
                      tools=[]).key  # no tools: inspect's prepared tool_choice is "none"


@dataclass
class _Flight:
    """A request in flight: set when it ends; ``ok`` if it answered (its answer is then in inspect's cache)."""

    done: asyncio.Event = field(default_factory=asyncio.Event)
    ok: bool = False


_IN_FLIGHT: dict[tuple[int, str], _Flight] = {}  # (event loop id, inspect cache key) -> the leading request


class InspectChatModel:
    """``ChatModel`` over an inspect ``Model`` (e.g. ``get_model()`` or ``get_model(role="grader")``)."""

    def __init__(self, model: Model) -> None:
        self.model = model

    def __repr__(self) -> str:
        return f"InspectChatModel({self.model})"

    @property
    def name(self) -> str:
        """The inspect model string (provider/model)."""
        return str(self.model)

    async def chat(self, messages: list[dict], *, max_tokens: int | None = None) -> LLMResult:
        """One ``Model.generate`` call; the model's own config applies, ``max_tokens`` overrides it if given.
        With caching on, an identical request in flight is waited for and its cached answer used."""
        config = GenerateConfig(max_tokens=max_tokens) if max_tokens else GenerateConfig()
        inputs = to_inspect_messages(messages)
        key = cache_key(self.model, inputs, config)
        if key is None:
            return await self._generate(inputs, config)
        slot = (id(asyncio.get_running_loop()), key)
        leader = _IN_FLIGHT.get(slot)
        if leader is not None:  # the same request is in flight: wait, then read it from inspect's cache
            await leader.done.wait()
            result = await self._generate(inputs, config)
            result.cached = leader.ok and result.ok
            return result
        flight = _IN_FLIGHT[slot] = _Flight()
        try:
            result = await self._generate(inputs, config)
            flight.ok = result.ok
            return result
        finally:
            del _IN_FLIGHT[slot]
            flight.done.set()

    async def _generate(self, inputs: list[ChatMessage], config: GenerateConfig) -> LLMResult:
        secret = getattr(getattr(self.model, "api", None), "api_key", None)
        try:
            output = await self.model.generate(inputs, config=config)
        except LimitExceededError:
            raise
        except Exception as exc:  # noqa: BLE001 - API failures become error results (never a correct answer)
            return LLMResult(text=None, error=_one_line(exc, secret))
        usage = output.usage
        pt, ct = (usage.input_tokens, usage.output_tokens) if usage is not None else (0, 0)
        if output.error:
            return LLMResult(text=None, error=f"model error: {scrub(str(output.error), secret)}", prompt_tokens=pt,
                             completion_tokens=ct)
        if not output.choices:
            return LLMResult(text=None, error="model returned no choices")
        text = clean_text(output.completion, secret)  # lone surrogates replaced, a reflected key scrubbed
        content = output.message.content
        refusal = not isinstance(content, str) and any(getattr(c, "refusal", None) for c in content)
        if refusal:  # a structured refusal (inspect keeps it as refusal text): a refusal, scored by the rubric
            text = REFUSAL_PREFIX + (" ".join(text.split()) or "(structured refusal)")
        if len(text) > PARSE_CAP:
            transcript().info(f"answer of {len(text):,} characters: the first {PARSE_CAP:,} (PARSE_CAP) are "
                              "parsed and stored; the model event holds it all", source="mssbench answer cap")
            text = text[:PARSE_CAP]
        return LLMResult(text=text, error=None, prompt_tokens=pt, completion_tokens=ct, refusal=refusal)
