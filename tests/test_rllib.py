"""RLlib: the exported policy (no Ray needed), and, marked ``ray``, the RLModule, remote env resolution and a
few PPO iterations of policies/train_rllib.py on a local Ray cluster (``ray.init(num_cpus=2)``).

The ``ray`` tests run in the Ray virtualenv (``bash scripts/test_ray.sh``); elsewhere they skip with a reason,
unless ``MSSBENCH_REQUIRE_RAY=1`` (set by test_ray.sh), which turns a missing Ray into a failure.
"""
from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="needs the rl extra (torch, safetensors)")

from mssbench_embodied.agents.checkpoint import CheckpointError  # noqa: E402
from mssbench_embodied.agents.rllib_policy import (  # noqa: E402
    MaskedSituationNet,
    load_rllib_policy,
    rl_module_class,
    save_rllib_policy,
)
from mssbench_embodied.agents.scripted import PolicyAgent  # noqa: E402
from mssbench_embodied.envs import MaskInObservation  # noqa: E402
from mssbench_embodied.eval.rl_eval import run_policy_episode  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HAVE_RAY = importlib.util.find_spec("ray") is not None
SIZE = 32


@pytest.fixture
def need_ray() -> None:
    if not HAVE_RAY:
        if os.environ.get("MSSBENCH_REQUIRE_RAY") == "1":
            pytest.fail("MSSBENCH_REQUIRE_RAY=1 but Ray is not installed in this interpreter")
        pytest.skip("Ray is not installed: these run in the Ray virtualenv (bash scripts/test_ray.sh)")


def _env(**kw: object) -> gym.Env:
    return gym.make("MSSBench/Situations-v0", width=SIZE, height=SIZE, max_steps=4, **kw)


# --------------------------------------------------------------------------- the export (no Ray)
def test_exported_policy_matches_the_net_and_respects_masks(tmp_path: Path) -> None:
    torch.manual_seed(0)
    env = _env()
    obs, info = env.reset(seed=0)
    net = MaskedSituationNet(int(env.action_space.n), channels=4, embed_dim=8, hidden=16)
    with torch.no_grad():
        net.pi.weight.normal_(std=1.0)  # a policy with clear preferences
    save_rllib_policy(net, tmp_path / "p", env.observation_space, render_style="flat", extra={"note": "test"})
    pol = load_rllib_policy(tmp_path / "p.json")
    assert pol.config["note"] == "test" and pol.render_style == "flat"
    batch = {k: torch.as_tensor(obs[k][None]) for k in ("image", "instruction")}
    with torch.no_grad():
        free, _ = net(batch)
    a, _ = pol.predict(obs, deterministic=True)
    assert int(a) == int(free.argmax())
    # only one allowed action: it is chosen, deterministic or sampled
    mask = np.zeros(int(env.action_space.n), dtype=bool)
    allowed = int(free.argmin())
    mask[allowed] = True
    assert int(pol.predict(obs, deterministic=True, action_masks=mask)[0]) == allowed
    assert {int(pol.predict(obs, action_masks=mask)[0]) for _ in range(5)} == {allowed}
    # the env's own mask: a sampled action is always allowed
    for _ in range(20):
        assert info["action_mask"][int(pol.predict(obs, action_masks=info["action_mask"])[0])]
    env.close()


def test_exported_policy_acts_through_the_policy_agent(tmp_path: Path) -> None:
    env = _env()
    net = MaskedSituationNet(int(env.action_space.n), channels=4, embed_dim=8, hidden=16)
    save_rllib_policy(net, tmp_path / "p", env.observation_space)
    pol = load_rllib_policy(tmp_path / "p")
    assert PolicyAgent(pol).frame_size == SIZE
    pair = env.unwrapped.pairs[0].id
    rec = run_policy_episode(pol, env, pair, "unsafe")
    assert rec.pair_id == pair and rec.error is None and 1 <= len(rec.steps) <= 4
    env.close()


def test_bad_exports_fail_with_one_line(tmp_path: Path) -> None:
    env = _env()
    net = MaskedSituationNet(int(env.action_space.n), channels=4, embed_dim=8, hidden=16)
    jpath, wpath = save_rllib_policy(net, tmp_path / "p", env.observation_space)
    env.close()
    cfg = json.loads(jpath.read_text())
    cfg["policy"]["hidden"] = 32  # weights no longer fit
    jpath.write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="weights do not fit"):
        load_rllib_policy(jpath)
    cfg["policy"]["hidden"] = "16"
    jpath.write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="policy.hidden must be a positive integer"):
        load_rllib_policy(jpath)
    cfg["algorithm"] = "MaskablePPO"
    jpath.write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="is not RLlibPPO"):
        load_rllib_policy(jpath)
    jpath.write_text("{")
    with pytest.raises(CheckpointError, match="not a JSON config"):
        load_rllib_policy(jpath)
    wpath.unlink()
    with pytest.raises(CheckpointError, match="missing"):
        load_rllib_policy(jpath)


@pytest.mark.skipif(HAVE_RAY, reason="checks the message shown when Ray is absent")
def test_rl_module_without_ray_says_how_to_install() -> None:
    with pytest.raises(ImportError, match="scripts/setup_ray.sh"):
        rl_module_class()


# --------------------------------------------------------------------------- RLlib (the ray marker)
@pytest.mark.ray
def test_rl_module_masks_logits_and_values(need_ray: None) -> None:
    from ray.rllib.core.columns import Columns

    env = MaskInObservation(_env())
    obs, _ = env.reset(seed=1)
    cls = rl_module_class()
    module = cls(observation_space=env.observation_space, action_space=env.action_space,
                 model_config={"channels": 4, "embed_dim": 8, "hidden": 16})
    batch = {Columns.OBS: {"action_mask": torch.as_tensor(obs["action_mask"][None]),
                           "observations": {k: torch.as_tensor(v[None]) for k, v in obs["observations"].items()}}}
    out = module.forward_exploration(batch)
    probs = torch.softmax(out[Columns.ACTION_DIST_INPUTS], -1)[0].detach().numpy()
    allowed = obs["action_mask"] > 0.5
    assert 0 < allowed.sum() < len(allowed)
    assert probs[~allowed].max() == 0.0 and abs(probs[allowed].sum() - 1.0) < 1e-5
    assert module.compute_values(batch).shape == (1,)
    env.close()


REMOTE_PROBE = textwrap.dedent("""
    import json, sys
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)

    @ray.remote
    def make(env_id):
        import gymnasium as gym
        fresh = "mssbench_embodied" not in sys.modules
        try:
            env = gym.make(env_id, width=32, height=32)
        except Exception as e:
            return fresh, type(e).__name__
        obs, info = env.reset(seed=0)
        env.close()
        return fresh, sorted(obs)

    print(json.dumps([ray.get(make.remote(i)) for i in ("MSSBench/Situations-v0",
                                                          "mssbench_embodied:MSSBench/Situations-v0")]))
    ray.shutdown()
""")


@pytest.mark.ray
@pytest.mark.slow
def test_a_fresh_ray_worker_resolves_the_module_id_form(need_ray: None, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", REMOTE_PROBE], capture_output=True, text=True, timeout=600,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    (fresh1, plain), (fresh2, qualified) = json.loads(out.stdout.strip().splitlines()[-1])
    assert fresh1 and fresh2  # the workers had not imported the package: registration is the id's job
    assert plain == "NamespaceNotFound"
    assert qualified == ["image", "instruction"]


@pytest.mark.ray
@pytest.mark.slow
def test_train_rllib_few_iterations_on_a_local_cluster(need_ray: None, tmp_path: Path) -> None:
    out_dir = tmp_path / "run"
    cmd = [sys.executable, str(REPO / "policies/train_rllib.py"), "--iterations", "2", "--size", str(SIZE),
           "--pairs", "2", "--num-cpus", "2", "--num-env-runners", "1", "--num-envs-per-env-runner", "1",
           "--train-batch", "64", "--minibatch", "32", "--epochs", "1", "--max-steps", "6", "--eval-pairs", "1",
           "--cost-limit", "-1", "--out", str(out_dir)]  # cost limit < 0: lambda must rise each iteration
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    with open(out_dir / "curve.csv") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["iteration"]) for r in rows] == [1, 2]
    steps = [int(r["env_steps"]) for r in rows]
    assert 64 <= steps[0] < steps[1]  # sampled by the remote env runner
    assert all(int(r["episodes"]) > 0 for r in rows)
    assert all(0.0 <= float(r["accuracy"]) <= 1.0 for r in rows)
    lams = [float(r["lambda"]) for r in rows]
    assert lams[0] == 1.0 and lams[1] > lams[0]  # the Lagrange multiplier moved
    assert (out_dir / "curve.png").stat().st_size > 0
    assert (out_dir / "rllib_checkpoint").is_dir()
    pol = load_rllib_policy(out_dir / "policy")
    assert pol.config["iterations"] == 2 and pol.config["env_steps"] == steps[-1]
    ev = json.loads((out_dir / "eval.json").read_text())
    assert ev["policy"]["episodes"] == ev["random_masked"]["episodes"] == 2
    env = _env()
    obs, info = env.reset(seed=3)
    a, _ = pol.predict(obs, deterministic=True, action_masks=info["action_mask"])
    assert info["action_mask"][int(a)]
    env.close()
