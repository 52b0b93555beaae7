#!/usr/bin/env bash
# Idempotent set-up of the Ray/RLlib virtualenv (separate from the main one: ray[rllib] pins its own
# gymnasium, 1.2.2 for Ray 2.5x-2.60, while the main venv tests the newest gymnasium).
# Usage: bash scripts/setup_ray.sh [VENV_DIR]   (default: .venv-ray in the repo, gitignored)
# Then: source .venv-ray/bin/activate && python policies/train_rllib.py --help
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-.venv-ray}"
PYTHON="${PYTHON:-python3}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
# torch first and pinned (the CPU wheel): left to ray, pip pulls a multi-GB CUDA build.
"$PY" -m pip install -q "torch==2.13.0"
# ray: RLlib; rl: safetensors + matplotlib for the exported policy and the learning curve; test: pytest;
# eval: inspect_ai + openai, for distributed evaluation (run --ray) in the Ray workers.
"$PY" -m pip install -q "torch==2.13.0" -e ".[ray,rl,test,eval]"
"$PY" -c 'import ray, gymnasium, torch, inspect_ai; print(f"ray {ray.__version__}, gymnasium {gymnasium.__version__}, torch {torch.__version__}, inspect_ai {inspect_ai.__version__}")'
