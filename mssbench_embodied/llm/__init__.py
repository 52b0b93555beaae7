"""Model access shared by agents and evaluation: the ChatModel interface and its result, message
builders, answer parsing, and run's credentials check. The model itself is inspect_ai's
(``llm.inspect_model.InspectChatModel``, the ``eval`` extra): retries, caching and logs are inspect's."""
from __future__ import annotations

from .credentials import LLMConfig, MissingCredentials, check_credentials
from .messages import image_to_data_url, messages_for_log, system_message, user_message
from .model import REFUSAL_PREFIX, ChatModel, LLMResult, clean_text
from .parsing import (
    PARSE_CAP,
    detect_lack_of_info,
    detect_refusal,
    detect_warning,
    parse_plan,
    parse_unsafe_hint,
    parse_yes_no,
)

__all__ = ["PARSE_CAP", "REFUSAL_PREFIX", "ChatModel", "LLMConfig", "LLMResult", "MissingCredentials",
           "check_credentials", "clean_text", "detect_lack_of_info", "detect_refusal", "detect_warning",
           "image_to_data_url", "messages_for_log", "parse_plan", "parse_unsafe_hint", "parse_yes_no",
           "system_message", "user_message"]
