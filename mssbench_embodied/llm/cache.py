"""SQLite response cache for model calls, keyed by a canonical hash of the request.

Image data URLs are replaced by ``sha256:<hex>`` of their decoded bytes before hashing, so keys
are small and identical for identical pixels. Only successful responses are stored; the API key
is never part of a key or a row.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

_DATA_URL_PREFIX = "data:"
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates: SQLite (UTF-8) cannot store them


def hash_data_url(url: str) -> str:
    """``sha256:<hex>`` of the bytes a data URL carries (or of the URL text if not base64)."""
    head, _, payload = url.partition(",")
    data: bytes
    if head.endswith(";base64"):
        try:
            data = base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            data = payload.encode()
    else:
        data = payload.encode()
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _strip_images(obj: Any) -> Any:
    """Deep copy of ``obj`` with every image data URL replaced by its content hash."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k == "url" and isinstance(v, str) and v.startswith(_DATA_URL_PREFIX):
                out[k] = hash_data_url(v)
            else:
                out[k] = _strip_images(v)
        return out
    if isinstance(obj, (list, tuple)):
        return [_strip_images(v) for v in obj]
    return obj


def messages_for_log(messages: list[dict]) -> list:
    """Messages with image data URLs replaced by ``sha256:<hex>`` (for episodes.jsonl)."""
    return _strip_images(messages)


def canonical_json(obj: Any) -> str:
    """Compact JSON with sorted keys (non-JSON values as str): the text that request keys hash."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class ResponseCache:
    """Thread-safe SQLite cache of (text, prompt_tokens, completion_tokens) by request key."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30.0)
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT, "
                "text TEXT NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER, "
                "created REAL)")
            self._conn.commit()

    @staticmethod
    def key(model: str, base_url: str | None, messages: list[dict], params: dict | None = None) -> str:
        """sha256 hex key of a request (images reduced to content hashes; no API key involved)."""
        payload = {"model": model, "base_url": base_url or "",
                   "messages": _strip_images(messages), "params": params or {}}
        return hashlib.sha256(canonical_json(payload).encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> tuple[str, int, int] | None:
        """(text, prompt_tokens, completion_tokens) stored under ``key``, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT text, prompt_tokens, completion_tokens FROM responses WHERE key=?",
                (key,)).fetchone()
        if row is None:
            return None
        return str(row[0]), int(row[1] or 0), int(row[2] or 0)

    def put(self, key: str, text: str, prompt_tokens: int = 0, completion_tokens: int = 0,
            model: str = "") -> None:
        """Store (or replace) a successful response under ``key`` (lone surrogates stored as U+FFFD)."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
                (key, _SURROGATE.sub("\ufffd", model), _SURROGATE.sub("\ufffd", text), int(prompt_tokens),
                 int(completion_tokens), time.time()))
            self._conn.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def close(self) -> None:
        """Commit and close the database (a second close does nothing)."""
        with self._lock:
            try:
                self._conn.commit()
                self._conn.close()
            except sqlite3.ProgrammingError:
                pass

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
