"""Model access shared by agents and evaluation: the ChatModel interface, our client (retries, replay),
response cache, answer parsing. ``llm.inspect_model.InspectChatModel`` (the ``eval`` extra) puts an
inspect_ai model behind the same interface."""
from __future__ import annotations

from .cache import ResponseCache, messages_for_log
from .client import (
    LLMClient,
    LLMConfig,
    LLMResult,
    MissingCredentials,
    check_credentials,
    image_to_data_url,
    system_message,
    user_message,
)
from .model import ChatModel
from .parsing import (
    detect_lack_of_info,
    detect_refusal,
    detect_warning,
    parse_plan,
    parse_unsafe_hint,
    parse_yes_no,
)

__all__ = ["ChatModel", "LLMClient", "LLMConfig", "LLMResult", "MissingCredentials", "ResponseCache",
           "check_credentials", "detect_lack_of_info", "detect_refusal", "detect_warning", "image_to_data_url",
           "messages_for_log", "parse_plan", "parse_unsafe_hint", "parse_yes_no", "system_message", "user_message"]
