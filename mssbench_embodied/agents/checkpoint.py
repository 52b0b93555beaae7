"""Policy checkpoints as weights only: ``STEM.safetensors`` (tensors) + ``STEM.json`` (config). No pickle.

A Stable-Baselines3 ``.zip`` unpickles Python objects on load, so opening one runs whatever code it
carries. This format holds only tensors (safetensors) and a JSON config naming the policy's
architecture from a fixed allow-list, its observation/action spaces, the render style, frame size and
camera field of view it was trained on. ``load_policy`` rebuilds sb3-contrib's
``MaskableMultiInputActorCriticPolicy`` from them; a legacy zip loads only with ``trust=True``
(``run --trust-checkpoint``) and a warning.

``"refuse_bias": B`` in a config adds B to the refuse action's logit of every policy at load time: a refusal
threshold chosen after training (on validation pairs), kept apart from the trained weights.

An ensemble is one checkpoint too: ``"ensemble": N`` in the config, N policies of the config's architecture
whose tensors are named ``0.``, ``1.``, ... in the safetensors file; it acts on the mean of their masked
action distributions (agents/tta.py).

    python -m mssbench_embodied.agents.checkpoint convert IN.zip OUT      # OUT: a stem or a directory
    python -m mssbench_embodied.agents.checkpoint ensemble OUT A.json B.json [...] [--refuse-bias B]
    python -m mssbench_embodied.agents.checkpoint member OUT ENSEMBLE.json K   # member K alone, weights as trained
    python -m mssbench_embodied.agents.checkpoint refuse-bias OUT IN.json B   # a copy with the threshold set
    python -m mssbench_embodied.agents.checkpoint show STEM.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from gymnasium import spaces

from ..envs.action_space import HIGH_LEVEL, HIGH_LEVEL_INDEX
from ..envs.situation_env import DEFAULT_FOV, check_field_of_view
from .tta import CONFIG_KEY, parse_shifts

__all__ = ["DEFAULT_CHECKPOINT", "FORMAT", "CheckpointError", "UntrustedCheckpoint", "WeightsPolicy",
           "checkpoint_files", "checkpoint_problem", "convert", "copy_trained_weights", "extract_member",
           "is_legacy_zip", "load_policy", "load_safetensors", "load_trained_policy", "main", "read_config",
           "refuse_bias", "resolve_checkpoint", "save_ensemble", "save_policy", "trained_config", "with_refuse_bias"]

FORMAT = "mssbench-policy"
VERSION = 1
DEFAULT_CHECKPOINT = Path(__file__).resolve().parents[2] / "policies/checkpoints/ppo_lagrangian_ensemble"
_MAX_CONFIG_BYTES = 1 << 20
ENSEMBLE_KEY = "ensemble"
REFUSE_BIAS_KEY = "refuse_bias"
MAX_REFUSE_BIAS = 20.0
MAX_MEMBERS = 16
_POLICY_CLASS = "MaskableMultiInputActorCriticPolicy"
_ACTIVATIONS = ("ReLU", "Tanh", "GELU", "ELU", "LeakyReLU", "SiLU")
_DTYPES = ("uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")


class CheckpointError(ValueError):
    """A checkpoint that cannot be loaded or written (one line naming the file and the field)."""


class UntrustedCheckpoint(CheckpointError):
    """A legacy pickle-based checkpoint offered without ``trust``."""


def _extractors() -> dict[str, type]:
    """Feature extractors a config may name (the allow-list: nothing else is ever instantiated)."""
    from stable_baselines3.common.torch_layers import CombinedExtractor

    from .policy_net import SituationFeatures

    return {"SituationFeatures": SituationFeatures, "CombinedExtractor": CombinedExtractor}


# -- spaces <-> JSON --------------------------------------------------------------------------

def _bound(a: np.ndarray) -> Any:
    flat = a.reshape(-1)
    if flat.size and bool((flat == flat[0]).all()):
        return _num(flat[0])
    return [_num(x) for x in flat]


def _num(x: Any) -> float | int | str:
    v = x.item() if hasattr(x, "item") else x
    if isinstance(v, float) and not math.isfinite(v):
        return "inf" if v > 0 else ("-inf" if v < 0 else "nan")
    return v


def space_to_json(space: spaces.Space) -> dict[str, Any]:
    """A Box, Discrete, MultiDiscrete or Dict space as plain JSON (CheckpointError for others)."""
    if isinstance(space, spaces.Dict):
        return {"type": "Dict", "spaces": {k: space_to_json(s) for k, s in space.spaces.items()}}
    if isinstance(space, spaces.Box):
        return {"type": "Box", "shape": list(space.shape), "dtype": str(space.dtype),
                "low": _bound(space.low), "high": _bound(space.high)}
    if isinstance(space, spaces.Discrete):
        return {"type": "Discrete", "n": int(space.n), "start": int(space.start)}
    if isinstance(space, spaces.MultiDiscrete):
        return {"type": "MultiDiscrete", "nvec": [int(x) for x in space.nvec.reshape(-1)],
                "shape": list(space.nvec.shape), "dtype": str(space.dtype)}
    raise CheckpointError(f"cannot describe a {type(space).__name__} space in a weights-only checkpoint")


def _ints(x: Any, where: str) -> list[int]:
    if not isinstance(x, list) or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1 << 31
                                          for v in x):
        raise CheckpointError(f"{where}: expected a list of non-negative integers")
    return x


def _dtype(x: Any, where: str) -> str:
    if x not in _DTYPES:
        raise CheckpointError(f"{where}: dtype {x!r} is not one of {', '.join(_DTYPES)}")
    return str(x)


def _bound_array(x: Any, shape: tuple[int, ...], dtype: str, where: str) -> np.ndarray:
    vals = x if isinstance(x, list) else [x]
    if not all(isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in vals):
        raise CheckpointError(f"{where}: expected a number or a list of numbers")
    try:
        arr = np.array([float(v) for v in vals], dtype=np.float64)
    except ValueError:
        raise CheckpointError(f"{where}: not a number") from None
    n = int(np.prod(shape)) if shape else 1
    if arr.size == 1:
        arr = np.full(n, arr[0])
    if arr.size != n:
        raise CheckpointError(f"{where}: {arr.size} values for shape {list(shape)}")
    return arr.reshape(shape).astype(dtype)


def space_from_json(d: Any, where: str = "space") -> spaces.Space:
    """The inverse of ``space_to_json``; CheckpointError names the field at fault."""
    if not isinstance(d, dict):
        raise CheckpointError(f"{where}: expected an object")
    kind = d.get("type")
    if kind == "Dict":
        sub = d.get("spaces")
        if not isinstance(sub, dict) or not sub:
            raise CheckpointError(f"{where}.spaces: expected a non-empty object")
        return spaces.Dict({str(k): space_from_json(v, f"{where}.spaces.{k}") for k, v in sub.items()})
    if kind == "Box":
        shape = tuple(_ints(d.get("shape"), f"{where}.shape"))
        if len(shape) > 4 or int(np.prod(shape or (1,))) > 1 << 26:
            raise CheckpointError(f"{where}.shape: {list(shape)} is too large")
        dtype = _dtype(d.get("dtype"), f"{where}.dtype")
        low = _bound_array(d.get("low"), shape, dtype, f"{where}.low")
        high = _bound_array(d.get("high"), shape, dtype, f"{where}.high")
        return spaces.Box(low=low, high=high, shape=shape, dtype=np.dtype(dtype))
    if kind == "Discrete":
        n, start = d.get("n"), d.get("start", 0)
        if not isinstance(n, int) or isinstance(n, bool) or not 0 < n < 1 << 31 or not isinstance(start, int):
            raise CheckpointError(f"{where}.n: expected a positive integer")
        return spaces.Discrete(n, start=start)
    if kind == "MultiDiscrete":
        nvec = _ints(d.get("nvec"), f"{where}.nvec")
        shape = tuple(_ints(d.get("shape", [len(nvec)]), f"{where}.shape"))
        if not nvec or int(np.prod(shape)) != len(nvec) or min(nvec) < 1:
            raise CheckpointError(f"{where}.nvec: expected {list(shape)} positive integers")
        return spaces.MultiDiscrete(np.array(nvec).reshape(shape), dtype=_dtype(d.get("dtype", "int64"),
                                                                                   f"{where}.dtype"))
    raise CheckpointError(f"{where}.type: {kind!r} is not Box, Discrete, MultiDiscrete or Dict")


# -- the loaded policy --------------------------------------------------------------------------

@dataclass
class WeightsPolicy:
    """A policy loaded from weights: ``predict`` as ``MaskablePPO.predict``, the spaces, and what it was trained on."""

    policy: Any  # sb3_contrib MaskableMultiInputActorCriticPolicy (an ensemble's first member)
    config: dict[str, Any]
    members: list[Any] = field(default_factory=list)  # an ensemble's policies; empty for one policy

    @property
    def policies(self) -> list[Any]:
        """The policies whose distributions are averaged (one unless an ensemble)."""
        return self.members or [self.policy]

    @property
    def observation_space(self) -> spaces.Space:
        """The observation space the policy was trained on (images channel-first, as SB3 stores them)."""
        return self.policy.observation_space

    @property
    def action_space(self) -> spaces.Space:
        """The action space (Discrete over the high-level actions)."""
        return self.policy.action_space

    @property
    def render_style(self) -> str:
        """The render style of the frames it was trained on."""
        return str(self.config.get("render_style", "flat"))

    @property
    def field_of_view(self) -> float:
        """The camera's vertical field of view (degrees) it was trained with."""
        return float(self.config.get("field_of_view", DEFAULT_FOV))

    def predict(self, observation: Any, state: Any = None, episode_start: Any = None, deterministic: bool = False,
                action_masks: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
        """The policy's action (and state), exactly as ``MaskablePPO.predict``; an ensemble takes the most
        likely action of its mean distribution (``deterministic``) or samples it."""
        if not self.members:
            return self.policy.predict(observation, state, episode_start, deterministic, action_masks=action_masks)
        import torch

        from .tta import mean_probs

        if action_masks is None:
            n_actions = int(getattr(self.action_space, "n", 0))
            action_masks = np.ones((1, n_actions), dtype=bool)
        probs = mean_probs(self.members, observation, action_masks)
        actions = (probs.argmax(1) if deterministic else torch.multinomial(probs, 1)[:, 0]).cpu().numpy()
        batched = np.ndim(observation["image"]) == 4  # (B, H, W, C), as SB3's predict tells them apart
        return (actions if batched else actions[0]), state


def _policy_config(policy: Any) -> dict[str, Any]:
    """The JSON description of an SB3 maskable policy's architecture (CheckpointError if outside the allow-list)."""
    import torch

    if type(policy).__name__ != _POLICY_CLASS:
        raise CheckpointError(f"policy class {type(policy).__name__} is not {_POLICY_CLASS}")
    act = policy.activation_fn.__name__
    ext = policy.features_extractor_class.__name__
    if act not in _ACTIVATIONS or getattr(torch.nn, act) is not policy.activation_fn:
        raise CheckpointError(f"activation {act} is not one of {', '.join(_ACTIVATIONS)}")
    if _extractors().get(ext) is not policy.features_extractor_class:
        raise CheckpointError(f"features extractor {ext} is not one of {', '.join(_extractors())}")
    kwargs = dict(policy.features_extractor_kwargs or {})
    try:
        json.dumps(kwargs, allow_nan=False)
    except (TypeError, ValueError):
        raise CheckpointError(f"features_extractor_kwargs {kwargs!r} are not plain JSON") from None
    return {"class": _POLICY_CLASS, "net_arch": policy.net_arch, "activation_fn": act,
            "features_extractor": ext, "features_extractor_kwargs": kwargs,
            "share_features_extractor": bool(policy.share_features_extractor),
            "normalize_images": bool(policy.normalize_images)}


def _frame_size(obs_space: spaces.Space) -> int | None:
    if not isinstance(obs_space, spaces.Dict) or "image" not in obs_space.spaces:
        return None
    shape = obs_space["image"].shape or ()
    if len(shape) != 3:
        return None
    return int(shape[1] if shape[0] in (1, 3, 4) else shape[0])


def save_policy(model: Any, stem: str | Path, *, render_style: str | None = None,
                extra: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Write ``model`` (a MaskablePPO, or its policy) as ``stem.json`` + ``stem.safetensors``; return both paths.

    ``render_style``: the frames it was trained on (default: ``model.render_style``, else "flat"); the field of
    view is ``model.field_of_view`` (else DEFAULT_FOV)."""

    policy = getattr(model, "policy", model)
    style = render_style or str(getattr(model, "render_style", "flat"))
    config: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "algorithm": "MaskablePPO", "policy": _policy_config(policy),
        "observation_space": space_to_json(policy.observation_space),
        "action_space": space_to_json(policy.action_space),
        "render_style": style, "frame_size": _frame_size(policy.observation_space),
        "field_of_view": float(getattr(model, "field_of_view", DEFAULT_FOV)),
        "num_timesteps": int(getattr(model, "num_timesteps", 0) or 0), **(extra or {}),
    }
    return write_checkpoint(stem, policy, config)


def write_checkpoint(stem: str | Path, module: Any, config: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``module``'s weights (``stem.safetensors``) and ``config`` (``stem.json``), each atomically."""
    from safetensors.torch import save_model

    stem = _stem(Path(stem))
    stem.parent.mkdir(parents=True, exist_ok=True)
    jpath, wpath = stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".safetensors")
    text = json.dumps(config, indent=1, allow_nan=False) + "\n"  # fails before anything is written
    tmp_w = wpath.with_name(wpath.name + ".tmp")
    save_model(module, str(tmp_w), metadata={"format": FORMAT})
    os.replace(tmp_w, wpath)
    _write_config(jpath, text)
    return jpath, wpath


def _write_config(jpath: Path, text: str) -> None:
    tmp = jpath.with_name(jpath.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, jpath)


def save_ensemble(members: list[Any], stem: str | Path, *, extra: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Write 2..MAX_MEMBERS policies of one architecture, spaces, render style and field of view (loaded
    checkpoints, MaskablePPO models or their policies) as one ensemble checkpoint; CheckpointError if they differ."""
    import torch

    if not 2 <= len(members) <= MAX_MEMBERS:
        raise CheckpointError(f"an ensemble needs 2 to {MAX_MEMBERS} members, got {len(members)}")
    policies = [getattr(m, "policy", m) for m in members]
    if any(getattr(m, "members", None) for m in members):
        raise CheckpointError("an ensemble member is itself an ensemble")
    styles = {str(getattr(m, "render_style", "flat")) for m in members}
    described = [{"policy": _policy_config(p), "observation_space": space_to_json(p.observation_space),
                  "action_space": space_to_json(p.action_space)} for p in policies]
    first = described[0]
    for i, other in enumerate(described[1:], 1):
        for key in first:
            if other[key] != first[key]:
                raise CheckpointError(f"ensemble member {i}: its {key} differs from member 0's")
    if len(styles) != 1:
        raise CheckpointError(f"ensemble members were trained on different render styles: {sorted(styles)}")
    fovs = {float(getattr(m, "field_of_view", DEFAULT_FOV)) for m in members}
    if len(fovs) != 1:
        raise CheckpointError(f"ensemble members were trained with different fields of view: {sorted(fovs)}")
    config: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "algorithm": "MaskablePPO", **first,
        "render_style": styles.pop(), "frame_size": _frame_size(policies[0].observation_space),
        "field_of_view": fovs.pop(),
        ENSEMBLE_KEY: len(policies), **(extra or {}),
    }
    return write_checkpoint(stem, torch.nn.ModuleList(policies), config)


def _members(cfg: dict[str, Any], jpath: Path) -> int:
    """The number of policies a config describes (1 unless ``"ensemble"``); CheckpointError if malformed."""
    n = cfg.get(ENSEMBLE_KEY, 1)
    if isinstance(n, bool) or not isinstance(n, int) or not (n == 1 or 2 <= n <= MAX_MEMBERS):
        raise CheckpointError(f"{jpath}: {ENSEMBLE_KEY} must be an integer from 2 to {MAX_MEMBERS}, got {n!r:.40}")
    return n


# -- loading ----------------------------------------------------------------------------------

def _stem(p: Path) -> Path:
    return p.with_suffix("") if p.suffix in (".json", ".safetensors") else p


def _member_names(members: list[Path]) -> list[str]:
    """Members' names for an ensemble's config: their stems, with the folder when stems repeat
    (every training run writes ``ppo_lagrangian``)."""
    stems = [_stem(m) for m in members]
    if len({s.name for s in stems}) == len(stems):
        return [s.name for s in stems]
    return [f"{s.parent.name}/{s.name}" for s in stems]


def checkpoint_files(stem: str | Path) -> tuple[Path, Path]:
    """(``stem.json``, ``stem.safetensors``) of a weights-only checkpoint (either file's path names it);
    CheckpointError if either is missing."""
    st = _stem(Path(stem))
    jpath, wpath = st.with_name(st.name + ".json"), st.with_name(st.name + ".safetensors")
    for p in (jpath, wpath):
        if not p.is_file():
            raise CheckpointError(f"{p}: missing" + (f" (the weights beside {jpath.name})" if p is wpath else ""))
    return jpath, wpath


def load_safetensors(module: Any, wpath: Path) -> None:
    """Load ``wpath`` into ``module`` (strict, CPU); CheckpointError if the weights do not fit it."""
    from safetensors import SafetensorError
    from safetensors.torch import load_model

    try:
        load_model(module, str(wpath), strict=True, device="cpu")
    except (SafetensorError, RuntimeError, OSError, ValueError) as e:
        msg = " ".join(str(e).split())[:300]
        raise CheckpointError(f"{wpath}: weights do not fit the config ({type(e).__name__}: {msg})") from None


def is_legacy_zip(path: Path) -> bool:
    """True if ``path`` is a zip archive (an SB3 checkpoint: pickles inside)."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def resolve_checkpoint(path: str | Path) -> tuple[str, Path]:
    """("weights", STEM) or ("legacy", ZIP) for a checkpoint path: a .json/.safetensors file of the
    pair, their stem, or an SB3 zip (a stem with only STEM.zip beside it is that zip).
    CheckpointError if there is none."""
    p = Path(path)
    if p.is_file() and is_legacy_zip(p):
        return "legacy", p
    stem = _stem(p)
    if stem.with_name(stem.name + ".json").is_file():
        return "weights", stem
    z = p if p.suffix == ".zip" else p.with_name(p.name + ".zip")
    if z.is_file():
        return "legacy", z
    raise CheckpointError(f"no policy checkpoint at {p} (expected STEM.json + STEM.safetensors, or an SB3 .zip)")


def checkpoint_problem(path: str | Path, trust: bool = False) -> str | None:
    """Why ``path`` cannot be loaded as a policy checkpoint (a one-line message), or None."""
    try:
        kind, p = resolve_checkpoint(path)
    except CheckpointError as e:
        return f"{e}; train one with policies/train_ppo_lagrangian.py or pass --checkpoint"
    if kind == "legacy" and not trust:
        return _untrusted_message(p)
    return None


def _untrusted_message(p: Path) -> str:
    return (f"{p} is a legacy Stable-Baselines3 zip: loading it unpickles Python objects, which can run "
            f"arbitrary code. Convert it once with `python -m mssbench_embodied.agents.checkpoint convert "
            f"{p} OUT` and load OUT.json, or pass --trust-checkpoint if you trust where it came from")


def read_config(jpath: Path) -> dict[str, Any]:
    """The JSON config of a weights-only checkpoint, checked for size, syntax, format and version."""
    if jpath.stat().st_size > _MAX_CONFIG_BYTES:
        raise CheckpointError(f"{jpath}: config larger than {_MAX_CONFIG_BYTES} bytes")
    try:
        cfg = json.loads(jpath.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise CheckpointError(f"{jpath}: not a JSON config ({type(e).__name__})") from None
    if not isinstance(cfg, dict):
        raise CheckpointError(f"{jpath}: expected a JSON object")
    if cfg.get("format") != FORMAT:
        raise CheckpointError(f"{jpath}: format is {cfg.get('format')!r}, not {FORMAT!r}")
    if cfg.get("version") != VERSION:
        raise CheckpointError(f"{jpath}: version {cfg.get('version')!r} is not supported (this code reads {VERSION})")
    return cfg


def _build_policy(cfg: dict[str, Any], where: Path) -> Any:
    import torch
    from sb3_contrib.common.maskable.policies import MaskableMultiInputActorCriticPolicy

    pc = cfg.get("policy")
    if not isinstance(pc, dict) or pc.get("class") != _POLICY_CLASS:
        raise CheckpointError(f"{where}: policy.class must be {_POLICY_CLASS}")
    act = pc.get("activation_fn")
    if act not in _ACTIVATIONS:
        raise CheckpointError(f"{where}: policy.activation_fn {act!r} is not one of {', '.join(_ACTIVATIONS)}")
    ext = _extractors().get(str(pc.get("features_extractor")))
    if ext is None:
        raise CheckpointError(f"{where}: policy.features_extractor {pc.get('features_extractor')!r} is not one of "
                              f"{', '.join(_extractors())}")
    arch = pc.get("net_arch")
    if isinstance(arch, dict):
        arch = {k: _ints(arch.get(k), f"{where}: policy.net_arch.{k}") for k in ("pi", "vf")}
    else:
        arch = _ints(arch, f"{where}: policy.net_arch")
    fkw = pc.get("features_extractor_kwargs") or {}
    if not isinstance(fkw, dict) or not all(isinstance(v, (int, float, str, bool)) for v in fkw.values()):
        raise CheckpointError(f"{where}: policy.features_extractor_kwargs must map names to numbers or strings")
    obs = space_from_json(cfg.get("observation_space"), f"{where}: observation_space")
    act_space = space_from_json(cfg.get("action_space"), f"{where}: action_space")
    if not isinstance(obs, spaces.Dict) or not isinstance(act_space, spaces.Discrete):
        raise CheckpointError(f"{where}: expected a Dict observation space and a Discrete action space")
    try:
        return MaskableMultiInputActorCriticPolicy(
            obs, act_space, lambda _: 0.0, net_arch=arch, activation_fn=getattr(torch.nn, act),
            features_extractor_class=ext, features_extractor_kwargs=dict(fkw),
            share_features_extractor=bool(pc.get("share_features_extractor", True)),
            normalize_images=bool(pc.get("normalize_images", True)))
    except (TypeError, ValueError, RuntimeError) as e:
        raise CheckpointError(f"{where}: the policy cannot be built from this config ({e})") from None


def load_weights(stem: str | Path) -> Any:
    """Load ``stem.json`` + ``stem.safetensors`` without unpickling anything: a ``WeightsPolicy``
    (SB3 policy) or, for a config written by ``policies/train_rllib.py``, an ``RLlibPolicy``."""
    jpath, wpath = checkpoint_files(stem)
    cfg = read_config(jpath)
    from . import rllib_policy

    if rllib_policy.is_rllib_config(cfg):
        return rllib_policy.load_rllib_policy(jpath)
    if CONFIG_KEY in cfg:  # test-time augmentation the checkpoint was selected with (agents/tta.py)
        try:
            parse_shifts(cfg[CONFIG_KEY], CONFIG_KEY)
        except ValueError as e:
            raise CheckpointError(f"{jpath}: {e}") from None
    try:
        check_field_of_view(cfg.get("field_of_view", DEFAULT_FOV))
    except ValueError as e:
        raise CheckpointError(f"{jpath}: {e}") from None
    bias = refuse_bias(cfg, jpath)
    n = _members(cfg, jpath)
    if n > 1:
        import torch

        members = [_build_policy(cfg, jpath) for _ in range(n)]
        load_safetensors(torch.nn.ModuleList(members), wpath)
        for m in members:
            _raise_refusal(m, bias)
            m.set_training_mode(False)
        return WeightsPolicy(members[0], cfg, members)
    policy = _build_policy(cfg, jpath)
    load_safetensors(policy, wpath)
    _raise_refusal(policy, bias)
    policy.set_training_mode(False)
    return WeightsPolicy(policy, cfg)


def trained_config(stem: str | Path, member: int | None = None) -> dict[str, Any]:
    """The config of a weights-only MaskablePPO checkpoint, checked as ``load_trained_policy`` checks it (member given
    for an ensemble and in range; not RLlib's) without reading its weights; CheckpointError otherwise."""
    jpath, _ = checkpoint_files(stem)
    cfg = read_config(jpath)
    from . import rllib_policy

    if rllib_policy.is_rllib_config(cfg):
        raise CheckpointError(f"{jpath}: an RLlib checkpoint, not a MaskablePPO policy")
    n = _members(cfg, jpath)
    if n == 1 and member is not None:
        raise CheckpointError(f"{jpath}: one policy, not an ensemble (no member {member})")
    if n > 1 and member is None:
        raise CheckpointError(f"{jpath}: an ensemble of {n} policies: choose one (member 0 to {n - 1})")
    if member is not None and not 0 <= member < n:
        raise CheckpointError(f"{jpath}: member {member} out of range (the ensemble has members 0 to {n - 1})")
    return cfg


def load_trained_policy(stem: str | Path, member: int | None = None) -> tuple[Any, dict[str, Any]]:
    """(policy, config) of a weights-only MaskablePPO checkpoint as it was trained, for fine-tuning
    (``policies/train_ppo_lagrangian.py --init``): the weights without the config's refuse bias, in training mode.

    member: which policy of an ensemble (required for one; refused for a single policy). Nothing is unpickled;
    CheckpointError on any problem (an RLlib checkpoint, a member out of range, weights that do not fit).
    """
    cfg = trained_config(stem, member)
    jpath, wpath = checkpoint_files(stem)
    n = _members(cfg, jpath)
    if n == 1:
        policy = _build_policy(cfg, jpath)
        load_safetensors(policy, wpath)
        return policy, cfg
    import torch

    members = [_build_policy(cfg, jpath) for _ in range(n)]
    load_safetensors(torch.nn.ModuleList(members), wpath)
    return members[member or 0], cfg


def copy_trained_weights(model: Any, stem: str | Path, member: int | None = None) -> dict[str, Any]:
    """Load a checkpoint's trained weights (``load_trained_policy``) into ``model``, a MaskablePPO (or its policy)
    of the same architecture and spaces, and return the checkpoint's config; CheckpointError naming what differs."""
    policy, cfg = load_trained_policy(stem, member)
    target = getattr(model, "policy", model)
    mine = {"policy": _policy_config(target), "observation_space": space_to_json(target.observation_space),
            "action_space": space_to_json(target.action_space)}
    for key, value in mine.items():
        if cfg.get(key) != json.loads(json.dumps(value)):
            trained, now = cfg.get("frame_size"), _frame_size(target.observation_space)
            if key == "policy":
                what = "net_arch, activation or features extractor"
            elif key == "action_space":
                what = "the action set"
            elif trained != now:
                what = f"frames of {trained} px, not {now}"
            else:
                what = "the instruction vocabulary or the observation keys"
            raise CheckpointError(f"{_stem(Path(stem))}.json: its {key} differs from the model's ({what})")
    target.load_state_dict(policy.state_dict())
    return cfg


def refuse_bias(cfg: dict[str, Any], where: Path | str) -> float:
    """The config's ``refuse_bias`` (0 if absent); CheckpointError unless a number within +-MAX_REFUSE_BIAS
    on the high-level action space (where the refuse action has one fixed index)."""
    b = cfg.get(REFUSE_BIAS_KEY, 0.0)
    if isinstance(b, bool) or not isinstance(b, (int, float)) or not abs(b) <= MAX_REFUSE_BIAS:
        raise CheckpointError(f"{where}: {REFUSE_BIAS_KEY} must be a number from {-MAX_REFUSE_BIAS:g} to "
                              f"{MAX_REFUSE_BIAS:g}, got {b!r:.40}")
    if b and (cfg.get("action_space") or {}).get("n") != len(HIGH_LEVEL):
        raise CheckpointError(f"{where}: {REFUSE_BIAS_KEY} needs the high-level action space "
                              f"(Discrete({len(HIGH_LEVEL)}))")
    return float(b)


def _raise_refusal(policy: Any, bias: float) -> None:
    if bias:
        import torch

        with torch.no_grad():
            policy.action_net.bias[HIGH_LEVEL_INDEX[("refuse", None)]] += bias


def with_refuse_bias(src: str | Path, out: str | Path, bias: float) -> tuple[Path, Path]:
    """Copy the weights-only checkpoint ``src`` to ``out`` with ``refuse_bias`` set to ``bias`` (weights unchanged)."""
    jpath, wpath = checkpoint_files(src)
    cfg = {**read_config(jpath), REFUSE_BIAS_KEY: bias}
    refuse_bias(cfg, f"--refuse-bias {bias:g}")
    load_weights(src)  # the source must load
    text = json.dumps(cfg, indent=1, allow_nan=False) + "\n"
    stem = _stem(Path(out))
    stem.parent.mkdir(parents=True, exist_ok=True)
    dst_j, dst_w = stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".safetensors")
    if dst_w.resolve() != wpath.resolve():
        tmp = dst_w.with_name(dst_w.name + ".tmp")
        shutil.copyfile(wpath, tmp)
        os.replace(tmp, dst_w)
    _write_config(dst_j, text)
    return dst_j, dst_w


def extract_member(src: str | Path, member: int, out: str | Path) -> tuple[Path, Path]:
    """Write member ``member`` of the weights-only ensemble ``src`` as a one-policy checkpoint ``out``: its weights
    as trained (without the ensemble's refuse bias), the ensemble's spaces, render style, frame size and field of view,
    and ``"member_of"`` naming where it came from."""
    policy, cfg = load_trained_policy(src, member)
    names = cfg.get("member_checkpoints")
    name = names[member] if isinstance(names, list) and member < len(names) else None
    single = {k: v for k, v in cfg.items() if k not in (ENSEMBLE_KEY, REFUSE_BIAS_KEY, "member_checkpoints")}
    single["member_of"] = f"{_stem(Path(src)).name} #{member}" + (f" ({name})" if isinstance(name, str) else "")
    return write_checkpoint(out, policy, single)


def load_policy(path: str | Path, trust: bool = False) -> Any:
    """A policy to act with: ``WeightsPolicy`` for the weights-only format; a legacy SB3 zip
    (a ``MaskablePPO``) only with ``trust=True``, after a warning; else ``UntrustedCheckpoint``."""
    kind, p = resolve_checkpoint(path)
    if kind == "weights":
        return load_weights(p)
    if not trust:
        raise UntrustedCheckpoint(_untrusted_message(p))
    warnings.warn(f"loading the legacy Stable-Baselines3 zip {p}: it unpickles Python objects and runs any code "
                  f"they carry; convert it once with `python -m mssbench_embodied.agents.checkpoint convert`",
                  UserWarning, stacklevel=2)
    from sb3_contrib import MaskablePPO

    return MaskablePPO.load(p, device="cpu")


def convert(src: str | Path, out: str | Path) -> tuple[Path, Path]:
    """Convert a legacy SB3 zip (trusted: it is unpickled) into ``OUT.json`` + ``OUT.safetensors``.
    ``out``: a stem, or an existing directory (then named after the zip). Returns the two paths."""
    from sb3_contrib import MaskablePPO

    src = Path(src)
    if not is_legacy_zip(src):
        raise CheckpointError(f"{src}: not an SB3 zip checkpoint")
    dest = Path(out)
    stem = dest / src.stem if dest.is_dir() else _stem(dest)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MaskablePPO.load(src, device="cpu")
    return save_policy(model, stem, extra={"converted_from": src.name})


def _weights_stem(path: Path) -> Path:
    """The stem of the weights-only checkpoint at ``path``; UntrustedCheckpoint for an SB3 zip (the CLI never
    unpickles, except ``convert``)."""
    kind, p = resolve_checkpoint(path)
    if kind != "weights":
        raise UntrustedCheckpoint(_untrusted_message(p))
    return p


def main(argv: list[str] | None = None) -> int:
    """CLI: ``convert IN.zip OUT``, ``ensemble OUT M1 M2 ...``, ``member OUT ENSEMBLE K``, ``refuse-bias OUT CKPT B``
    or ``show CHECKPOINT``; exit 2 with one line on bad input."""
    ap = argparse.ArgumentParser(prog="python -m mssbench_embodied.agents.checkpoint", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("convert", help="legacy SB3 zip (trusted: it is unpickled) -> OUT.json + OUT.safetensors")
    c.add_argument("src", type=Path)
    c.add_argument("out", type=Path, help="output stem, or an existing directory")
    e = sub.add_parser("ensemble", help="weights-only checkpoints of one architecture -> one ensemble checkpoint")
    e.add_argument("out", type=Path, help="output stem")
    e.add_argument("members", type=Path, nargs="+", help=f"member checkpoints (STEM.json), 2 to {MAX_MEMBERS}")
    e.add_argument("--refuse-bias", type=float, default=0.0, metavar="B",
                   help="add B to every member's refuse logit at load time (a refusal threshold; default 0)")
    one = sub.add_parser("member", help="one member of an ensemble -> a one-policy checkpoint (weights as trained)")
    one.add_argument("out", type=Path, help="output stem")
    one.add_argument("checkpoint", type=Path, help="the ensemble (STEM.json)")
    one.add_argument("member", type=int, help="which member, 0-based (the order of the config's member_checkpoints)")
    r = sub.add_parser("refuse-bias", help="copy a weights-only checkpoint with its refuse logit raised by B at load")
    r.add_argument("out", type=Path, help="output stem")
    r.add_argument("checkpoint", type=Path)
    r.add_argument("bias", type=float)
    s = sub.add_parser("show", help="print a weights-only checkpoint's config after loading it")
    s.add_argument("checkpoint", type=Path)
    args = ap.parse_args(argv)
    try:
        if args.cmd == "convert":
            jpath, wpath = convert(args.src, args.out)
            print(f"wrote {jpath} and {wpath}")
        elif args.cmd == "ensemble":
            loaded = []
            for m in args.members:
                loaded.append(load_weights(_weights_stem(m)))
            names = _member_names(args.members)
            if any(REFUSE_BIAS_KEY in m.config for m in loaded):
                raise CheckpointError("a member has a refuse_bias: build ensembles from checkpoints without one")
            extra: dict[str, Any] = {"member_checkpoints": names}
            if args.refuse_bias:
                extra[REFUSE_BIAS_KEY] = refuse_bias({**loaded[0].config, REFUSE_BIAS_KEY: args.refuse_bias},
                                                     "--refuse-bias")
            jpath, wpath = save_ensemble(loaded, args.out, extra=extra)
            print(f"wrote {jpath} and {wpath}")
        elif args.cmd == "member":
            p = _weights_stem(args.checkpoint)
            jpath, wpath = extract_member(p, args.member, args.out)
            print(f"wrote {jpath} and {wpath}")
        elif args.cmd == "refuse-bias":
            p = _weights_stem(args.checkpoint)
            jpath, wpath = with_refuse_bias(p, args.out, args.bias)
            print(f"wrote {jpath} and {wpath}")
        else:
            p = _weights_stem(args.checkpoint)
            pol = load_weights(p)
            n = sum(int(t.numel()) for m in pol.policies for t in m.parameters())
            print(json.dumps({**{k: v for k, v in pol.config.items() if k != "observation_space"},
                              "parameters": n}, indent=1))
    except (CheckpointError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
