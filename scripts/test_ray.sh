#!/usr/bin/env bash
# The Ray tests (pytest -m ray) in the Ray virtualenv: set it up (idempotent), then run them: RLlib on a local
# cluster, distributed evaluation (eval.distributed) on a local cluster, and a two-node cluster on this host
# (tests/test_two_node.py: it starts two `ray start` nodes on free ports and kills their process groups after).
# Usage: bash scripts/test_ray.sh [pytest args]   (RAY_VENV: the virtualenv, default .venv-ray)
# Fails if a test fails, if Ray is missing there (MSSBENCH_REQUIRE_RAY turns the skip into a failure),
# and if no test ran (pytest's exit code 5).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${RAY_VENV:-.venv-ray}"
bash scripts/setup_ray.sh "$VENV"
export MSSBENCH_REQUIRE_RAY=1
# a Ray started by a test must not join a cluster named by the caller's environment
unset RAY_ADDRESS
# Ray 2.60 turns on token authentication; the test clusters run without it
export RAY_AUTH_MODE=disabled
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -m ray -rs "$@" tests/test_rllib.py tests/test_ray_eval.py \
  tests/test_two_node.py tests/test_bench_ray.py
