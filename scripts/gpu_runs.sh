#!/usr/bin/env bash
# Run ON THE DEVICE MACHINE (carry .gpu, made by scripts/gpu_bundle.sh): several training runs side by side
# on the one GPU, then every checkpoint evaluated there, everything packed into $OUT.
#
#   bash scripts/gpu_runs.sh PLAN
#
# PLAN is a bash fragment that calls `train NAME [model.train args]`, each run in the background (`&`);
# chain runs with `&&` (a float run, then QAT with --init "$W/NAME.pt").  Example: scripts/gpu_plan.sh.
# Each run resumes from .gpu/ckpt/NAME.pt when that is there (copy a previous session's checkpoint in).
# Give each run --anneal-minutes (or --max-minutes) so all end well inside the device call's time limit.
# Then each checkpoint (but a chain's float stage) is evaluated on the GPU (PSNR and SSIM on Set5, and on Set14 where .gpu/data has it)
# and $W is packed as $OUT/runs.tgz.part-* (the device returns files of at most 16 MiB); unpack here with
#   cat runs.tgz.part-* | tar xz
# Optimizer state is dropped from *_float.pt (the float stage of a chain: QAT needs only its weights).
set -uo pipefail
plan="${1:?usage: gpu_runs.sh PLAN}"
: "${OUT:?OUT must name the folder the results go to}"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .gpu/whl/*.whl \
  || exit 1
export PYTHONPATH="/tmp/site:$PWD" SR_DATA="$PWD/.gpu/data" PYTHONUNBUFFERED=1 OMP_NUM_THREADS=2
W="${W:-/tmp/runs}"
mkdir -p "$W" "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
(while sleep 30; do nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader; done) >"$W/gpu_util.log" 2>&1 &
util=$!
disown "$util"  # so that the plan's `wait` below waits for the runs only

train() {
  local name="$1"; shift
  [ -f ".gpu/ckpt/$name.pt" ] && [ ! -f "$W/$name.pt" ] && cp ".gpu/ckpt/$name.pt" "$W/$name.pt"
  echo "[$(date +%T)] start $name: $*"
  python3 -m model.train --out "$W/$name.pt" --resume --threads 2 "$@" >"$W/$name.log" 2>&1
  local rc=$?
  echo "[$(date +%T)] end $name: exit $rc; $(grep -o '{"iter[^}]*}' "$W/$name.log" | tail -1)"
  return $rc
}

# shellcheck source=/dev/null
source "$plan"
wait
kill "$util" 2>/dev/null

sets=set5
[ -d .gpu/data/set14 ] && sets=set5,set14
for ck in "$W"/*.pt; do  # side by side; a chain's float stage is not evaluated (its log has Set5)
  n="$(basename "$ck" .pt)"
  case "$n" in *_float) continue ;; esac
  python3 -m model.evaluate --checkpoint "$ck" --sets "$sets" --ssim --device "${EVAL_DEVICE:-cuda}" \
    --out "$W/$n.eval.json" >"$W/$n.eval.log" 2>&1 || echo "evaluation of $n failed: $(tail -3 "$W/$n.eval.log")" &
done
wait
python3 scripts/gpu_summary.py "$W" --strip-float-optimizer --out "$W/summary.json"
tar czf - -C "$W" . | split -b 15M - "$OUT/runs.tgz.part-"
ls -la "$OUT"
