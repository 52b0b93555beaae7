"""Evaluation: the episode loop, the episode record, metrics, the response rubric judge, the HTML report.

``play_episode`` runs an agent on one (pair id, variant) into an ``EpisodeRecord`` (the inspect
task in ``eval.inspect`` runs it per sample); ``summarize`` and ``rubric_summary`` score records;
``judge_response`` labels a response with the paper's rubric; ``write_report`` writes report.html;
``evaluate_policy_on_split`` evaluates a trained policy. The names below load their modules on first
use, so importing the package is cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .episode import play_episode
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

_EXPORTS: dict[str, str] = {  # public name -> the submodule that defines it
    "LABELS": "judge", "JudgeResult": "judge", "heuristic_label": "judge", "judge_messages": "judge",
    "judge_response": "judge", "parse_label": "judge", "rubric_correct": "judge", "yes_no_correct": "judge",
    "TABLE_COLUMNS": "metrics", "episode_correct": "metrics", "rubric_summary": "metrics", "summarize": "metrics",
    "RECORD_KEYS": "records", "EpisodeRecord": "records", "StepRecord": "records",
    "write_report": "report",
    "EVAL_MAX_STEPS": "rl_eval", "evaluate_policy_on_split": "rl_eval", "run_policy_episode": "rl_eval",
    "play_episode": "episode",
}

__all__ = ["EVAL_MAX_STEPS", "LABELS", "RECORD_KEYS", "TABLE_COLUMNS", "EpisodeRecord", "JudgeResult", "StepRecord",
           "episode_correct", "evaluate_policy_on_split", "heuristic_label", "judge_messages", "judge_response",
           "parse_label", "play_episode", "rubric_correct", "rubric_summary", "run_policy_episode", "summarize",
           "write_report", "yes_no_correct"]


__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
