"""Tools for testing evaluations of your own models and agents (CI without network or keys).

``fake_openai.FakeOpenAIServer``: a scripted OpenAI-compatible server on 127.0.0.1 with faults and latency.
``files.all_bytes``: every file a run wrote, inspect logs member by member (what leaked where).
"""
from __future__ import annotations

from .fake_openai import FAULTS, FakeOpenAIServer, Responder

__all__ = ["FAULTS", "FakeOpenAIServer", "Responder"]
