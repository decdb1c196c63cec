#!/usr/bin/env bash
# Run ON THE DEVICE MACHINE (carry .gpu, made by scripts/gpu_bundle.sh): install the carried wheels, train
# with model.train on the GPU, resuming from .gpu/ckpt/NAME.pt when it is there; the checkpoint and the log
# land in $OUT (copy $OUT/NAME.pt back into .gpu/ckpt/ to continue in a later session).  Stop well inside
# the command's time limit with --max-minutes.  Example (paper size, Base block):
#   bash scripts/gpu_train.sh base16x64 --block Base --channels 64 --resblocks 16 --backbone edsr \
#        --iters 300000 --batch 16 --patch 48 --eval-every 5000 --max-minutes 7
set -euo pipefail
name="$1"; shift
: "${OUT:?OUT must name the folder the checkpoint goes to}"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .gpu/whl/*.whl
export PYTHONPATH="/tmp/site:$PWD" SR_DATA="$PWD/.gpu/data" PYTHONUNBUFFERED=1
mkdir -p "$OUT"
if [ -f ".gpu/ckpt/$name.pt" ]; then cp ".gpu/ckpt/$name.pt" "$OUT/$name.pt"; fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 -m model.train --out "$OUT/$name.pt" --resume "$@" 2>&1 | tee "$OUT/$name.log"
