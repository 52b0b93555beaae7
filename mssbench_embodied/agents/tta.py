"""Averaged policies: the masked action distribution averaged over shifted views (test-time augmentation,
TTA) and over the members of an ensemble.

A policy trained with random-shift augmentation (DrQ; policies/train_ppo_lagrangian.py pads by replicating
edges and crops back) is asked about each view ``(dx, dy)`` in ``shifts x shifts``; the probabilities of the
masked categorical distributions are averaged and the most likely action is taken. ``shifts == (0,)`` is the
plain deterministic policy.

A checkpoint names the shifts it was selected with in its config (``"test_time_shifts"``, e.g. ``[-4, 0, 4]``:
9 views); ``PolicyAgent`` uses them unless told otherwise. An ensemble checkpoint (agents/checkpoint.py,
``"ensemble": N``) holds N policies of one architecture; its distribution is the mean of theirs, over every
view.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

MAX_SHIFT = 16  # pixels: larger shifts move objects out of a 128x128 frame
CONFIG_KEY = "test_time_shifts"


def parse_shifts(value: Any, where: str = "test_time_shifts") -> tuple[int, ...]:
    """A validated shift list: distinct integers in [-MAX_SHIFT, MAX_SHIFT], at least one; ValueError naming
    ``where`` otherwise."""
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError(f"{where}: expected a non-empty list of integer pixel shifts, got {value!r:.80}")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or abs(int(v)) > MAX_SHIFT:
            raise ValueError(f"{where}: {v!r:.40} is not an integer shift in [-{MAX_SHIFT}, {MAX_SHIFT}]")
        out.append(int(v))
    if len(set(out)) != len(out):
        raise ValueError(f"{where}: repeated shifts in {out}")
    return tuple(out)


def checkpoint_shifts(model: Any) -> tuple[int, ...]:
    """The shifts a loaded policy's checkpoint asks for (``(0,)``: none); ValueError if malformed."""
    config = getattr(model, "config", None)  # a WeightsPolicy's JSON config; an in-memory SB3 model has none
    value = config.get(CONFIG_KEY) if isinstance(config, dict) else None
    return (0,) if value is None else parse_shifts(value, f"checkpoint {CONFIG_KEY}")


def shifted_views(images: Any, shifts: Sequence[int]) -> Any:
    """(1, C, H, W) -> (len(shifts)**2, C, H, W): each view the image moved by (dx, dy), edges replicated."""
    import torch

    p = max(abs(s) for s in shifts)
    if p == 0:
        return images
    _, _, h, w = images.shape
    padded = torch.nn.functional.pad(images.float(), (p, p, p, p), mode="replicate")
    views = [padded[:, :, p + dy:p + dy + h, p + dx:p + dx + w] for dx in shifts for dy in shifts]
    return torch.cat(views).to(images.dtype)


def mean_probs(policies: Any, observation: Any, action_masks: Any, shifts: Sequence[int] = (0,)) -> Any:
    """The masked action probabilities averaged over ``policies`` (SB3 maskable policies, or one) and the shifted
    views of each observation: a (B, n_actions) tensor, B = 1 for an unbatched observation."""
    import torch

    members = list(policies) if isinstance(policies, (list, tuple)) else [policies]
    with torch.no_grad():
        obs, _ = members[0].obs_to_tensor(observation)
        b = obs["image"].shape[0]
        views = shifted_views(obs["image"], shifts)  # view-major: every observation in view 0, then view 1, ...
        n = views.shape[0] // b
        batch = {k: (views if k == "image" else v.repeat(n, *[1] * (v.dim() - 1))) for k, v in obs.items()}
        masks = np.asarray(action_masks, dtype=bool)
        masks = np.broadcast_to(masks.reshape(-1, masks.shape[-1]), (b, masks.shape[-1]))
        probs = torch.stack([m.get_distribution(batch, action_masks=np.tile(masks, (n, 1))).distribution.probs
                             for m in members])
        return probs.mean(0).reshape(n, b, -1).mean(0)


def tta_action(policies: Any, observation: dict[str, np.ndarray], action_mask: np.ndarray,
               shifts: Sequence[int]) -> int:
    """The most likely action of the distribution averaged over ``policies`` (SB3 maskable policies, or one)
    and the shifted views of one observation (image and instruction, unbatched)."""
    import torch

    return int(torch.argmax(mean_probs(policies, observation, action_mask, shifts)[0]))
