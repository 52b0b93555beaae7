"""The RLlib PPO policy (policies/train_rllib.py): its network, its RLModule, and its weights-only export.

``MaskedSituationNet`` is plain torch: a CNN on the image, a bag of embeddings on the instruction, a
shared trunk, a policy head (logits of the high-level actions, masked where ``action_mask`` is 0) and a
value head. Inside RLlib it is wrapped by ``MaskedSituationRLModule`` (a ``TorchRLModule`` with
``ValueFunctionAPI``, built on first use so that this module imports without Ray), which reads the
``{"action_mask", "observations"}`` Dict observation of ``envs.MaskInObservation``: no RLlib encoder
config is needed for our Dict observations.

The export is the checkpoint format of agents/checkpoint.py (``STEM.safetensors`` + ``STEM.json``,
``format: mssbench-policy``) with ``algorithm: "RLlibPPO"`` and ``policy.class: "MaskedSituationNet"``;
``load_rllib_policy`` rebuilds it without Ray and acts like ``WeightsPolicy`` (``predict`` with
``action_masks``), so ``PolicyAgent`` and ``eval.rl_eval`` take it as a loaded model.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from gymnasium import spaces
from torch import nn

from ..envs.vocab import MAX_TOKENS, PAD, VOCAB_SIZE
from .checkpoint import (
    FORMAT,
    VERSION,
    CheckpointError,
    checkpoint_files,
    load_safetensors,
    read_config,
    space_from_json,
    space_to_json,
    write_checkpoint,
)

__all__ = ["ALGORITHM", "NET_CLASS", "MaskedSituationNet", "RLlibPolicy", "is_rllib_config", "load_rllib_policy",
           "masked_logits", "rl_module_class", "save_rllib_policy"]

ALGORITHM = "RLlibPPO"
NET_CLASS = "MaskedSituationNet"
_NET_KEYS = ("channels", "embed_dim", "hidden")


def masked_logits(logits: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """``logits`` with the actions where ``mask`` is 0 pushed to the float minimum (probability 0)."""
    if mask is None:
        return logits
    return logits.masked_fill(mask < 0.5, torch.finfo(logits.dtype).min)


class MaskedSituationNet(nn.Module):
    """Image CNN + instruction embeddings -> shared trunk -> (masked action logits, value)."""

    def __init__(self, n_actions: int, channels: int = 16, embed_dim: int = 32, hidden: int = 128) -> None:
        """A network for ``n_actions`` discrete actions; ``channels`` sets the CNN width."""
        super().__init__()
        if min(n_actions, channels, embed_dim, hidden) < 1:
            raise ValueError(f"n_actions, channels, embed_dim and hidden must be positive, not "
                             f"{(n_actions, channels, embed_dim, hidden)}")
        c = channels
        self.n_actions, self.channels, self.embed_dim, self.hidden = n_actions, channels, embed_dim, hidden
        self.cnn = nn.Sequential(
            nn.Conv2d(3, c, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(c, 2 * c, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(2 * c, 2 * c, 3, stride=2, padding=1), nn.ReLU(),
        )
        self.pool_global = nn.AdaptiveMaxPool2d(1)  # "is this object anywhere in view"
        self.pool_grid = nn.AdaptiveMaxPool2d(2)
        self.embed = nn.Embedding(VOCAB_SIZE, embed_dim, padding_idx=PAD)
        self.trunk = nn.Sequential(nn.Linear(2 * c * 5 + embed_dim, hidden), nn.LayerNorm(hidden), nn.ReLU())
        self.pi = nn.Linear(hidden, n_actions)
        self.vf = nn.Linear(hidden, 1)
        nn.init.normal_(self.pi.weight, std=0.01)  # near-uniform first policy
        nn.init.zeros_(self.pi.bias)

    def config(self) -> dict[str, int]:
        """The constructor arguments (saved in the checkpoint's JSON)."""
        return {"n_actions": self.n_actions, "channels": self.channels, "embed_dim": self.embed_dim,
                "hidden": self.hidden}

    def features(self, obs: dict[str, torch.Tensor]) -> torch.Tensor:
        """Trunk features (batch, hidden) of a batch of ``{"image": (B, H, W, 3) uint8, "instruction": (B, T)}``."""
        x = obs["image"].permute(0, 3, 1, 2).float() / 255.0
        h = self.cnn(x)
        img = torch.cat([self.pool_global(h).flatten(1), self.pool_grid(h).flatten(1)], dim=1)
        tok = obs["instruction"].long()
        keep = (tok != PAD).float().unsqueeze(-1)
        text = (self.embed(tok) * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.trunk(torch.cat([img, text], dim=1))

    def forward(self, obs: dict[str, torch.Tensor], mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """(masked logits (B, n_actions), values (B,))."""
        f = self.features(obs)
        return masked_logits(self.pi(f), mask), self.vf(f).squeeze(-1)


# -- the RLlib RLModule (needs the `ray` extra) ----------------------------------------------------

_MODULE_CLASS: type | None = None


def rl_module_class() -> type:
    """``MaskedSituationRLModule``: RLlib's new-API-stack module around ``MaskedSituationNet``.

    Built on first use (importing Ray); also reachable as this module's attribute
    ``MaskedSituationRLModule``, so Ray pickles it by reference and remote workers rebuild it.
    ``model_config`` takes ``channels``, ``embed_dim`` and ``hidden``."""
    global _MODULE_CLASS
    if _MODULE_CLASS is not None:
        return _MODULE_CLASS
    try:
        columns = importlib.import_module("ray.rllib.core.columns").Columns
        torch_rlm = importlib.import_module("ray.rllib.core.rl_module.torch").TorchRLModule
        vf_api = importlib.import_module("ray.rllib.core.rl_module.apis").ValueFunctionAPI
    except ImportError as e:
        raise ImportError(f"the RLlib module needs Ray: pip install 'mssbench-embodied[ray]' in its own virtualenv "
                          f"(bash scripts/setup_ray.sh) ({e})") from None

    def setup(self: Any) -> None:
        obs_space = self.observation_space
        if not isinstance(obs_space, spaces.Dict) or set(obs_space.spaces) != {"action_mask", "observations"}:
            raise ValueError(f"MaskedSituationRLModule needs the Dict observation of envs.MaskInObservation "
                             f"({{'action_mask', 'observations'}}), not {obs_space}")
        cfg = {k: int(v) for k, v in dict(self.model_config or {}).items() if k in _NET_KEYS}
        self.net = MaskedSituationNet(int(self.action_space.n), **cfg)

    def _forward(self: Any, batch: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        obs = batch[columns.OBS]
        f = self.net.features(obs["observations"])
        return {columns.ACTION_DIST_INPUTS: masked_logits(self.net.pi(f), obs["action_mask"]),
                columns.EMBEDDINGS: f}

    def compute_values(self: Any, batch: dict[str, Any], embeddings: Any = None) -> torch.Tensor:
        if embeddings is None:
            embeddings = self.net.features(batch[columns.OBS]["observations"])
        return self.net.vf(embeddings).squeeze(-1)

    cls = type("MaskedSituationRLModule", (torch_rlm, vf_api), {
        "__module__": __name__, "__qualname__": "MaskedSituationRLModule",
        "__doc__": "RLlib TorchRLModule (PPO) around MaskedSituationNet, reading MaskInObservation's Dict.",
        "setup": setup, "_forward": _forward, "compute_values": compute_values})
    _MODULE_CLASS = cls
    return cls


def __getattr__(name: str) -> Any:
    if name == "MaskedSituationRLModule":
        return rl_module_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- export and loading (no Ray) -------------------------------------------------------------------

@dataclass
class RLlibPolicy:
    """An exported RLlib PPO policy: ``predict`` as ``WeightsPolicy.predict`` (and ``MaskablePPO.predict``)."""

    net: MaskedSituationNet
    config: dict[str, Any]
    observation_space: spaces.Dict  # {"image": (H, W, 3), "instruction": ...}, channel-last as the env gives it
    action_space: spaces.Discrete

    @property
    def render_style(self) -> str:
        """The render style of the frames it was trained on."""
        return str(self.config.get("render_style", "flat"))

    def predict(self, observation: dict[str, Any], state: Any = None, episode_start: Any = None,
                deterministic: bool = False, action_masks: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
        """The action for one observation (a scalar array) or a batch; masked actions are never chosen."""
        image = np.asarray(observation["image"])
        single = image.ndim == 3
        obs = {k: torch.as_tensor(np.asarray(observation[k])[None] if single else np.asarray(observation[k]))
               for k in ("image", "instruction")}
        mask = None
        if action_masks is not None:
            m = np.asarray(action_masks, dtype=np.float32)
            mask = torch.as_tensor(m[None] if single else m)
        with torch.no_grad():
            logits, _ = self.net(obs, mask)
            if deterministic:
                actions = logits.argmax(-1)
            else:
                actions = torch.distributions.Categorical(logits=logits).sample()
        out = actions.numpy()
        return (out[0] if single else out), state


def is_rllib_config(config: dict[str, Any]) -> bool:
    """True for a checkpoint config written by ``save_rllib_policy`` (the hook for agents/checkpoint.py)."""
    pol = config.get("policy")
    return config.get("algorithm") == ALGORITHM and isinstance(pol, dict) and pol.get("class") == NET_CLASS


def save_rllib_policy(net: MaskedSituationNet, stem: str | Path, observation_space: spaces.Dict, *,
                      render_style: str = "flat", extra: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Write ``net`` as ``stem.safetensors`` + ``stem.json``; return both paths.

    ``observation_space``: the env's own Dict (image, instruction), without the action mask."""

    if not isinstance(observation_space, spaces.Dict) or "image" not in observation_space.spaces:
        raise CheckpointError(f"the observation space must be a Dict with an image, not {observation_space}")
    shape = observation_space["image"].shape or ()
    config: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "algorithm": ALGORITHM,
        "policy": {"class": NET_CLASS, **net.config()},
        "observation_space": space_to_json(observation_space),
        "action_space": space_to_json(spaces.Discrete(net.n_actions)),
        "render_style": render_style, "frame_size": int(shape[0]) if len(shape) == 3 else None, **(extra or {}),
    }
    return write_checkpoint(stem, net, config)


def _net_from_config(cfg: dict[str, Any], where: Path) -> MaskedSituationNet:
    pol = cfg.get("policy")
    if not isinstance(pol, dict) or pol.get("class") != NET_CLASS:
        raise CheckpointError(f"{where}: policy.class must be {NET_CLASS}")
    args: dict[str, int] = {}
    for k in ("n_actions", *_NET_KEYS):
        v = pol.get(k)
        if not isinstance(v, int) or isinstance(v, bool) or not 0 < v <= 1 << 16:
            raise CheckpointError(f"{where}: policy.{k} must be a positive integer, not {v!r}")
        args[k] = v
    return MaskedSituationNet(**args)


def load_rllib_policy(stem: str | Path) -> RLlibPolicy:
    """Load ``stem.json`` + ``stem.safetensors`` written by ``save_rllib_policy`` (no Ray, no pickle)."""
    jpath, wpath = checkpoint_files(stem)
    cfg = read_config(jpath)
    if not is_rllib_config(cfg):
        raise CheckpointError(f"{jpath}: algorithm {cfg.get('algorithm')!r} is not {ALGORITHM}")
    net = _net_from_config(cfg, jpath)
    obs = space_from_json(cfg.get("observation_space"), f"{jpath}: observation_space")
    act = space_from_json(cfg.get("action_space"), f"{jpath}: action_space")
    if not isinstance(obs, spaces.Dict) or not {"image", "instruction"} <= set(obs.spaces):
        raise CheckpointError(f"{jpath}: observation_space must be a Dict with image and instruction")
    if not isinstance(act, spaces.Discrete) or int(act.n) != net.n_actions:
        raise CheckpointError(f"{jpath}: action_space must be Discrete({net.n_actions})")
    if tuple(obs["instruction"].shape or ()) != (MAX_TOKENS,):
        raise CheckpointError(f"{jpath}: instruction shape {obs['instruction'].shape} is not ({MAX_TOKENS},)")
    load_safetensors(net, wpath)
    net.eval()
    return RLlibPolicy(net, cfg, obs, act)
