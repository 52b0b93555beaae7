"""PPO-Lagrangian baseline for MSSBench situations (read top to bottom, CleanRL-style).

    python policies/train_ppo_lagrangian.py                    # full run (43 min on 2 CPU cores)
    python policies/train_ppo_lagrangian.py --smoke            # seconds: CI smoke test

Steps:
  1. Behaviour cloning warm start from the reference behaviour of the train split
     (safe variant: the compliant plan; unsafe variant: refuse, or the mitigation plan).
     With --pretrain-epochs, the CNN first learns which object types (--pretrain-labels properties: also
     their properties and states) each part of a frame shows, on frames of random exploration.
  2. MaskablePPO (sb3-contrib) with a Lagrange multiplier on the safety cost (PPO-Lagrangian):
     the policy maximises reward - lambda * cost, and after every rollout
     lambda <- max(0, lambda + lr_lambda * (mean episode cost - cost_limit)).
  3. Evaluation on the train and test splits (every pair, both variants) with MSSBench's metrics
     (--holdout-val: also the validation pairs; --no-test: never the test split, also not after BC).
Writes the checkpoint, metrics JSON, a CSV log and learning curves (return, cost, lambda). While it runs, a resume
point (weights, optimizer state, multiplier, logs; after BC, every --save-every PPO steps and after PPO) lets
`--resume` finish a killed run; it is removed when the run finishes.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch
from sb3_contrib import MaskablePPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecEnv, VecEnvWrapper

import mssbench_embodied  # noqa: F401  (registers MSSBench/Situations-v0)
from mssbench_embodied.agents.checkpoint import (
    CheckpointError,
    copy_trained_weights,
    resolve_checkpoint,
    save_policy,
    trained_config,
)
from mssbench_embodied.agents.policy_net import SituationFeatures
from mssbench_embodied.agents.train_state import (
    ResumeError,
    load_resume_point,
    read_resume_state,
    remove_resume_point,
    resume_json,
    save_resume_point,
)
from mssbench_embodied.agents.tta import parse_shifts
from mssbench_embodied.envs.action_space import HIGH_LEVEL, HIGH_LEVEL_INDEX
from mssbench_embodied.envs.situation_env import DEFAULT_FOV, check_field_of_view
from mssbench_embodied.eval.rl_eval import evaluate_policy_on_split
from mssbench_embodied.scenarios import PairSpec, combination_key, load_pairs
from mssbench_embodied.scenarios.verbs import VERB
from mssbench_embodied.sim.types import BOOLEAN_PROPERTIES, OBJECT_TYPES

HERE = Path(__file__).resolve().parent
VAL_BY = ("pair", "combination")  # --holdout-val's two ways to hold out a fifth of the train split


# --------------------------------------------------------------------------- arguments
def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=128, help="frame width = height")
    ap.add_argument("--fov", type=_fov, default=DEFAULT_FOV,
                    help="the camera's vertical field of view in degrees (the env's default 90; model agents get 50)")
    ap.add_argument("--style", choices=("legible", "flat"), default="legible",
                    help="render style of the frames (stored in the checkpoint; `run --agent policy` uses it)")
    ap.add_argument("--num-envs", type=int, default=2)
    ap.add_argument("--num-workers", type=int, default=0,
                    help="0: one env per process (SubprocVecEnv, as the committed run); N: the envs in N processes")
    ap.add_argument("--bc-epochs", type=int, default=60)
    ap.add_argument("--bc-lr", type=float, default=1e-3)
    ap.add_argument("--ppo-lr", type=float, default=2e-5)
    ap.add_argument("--shift", type=int, default=4, help="BC augmentation: random image shifts of up to this many px")
    ap.add_argument("--color-perm", type=float, default=0.5,
                    help="BC augmentation: probability of permuting an image's RGB channels (liquids change hue, "
                         "grey containers stay grey), so the cue is 'coloured liquid', not one liquid's colour")
    ap.add_argument("--object-colour", type=_probability, default=0.0, metavar="P",
                    help="BC augmentation: each object (every instance in the segmentation) gets, with probability P, "
                         "its own random RGB channel order and brightness, so the cue is its shape, not one finish's "
                         "colour. 0: off")
    ap.add_argument("--aux-types", type=_weight, default=0.0, metavar="WEIGHT",
                    help="BC only: weight of an auxiliary loss on a head that predicts which object types each "
                         "8x8-pixel cell shows (from the demonstration frames' segmentation; the head is dropped after "
                         "BC, the policy still sees RGB and the instruction only). 0: off")
    ap.add_argument("--aux-hazard", type=_weight, default=0.0, metavar="WEIGHT",
                    help="BC only: weight of an auxiliary loss on a head that predicts which 8x8-pixel cells show an "
                         "object that makes the unsafe variant unsafe (the realised variant's hazard objects, from the "
                         "segmentation; none in a safe variant). Dropped after BC, as --aux-types. 0: off")
    ap.add_argument("--pretrain-epochs", type=_count, default=0, metavar="N",
                    help="before BC: pretrain the CNN for N epochs to name the object types in each 8x8-pixel cell of "
                         "frames from random exploration of the train pairs (segmentation labels; no action, hazard "
                         "or validation label). 0: off; 8 in policies/README.md's pretrained-encoder runs")
    ap.add_argument("--pretrain-labels", choices=tuple(PRETRAIN_LABELS), default="types",
                    help="what the pretraining names in each cell: 'types' (the object types) or 'properties' (the "
                         "types, the type table's boolean properties such as flammable or electronic, and the object "
                         "states: on, open, filled, hot, broken, dirty)")
    ap.add_argument("--pretrain-seed", type=int, default=None,
                    help="seed of the pretraining (the CNN's initial weights, batches, augmentations; default --seed), "
                         "so several BC seeds can share one pretrained encoder")
    ap.add_argument("--expert-mitigate", action="store_true",
                    help="demonstrate mitigation plans in unsafe variants (default: refuse, a one-step decision)")
    ap.add_argument("--bc-repeats", type=int, default=2,
                    help="demonstration passes over the train split (paraphrases vary)")
    ap.add_argument("--ppo-steps", type=int, default=30_000)
    ap.add_argument("--cost-limit", type=float, default=0.005,
                    help="target mean episode cost (0.025 would be a 5%% hazard rate in the unsafe half of the "
                         "episodes; 0.005 leaves a margin for held-out combinations)")
    ap.add_argument("--lambda-lr", type=float, default=1.0)
    ap.add_argument("--lambda-init", type=float, default=1.0)
    ap.add_argument("--refuse-prefix", action="store_true",
                    help="unsafe demonstrations: 'refuse' in every state along the compliant plan before it causes "
                         "harm (default: only in the first frame)")
    ap.add_argument("--look-first", action="store_true",
                    help="unsafe demonstrations: the compliant plan's leading 'goto' steps, then 'refuse' in the "
                         "close-up view (default: 'refuse' in the first frame)")
    ap.add_argument("--holdout-val", nargs="?", const="pair", default=None, choices=VAL_BY,
                    help="hold a fifth of the train pairs out of BC and PPO and evaluate them as 'val' (a validation "
                         "split for choosing settings without looking at the test split): 'pair' (the default when "
                         "given alone) by a hash of the pair id; 'combination' by a hash of the template and its "
                         "values, so a held-out combination is unseen in every room, as in the test split")
    ap.add_argument("--out", type=Path, default=HERE / "checkpoints")
    ap.add_argument("--init", type=Path, default=None,
                    help="continue PPO-Lagrangian from this checkpoint (skips behaviour cloning unless --init-bc): a "
                         "weights-only one (STEM.json; nothing is unpickled; its weights as trained, without a refuse "
                         "bias; a fresh optimizer) or an SB3 zip of your own run (pickles; its optimizer state too)")
    ap.add_argument("--init-member", type=int, default=None, metavar="K",
                    help="with a weights-only ensemble --init: start from its member K (0-based; the config's "
                         "member_checkpoints names them)")
    ap.add_argument("--init-bc", action="store_true",
                    help="with --init: first behaviour-clone the checkpoint on fresh demonstrations for --bc-epochs "
                         "(at --bc-lr), e.g. after the situations changed, then continue PPO-Lagrangian")
    ap.add_argument("--no-test", action="store_true",
                    help="never evaluate the test split, also not after BC: for choosing among candidates on "
                         "--holdout-val's validation pairs before the chosen one is run on the test split once")
    ap.add_argument("--save-every", type=int, default=4096, metavar="STEPS",
                    help="write a resume point (OUT/NAME_resume.*) after behaviour cloning and then every STEPS "
                         "PPO steps (0: only after behaviour cloning and PPO); removed when the run finishes")
    ap.add_argument("--resume", action="store_true",
                    help="continue the interrupted run in --out from its resume point, with the same flags")
    ap.add_argument("--smoke", action="store_true", help="tiny run for CI")
    ap.add_argument("--eval-limit", type=int, default=None, help="evaluate on the first N pairs only")
    ap.add_argument("--test-time-shifts", type=_shifts, default=(0,), metavar="S,S,...",
                    help="test-time augmentation written into the checkpoint and used by every evaluation "
                         "(agents/tta.py): views shifted by (dx, dy) in S x S pixels, e.g. -4,0,4 (default 0: none)")
    args = ap.parse_args()
    bc_only = [f for f, v in (("--aux-types", args.aux_types), ("--aux-hazard", args.aux_hazard),
                              ("--object-colour", args.object_colour), ("--pretrain-epochs", args.pretrain_epochs))
               if v > 0]
    if args.init is not None and bc_only:
        ap.error(f"{', '.join(bc_only)}: behaviour-cloning options, and --init skips behaviour cloning from fresh "
                 "weights (--init-bc clones without them)")
    if args.init_bc and args.init is None:
        ap.error("--init-bc behaviour-clones the --init checkpoint: give --init")
    if args.save_every < 0:
        ap.error(f"--save-every must be >= 0 (0: only after behaviour cloning and PPO), got {args.save_every}")
    if args.init_member is not None and args.init is None:
        ap.error("--init-member picks a member of the --init ensemble: give --init")
    if args.pretrain_labels != "types" and not args.pretrain_epochs:
        ap.error("--pretrain-labels chooses what --pretrain-epochs N teaches: give both")
    if args.look_first and args.refuse_prefix:
        ap.error("--look-first and --refuse-prefix are two different unsafe demonstrations: choose one")
    return args


def _float_in(text: str, high: float, what: str) -> float:
    """`text` as a float in [0, high] (high = inf: any finite value >= 0), else an argparse error naming `what`."""
    try:
        x = float(text)
    except ValueError:
        x = float("nan")
    if not (0.0 <= x <= high and x < float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r}: {what}")
    return x


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number >= 0")
    return n


def _probability(text: str) -> float:
    return _float_in(text, 1.0, "a probability, from 0 to 1")


def _weight(text: str) -> float:
    return _float_in(text, float("inf"), "a loss weight, 0 (off) or more")


def _fov(text: str) -> float:
    try:
        return check_field_of_view(float(text))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text!r}: {e}") from None


def _shifts(text: str) -> tuple[int, ...]:
    try:
        return parse_shifts([int(x) for x in text.split(",")])
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


# Over-refusal is penalised as much as a correct refusal is rewarded, as MSSBench's average of
# safe and unsafe accuracy does; otherwise "always refuse" is a safe local optimum under the cost.
REWARD = {"wrong_refusal": -1.0}


def is_val(pair: PairSpec, by: str = "pair") -> bool:
    """Whether a train pair is in --holdout-val's fixed fifth: by a hash of the pair id (the other rooms of its
    combination stay in training), or of its combination (held out in every room, as the test split is)."""
    if by not in VAL_BY:
        raise ValueError(f"unknown validation holdout {by!r}; choose one of {', '.join(VAL_BY)}")
    key = pair.id if by == "pair" else "val|" + combination_key(pair.template, pair.vars)
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 5 == 0


def val_pair_ids(holdout_val: str) -> list[str]:
    """The validation pairs of --holdout-val pair|combination."""
    return [p.id for p in load_pairs("train") if is_val(p, holdout_val)]


def train_pair_ids(holdout_val: str | None) -> list[str] | None:
    """The pairs BC and PPO train on: None (no --holdout-val) for the whole train split."""
    return None if holdout_val is None else [p.id for p in load_pairs("train") if not is_val(p, holdout_val)]


def evaluations(holdout_val: str | None, no_test: bool = False) -> list[tuple[str, str, list[str] | None]]:
    """What step 3 evaluates, in order: (metrics key, split, pair ids or None for the whole split)."""
    val = [("val", "train", val_pair_ids(holdout_val))] if holdout_val else []
    test = [] if no_test else [("test", "test", None)]
    return [*val, ("train", "train", train_pair_ids(holdout_val)), *test]


def env_kwargs(split: str, size: int, style: str, pair_ids: list[str] | None = None, fov: float = DEFAULT_FOV) -> dict:
    kw = {"split": split, "width": size, "height": size, "max_steps": 12, "paraphrase": True, "reward": REWARD,
          "render_style": style, "field_of_view": fov}
    return kw if pair_ids is None else {**kw, "pair_ids": pair_ids}


def make_env(split: str, size: int, seed: int, style: str, pair_ids: list[str] | None = None, fov: float = DEFAULT_FOV,
             segmentation: bool = False):
    def thunk() -> gym.Env:
        extra = {"backend_kwargs": {"render_instance_segmentation": True}} if segmentation else {}
        env = gym.make("MSSBench/Situations-v0", **env_kwargs(split, size, style, pair_ids, fov), **extra)
        env.reset(seed=seed)
        return env
    return thunk


def make_train_venv(args: argparse.Namespace) -> VecEnv:
    """--num-workers 0: SB3's SubprocVecEnv (one env per process; DummyVecEnv for one env), as the
    committed checkpoint was trained. N > 0: all --num-envs envs in N processes (lock step)."""
    ids = train_pair_ids(args.holdout_val)
    if args.num_workers > 0:
        from mssbench_embodied.envs.sb3 import make_sb3_vec

        venv = make_sb3_vec("MSSBench/Situations-v0", args.num_envs, min(args.num_workers, args.num_envs),
                            **env_kwargs("train", args.size, args.style, ids, args.fov))
        venv.seed(args.seed)
        return venv
    fns = [make_env("train", args.size, args.seed + i, args.style, ids, args.fov) for i in range(args.num_envs)]
    return SubprocVecEnv(fns) if args.num_envs > 1 else DummyVecEnv(fns)


# --------------------------------------------------------------------------- 1. demonstrations
def expert_actions(env: gym.Env, mitigate: bool = False) -> list[int]:
    """Reference behaviour of the current episode as high-level action indices."""
    base = env.unwrapped
    pair, variant = base.pair, base.variant
    if variant == "safe":
        plan = pair.compliant_plan
    elif mitigate and pair.safe_behaviour.kind == "mitigate":
        plan = pair.safe_behaviour.plan
    else:
        plan = ["refuse"]
    return [HIGH_LEVEL_INDEX[_verb_obj(step)] for step in plan]


def _verb_obj(step: str) -> tuple[str, str | None]:
    verb, *rest = step.split()
    return verb, None if verb in ("drop", "throw") or not rest else rest[0]  # drop/throw act on the held object


def _labels(base: Any, labels: bool) -> tuple[np.ndarray, Any]:
    """The current state's action mask and, with `labels`, its (type_presence, hazard_cells, instance_ids)
    (else None)."""
    if not labels:
        return base.action_masks(), None
    event = base.backend.last_event
    return base.action_masks(), (type_presence(event), hazard_cells(event, base.realised.hazard_ids),
                                 instance_ids(event))


def refusals_before_harm(env: gym.Env, obs: dict, labels: bool = False) -> list[tuple[dict, np.ndarray, Any]]:
    """--refuse-prefix in an unsafe variant: (observation, mask, labels or None) of each distinct state
    along the compliant plan before the step that causes harm (or ends the episode); the expert refuses in all."""
    base: Any = env.unwrapped  # a SituationEnv
    out: list[tuple[dict, np.ndarray, Any]] = []
    for a in [HIGH_LEVEL_INDEX[_verb_obj(step)] for step in base.pair.compliant_plan]:
        if not any(np.array_equal(obs["image"], o["image"]) for o, _, _ in out):
            out.append((obs, *_labels(base, labels)))
        obs, _, term, trunc, info = env.step(a)
        if term or trunc or info.get("cost", 0) > 0 or info.get("hazards"):
            break
    return out


def look_then_refuse(env: gym.Env, obs: dict, labels: bool = False) -> list[tuple[dict, np.ndarray, Any, int]]:
    """--look-first in an unsafe variant: (observation, mask, labels or None, action) of the compliant
    plan's leading 'goto' steps (those that change the frame), then 'refuse' in the view they lead to."""
    base: Any = env.unwrapped  # a SituationEnv
    out: list[tuple[dict, np.ndarray, Any, int]] = []
    for step in base.pair.compliant_plan:
        verb, obj = _verb_obj(step)
        if verb != "goto":
            break
        a = HIGH_LEVEL_INDEX[(verb, obj)]
        mask, seen = _labels(base, labels)
        nxt, _, term, trunc, info = env.step(a)
        if term or trunc or info.get("cost", 0) > 0:
            return out  # a goto never harms; if one ever ends the episode, no refusal is demonstrated after it
        if not np.array_equal(obs["image"], nxt["image"]):  # as collect_demos: no (same frame, goto) steps
            out.append((obs, mask, seen, a))
        obs = nxt
    out.append((obs, *_labels(base, labels), HIGH_LEVEL_INDEX[("refuse", None)]))
    return out


TYPE_CLASS = {t: i + 1 for i, t in enumerate(OBJECT_TYPES)}  # 0: no object type (walls, floor, sky)
CELL = 8  # px: SituationFeatures' CNN downsamples by 8


def type_presence(event: Any) -> np.ndarray:
    """(classes, H/8, W/8) bools: which object types each 8x8-pixel cell of the event's frame shows."""
    h, w, _ = event.instance_segmentation_frame.shape
    gh, gw = h // CELL, w // CELL
    out = np.zeros((len(TYPE_CLASS) + 1, gh, gw), bool)
    for object_id, hit in event.instance_masks.items():  # ai2thor's per-object masks of the drawn objects
        k = TYPE_CLASS.get(object_id.split("|")[0])
        if k:
            out[k] |= _cells(hit, gh, gw)
    return out


PROPERTIES = tuple(sorted(BOOLEAN_PROPERTIES))
PROPERTY_OF_CLASS = np.array([[False] * len(PROPERTIES)] +  # (classes, properties): the type table's flags
                             [[bool(getattr(OBJECT_TYPES[t], p)) for p in PROPERTIES] for t in TYPE_CLASS])
STATES = (("isToggled", True), ("isOpen", True), ("isFilledWithLiquid", True), ("temperature", "Hot"),
          ("isBroken", True), ("isDirty", True))  # object states the hazards turn on (metadata key, value)


def property_presence(event: Any) -> np.ndarray:
    """(classes + properties + states, H/8, W/8) bools: type_presence, then which cells show an object with each
    boolean property of the type table, then which show an object in each of STATES."""
    types = type_presence(event)
    h, w, _ = event.instance_segmentation_frame.shape
    gh, gw = h // CELL, w // CELL
    props = np.zeros((len(PROPERTIES), gh, gw), bool)
    states = np.zeros((len(STATES), gh, gw), bool)
    for o in event.metadata["objects"]:
        hit = event.instance_masks.get(o["objectId"])
        k = TYPE_CLASS.get(o["objectType"])
        if hit is None or not k:
            continue
        cells = _cells(hit, gh, gw)
        props[PROPERTY_OF_CLASS[k]] |= cells
        for i, (key, value) in enumerate(STATES):
            if o.get(key) == value:
                states[i] |= cells
    return np.concatenate([types, props, states])


PRETRAIN_LABELS = {"types": type_presence, "properties": property_presence}  # --pretrain-labels


def _cells(hit: np.ndarray, gh: int, gw: int) -> np.ndarray:
    """(gh, gw) bools: which CELL x CELL blocks of a pixel mask have a pixel set."""
    return hit[:gh * CELL, :gw * CELL].reshape(gh, CELL, gw, CELL).any((1, 3))


def hazard_cells(event: Any, hazard_ids: list[str]) -> np.ndarray:
    """(H/8, W/8) bools: which 8x8-pixel cells of the event's frame show one of `hazard_ids`."""
    h, w, _ = event.instance_segmentation_frame.shape
    gh, gw = h // CELL, w // CELL
    out = np.zeros((gh, gw), bool)
    for object_id in hazard_ids:
        hit = event.instance_masks.get(object_id)
        if hit is not None:
            out |= _cells(hit, gh, gw)
    return out


def instance_ids(event: Any) -> np.ndarray:
    """(H, W) uint16: the frame's instances numbered 0.. in order of their segmentation colour (for --object-colour)."""
    seg = event.instance_segmentation_frame.astype(np.int64)
    key = (seg[..., 0] << 16) | (seg[..., 1] << 8) | seg[..., 2]
    return np.unique(key, return_inverse=True)[1].reshape(key.shape).astype(np.uint16)


def collect_demos(size: int, style: str, repeats: int, seed: int, limit: int | None,
                  mitigate: bool = False, refuse_prefix: bool = False,
                  pair_ids: list[str] | None = None, fov: float = DEFAULT_FOV,
                  labels: bool = False, look_first: bool = False) -> dict[str, np.ndarray]:
    """Expert (observation, mask, action) steps; with `labels`, each step's type_presence, hazard_cells and
    instance_ids too (from the segmentation, for the auxiliary losses and --object-colour)."""
    env = make_env("train", size, seed, style, pair_ids, fov, segmentation=labels)()
    pairs = env.unwrapped.pairs[:limit] if limit else env.unwrapped.pairs
    images, instr, masks, actions, present = [], [], [], [], []
    no_ops, refuse = 0, HIGH_LEVEL_INDEX[("refuse", None)]
    for r in range(repeats):
        for pair in pairs:
            for variant in ("safe", "unsafe"):
                obs, _ = env.reset(seed=seed + r, options={"pair_id": pair.id, "variant": variant})
                if variant == "unsafe" and (refuse_prefix or look_first and expert_actions(env, mitigate) == [refuse]):
                    steps = (look_then_refuse(env, obs, labels) if look_first else
                             [(o, m, p, refuse) for o, m, p in refusals_before_harm(env, obs, labels)])
                    for o, mask, p, a in steps:
                        present.append(p)
                        images.append(o["image"])
                        instr.append(o["instruction"])
                        masks.append(mask)
                        actions.append(a)
                    continue
                for a in expert_actions(env, mitigate):
                    before, tokens = obs["image"], obs["instruction"]
                    mask, seen = _labels(env.unwrapped, labels)
                    obs, _, term, trunc, _ = env.step(a)
                    if not (term or trunc) and np.array_equal(before, obs["image"]):
                        no_ops += 1  # e.g. "goto X" when already facing X: the policy has no memory, so
                        continue     # (same frame, goto) then (same frame, next step) would contradict
                    present.append(seen)
                    images.append(before)
                    instr.append(tokens)
                    masks.append(mask)
                    actions.append(a)
                    if term or trunc:
                        break
    env.close()
    print(f"[bc] dropped {no_ops} demonstration steps that left the frame unchanged", flush=True)
    out = {"image": np.stack(images), "instruction": np.stack(instr), "mask": np.stack(masks),
           "action": np.array(actions)}
    if not labels:
        return out
    return {**out, "presence": np.stack([p[0] for p in present]), "hazard": np.stack([p[1] for p in present]),
            "instances": np.stack([p[2] for p in present])}


# --------------------------------------------------------------------------- 1b. encoder pretraining (optional)
EXPLORE_PASSES = ((0, 100), (1, 101))  # (reset seed, action seed) of each pass over the pairs
EXPLORE_STEPS = 8  # random actions per episode after its first frame


def exploration_frames(size: int, style: str, pair_ids: list[str] | None, fov: float,
                       limit: int | None = None, labels: str = "types") -> dict[str, np.ndarray]:
    """Frames of each pair's two variants: the first frame and those after up to EXPLORE_STEPS random allowed
    non-terminal actions (unchanged frames skipped), for every pass; with their PRETRAIN_LABELS[labels]."""
    label = PRETRAIN_LABELS[labels]
    env = make_env("train", size, 0, style, pair_ids, fov, segmentation=True)()
    base: Any = env.unwrapped  # a SituationEnv
    pairs = base.pairs[:limit] if limit else base.pairs
    non_terminal = ~np.array([verb in VERB and VERB[verb].terminal for verb, _ in HIGH_LEVEL])
    images, present = [], []
    for reset_seed, action_seed in EXPLORE_PASSES:
        rng = np.random.default_rng(action_seed)
        for pair in pairs:
            for variant in ("safe", "unsafe"):
                obs, _ = env.reset(seed=reset_seed, options={"pair_id": pair.id, "variant": variant})
                images.append(obs["image"])
                present.append(label(base.backend.last_event))
                for _ in range(EXPLORE_STEPS):
                    allowed = np.flatnonzero(base.action_masks() & non_terminal)
                    if not len(allowed):
                        break
                    before = obs["image"]
                    obs, _, term, trunc, _ = env.step(int(rng.choice(allowed)))
                    if term or trunc:
                        break
                    if not np.array_equal(before, obs["image"]):
                        images.append(obs["image"])
                        present.append(label(base.backend.last_event))
    env.close()
    return {"image": np.stack(images), "presence": np.stack(present)}


def pretrain_encoder(cnn: torch.nn.Module, frames: dict[str, np.ndarray], epochs: int, seed: int, lr: float = 1e-3,
                     shift: int = 4, color_perm: float = 0.5) -> list[float]:
    """Fit `cnn` (SituationFeatures.cnn) plus a 1x1-conv head to frames["presence"] (binary cross-entropy summed
    over types, averaged over cells), with the BC augmentations; the head is dropped. Mean loss per epoch."""
    head = torch.nn.Conv2d(cnn[-2].out_channels, frames["presence"].shape[1], 1)
    opt = torch.optim.Adam([*cnn.parameters(), *head.parameters()], lr=lr)
    rng, gen = np.random.default_rng(seed), torch.Generator().manual_seed(seed)
    n, losses = len(frames["image"]), []
    for _ in range(epochs):
        order, total = rng.permutation(n), 0.0
        for start in range(0, n, 64):
            idx = np.sort(order[start:start + 64])
            x = torch.as_tensor(frames["image"][idx]).permute(0, 3, 1, 2)  # (N, 3, H, W) as SB3 feeds the CNN
            x = color_permute(random_shift(x, shift, gen), color_perm, gen).float() / 255.0
            target = torch.as_tensor(frames["presence"][idx]).float()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(head(cnn(x)), target, reduction="none")
            loss = loss.sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        losses.append(total / n)
    return losses


def random_shift(images: torch.Tensor, pad: int, gen: torch.Generator) -> torch.Tensor:
    """DrQ-style augmentation: pad by replicating edges, then crop back at a random offset per image."""
    if pad <= 0:
        return images
    n, _, h, w = images.shape
    padded = torch.nn.functional.pad(images.float(), (pad, pad, pad, pad), mode="replicate")
    dx, dy = torch.randint(0, 2 * pad + 1, (2, n), generator=gen)
    return torch.stack([padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)]).to(images.dtype)


ORDERS = torch.tensor([[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]])  # RGB orders, identity first


def color_permute(images: torch.Tensor, prob: float, gen: torch.Generator) -> torch.Tensor:
    """Permute the RGB channels of each image with probability `prob` (uniform over the 5 non-identity orders)."""
    if prob <= 0:
        return images
    orders = ORDERS[1:]
    pick = orders[torch.randint(0, len(orders), (images.shape[0],), generator=gen)]
    apply = torch.rand(images.shape[0], generator=gen) < prob
    idx = torch.where(apply[:, None], pick, torch.arange(3).expand(images.shape[0], 3))
    return torch.gather(images, 1, idx[:, :, None, None].expand_as(images))


HAZARD_POS_WEIGHT = 4.0  # a hazard object covers a few of a frame's cells, and half the frames have none


def object_recolour(images: torch.Tensor, ids: torch.Tensor, prob: float, gen: torch.Generator) -> torch.Tensor:
    """Give each instance (ids: (N, H, W), as instance_ids) of each image, with probability `prob`, a random RGB
    channel order and a brightness gain in [0.75, 1.25] (grey stays grey, as in color_permute)."""
    if prob <= 0:
        return images
    n, k = images.shape[0], int(ids.max()) + 1
    apply = torch.rand(n, k, generator=gen) < prob
    order = torch.where(apply, torch.randint(0, len(ORDERS), (n, k), generator=gen), 0)
    gain = torch.where(apply, 0.75 + 0.5 * torch.rand(n, k, generator=gen), 1.0)
    rows = torch.arange(n)[:, None, None]
    src = ORDERS[order[rows, ids]].permute(0, 3, 1, 2)  # (N, 3, H, W): the source channel of each output channel
    out = torch.gather(images.float(), 1, src) * gain[rows, ids][:, None]
    return out.clamp(0, 255).to(images.dtype)


def behaviour_cloning(model: MaskablePPO, demos: dict[str, np.ndarray], epochs: int, seed: int,
                      lr: float = 1e-3, shift: int = 4, color_perm: float = 0.0, aux_types: float = 0.0,
                      aux_hazard: float = 0.0, object_colour: float = 0.0) -> list[float]:
    """Maximise log pi(expert action | obs) under the action masks; returns the mean BC loss per epoch.
    aux_types > 0 adds aux_types * (binary cross-entropy of a 1x1-conv head on the CNN's last feature map
    against demos["presence"], summed over types, averaged over cells): privileged labels shape the image
    features during BC only; the head is not part of the policy. aux_hazard > 0 adds, the same way, aux_hazard *
    (binary cross-entropy of a one-channel head against demos["hazard"], hazard cells weighted HAZARD_POS_WEIGHT
    times, averaged over cells). object_colour > 0 recolours objects first (object_recolour, demos["instances"])."""
    policy = model.policy
    cnn, fmap = policy.features_extractor.cnn, {}
    c = cnn[-2].out_channels
    head = torch.nn.Conv2d(c, demos["presence"].shape[1], 1) if aux_types > 0 else None
    head_h = torch.nn.Conv2d(c, 1, 1) if aux_hazard > 0 else None
    heads = [m for m in (head, head_h) if m is not None]
    hook = cnn.register_forward_hook(lambda _m, _i, out: fmap.__setitem__("h", out)) if heads else None
    opt = torch.optim.Adam([*policy.parameters(), *(p for m in heads for p in m.parameters())], lr=lr)
    sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=max(epochs, 1))
    rng, gen = np.random.default_rng(seed), torch.Generator().manual_seed(seed)
    n, losses = len(demos["action"]), []
    for _ in range(epochs):
        order, total = rng.permutation(n), 0.0
        for start in range(0, n, 64):
            idx = order[start:start + 64]
            obs = policy.obs_to_tensor({"image": demos["image"][idx], "instruction": demos["instruction"][idx]})[0]
            if object_colour > 0:
                obs["image"] = object_recolour(obs["image"], torch.as_tensor(demos["instances"][idx].astype(np.int64)),
                                               object_colour, gen)
            obs["image"] = color_permute(random_shift(obs["image"], shift, gen), color_perm, gen)
            _, log_prob, _ = policy.evaluate_actions(obs, torch.as_tensor(demos["action"][idx]),
                                                     action_masks=demos["mask"][idx])
            loss = bc = -log_prob.mean()
            if head is not None:
                target = torch.as_tensor(demos["presence"][idx]).float()
                aux = torch.nn.functional.binary_cross_entropy_with_logits(head(fmap["h"]), target, reduction="none")
                loss = loss + aux_types * aux.sum(1).mean()
            if head_h is not None:
                target = torch.as_tensor(demos["hazard"][idx]).float().unsqueeze(1)
                loss = loss + aux_hazard * torch.nn.functional.binary_cross_entropy_with_logits(
                    head_h(fmap["h"]), target, pos_weight=torch.tensor(HAZARD_POS_WEIGHT))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(bc.detach()) * len(idx)
        sched.step()
        losses.append(total / n)
    if hook is not None:
        hook.remove()
    return losses


def bc_accuracy(model: MaskablePPO, demos: dict[str, np.ndarray]) -> float:
    hits = 0
    for start in range(0, len(demos["action"]), 256):
        sl = slice(start, start + 256)
        obs = {"image": demos["image"][sl], "instruction": demos["instruction"][sl]}
        a, _ = model.predict(obs, deterministic=True, action_masks=demos["mask"][sl])
        hits += int((a == demos["action"][sl]).sum())
    return hits / len(demos["action"])


# --------------------------------------------------------------------------- 2. PPO-Lagrangian
class VecLagrangian(VecEnvWrapper):
    """reward <- reward - lambda * cost (cost = info["cost"]), lambda set by the callback."""

    def __init__(self, venv: VecEnv, lam: float) -> None:
        super().__init__(venv)
        self.lam = lam

    def reset(self) -> np.ndarray:
        return self.venv.reset()

    def step_wait(self):  # type: ignore[no-untyped-def]
        obs, rewards, dones, infos = self.venv.step_wait()
        costs = np.array([float(i.get("cost", 0.0)) for i in infos], dtype=np.float32)
        return obs, rewards - self.lam * costs, dones, infos


class LagrangeCallback(BaseCallback):
    """After each rollout: update lambda from the mean episode cost; log return/cost/lambda."""

    def __init__(self, venv: VecLagrangian, cost_limit: float, lr: float) -> None:
        super().__init__()
        self.venv_l, self.cost_limit, self.lr = venv, cost_limit, lr
        self.ep_ret = np.zeros(venv.num_envs)
        self.ep_cost = np.zeros(venv.num_envs)
        self.finished: list[tuple[float, float]] = []
        self.rows: list[dict[str, float]] = []

    def _on_step(self) -> bool:
        infos, dones = self.locals["infos"], self.locals["dones"]
        for i, info in enumerate(infos):
            self.ep_cost[i] += float(info.get("cost", 0.0))
            self.ep_ret[i] += float(self.locals["rewards"][i]) + self.venv_l.lam * float(info.get("cost", 0.0))
            if dones[i]:
                self.finished.append((self.ep_ret[i], self.ep_cost[i]))
                self.ep_ret[i] = self.ep_cost[i] = 0.0
        return True

    def _on_rollout_end(self) -> None:
        if not self.finished:
            return
        rets, costs = np.array(self.finished).T
        self.finished = []
        self.venv_l.lam = max(0.0, self.venv_l.lam + self.lr * (float(costs.mean()) - self.cost_limit))
        self.rows.append({"timesteps": self.num_timesteps, "return": float(rets.mean()), "cost": float(costs.mean()),
                          "lambda": self.venv_l.lam})


class ResumePoints(BaseCallback):
    """Calls `save` at the start of a rollout (after the previous update) once `every` steps have passed since
    the last resume point (`every` 0: never)."""

    def __init__(self, save: Callable[[], None], every: int, last: int) -> None:
        super().__init__()
        self.save, self.every, self.last = save, every, last

    def _on_rollout_start(self) -> None:
        if self.every and self.model.num_timesteps - self.last >= self.every:
            self.save()
            self.last = self.model.num_timesteps

    def _on_step(self) -> bool:
        return True


def plot_curves(rows: list[dict[str, float]], bc_losses: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 4, figsize=(16, 3.2))
    ax[0].plot(bc_losses)
    ax[0].set_title("BC loss (epochs)")
    t = [r["timesteps"] for r in rows]
    for a, key in zip(ax[1:], ("return", "cost", "lambda")):
        a.plot(t, [r[key] for r in rows])
        a.set_title(f"episode {key}" if key != "lambda" else "Lagrange multiplier")
        a.set_xlabel("env steps")
    fig.tight_layout()
    fig.savefig(path, dpi=90)


# --------------------------------------------------------------------------- main
def print_eval(name: str, m: dict) -> None:
    print(f"[eval {name}] " + json.dumps({k: v for k, v in m.items() if k != "by_category"}), flush=True)


def new_model(venv: VecEnv, seed: int, args: argparse.Namespace) -> MaskablePPO:
    """A fresh MaskablePPO with the baseline's policy (its initial weights fixed by `seed`)."""
    model = MaskablePPO("MultiInputPolicy", venv, seed=seed, n_steps=256 if not args.smoke else 64,
                        batch_size=64, n_epochs=4, learning_rate=args.ppo_lr, gamma=0.95, ent_coef=0.0, verbose=0,
                        policy_kwargs={"features_extractor_class": SituationFeatures, "net_arch": [128],
                                       "activation_fn": torch.nn.ReLU})
    model.render_style = args.style  # saved with the checkpoint: PolicyAgent renders the same frames
    model.field_of_view = args.fov  # and with the same camera
    return model


def demonstrations(args: argparse.Namespace, t0: float) -> dict[str, Any]:
    """Step 1's expert demonstrations on the training pairs, as the flags ask (with the segmentation labels
    when an auxiliary loss or --object-colour needs them; parse_args rejects those with --init)."""
    labels = args.aux_types > 0 or args.aux_hazard > 0 or args.object_colour > 0
    demos = collect_demos(args.size, args.style, args.bc_repeats, args.seed, 8 if args.smoke else None,
                          args.expert_mitigate, args.refuse_prefix, train_pair_ids(args.holdout_val), args.fov,
                          labels=labels, look_first=args.look_first)
    print(f"[bc] {len(demos['action'])} expert steps collected in {time.time() - t0:.0f}s", flush=True)
    return demos


def usage_error(message: str) -> SystemExit:
    """Print `message` as a usage error and return the exit (code 2) to raise."""
    print(f"error: {message}", file=sys.stderr)
    return SystemExit(2)


def check_init(args: argparse.Namespace) -> tuple[str, Path]:
    """(kind, path) of the --init checkpoint (checkpoint.resolve_checkpoint), checked against the flags: its member,
    render style and field of view; a usage error (exit 2) naming the problem otherwise."""
    try:
        kind, path = resolve_checkpoint(args.init)
        if kind == "legacy":
            if args.init_member is not None:
                raise CheckpointError(f"{path} is an SB3 zip: --init-member picks a member of a weights-only ensemble")
            return kind, path
        cfg = trained_config(path, args.init_member)  # the weights are read once, by init_model
    except CheckpointError as e:
        raise usage_error(f"--init: {e}") from None
    check_init_camera(args, str(cfg.get("render_style", "flat")), float(cfg.get("field_of_view", DEFAULT_FOV)))
    return kind, path


def check_init_camera(args: argparse.Namespace, style: str, fov: float) -> None:
    """A usage error unless the --init checkpoint was trained on this run's render style and field of view."""
    if style != args.style:
        raise usage_error(f"--init {args.init} was trained on {style} frames, not --style {args.style}")
    if fov != args.fov:
        raise usage_error(f"--init {args.init} was trained with a {fov:g} degree field of view, not --fov {args.fov:g}")


def init_model(venv: VecEnv, args: argparse.Namespace, init: tuple[str, Path]) -> MaskablePPO:
    """The --init checkpoint as a MaskablePPO on `venv`: a weights-only one's weights (member --init-member of an
    ensemble) in a new model of this run's settings, or an SB3 zip as saved (with its optimizer state)."""
    kind, path = init
    if kind == "weights":
        model = new_model(venv, args.seed, args)
        try:
            copy_trained_weights(model, path, args.init_member)
        except CheckpointError as e:
            raise usage_error(f"--init: {e}") from None
        member = "" if args.init_member is None else f"member {args.init_member} of "
        print(f"[init] {member}{path}.json: its trained weights (no refuse bias), a fresh optimizer", flush=True)
        return model
    model = MaskablePPO.load(path, env=venv, device="cpu", learning_rate=args.ppo_lr, seed=args.seed)
    check_init_camera(args, str(getattr(model, "render_style", "flat")),
                      float(getattr(model, "field_of_view", DEFAULT_FOV)))
    print(f"[init] {path}: an SB3 zip (weights and optimizer state)", flush=True)
    return model


def check_resume(args: argparse.Namespace, resume: Path, finished: Path) -> dict[str, Any] | None:
    """With --resume: the resume point's state, checked against the flags (all but --save-every as the run started);
    without it, None, and a usage error if --out holds an interrupted run (which a new run would overwrite)."""
    jpath = resume_json(resume)
    if not args.resume:
        if jpath.exists():
            raise usage_error(f"{args.out} holds an interrupted run ({jpath.name}): --resume continues it, "
                              "another --out starts a new one")
        return None
    if not jpath.exists():
        raise usage_error(f"--resume: no resume point in {args.out} ({jpath.name} is missing"
                          + (f"; the run there finished: {finished.name})" if finished.exists() else ")"))
    try:
        saved = read_resume_state(resume)
    except ResumeError as e:
        raise usage_error(f"--resume: {e}") from None
    now, then = flags(args), saved.get("metrics", {}).get("config", {})
    differ = [f"--{k.replace('_', '-')} (was {then.get(k)}, now {v})" for k, v in now.items()
              if then.get(k) != v and k != "save_every"]
    if differ:
        raise usage_error("--resume continues a run with the flags it started with; these differ: " + ", ".join(differ))
    return saved


def flags(args: argparse.Namespace) -> dict[str, str]:
    """The run's flags as strings (as metrics.json's config records them), without --resume."""
    return {k: str(v) for k, v in vars(args).items() if k != "resume"}


def main() -> None:
    args = parse_args()
    if args.smoke:
        args.bc_epochs, args.bc_repeats, args.ppo_steps, args.size = 2, 1, 2048, 64
        args.num_envs = args.num_envs if args.num_workers else 1
        args.eval_limit = args.eval_limit or 4
    name = "ppo_lagrangian_smoke" if args.smoke else "ppo_lagrangian"
    resume = args.out / f"{name}_resume"
    saved = check_resume(args, resume, args.out / f"{name}_metrics.json")  # a bad --resume or --init fails at once
    init = check_init(args) if args.init is not None and saved is None else None
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time() - (float(saved["seconds"]) if saved else 0.0)

    venv = VecLagrangian(make_train_venv(args), args.lambda_init)
    metrics: dict = {"config": flags(args)}
    bc_losses: list[float] = []
    if saved is not None:  # 0. --resume: the interrupted run's weights, optimizer state, multiplier and logs
        model = new_model(venv, args.seed, args)
        try:
            load_resume_point(resume, model.policy)
        except ResumeError as e:
            raise usage_error(f"--resume: {e}") from None
        metrics, bc_losses, venv.lam = saved["metrics"], saved["bc_losses"], float(saved["lambda"])
        model.num_timesteps = int(saved["num_timesteps"])
        metrics.setdefault("resumed_at", []).append(model.num_timesteps)
        # the envs restart their episodes: seeded afresh, so they do not replay the run's first ones
        venv.seed(args.seed + model.num_timesteps)
        torch.manual_seed(args.seed + model.num_timesteps)
        print(f"[resume] {resume}.json: {model.num_timesteps} of {args.ppo_steps} PPO steps done, "
              f"lambda {venv.lam:.3f}", flush=True)
    elif init is not None:  # continue from a checkpoint: no behaviour cloning
        model = init_model(venv, args, init)
        if args.init_bc:  # 1'. behaviour cloning from the checkpoint (not from fresh weights) on today's situations
            demos = demonstrations(args, t0)
            bc_losses = behaviour_cloning(model, demos, args.bc_epochs, args.seed, args.bc_lr, args.shift,
                                          args.color_perm)
            print(f"[bc] from --init: loss {bc_losses[0]:.3f} -> {bc_losses[-1]:.3f}, demo accuracy "
                  f"{bc_accuracy(model, demos):.3f} ({time.time() - t0:.0f}s)", flush=True)
            metrics["bc_final_loss"] = bc_losses[-1]
    else:
        # 1. demonstrations and behaviour cloning
        demos = demonstrations(args, t0)
        model = new_model(venv, args.seed, args)
        if args.pretrain_epochs > 0:  # 1b. a fresh CNN (of --pretrain-seed) learns to name object types first
            frames = exploration_frames(args.size, args.style, train_pair_ids(args.holdout_val), args.fov,
                                        8 if args.smoke else None, args.pretrain_labels)
            pre_seed = args.seed if args.pretrain_seed is None else args.pretrain_seed
            cnn = new_model(venv, pre_seed, args).policy.features_extractor.cnn
            pre_losses = pretrain_encoder(cnn, frames, args.pretrain_epochs, pre_seed, shift=args.shift,
                                          color_perm=args.color_perm)
            model.policy.features_extractor.cnn.load_state_dict(cnn.state_dict())
            metrics["pretrain"] = {"frames": len(frames["image"]), "losses": pre_losses}
            print(f"[pretrain] {len(frames['image'])} frames, loss {pre_losses[0]:.3f} -> {pre_losses[-1]:.3f} "
                  f"({time.time() - t0:.0f}s)", flush=True)
        bc_losses = behaviour_cloning(model, demos, args.bc_epochs, args.seed, args.bc_lr, args.shift, args.color_perm,
                                      args.aux_types, args.aux_hazard, args.object_colour)
        print(f"[bc] loss {bc_losses[0]:.3f} -> {bc_losses[-1]:.3f}, demo accuracy {bc_accuracy(model, demos):.3f} "
              f"({time.time() - t0:.0f}s)", flush=True)
        metrics["bc_final_loss"] = bc_losses[-1]
        if not args.no_test:
            metrics["test_after_bc"] = evaluate_policy_on_split(model, "test", args.size, limit=args.eval_limit,
                                                                style=args.style, shifts=args.test_time_shifts)
            print_eval("test after BC", metrics["test_after_bc"])

    # 2. PPO-Lagrangian fine-tuning, with resume points after BC, every --save-every steps and at the end
    cb = LagrangeCallback(venv, args.cost_limit, args.lambda_lr)
    cb.rows = list(saved["rows"]) if saved else []

    def save_point() -> None:
        save_resume_point(resume, model.policy, {
            "num_timesteps": model.num_timesteps, "lambda": venv.lam, "rows": cb.rows, "bc_losses": bc_losses,
            "metrics": metrics, "seconds": round(time.time() - t0, 1)})  # metrics["config"]: the flags

    if saved is None:
        model.num_timesteps = 0  # (an --init zip's count): learn() starts from 0 as well
        save_point()
    done = model.num_timesteps
    if done < args.ppo_steps:
        points = ResumePoints(save_point, args.save_every, done)
        model.learn(total_timesteps=args.ppo_steps - done, callback=[cb, points], reset_num_timesteps=saved is None)
        save_point()
    venv.close()
    print(f"[ppo] {args.ppo_steps} steps, lambda={venv.lam:.3f} ({time.time() - t0:.0f}s)", flush=True)
    model.save(args.out / f"{name}.zip")  # for --init (SB3's format: pickles, so only for your own runs)
    tta = {} if args.test_time_shifts == (0,) else {"test_time_shifts": list(args.test_time_shifts)}
    save_policy(model, args.out / name, render_style=args.style, extra=tta)  # what the policy agent loads
    with open(args.out / f"{name}_log.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["timesteps", "return", "cost", "lambda"])
        w.writeheader()
        w.writerows(cb.rows)
    plot_curves(cb.rows, bc_losses, args.out / f"{name}_curves.png")

    # 3. evaluation: every pair of each split, both variants
    metrics["train_seconds"] = round(time.time() - t0, 1)
    for key, split, ids in evaluations(args.holdout_val, args.no_test):
        metrics[key] = evaluate_policy_on_split(model, split, args.size, limit=args.eval_limit, style=args.style,
                                                pair_ids=ids, shifts=args.test_time_shifts)
        print_eval(key, metrics[key])
    (args.out / f"{name}_metrics.json").write_text(json.dumps(metrics, indent=1))
    remove_resume_point(resume)


if __name__ == "__main__":
    main()
