"""Model access for MLLM agents: OpenAI-compatible chat with bounded retries and a cache.

API failures never raise: ``LLMClient.chat`` returns ``LLMResult(text=None, error=...)``.
The API key is read from the environment, sent only in the Authorization header, and scrubbed
from every error text and every answer (an endpoint may echo it); it never reaches logs, cache
rows, results or reports. Answers have lone surrogates replaced (U+FFFD), so any text stores.
A structured refusal (``message.refusal``, no content) is the answer ``"Refuse: <its text>"`` with
``refusal=True``. Retries wait for the server's ``Retry-After`` (at most ``retry_after_max`` s).
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import math
import os
import random
import re
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlparse

import numpy as np

from mssbench_embodied.llm.cache import ResponseCache

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}
DUMMY_KEY = "EMPTY"
_RETRY_STATUS = {408, 409, 425, 429}


@dataclass
class LLMConfig:
    """Model, endpoint, sampling and retry settings of an LLMClient; ``replay`` answers from the cache only."""

    model: str
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    temperature: float = 0.0
    max_tokens: int = 512
    timeout: float = 60.0
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0  # the longest Retry-After wait honoured (seconds)
    replay: bool = False


class MissingCredentials(RuntimeError):
    """No API key for a remote endpoint (message is a single line naming flags/variables)."""


@dataclass
class LLMResult:
    """One chat call's outcome: the text or an error, token counts, whether cached, attempts made."""

    text: str | None
    error: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False
    attempts: int = 0
    refusal: bool = False  # a structured refusal (message.refusal): text is "Refuse: <its text>"

    @property
    def ok(self) -> bool:
        """True if the call gave text and no error."""
        return self.error is None and self.text is not None


class MalformedResponse(ValueError):
    """The server answered 200 but the body is not a usable chat completion."""


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


def scrub(text: str, secret: str | None) -> str:
    """Remove the secret (and obvious bearer tokens of it) from a message."""
    if secret and secret != DUMMY_KEY and len(secret) >= 4:
        text = text.replace(secret, "***")
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")
REFUSAL_PREFIX = "Refuse: "


def clean_text(text: str, secret: str | None = None) -> str:
    """Model text safe to store: lone surrogates (not UTF-8 encodable) -> U+FFFD, the secret scrubbed."""
    return scrub(_SURROGATE.sub("\ufffd", text), secret)


# -- image helpers --------------------------------------------------------------------------

def image_to_data_url(rgb: np.ndarray) -> str:
    """PNG data URL of an RGB (HxWx3), RGBA or grayscale uint8 image."""
    import cv2

    arr = np.asarray(rgb)
    if arr.dtype != np.uint8:
        if np.issubdtype(arr.dtype, np.floating) and arr.size and float(np.nanmax(arr)) <= 1.0:
            arr = arr * 255.0
        arr = np.clip(np.nan_to_num(arr), 0, 255).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 3:
        arr = cv2.cvtColor(np.ascontiguousarray(arr), cv2.COLOR_RGB2BGR)
    elif arr.ndim == 3 and arr.shape[2] == 4:
        arr = cv2.cvtColor(np.ascontiguousarray(arr), cv2.COLOR_RGBA2BGRA)
    elif arr.ndim != 2:
        raise ValueError(f"expected HxW, HxWx3 or HxWx4 image, got shape {arr.shape}")
    ok, buf = cv2.imencode(".png", arr)
    if not ok:
        raise ValueError("PNG encoding failed")
    return "data:image/png;base64," + base64.b64encode(buf.tobytes()).decode("ascii")


def user_message(text: str, images: Sequence[np.ndarray] = (), detail: str | None = None) -> dict:
    """OpenAI user message with a text part followed by one image part per image."""
    parts: list[dict] = [{"type": "text", "text": text}]
    for img in images:
        image_url: dict[str, Any] = {"url": image_to_data_url(img)}
        if detail:
            image_url["detail"] = detail
        parts.append({"type": "image_url", "image_url": image_url})
    return {"role": "user", "content": parts}


def system_message(text: str) -> dict:
    """OpenAI system message with this text."""
    return {"role": "system", "content": text}


# -- client ---------------------------------------------------------------------------------

def _retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APIStatusError):
        try:
            code = int(getattr(exc, "status_code", 0) or 0)
        except (TypeError, ValueError):  # an error built differently from the SDK's own
            return False
        return code in _RETRY_STATUS or code >= 500
    return isinstance(exc, (openai.APIConnectionError, openai.APIResponseValidationError,
                            asyncio.TimeoutError, TimeoutError, ConnectionError,
                            MalformedResponse, json.JSONDecodeError))


def _extract(resp: Any) -> tuple[str, int, int, bool]:
    """(text, prompt_tokens, completion_tokens, refusal) of a completion, or MalformedResponse.
    A structured refusal (``message.refusal`` set, no content) is ``"Refuse: <refusal>"``."""
    choices = getattr(resp, "choices", None)
    if not choices:
        raise MalformedResponse("response has no choices")
    msg = getattr(choices[0], "message", None)
    text, refusal = getattr(msg, "content", None), getattr(msg, "refusal", None)
    is_refusal = not text and isinstance(refusal, str)
    if is_refusal:
        text = REFUSAL_PREFIX + (" ".join(str(refusal).split()) or "(structured refusal)")
    if not isinstance(text, str):
        raise MalformedResponse("response message has no text content")
    usage = getattr(resp, "usage", None)
    pt = int(getattr(usage, "prompt_tokens", 0) or 0) if usage is not None else 0
    ct = int(getattr(usage, "completion_tokens", 0) or 0) if usage is not None else 0
    return text, pt, ct, is_refusal


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked to wait (``retry-after-ms`` or ``Retry-After``: seconds or an HTTP date), or None."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if headers is None:
        return None
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            v = float(ms) / 1000.0
            return v if math.isfinite(v) and v >= 0 else None
        ra = headers.get("retry-after")
        if ra is None:
            return None
        try:
            v = float(ra)
        except ValueError:
            v = parsedate_to_datetime(str(ra)).timestamp() - time.time()
        return max(0.0, v) if math.isfinite(v) else None
    except (TypeError, ValueError, OverflowError, AttributeError):
        return None


@dataclass
class _Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cache_hits: int = 0
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class LLMClient:
    """Chat with an OpenAI-compatible endpoint; see module docstring for guarantees."""

    def __init__(self, cfg: LLMConfig, cache: ResponseCache | None = None, seed: int = 0) -> None:
        if not cfg.replay:
            check_credentials(cfg)
        self.cfg = cfg
        self.cache = cache
        self._key = None if cfg.replay else resolve_api_key(cfg)
        self._rng = random.Random(seed)
        self._u = _Usage()
        # one AsyncOpenAI per event loop (httpx pools are bound to their loop)
        self._clients: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        return f"LLMClient(model={self.cfg.model!r}, base_url={self.cfg.base_url!r})"

    @property
    def usage(self) -> dict[str, int]:
        """Token and call counters so far: prompt/completion/total tokens, calls, cache hits, errors."""
        u = self._u
        return {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens,
                "total_tokens": u.prompt_tokens + u.completion_tokens, "calls": u.calls,
                "cache_hits": u.cache_hits, "errors": u.errors}

    def cache_key(self, messages: list[dict], max_tokens: int | None = None) -> str:
        """The response-cache key of a request: model, base URL, messages, temperature and max_tokens."""
        params = {"temperature": self.cfg.temperature,
                  "max_tokens": int(max_tokens or self.cfg.max_tokens)}
        return ResponseCache.key(self.cfg.model, self.cfg.base_url, messages, params)

    def sdk_client(self) -> Any:
        """The openai.AsyncOpenAI client of the running event loop (made on first use; no retries of its own)."""
        import openai

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = openai.AsyncOpenAI(base_url=self.cfg.base_url, api_key=self._key or DUMMY_KEY,
                                        max_retries=0, timeout=self.cfg.timeout)
            self._clients[loop] = client
        return client

    def _backoff(self, attempt: int, exc: BaseException | None = None) -> float:
        """Exponential backoff with jitter; at least the server's Retry-After, capped at ``retry_after_max``."""
        base = min(self.cfg.backoff_max, self.cfg.backoff_base * (2 ** attempt))
        with self._u.lock:
            jitter = self._rng.uniform(0.0, 0.1)
        wait = base * (1.0 + jitter)
        asked = retry_after(exc) if exc is not None else None
        if asked is not None:
            wait = max(wait, min(asked, max(0.0, self.cfg.retry_after_max)))
        return wait

    def _error(self, exc: BaseException) -> str:
        """One line naming the error, key scrubbed before truncation (so no prefix of it survives)."""
        try:
            text = str(exc)
        except Exception:  # noqa: BLE001 - an exception that cannot print still becomes an error result
            text = "(message unavailable)"
        msg = " ".join(scrub(text, self._key).split())[:300]
        return f"{type(exc).__name__}: {msg}"

    async def chat(self, messages: list[dict], *, max_tokens: int | None = None) -> LLMResult:
        """One chat completion: from the cache if there, else the API with retries; never raises on API errors."""
        mt = int(max_tokens or self.cfg.max_tokens)
        key = self.cache_key(messages, mt)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                with self._u.lock:
                    self._u.cache_hits += 1
                return LLMResult(text=clean_text(hit[0], self._key), error=None, prompt_tokens=hit[1],
                                 completion_tokens=hit[2], cached=True, attempts=0,
                                 refusal=hit[0].startswith(REFUSAL_PREFIX))
        if self.cfg.replay:
            with self._u.lock:
                self._u.errors += 1
            return LLMResult(text=None, error=f"replay cache miss for {key[:12]}")

        attempts, last_err = 0, "unknown error"
        for attempt in range(max(0, self.cfg.max_retries) + 1):
            attempts += 1
            try:
                resp = await asyncio.wait_for(
                    self.sdk_client().chat.completions.create(
                        model=self.cfg.model, messages=messages,
                        temperature=self.cfg.temperature, max_tokens=mt),
                    timeout=self.cfg.timeout + 5.0)
                text, pt, ct, refusal = _extract(resp)
                text = clean_text(text, self._key)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - API failures become results
                last_err = self._error(exc)
                if not _retryable(exc) or attempt >= self.cfg.max_retries:
                    break
                await asyncio.sleep(self._backoff(attempt, exc))
                continue
            with self._u.lock:
                self._u.calls += 1
                self._u.prompt_tokens += pt
                self._u.completion_tokens += ct
            if self.cache is not None:
                self.cache.put(key, text, pt, ct, model=self.cfg.model)
            return LLMResult(text=text, error=None, prompt_tokens=pt, completion_tokens=ct,
                             cached=False, attempts=attempts, refusal=refusal)
        with self._u.lock:
            self._u.errors += 1
        return LLMResult(text=None, error=last_err, attempts=attempts)

    def chat_sync(self, messages: list[dict], *, max_tokens: int | None = None) -> LLMResult:
        """Blocking ``chat``; works inside or outside a running event loop."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self._chat_and_close(messages, max_tokens))
        box: dict[str, LLMResult] = {}

        def run() -> None:
            box["r"] = asyncio.run(self._chat_and_close(messages, max_tokens))

        t = threading.Thread(target=run, daemon=True)
        t.start()
        t.join()
        return box["r"]

    async def _chat_and_close(self, messages: list[dict], max_tokens: int | None) -> LLMResult:
        try:
            return await self.chat(messages, max_tokens=max_tokens)
        finally:
            client = self._clients.pop(asyncio.get_running_loop(), None)
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.close()

    async def aclose(self) -> None:
        """Close the client bound to the running loop."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()
