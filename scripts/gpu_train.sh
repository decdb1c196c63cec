#!/usr/bin/env bash
# Run ON THE DEVICE MACHINE (carry .gpu, made by scripts/gpu_bundle.sh): one training run, as a one-line
# plan for scripts/gpu_runs.sh (which installs the carried wheels, resumes from .gpu/ckpt/NAME.pt when it is
# there, evaluates the checkpoint on the GPU and packs it with its log into $OUT/runs.tgz.part-*).
# Bound the run with --anneal-minutes (or --max-minutes) well inside the call's limit.  Example:
#   bash scripts/gpu_train.sh board4 --block Base --channels 32 --resblocks 4 --batch 32 --patch 48 \
#        --iters 100000000 --anneal-minutes 7 --compile
set -euo pipefail
name="${1:?usage: gpu_train.sh NAME [model.train args]}"; shift
plan="$(mktemp)"
printf 'train %q' "$name" >"$plan"
printf ' %q' "$@" >>"$plan"
echo >>"$plan"
exec bash "$(dirname "$0")/gpu_runs.sh" "$plan"
