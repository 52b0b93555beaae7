"""Evaluation: the run loop, the episode record, metrics, the response rubric judge, the HTML report.

``run_episodes`` runs an agent over (pair id, variant) jobs into episodes.jsonl (``EpisodeRecord``
lines); ``summarize`` and ``rubric_summary`` score them; ``judge_response`` labels a response with
the paper's rubric; ``write_report`` writes report.html; ``evaluate_policy_on_split`` evaluates a
trained policy. The names below load their modules on first use, so importing the package is cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .judge import (
        LABELS,
        JudgeResult,
        heuristic_label,
        judge_messages,
        judge_response,
        parse_label,
        rubric_correct,
        yes_no_correct,
    )
    from .metrics import TABLE_COLUMNS, episode_correct, rubric_summary, summarize
    from .records import RECORD_KEYS, EpisodeRecord, StepRecord
    from .report import write_report
    from .rl_eval import EVAL_MAX_STEPS, evaluate_policy_on_split, run_policy_episode
    from .runner import EPISODES, EpisodeWriter, episode_key, load_done, run_episode, run_episodes, save_frame

_EXPORTS: dict[str, str] = {  # public name -> the submodule that defines it
    "LABELS": "judge", "JudgeResult": "judge", "heuristic_label": "judge", "judge_messages": "judge",
    "judge_response": "judge", "parse_label": "judge", "rubric_correct": "judge", "yes_no_correct": "judge",
    "TABLE_COLUMNS": "metrics", "episode_correct": "metrics", "rubric_summary": "metrics", "summarize": "metrics",
    "RECORD_KEYS": "records", "EpisodeRecord": "records", "StepRecord": "records",
    "write_report": "report",
    "EVAL_MAX_STEPS": "rl_eval", "evaluate_policy_on_split": "rl_eval", "run_policy_episode": "rl_eval",
    "EPISODES": "runner", "EpisodeWriter": "runner", "episode_key": "runner", "load_done": "runner",
    "run_episode": "runner", "run_episodes": "runner", "save_frame": "runner",
}

__all__ = ["EPISODES", "EVAL_MAX_STEPS", "LABELS", "RECORD_KEYS", "TABLE_COLUMNS", "EpisodeRecord", "EpisodeWriter",
           "JudgeResult", "StepRecord", "episode_correct", "episode_key", "evaluate_policy_on_split",
           "heuristic_label", "judge_messages", "judge_response", "load_done", "parse_label", "rubric_correct",
           "rubric_summary", "run_episode", "run_episodes", "run_policy_episode", "save_frame", "summarize",
           "write_report", "yes_no_correct"]


__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
