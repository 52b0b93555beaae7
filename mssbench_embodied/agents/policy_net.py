"""Feature extractor for RL policies on SituationEnv (needs the `rl` extra: torch, stable-baselines3).

SituationFeatures maps the Dict observation to one vector:
    image (C, H, W) in [0, 1]  -> 4 stride-2 3x3 conv layers -> global max pool and a 2x2 max pool.
        Max pooling keeps "is this object anywhere in view" (the hazard is often a few hundred pixels).
    instruction (one-hot tokens, as SB3 preprocesses a MultiDiscrete) -> token ids -> mean of learned
        embeddings over non-pad tokens. An embedding table keeps checkpoints small (237 x 32 floats).
The two are concatenated and passed through Linear -> LayerNorm -> ReLU. The LayerNorm keeps the
features bounded: unbounded ReLU features saturate the tanh layers of SB3's default MLP, after which
no gradient reaches the CNN and behaviour cloning stalls at the instruction-only solution.
"""
from __future__ import annotations

import torch
from gymnasium import spaces
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn

from ..envs.vocab import MAX_TOKENS, PAD, VOCAB_SIZE


class SituationFeatures(BaseFeaturesExtractor):
    """CNN (image) + bag-of-embeddings (instruction) features for SB3 policies."""

    def __init__(self, observation_space: spaces.Dict, features_dim: int = 256, channels: int = 48,
                 embed_dim: int = 32) -> None:
        super().__init__(observation_space, features_dim)
        shape = observation_space["image"].shape
        if shape is None:
            raise ValueError("the observation space's image has no shape")
        n_in = shape[0] if shape[0] in (1, 3, 4) else shape[-1]
        c = channels
        self.cnn = nn.Sequential(
            nn.Conv2d(n_in, c, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(c, c, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(c, 2 * c, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(2 * c, 2 * c, 3, stride=1, padding=1), nn.ReLU(),
        )
        self.pool_global = nn.AdaptiveMaxPool2d(1)
        self.pool_grid = nn.AdaptiveMaxPool2d(2)
        self.embed = nn.Embedding(VOCAB_SIZE, embed_dim, padding_idx=PAD)
        n_img = 2 * c * (1 + 4)
        self.head = nn.Sequential(nn.Linear(n_img + embed_dim, features_dim), nn.LayerNorm(features_dim), nn.ReLU())

    def forward(self, obs: dict[str, torch.Tensor]) -> torch.Tensor:
        """Features (batch, features_dim) of a batch of Dict observations (image, instruction)."""
        x = obs["image"]
        if x.shape[1] not in (1, 3, 4):  # channel-last input (not transposed by SB3)
            x = x.permute(0, 3, 1, 2)
        h = self.cnn(x.float())
        img = torch.cat([self.pool_global(h).flatten(1), self.pool_grid(h).flatten(1)], dim=1)
        tok = obs["instruction"]
        if tok.dim() == 2 and tok.shape[1] == MAX_TOKENS * VOCAB_SIZE:  # SB3 one-hot encoding
            tok = tok.view(-1, MAX_TOKENS, VOCAB_SIZE).argmax(-1)
        tok = tok.long()
        emb = self.embed(tok)
        keep = (tok != PAD).float().unsqueeze(-1)
        text = (emb * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(torch.cat([img, text], dim=1))
