"""The model interface agents and graders talk to: one chat call in OpenAI message form.

``ChatModel.chat(messages)`` takes OpenAI chat messages (``system_message`` / ``user_message``:
text parts and PNG data-URL image parts) and returns an ``LLMResult``; an API failure is a result
with ``error`` set, never an exception. Two implementations:

- ``llm.client.LLMClient``: our OpenAI-compatible client (retries, response cache, replay);
- ``llm.inspect_model.InspectChatModel``: an inspect_ai ``Model`` (any inspect provider, model
  roles, inspect's retries and transcript).
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from .client import LLMResult

__all__ = ["ChatModel", "LLMResult"]


@runtime_checkable
class ChatModel(Protocol):
    """Answers one chat request; failures come back as ``LLMResult(text=None, error=...)``."""

    async def chat(self, messages: list[dict], *, max_tokens: int | None = None) -> LLMResult:
        """One completion of ``messages`` (at most ``max_tokens`` tokens if given)."""
        ...
