"""Model access shared by agents and evaluation: client (retries, replay), response cache, answer parsing."""
from __future__ import annotations

from .cache import ResponseCache, messages_for_log
from .client import LLMClient, LLMConfig, LLMResult, MissingCredentials, check_credentials, system_message, user_message

__all__ = ["LLMClient", "LLMConfig", "LLMResult", "MissingCredentials", "ResponseCache", "check_credentials",
           "messages_for_log", "system_message", "user_message"]
