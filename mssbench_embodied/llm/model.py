"""The model interface agents and graders talk to: one chat call in OpenAI message form.

``ChatModel.chat(messages)`` takes OpenAI chat messages (``llm.messages``: text parts and PNG
data-URL image parts) and returns an ``LLMResult``; an API failure is a result with ``error`` set,
never an exception. The implementation is ``llm.inspect_model.InspectChatModel``: an inspect_ai
``Model`` (any provider; inspect does the retries, caching, usage and logging).

Model text as it is stored: ``clean_text`` (lone surrogates replaced, a reflected key scrubbed);
a structured refusal is the answer ``REFUSAL_PREFIX + <its text>``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["REFUSAL_PREFIX", "ChatModel", "LLMResult", "clean_text", "scrub"]

REFUSAL_PREFIX = "Refuse: "
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class LLMResult:
    """One chat call's outcome: the text or an error, token counts, whether it was served without a call."""

    text: str | None
    error: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False  # shared with an identical request in flight (caching on)
    refusal: bool = False  # a structured refusal: text is "Refuse: <its text>"

    @property
    def ok(self) -> bool:
        """True if the call gave text and no error."""
        return self.error is None and self.text is not None


def scrub(text: str, secret: str | None) -> str:
    """``text`` with the secret replaced by ``***`` (secrets shorter than 4 characters and "EMPTY" kept)."""
    if secret and secret != "EMPTY" and len(secret) >= 4:
        text = text.replace(secret, "***")
    return text


def clean_text(text: str, secret: str | None = None) -> str:
    """Model text safe to store: lone surrogates (not UTF-8 encodable) -> U+FFFD, the secret scrubbed."""
    return scrub(_SURROGATE.sub("\ufffd", text), secret)


@runtime_checkable
class ChatModel(Protocol):
    """Answers one chat request; failures come back as ``LLMResult(text=None, error=...)``."""

    async def chat(self, messages: list[dict], *, max_tokens: int | None = None) -> LLMResult:
        """One completion of ``messages`` (at most ``max_tokens`` tokens if given)."""
        ...
