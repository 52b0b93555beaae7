"""Checks of a run's models before any sample runs, each failing with one plain line.

- ``provider_problem``: the provider prefix of an inspect model string (``anthropic/...``) is one
  inspect knows (its model API registry, including providers other packages register).
- ``plain``: an error inspect raised while building a model (missing credentials: each provider
  names its own key variables; a missing optional package) as one line without rich markup.
- ``endpoint_problem``: the endpoint a model calls accepts a TCP connection (DNS failure, connection
  refused, no answer within ``PREFLIGHT_TIMEOUT`` seconds). Hosted providers' default endpoints are
  not probed (``model_endpoint`` is None for them), nor is a proxied URL.
"""
from __future__ import annotations

import os
import re
import socket
import threading
import urllib.request
from typing import Any
from urllib.parse import urlsplit

__all__ = ["PREFLIGHT_TIMEOUT", "endpoint_problem", "known_providers", "model_endpoint", "plain",
           "provider_problem"]

PREFLIGHT_TIMEOUT = 5.0  # seconds for the name lookup and TCP connect together
_MARKUP = re.compile(r"\[/?(?:bold|italic|underline|dim|red|green|blue|yellow|magenta|cyan|white)\]")


def plain(e: BaseException | str) -> str:
    """An error message as one line: rich markup and inspect's "ERROR:" prefix removed, whitespace folded."""
    text = " ".join(_MARKUP.sub("", str(e)).split())
    text = re.sub(r"^ERROR:\s*", "", text)
    return text[:400] or type(e).__name__


def known_providers() -> list[str]:
    """The provider names inspect's model API registry holds (e.g. anthropic, openai, ollama)."""
    import inspect_ai.model  # noqa: F401  (registers inspect's providers)
    from inspect_ai._util.registry import registry_find, registry_unqualified_name

    return sorted({registry_unqualified_name(o) for o in registry_find(lambda i: i.type == "modelapi")})


def provider_problem(model: str) -> str | None:
    """Why the inspect model string ``model`` names no known provider (None: it does, or it is a bare name)."""
    if "/" not in model:
        return None
    prefix = model.split("/", 1)[0]
    import inspect_ai.model  # noqa: F401
    from inspect_ai._util.registry import registry_find, registry_unqualified_name

    if registry_find(lambda i: i.type == "modelapi" and registry_unqualified_name(i) == prefix):
        return None  # (a miss also loads the providers other packages register, then looks again)
    return (f"unknown model provider {prefix!r} in {model!r}; inspect knows {', '.join(known_providers())} "
            f"(or give a bare name for the OpenAI-compatible endpoint of --base-url)")


def model_endpoint(model: Any) -> str | None:
    """The base URL an inspect Model sends requests to, if one is set: the provider's ``base_url``, else its
    ``<PROVIDER>_BASE_URL`` variable (``OPENAI_BASE_URL``); None means the provider's hosted default."""
    url = getattr(getattr(model, "api", None), "base_url", None)
    if not url:
        provider = str(model).split("/", 1)[0]
        url = os.environ.get(f"{provider.upper().replace('-', '_')}_BASE_URL")
    return str(url) if url else None


def _proxied(scheme: str, host: str) -> bool:
    proxies = urllib.request.getproxies()
    return bool(proxies.get(scheme) or proxies.get("all")) and not urllib.request.proxy_bypass(host)


def endpoint_problem(url: str, timeout: float = PREFLIGHT_TIMEOUT) -> str | None:
    """Why ``url`` cannot be reached (one line naming it), or None once a TCP connection to it opens.
    Bounded by ``timeout`` even when the name lookup hangs (it runs in a daemon thread)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as e:
        return f"bad endpoint URL {url!r}: {e}"
    if parts.scheme not in ("http", "https") or not host:
        return f"bad endpoint URL {url!r}: expected http(s)://HOST[:PORT]/..."
    if _proxied(parts.scheme, host):
        return None  # requests go through the proxy: the endpoint itself is not for us to probe
    port = port or (443 if parts.scheme == "https" else 80)
    outcome: list[BaseException | None] = []

    def connect() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append(None)
        except BaseException as e:  # noqa: BLE001 - reported below
            outcome.append(e)

    worker = threading.Thread(target=connect, name="mssbench-preflight", daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    if not outcome:
        return f"cannot reach {url}: no answer from {host}:{port} within {timeout:g} s"
    err = outcome[0]
    if err is None:
        return None
    if isinstance(err, socket.gaierror):
        return f"cannot reach {url}: host {host!r} not found ({err.strerror or err})"
    if isinstance(err, ConnectionRefusedError):
        return f"cannot reach {url}: connection refused by {host}:{port} (is the server running?)"
    if isinstance(err, TimeoutError):
        return f"cannot reach {url}: no answer from {host}:{port} within {timeout:g} s"
    return f"cannot reach {url}: {plain(err)}"
