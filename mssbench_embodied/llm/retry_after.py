"""A configurable cap on server-directed retry delays (``Retry-After``) for OpenAI-compatible endpoints.

The openai client honours ``Retry-After`` / ``retry-after-ms`` up to a fixed 120 s and refuses to
retry beyond it. ``capped_http_client(cap)`` is the client's own default HTTP client with one change:
a delay longer than ``cap`` seconds is lowered to ``cap`` before the client reads it, so the client
waits at most ``cap`` seconds and then retries. ``cap=0`` drops the header, and the client falls back
to its exponential backoff. Pass it to inspect's ``openai`` / ``openai-api`` providers as the
``http_client`` model argument (``run --retry-after-cap``).
"""
from __future__ import annotations

import email.utils
import math
import time
from collections.abc import MutableMapping
from typing import Any

__all__ = ["MAX_CAP", "cap_retry_after", "capped_http_client", "retry_after_seconds"]

MAX_CAP = 120.0  # the openai client refuses to retry after a longer server-directed delay


def retry_after_seconds(headers: MutableMapping[str, str], now: float | None = None) -> float | None:
    """The server-directed delay in seconds (``retry-after-ms``, then ``retry-after`` as seconds or an
    HTTP date), as the openai client reads it; None when absent or unreadable."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) / divisor
        except ValueError:
            continue
    value = headers.get("retry-after")
    if value is None:
        return None
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return email.utils.mktime_tz(parsed) - (time.time() if now is None else now)


def cap_retry_after(headers: MutableMapping[str, str], cap: float) -> float | None:
    """Lower a server-directed delay above ``cap`` to ``cap`` (drop it when ``cap`` is 0), in place.
    Returns the delay the client will now read (None: no usable header)."""
    delay = retry_after_seconds(headers)
    if delay is None or (math.isfinite(delay) and delay <= cap):
        return delay
    for name in ("retry-after-ms", "retry-after"):
        if name in headers:
            del headers[name]
    if cap <= 0:
        return None
    headers["retry-after"] = f"{cap:g}"
    return cap


def capped_http_client(cap: float) -> Any:
    """The openai SDK's default async HTTP client, with ``Retry-After`` capped at ``cap`` seconds
    (0 <= cap <= 120; ValueError otherwise)."""
    from openai import DefaultAsyncHttpxClient

    if not (isinstance(cap, (int, float)) and math.isfinite(cap) and 0 <= cap <= MAX_CAP):
        raise ValueError(f"the Retry-After cap must be between 0 and {MAX_CAP:g} seconds, not {cap!r}")

    class _Capped(DefaultAsyncHttpxClient):
        async def send(self, request: Any, **kwargs: Any) -> Any:
            response = await super().send(request, **kwargs)
            cap_retry_after(response.headers, float(cap))
            return response

    return _Capped()
