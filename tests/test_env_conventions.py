"""The Gymnasium conventions of the MSSBench env ids: one step limit (TimeLimit), render modes,
the action mask inside the observation (RLlib / CleanRL), RecordVideo, the SB3 VecMonitor,
Safety-Gymnasium's 6-tuple, and actions or reset options outside the spaces rejected with ValueError."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.error import DependencyNotInstalled
from gymnasium.wrappers import RecordVideo, TimeLimit

import mssbench_embodied  # noqa: F401
from mssbench_embodied.envs import DEFAULT_MAX_STEPS, ENV_IDS, MaskInObservation, SafetyGymnasiumStep, SituationEnv
from mssbench_embodied.envs.action_space import HIGH_LEVEL, HIGH_LEVEL_INDEX

PAIR = "faucet_electronics.kitchen_b.CellPhone-Mug"
KW = {"width": 32, "height": 32, "pair_ids": [PAIR]}
GOTO = HIGH_LEVEL_INDEX[("goto", "Faucet")]  # never ends an episode: goto keeps succeeding


def episode_length(env: gym.Env, action: int | str = GOTO) -> tuple[int, bool, bool]:
    """Steps `action` until the episode ends: (steps, terminated, truncated); 200 steps at most."""
    env.reset(seed=0, options={"pair_id": PAIR, "variant": "safe"})
    for n in range(1, 201):
        _, _, term, trunc, _ = env.step(action)
        if term or trunc:
            return n, term, trunc
    return 200, False, False


# ------------------------------------------------------------------ one step limit
@pytest.mark.parametrize("env_id", sorted(ENV_IDS))
def test_the_default_limit_is_the_time_limit_and_is_reported(env_id: str) -> None:
    env = gym.make(env_id, **KW)
    limit = DEFAULT_MAX_STEPS[ENV_IDS[env_id]["action_mode"]]
    assert env.spec is not None and env.spec.max_episode_steps == limit == env.unwrapped.max_steps
    assert any(isinstance(w, TimeLimit) for w in _wrappers(env))
    action: int | str = "Goto Faucet" if "Text" in env_id else (GOTO if "Nav" not in env_id else 0)
    assert episode_length(env, action) == (limit, False, True)  # truncated, not terminated
    env.close()


def test_max_episode_steps_of_gym_make_really_allows_that_many_steps() -> None:
    env = gym.make("MSSBench/Situations-v0", max_episode_steps=40, **KW)
    assert env.spec.max_episode_steps == 40 == env.unwrapped.max_steps
    assert episode_length(env) == (40, False, True)
    assert sum(isinstance(w, TimeLimit) for w in _wrappers(env)) == 1  # one limit, not one per layer


@pytest.mark.parametrize("steps", [3, 12, 40])
def test_max_steps_sets_the_time_limit(steps: int) -> None:
    env = gym.make("MSSBench/Situations-v0", max_steps=steps, **KW)
    assert env.spec.max_episode_steps == steps == env.unwrapped.max_steps
    assert episode_length(env) == (steps, False, True)
    assert sum(isinstance(w, TimeLimit) for w in _wrappers(env)) == 1


def test_conflicting_limits_are_an_error_and_agreeing_ones_are_fine() -> None:
    with pytest.raises(ValueError, match="max_steps=12 and max_episode_steps=40 disagree"):
        gym.make("MSSBench/Situations-v0", max_steps=12, max_episode_steps=40, **KW)
    env = gym.make("MSSBench/Situations-v0", max_steps=7, max_episode_steps=7, **KW)
    assert episode_length(env) == (7, False, True)
    with pytest.raises(ValueError, match="max_steps must be a positive integer"):
        gym.make("MSSBench/Situations-v0", max_steps=0, **KW)


def test_no_limit_with_minus_one() -> None:
    env = gym.make("MSSBench/Situations-v0", max_episode_steps=-1, **KW)
    assert env.unwrapped.max_steps is None and not any(isinstance(w, TimeLimit) for w in _wrappers(env))
    assert episode_length(env) == (200, False, False)


def test_a_bare_env_never_truncates_and_its_limit_cannot_be_set_there() -> None:
    env = SituationEnv(max_steps=3, **KW)
    assert env.max_steps == 3
    assert episode_length(env)[0] == 200  # the TimeLimit truncates, not the env
    with pytest.raises(AttributeError, match="step limit of the env's TimeLimit"):
        env.max_steps = 5
    assert episode_length(TimeLimit(env, env.max_steps)) == (3, False, True)


def test_the_limit_can_be_changed_through_the_wrappers() -> None:
    env = gym.make("MSSBench/Situations-v0", **KW)
    env.set_wrapper_attr("max_steps", 5)
    assert env.get_wrapper_attr("max_steps") == 5 == env.unwrapped.max_steps
    assert episode_length(env) == (5, False, True)
    with pytest.raises(ValueError, match="positive integer"):
        env.set_wrapper_attr("max_steps", -2)


def test_the_module_id_form_resolves_in_a_fresh_process() -> None:
    # a Ray / RLlib worker has not imported the package: "module:id" imports it first
    code = ("import gymnasium as gym\n"
            "env = gym.make('mssbench_embodied:MSSBench/Situations-v0', width=32, height=32, max_steps=12)\n"
            "print(env.spec.max_episode_steps, env.reset(seed=0)[1]['pair_id'] != '')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.split() == ["12", "True"]


# ------------------------------------------------------------------ render modes
def test_render_mode_defaults_to_none() -> None:
    env = gym.make("MSSBench/Situations-v0", **KW)
    env.reset(seed=0)
    assert env.render_mode is None and env.render() is None
    assert env.unwrapped.metadata["render_modes"] == ["human", "rgb_array"]


def test_rgb_array_renders_the_frame() -> None:
    env = gym.make("MSSBench/Situations-v0", render_mode="rgb_array", obs_keys=("instruction",), **KW)
    env.reset(seed=0)
    frame = env.render()
    assert isinstance(frame, np.ndarray) and frame.shape == (32, 32, 3) and frame.dtype == np.uint8
    assert frame.std() > 0  # a rendered scene, not a blank


def test_human_mode_shows_frames_or_names_what_is_missing() -> None:
    if importlib.util.find_spec("pygame") is None:
        with pytest.raises(DependencyNotInstalled, match="pip install pygame"):
            gym.make("MSSBench/Situations-v0", render_mode="human", **KW)
        return
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # no display in CI
    import pygame

    env = gym.make("MSSBench/Situations-v0", render_mode="human", **KW)
    env.reset(seed=0)
    assert env.render() is None
    surface = pygame.display.get_surface()
    assert surface is not None and surface.get_size() == (32, 32)
    shown = pygame.surfarray.array3d(surface).swapaxes(0, 1)
    assert np.array_equal(shown, env.unwrapped.backend.last_event.frame)
    env.close()


def test_record_video_writes_an_mp4(tmp_path: Path) -> None:
    pytest.importorskip("moviepy")  # the `video` extra
    env = RecordVideo(gym.make("MSSBench/Situations-v0", render_mode="rgb_array", max_steps=5, **KW),
                      video_folder=str(tmp_path / "videos"), episode_trigger=lambda _: True, disable_logger=True)
    assert episode_length(env) == (5, False, True)
    env.close()
    videos = list((tmp_path / "videos").glob("*.mp4"))
    assert len(videos) == 1 and videos[0].stat().st_size > 1000
    import imageio.v3 as iio

    frames = np.stack(list(iio.imiter(videos[0])))  # imageio-ffmpeg comes with moviepy
    assert len(frames) == 6 and frames.shape[1:3] == (32, 32)  # the reset frame and 5 steps


# ------------------------------------------------------------------ action mask in the observation
def test_mask_in_observation_has_rllib_form() -> None:
    env = MaskInObservation(gym.make("MSSBench/Situations-v0", **KW))
    obs, info = env.reset(seed=0)
    assert set(obs) == {"action_mask", "observations"} and env.observation_space.contains(obs)
    assert obs["action_mask"].dtype == np.float32 and obs["action_mask"].shape == (len(HIGH_LEVEL),)
    assert np.array_equal(obs["action_mask"] > 0, info["action_mask"])
    assert set(obs["observations"]) == {"image", "instruction"}
    obs, _, _, _, info = env.step(GOTO)
    assert np.array_equal(obs["action_mask"] > 0, env.unwrapped.action_masks())
    with pytest.raises(ValueError, match="Discrete action space"):
        MaskInObservation(gym.make("MSSBench/SituationsText-v0", **KW))


# ------------------------------------------------------------------ Safety-Gymnasium's 6-tuple
def test_safety_gymnasium_step_returns_the_cost_separately() -> None:
    env = SafetyGymnasiumStep(gym.make("MSSBench/Situations-v0", **KW))
    env.reset(seed=0, options={"pair_id": PAIR, "variant": "unsafe"})
    out = env.step(GOTO)
    assert len(out) == 6 and out[2] == 0.0 == out[5]["cost"]
    obs, reward, cost, terminated, truncated, info = env.step(HIGH_LEVEL_INDEX[("toggle_on", "Faucet")])
    assert cost == info["cost"] == 1.0 and isinstance(reward, float) and terminated and not truncated


# ------------------------------------------------------------------ actions outside the space
BAD_DISCRETE = [2.7, 2.0, np.float32(3.0), np.float64(1.0), float("inf"), float("nan"), True, np.bool_(False),
                "5", None, [3], np.array([3]), np.array(2.5), -1, len(HIGH_LEVEL), np.int64(10**6), 10**30]


@pytest.mark.parametrize("env_id", ["MSSBench/Situations-v0", "MSSBench/SituationsNav-v0"])
def test_discrete_actions_outside_the_space_raise_value_error(env_id: str) -> None:
    env = gym.make(env_id, **KW)
    env.reset(seed=0)
    n = env.action_space.n
    for bad in [*BAD_DISCRETE, n]:
        with pytest.raises(ValueError, match=r"Discrete\(\d+\)"):
            env.step(bad)
    assert env.unwrapped._t == 0  # nothing was taken
    for good in (0, np.int64(0), np.int32(0), np.uint8(0), np.array(0), np.array(0, dtype=np.int16)):
        _, _, _, _, info = env.step(good)
        assert info["step"] == env.unwrapped._t


def test_text_actions_outside_the_space_raise_value_error() -> None:
    env = gym.make("MSSBench/SituationsText-v0", **KW)
    env.reset(seed=0)
    for bad in (5, 2.7, None, b"Goto Faucet", ["Goto Faucet"]):
        with pytest.raises(ValueError, match="must be a str"):
            env.step(bad)
    with pytest.raises(ValueError, match="at most 200 characters, not 201"):
        env.step("Goto Faucet " + "x" * 189)
    _, _, _, _, info = env.step("Goto Faucet" + " " * 189)  # 200 characters: in the space
    assert info["action_success"] and info["step"] == 1
    for failing in ("", "fly to the moon", "Toggle Unicorn"):  # in the space: a failed step, not an error
        _, _, _, _, info = env.step(failing)
        assert not info["action_success"] and info["message"]


def test_reset_options_are_validated() -> None:
    env = gym.make("MSSBench/Situations-v0", **KW)
    with pytest.raises(ValueError, match=r"reset options must be None or a dict with keys from \['pair_id', "
                                         r"'variant'\], not list"):
        env.reset(options=[("pair_id", PAIR)])
    with pytest.raises(ValueError, match=r"unknown reset option\(s\) \['pairid'\]; allowed: \['pair_id', 'variant'\]"):
        env.reset(options={"pairid": PAIR})
    with pytest.raises(ValueError, match="variant"):
        env.reset(options={"variant": "dangerous"})
    with pytest.raises(ValueError, match="pair_id"):
        env.reset(options={"pair_id": 3})
    _, info = env.reset(seed=0, options={"pair_id": PAIR, "variant": "unsafe"})
    assert (info["pair_id"], info["variant"]) == (PAIR, "unsafe")
    assert env.reset(seed=0, options={})[1]["pair_id"] == PAIR


# ------------------------------------------------------------------ SB3: VecMonitor logs return and cost
@pytest.mark.slow
def test_sb3_vec_logs_episode_return_length_and_cost() -> None:
    from stable_baselines3.common.vec_env import VecMonitor

    from mssbench_embodied.envs.sb3 import make_sb3_vec

    venv = make_sb3_vec("MSSBench/Situations-v0", 2, num_workers=1, max_steps=3, **KW)
    try:
        assert isinstance(venv, VecMonitor)
        venv.set_options({"variant": "unsafe"})
        venv.reset()
        toggle = HIGH_LEVEL_INDEX[("toggle_on", "Faucet")]
        episodes, returns = [], np.zeros(2)
        for act in ([GOTO, GOTO], [toggle, GOTO], [GOTO, GOTO]):
            _, rewards, dones, infos = venv.step(np.array(act))
            returns += rewards
            episodes += [(i["episode"]["l"], i["episode"]["episode_cost"], i["episode"]["r"], returns[k])
                         for k, (i, d) in enumerate(zip(infos, dones)) if d]
            returns[dones] = 0.0
        # env 0: goto, toggle on (hazard, terminal): 2 steps, cost 1; env 1: goto x3, truncated
        assert sorted(e[:2] for e in episodes) == [(2, 1.0), (3, 0.0)]
        assert all(r == pytest.approx(total, abs=1e-5) for _, _, r, total in episodes)
    finally:
        venv.close()


def _wrappers(env: gym.Env) -> list[gym.Env]:
    out = [env]
    while isinstance(out[-1], gym.Wrapper):
        out.append(out[-1].env)
    return out
