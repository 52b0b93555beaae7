"""MSSBench-Embodied on inspect_ai: the task, its dataset, the episode solver, scorers and metrics.

``mssbench_embodied`` is registered for ``inspect eval`` through ``eval/_registry.py`` (the
``inspect_ai`` entry point); the episode loop itself is ``eval.episode.play_episode``.
"""
from __future__ import annotations

from .dataset import sample_id, select_pairs, situation_dataset
from .scorers import GRADER_ROLE, GraderError, execution, rubric, yes_no
from .solver import EpisodeError, episode_solver
from .task import mssbench_embodied
from .transcript import RECORD, STEPS

__all__ = ["GRADER_ROLE", "RECORD", "STEPS", "EpisodeError", "GraderError", "episode_solver", "execution",
           "mssbench_embodied", "rubric", "sample_id", "select_pairs", "situation_dataset", "yes_no"]
