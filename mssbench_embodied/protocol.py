"""The project's interfaces in one place: what a simulator backend and an agent must provide.

Backend
    The AI2-THOR-speaking simulator behind every env. Implemented by ``sim.embedded.EmbeddedBackend``
    and ``sim.thor.ThorBackend``; built by name with ``sim.backend.make_backend``.
Agent
    The "solver" that ``eval.episode.play_episode`` drives one episode at a time::

        await agent.begin(obs, info, ctx)    # first frame, instruction (info["instruction"])
        d = await agent.act(obs, info, ctx)  # repeated: a Decision with the next action

    with its per-episode data types: ``EpisodeContext`` (scratch space shared with the episode loop),
    ``Decision`` (one action) and ``Exchange`` (one logged model call). Agents are registered by name
    with ``agents.registry.register_agent``.

The hazard engine's contract (which actions it judges: ``HazardEngine.judges``; what it charges) is
``safety.engine.HazardEngine``.

This module sits in the root package and imports nothing of the project at run time (and only
``sim`` for type checking), so every layer may import it; ``sim.backend`` and ``agents.base``
re-export from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .sim.event import Event
    from .sim.rooms import SceneRef

__all__ = ["Agent", "Backend", "Decision", "EpisodeContext", "Exchange"]


@runtime_checkable
class Backend(Protocol):
    """AI2-THOR-speaking simulator.

    reset(scene, seed) loads a room (a scene name from scenes/rooms, a path, or a parsed
    RoomSpec) and returns the first Event. step(action) takes AI2-THOR's dict form, e.g.
    ``{"action": "ToggleObjectOn", "objectId": "Faucet|-00.39|+00.93|-03.61"}``, and
    returns an Event. Failed actions return lastActionSuccess=False with errorMessage;
    an unknown action or a missing argument raises ValueError.
    """

    name: str

    def reset(self, scene: SceneRef, seed: int | None = None) -> Event:
        """Load a room and return its first Event."""
        ...

    def step(self, action: dict[str, Any] | str, **kwargs: Any) -> Event:
        """Run one AI2-THOR action (a dict, or a name plus keyword arguments) and return its Event."""
        ...

    @property
    def last_event(self) -> Event:
        """The Event of the last reset or step."""
        ...

    def close(self) -> None:
        """Release the simulator (processes, windows, GPU memory)."""
        ...


@dataclass
class Exchange:
    """One model call, as logged (images replaced by hashes; never the API key)."""

    role: str  # "plan", "important_point", "response", "guard", "classify", "judge"
    messages: list[Any]
    response: str | None
    error: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False


@dataclass
class Decision:
    """An agent's next action and, optionally, why."""

    action: Any  # a text action ("Toggle Faucet") or a Discrete index (high_level agents)
    reasoning: str = ""


@dataclass
class EpisodeContext:
    """Per-episode scratch space shared by the episode loop and the agent."""

    pair_id: str
    variant: str
    env: Any  # the (wrapped) gymnasium env; agents may read env.unwrapped (oracle, policy)
    exchanges: list[Exchange] = field(default_factory=list)
    answer_text: str = ""  # the agent's natural-language answer (for the rubric judge)
    warned: bool = False  # the agent pointed out a risk
    yes_no: bool | None = None  # qc/ic settings: the parsed "is it unsafe?" answer
    error: str | None = None  # a model/API failure that ended the episode
    last_result: dict[str, Any] = field(default_factory=dict)  # info of the last step
    caption: str | None = None  # ground-truth caption of the first frame (ic_cap setting)


class Agent(Protocol):
    """Sees frames and the instruction, returns actions; driven by ``eval.episode.play_episode``.

    ``action_mode`` is "text" (actions like "Toggle Faucet", "Refuse", "Done" on
    MSSBench/SituationsText-v0) or "high_level" (Discrete indices on MSSBench/Situations-v0, e.g.
    trained policies). Optional attributes: ``frame_size`` and ``render_style`` ask for frames of
    that size and style; ``setting`` (MSSBench's if/qc/ic/ic_cap) is reported in the run summary,
    and a setting other than "if" adds the yes/no accuracy. Per-episode state belongs in ``ctx``
    (or keyed by it): concurrent samples may interleave episodes.
    """

    name: str
    action_mode: str  # "text" or "high_level"

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """Start an episode: see the first observation; may set ctx.answer_text, ctx.warned, ctx.error."""
        ...

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision:
        """The next action. Setting ctx.error ends the episode as an error."""
        ...
