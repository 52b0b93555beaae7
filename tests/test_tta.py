"""Test-time augmentation (agents/tta.py): the shifted views, the averaged action, the checkpoint's own shifts.

With shifts (0,) the agent acts exactly as the plain deterministic policy; with more it averages the masked
distributions of the views (checked against each view's distribution computed on its own).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from policy_support import first_states

from mssbench_embodied.agents.checkpoint import load_policy
from mssbench_embodied.agents.scripted import PolicyAgent
from mssbench_embodied.agents.tta import checkpoint_shifts, parse_shifts, shifted_views, tta_action

COMMITTED = Path(__file__).resolve().parents[1] / "policies/checkpoints/ppo_lagrangian.json"


def test_parse_shifts_accepts_integer_lists() -> None:
    assert parse_shifts([-4, 0, 4]) == (-4, 0, 4)
    assert parse_shifts((np.int64(2),)) == (2,)


@pytest.mark.parametrize(("value", "message"), [
    ([], "non-empty list"), ("0", "non-empty list"), (None, "non-empty list"), ([0.5], "0.5 is not"),
    ([True], "True is not"), ([0, 17], "17 is not"), ([2, 2], "repeated"),
])
def test_parse_shifts_rejects_bad_values(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_shifts(value, "where")


def test_shifted_views_move_the_image_and_replicate_edges() -> None:
    img = torch.arange(2 * 6 * 7, dtype=torch.uint8).reshape(1, 2, 6, 7)
    views = shifted_views(img, (-2, 0, 2))
    assert views.shape == (9, 2, 6, 7) and views.dtype == img.dtype
    order = [(dx, dy) for dx in (-2, 0, 2) for dy in (-2, 0, 2)]
    assert torch.equal(views[order.index((0, 0))], img[0])
    right = views[order.index((2, 0))]  # content moved left: column x shows the original column x + 2
    assert torch.equal(right[:, :, :5], img[0, :, :, 2:]) and torch.equal(right[:, :, 5], img[0, :, :, 6])
    down = views[order.index((0, -2))]  # row y shows the original row y - 2; the top rows repeat row 0
    assert torch.equal(down[:, 2:], img[0, :, :4]) and torch.equal(down[:, 0], img[0, :, 0])
    assert shifted_views(img, (0,)) is img


@pytest.fixture(scope="module")
def policy():
    return load_policy(COMMITTED)


@pytest.fixture(scope="module")
def states() -> list[tuple[dict, np.ndarray]]:
    return first_states()


def test_no_shift_is_the_plain_policy(policy, states) -> None:
    for obs, mask in states:
        a, _ = policy.predict(obs, deterministic=True, action_masks=mask)
        assert tta_action(policy.policy, obs, mask, (0,)) == int(a)


def test_the_action_maximises_the_mean_of_the_views_distributions(policy, states) -> None:
    shifts = (-4, 0, 4)
    for obs, mask in states:
        t, _ = policy.policy.obs_to_tensor(obs)
        probs = []
        for dx in shifts:
            for dy in shifts:
                pad = torch.nn.functional.pad(t["image"].float(), (4, 4, 4, 4), mode="replicate")
                img = pad[:, :, 4 + dy:4 + dy + 128, 4 + dx:4 + dx + 128].to(t["image"].dtype)
                d = policy.policy.get_distribution({**t, "image": img}, action_masks=mask[None])
                probs.append(d.distribution.probs.detach()[0])
        mean = torch.stack(probs).mean(0)
        a = tta_action(policy.policy, obs, mask, shifts)
        assert mask[a] and float(mean[a]) == pytest.approx(float(mean.max()), abs=1e-6)


def test_the_agent_takes_the_checkpoint_shifts(policy) -> None:
    assert checkpoint_shifts(policy) == (0,)
    assert PolicyAgent(policy).shifts == (0,) and PolicyAgent(policy, shifts=[-2, 0, 2]).shifts == (-2, 0, 2)
    cfg = dict(policy.config, test_time_shifts=[-4, 0, 4])
    policy.config, old = cfg, policy.config
    try:
        assert PolicyAgent(policy).shifts == (-4, 0, 4)
        assert PolicyAgent(policy, shifts=[0]).shifts == (0,)
        with pytest.raises(ValueError, match="shifts: 1.5 is not"):
            PolicyAgent(policy, shifts=[1.5])  # type: ignore[list-item]
    finally:
        policy.config = old


def test_augmentation_needs_an_sb3_policy(policy) -> None:
    class Other:
        observation_space = policy.observation_space

    with pytest.raises(ValueError, match="needs a Stable-Baselines3 maskable policy, not Other"):
        PolicyAgent(Other(), shifts=[-2, 0, 2])
