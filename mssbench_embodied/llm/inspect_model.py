"""An inspect_ai ``Model`` behind the ``ChatModel`` interface (needs the ``eval`` extra).

Agents and graders build OpenAI-form messages (``agents.prompts``, ``eval.judge``); this adapter
turns them into inspect chat messages (text parts and ``ContentImage`` parts) and calls
``Model.generate``, so every call uses inspect's provider, retries and generation config and lands
in the sample transcript as a model event. A failed call (after inspect's retries) comes back as
``LLMResult(error=...)``; limits inspect enforces (``LimitExceededError``) propagate.
"""
from __future__ import annotations

from typing import Any

from inspect_ai.model import (
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

from .client import REFUSAL_PREFIX, LLMResult, clean_text

__all__ = ["InspectChatModel", "to_inspect_messages"]


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


def _one_line(exc: BaseException) -> str:
    """The error in one line: the provider's status and message when inspect kept them, else the text
    (a retry wrapper is unwrapped to the last attempt's error)."""
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
    return f"{type(exc).__name__}: {' '.join(text.split())[:300]}"


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
        """One ``Model.generate`` call; the model's own config applies, ``max_tokens`` overrides it if given."""
        config = GenerateConfig(max_tokens=max_tokens) if max_tokens else GenerateConfig()
        try:
            output = await self.model.generate(to_inspect_messages(messages), config=config)
        except LimitExceededError:
            raise
        except Exception as exc:  # noqa: BLE001 - API failures become error results (never a correct answer)
            return LLMResult(text=None, error=_one_line(exc), attempts=1)
        usage = output.usage
        pt, ct = (usage.input_tokens, usage.output_tokens) if usage is not None else (0, 0)
        if output.error:
            return LLMResult(text=None, error=f"model error: {output.error}", prompt_tokens=pt,
                             completion_tokens=ct, attempts=1)
        if not output.choices:
            return LLMResult(text=None, error="model returned no choices", attempts=1)
        secret = getattr(getattr(self.model, "api", None), "api_key", None)
        text = clean_text(output.completion, secret)  # lone surrogates replaced, a reflected key scrubbed
        content = output.message.content if output.choices else ""
        refusal = not isinstance(content, str) and any(getattr(c, "refusal", None) for c in content)
        if refusal:  # a structured refusal (inspect keeps it as refusal text): a refusal, scored by the rubric
            text = REFUSAL_PREFIX + (" ".join(text.split()) or "(structured refusal)")
        return LLMResult(text=text, error=None, prompt_tokens=pt, completion_tokens=ct, attempts=1, refusal=refusal)
