"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 for tests (no internet).

Usage::

    with FakeOpenAIServer(rules=[("faucet", "1. Goto Sink")], default="OK") as srv:
        client = LLMClient(LLMConfig(model="m", base_url=srv.base_url), None)

Faults queued with ``srv.faults.extend(["429", "500", "hang", "garbage", "400"])`` are consumed
one per chat request, before the scripted answer.
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[dict], str]


def _all_text(req: dict) -> tuple[str, str]:
    """(last user text, all text) of a chat request."""
    last_user, parts = "", []
    for msg in req.get("messages", []):
        content = msg.get("content")
        texts: list[str] = []
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts += [p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        parts += texts
        if msg.get("role") == "user":
            last_user = "\n".join(texts)
    return last_user, "\n".join(parts)


class FakeOpenAIServer:
    def __init__(self, responder: Responder | None = None,
                 rules: Iterable[tuple[str, str]] = (), default: str = "OK",
                 faults: Iterable[str] = (), hang_seconds: float = 3.0,
                 model_ids: Iterable[str] = ("fake-model",)) -> None:
        self.responder = responder
        self.rules = list(rules)
        self.default = default
        self.faults: deque[str] = deque(faults)
        self.hang_seconds = hang_seconds
        self.model_ids = list(model_ids)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting -----------------------------------------------------------------------
    def answer(self, req: dict) -> str:
        if self.responder is not None:
            return self.responder(req)
        last_user, everything = _all_text(req)
        for needle, ans in self.rules:
            if needle in last_user:
                return ans
        for needle, ans in self.rules:
            if needle in everything:
                return ans
        return self.default

    def next_fault(self) -> str | None:
        with self._lock:
            return self.faults.popleft() if self.faults else None

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # silence
                pass

            def _send(self, code: int, body: bytes, ctype: str = "application/json") -> None:
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _err(self, code: int, message: str, etype: str) -> None:
                body = {"error": {"message": message, "type": etype, "param": None, "code": None}}
                self._send(code, json.dumps(body).encode())

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append({"method": "GET", "path": self.path,
                                            "headers": {k.title(): v for k, v in self.headers.items()}, "json": None})
                if self.path.rstrip("/").endswith("/models"):
                    data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                            for m in server.model_ids]
                    self._send(200, json.dumps({"object": "list", "data": data}).encode())
                else:
                    self._err(404, "not found", "invalid_request_error")

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length", "0") or 0)
                raw = self.rfile.read(n) if n else b""
                try:
                    req = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    req = None
                with server._lock:
                    server.requests.append({"method": "POST", "path": self.path,
                                            "headers": {k.title(): v for k, v in self.headers.items()}, "json": req})
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._err(404, "not found", "invalid_request_error")
                if req is None:
                    return self._err(400, "invalid JSON body", "invalid_request_error")
                fault = server.next_fault()
                if fault == "429":
                    return self._err(429, "rate limited", "rate_limit_error")
                if fault in ("500", "502", "503"):
                    return self._err(int(fault), "server error", "server_error")
                if fault in ("400", "401", "404"):
                    return self._err(int(fault), "bad request", "invalid_request_error")
                if fault == "hang":
                    time.sleep(server.hang_seconds)
                    return self._err(500, "hung", "server_error")
                if fault == "garbage":
                    return self._send(200, b"{not json at all <html>")
                if fault == "empty":
                    return self._send(200, json.dumps({"id": "x", "object": "chat.completion"}).encode())
                text = server.answer(req)
                pt = max(1, len(json.dumps(req.get("messages", []))) // 4)
                ct = max(1, len(text.split()))
                body = {
                    "id": f"chatcmpl-fake{len(server.requests)}", "object": "chat.completion",
                    "created": int(time.time()), "model": req.get("model", "fake-model"),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                 "finish_reason": "stop", "logprobs": None}],
                    "usage": {"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct},
                }
                self._send(200, json.dumps(body).encode())

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # a short poll interval: stop() waits for the next poll (the default 0.5 s added up over the suite)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
