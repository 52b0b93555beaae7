"""The fake OpenAI-compatible server now ships in the package: mssbench_embodied.testing.fake_openai."""
from __future__ import annotations

from mssbench_embodied.testing.fake_openai import FAULTS, FakeOpenAIServer, Responder

__all__ = ["FAULTS", "FakeOpenAIServer", "Responder"]
