"""Chat messages in OpenAI form, as agents and the grader build them, and their logged form.

``system_message`` / ``user_message`` build the messages (a text part, then one PNG data-URL image
part per frame); ``llm.inspect_model`` turns them into inspect messages. ``messages_for_log`` is the
form an episode record keeps: every image data URL replaced by ``sha256:<hex>`` of its bytes.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["hash_data_url", "image_to_data_url", "messages_for_log", "system_message", "user_message"]


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


def messages_for_log(obj: Any) -> Any:
    """A deep copy of messages with every image data URL replaced by its ``sha256:<hex>``."""
    if isinstance(obj, dict):
        return {k: hash_data_url(v) if k == "url" and isinstance(v, str) and v.startswith("data:")
                else messages_for_log(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [messages_for_log(v) for v in obj]
    return obj
