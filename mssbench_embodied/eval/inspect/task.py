"""The interactive benchmark as an inspect task: ``inspect eval mssbench_embodied/mssbench_embodied``.

    inspect eval mssbench_embodied/mssbench_embodied --model mockllm/model -T agent=oracle -T limit=5
    inspect eval mssbench_embodied/mssbench_embodied --model openai/gpt-4o -T agent=multiagent \\
        -T split=test --model-role grader=openai/gpt-4o
"""
from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.log import HeadlineMetric
from inspect_ai.scorer import Scorer

from ...agents.registry import agent_entry
from .dataset import situation_dataset
from .scorers import execution, rubric, yes_no
from .solver import agent_options, episode_solver, frame_config, probe_agent

__all__ = ["mssbench_embodied"]


@task
def mssbench_embodied(agent: str = "oracle", setting: str = "if", split: str = "all", pairs: str | None = None,
                      limit: int | None = None, size: int | None = None, style: str | None = None,
                      fov: float | None = None, max_steps: int = 16, seed: int = 0, guard: bool = True,
                      checkpoint: str | None = None, trust_checkpoint: bool = False, backend: str = "embedded",
                      workers: int = 1) -> Task:
    """MSSBench-Embodied: an agent acts in each situation pair's safe and unsafe variant.

    Args:
        agent: a registered agent (oracle, comply, refuse, random, policy, mllm, multiagent).
        setting: the mllm agent's MSSBench setting: if, qc, ic or ic_cap (the latter three add yes_no).
        split: train, test or all.
        pairs: pair ids or glob patterns, comma-separated (before ``limit``).
        limit: the first N selected pairs (each in both variants).
        size: frame size in pixels (default 512 for model agents, 300 for the others).
        style: render style, flat or legible (default legible for model agents, flat for the others).
        fov: vertical field of view in degrees (default 50 for model agents, 90 for the others).
        max_steps: steps before an episode is cut off.
        seed: env reset seed (and the random agent's).
        guard: the multi-agent pipeline's guard check before irreversible actions.
        checkpoint: the policy agent's checkpoint (default ``agents.checkpoint.DEFAULT_CHECKPOINT``, weights only).
        trust_checkpoint: load a legacy pickled Stable-Baselines3 zip (runs code from it).
        backend: embedded or thor.
        workers: processes for the episodes of an agent without a model (no effect on results; give
            inspect ``--max-samples`` at least this many). Model agents run in the eval's process.
    """
    opts = agent_options(agent, setting, seed, guard, checkpoint, trust_checkpoint)
    probe = probe_agent(agent, opts)
    scorers: list[Scorer] = [execution(), rubric()]
    agent_setting = getattr(probe, "setting", None)
    if agent_setting not in (None, "if"):
        scorers.append(yes_no())
    cfg = frame_config(probe, agent_entry(agent).needs_model, size, style, fov, max_steps, backend)
    return Task(
        dataset=situation_dataset(split, pairs, limit),
        solver=episode_solver(agent=agent, setting=setting, size=size, style=style, fov=fov, max_steps=max_steps,
                              seed=seed, guard=guard, checkpoint=checkpoint, trust_checkpoint=trust_checkpoint,
                              backend=backend, workers=workers),
        scorer=scorers,
        metadata={"agent": probe.name, "setting": agent_setting, "split": split, "seed": seed,
                  "max_steps": max_steps,
                  "size": cfg.size, "style": cfg.style, "fov": cfg.fov},
        headline_metric=HeadlineMetric(scorer="execution", metric="avg_acc"),
        version=1,
    )
