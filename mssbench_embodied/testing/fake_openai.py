"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for tests and CI (no internet, no key).

It answers ``POST /v1/chat/completions`` (and ``GET /v1/models``) like the OpenAI API, so the real
``openai`` client and inspect's ``openai-api`` provider can talk to it::

    from mssbench_embodied.testing.fake_openai import FakeOpenAIServer

    with FakeOpenAIServer(rules=[("faucet", "1. Goto Sink")], default="OK") as srv:
        model = get_model("openai-api/fake/m", base_url=srv.base_url, api_key="EMPTY")
        # or: FAKE_BASE_URL=<srv.base_url> FAKE_API_KEY=EMPTY inspect eval ... --model openai-api/fake/m

Answers: ``responder(request_json) -> str`` if given; else the first rule whose needle is in the
last user message's text, then in any message's text; else ``default``.
Faults: names queued in ``srv.faults`` (``FAULTS``) are consumed one per chat request, before the
answer: ``"ok"`` (none: answer normally), ``"429"``, ``"500"``/``"502"``/``"503"``,
``"400"``/``"401"``/``"404"`` (error statuses), ``"hang"`` (wait ``hang_seconds``, then 500),
``"garbage"`` (200 with a non-JSON body), ``"empty"`` (200 without choices), ``"refusal"`` (200 with
a structured refusal: ``content`` null, ``refusal`` = ``refusal_text``).
Latency: every chat request waits ``latency`` seconds before answering.
Hostile-endpoint options: ``retry_after`` (a ``Retry-After`` header value sent with the 429 and 503
faults), ``reflect_auth`` (append the request's ``Authorization`` header to every answer).
Every request (method, path, headers, JSON body, arrival ``time.monotonic()``) is kept in ``srv.requests``.
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FAULTS", "FakeOpenAIServer", "Responder"]


class _Server(ThreadingHTTPServer):
    """A listen backlog for the concurrency runs use (the default 5 drops simultaneous connections)."""

    request_queue_size = 128

Responder = Callable[[dict], str]
FAULTS = ("ok", "429", "500", "502", "503", "400", "401", "404", "hang", "garbage", "empty", "refusal")


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
    """The server (see the module docstring); start/stop it, or use it as a context manager."""

    def __init__(self, responder: Responder | None = None,
                 rules: Iterable[tuple[str, str]] = (), default: str = "OK",
                 faults: Iterable[str] = (), hang_seconds: float = 3.0,
                 model_ids: Iterable[str] = ("fake-model",), latency: float = 0.0,
                 retry_after: str | None = None, reflect_auth: bool = False,
                 refusal_text: str = "I'm sorry, but I can't help with that.") -> None:
        self.responder = responder
        self.rules = list(rules)
        self.default = default
        unknown = [f for f in faults if f not in FAULTS]
        if unknown:
            raise ValueError(f"unknown faults {unknown}; choose from {', '.join(FAULTS)}")
        self.faults: deque[str] = deque(faults)
        self.hang_seconds = hang_seconds
        self.latency = latency
        self.retry_after, self.reflect_auth, self.refusal_text = retry_after, reflect_auth, refusal_text
        self.model_ids = list(model_ids)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting -----------------------------------------------------------------------
    def answer(self, req: dict) -> str:
        """The scripted answer to a chat request (see the module docstring)."""
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
        """Take the next queued fault (None when none is queued)."""
        with self._lock:
            return self.faults.popleft() if self.faults else None

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        """The chat-completion requests received so far."""
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        """Listen on a free port of 127.0.0.1 in a daemon thread."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # silence
                pass

            def _send(self, code: int, body: bytes, ctype: str = "application/json",
                      headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(code)
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _err(self, code: int, message: str, etype: str, headers: dict[str, str] | None = None) -> None:
                body = {"error": {"message": message, "type": etype, "param": None, "code": None}}
                self._send(code, json.dumps(body).encode(), headers=headers)

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
                    server.requests.append({"method": "POST", "path": self.path, "time": time.monotonic(),
                                            "headers": {k.title(): v for k, v in self.headers.items()}, "json": req})
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._err(404, "not found", "invalid_request_error")
                if req is None:
                    return self._err(400, "invalid JSON body", "invalid_request_error")
                if server.latency > 0:
                    time.sleep(server.latency)
                fault = server.next_fault()
                wait = {"Retry-After": server.retry_after} if server.retry_after is not None else None
                if fault == "429":
                    return self._err(429, "rate limited", "rate_limit_error", wait)
                if fault in ("500", "502", "503"):
                    return self._err(int(fault), "server error", "server_error", wait if fault == "503" else None)
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
                if server.reflect_auth:
                    text += f" (auth: {self.headers.get('Authorization', '')})"
                message: dict[str, Any] = {"role": "assistant", "content": text}
                if fault == "refusal":
                    message, text = {"role": "assistant", "content": None, "refusal": server.refusal_text}, ""
                pt = max(1, len(json.dumps(req.get("messages", []))) // 4)
                ct = max(1, len(text.split()))
                body = {
                    "id": f"chatcmpl-fake{len(server.requests)}", "object": "chat.completion",
                    "created": int(time.time()), "model": req.get("model", "fake-model"),
                    "choices": [{"index": 0, "message": message,
                                 "finish_reason": "stop", "logprobs": None}],
                    "usage": {"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct},
                }
                self._send(200, json.dumps(body).encode())

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # a short poll interval: stop() waits for the next poll (the default 0.5 s added up over the suite)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        """The port it listens on."""
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """The OpenAI base URL (``http://127.0.0.1:<port>/v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        """Shut the server down."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
