"""The credentials check ``run`` does before a bare model name goes to an OpenAI-compatible endpoint.

inspect_ai's providers read their own keys; this only gives the one-line ``MissingCredentials``
message (exit 2) up front: a key is needed unless the endpoint is this machine or answers are replayed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlparse

__all__ = ["DUMMY_KEY", "LLMConfig", "MissingCredentials", "check_credentials", "is_local_url", "resolve_api_key"]

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}
DUMMY_KEY = "EMPTY"


@dataclass
class LLMConfig:
    """What the check reads: the model, the endpoint, the key's environment variable, and replay mode."""

    model: str
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    replay: bool = False


class MissingCredentials(RuntimeError):
    """No API key for a remote endpoint (message is a single line naming flags/variables)."""


def is_local_url(base_url: str | None) -> bool:
    """True if the base URL's host is this machine (localhost, 127.0.0.1, ::1 or 0.0.0.0)."""
    if not base_url:
        return False
    host = (urlparse(base_url).hostname or "").lower()
    return host in LOCAL_HOSTS


def resolve_api_key(cfg: LLMConfig) -> str | None:
    """The key to send: env var, else "EMPTY" for a local server, else None."""
    key = os.environ.get(cfg.api_key_env, "").strip()
    if key:
        return key
    if is_local_url(cfg.base_url):
        return DUMMY_KEY
    return None


def check_credentials(cfg: LLMConfig) -> None:
    """Raise MissingCredentials unless replay mode, a key is set, or base_url is local."""
    if cfg.replay or resolve_api_key(cfg) is not None:
        return
    raise MissingCredentials(
        f"no API key: set {cfg.api_key_env} (or pass --base-url for a local OpenAI-compatible "
        f"server that needs none, with {cfg.api_key_env}=EMPTY), or use --replay with a cache")
