#!/usr/bin/env bash
# Run HERE (the CPU machine, which reaches PyPI): gather what a training run on the lent GPU machine needs
# into the git-ignored folder .gpu/ (name it in the device tool's `carry`):
#   .gpu/whl/   wheels of the Python packages the device image lacks (brevitas and its two pure deps)
#   .gpu/data/  the training images, Set5 and Set14 ($SR_DATA, default ../shared/data: the device cannot
#               see it; B100 and Urban100 would take the call over its 64 MiB)
#   .gpu/ckpt/  checkpoints to resume from (copy a previous run's $OUT/<name>.pt here yourself)
# Then on the device: bash scripts/gpu_runs.sh scripts/gpu_plan.sh, or scripts/gpu_train.sh NAME [train args].
set -euo pipefail
cd "$(dirname "$0")/.."
root="${SR_DATA:-../shared/data}"
for d in train set5 set14; do
  [ -d "$root/$d" ] || { echo "gpu_bundle: $root/$d not found (set SR_DATA)" >&2; exit 1; }
done
rm -rf .gpu.partial
mkdir -p .gpu.partial/whl .gpu.partial/data .gpu.partial/ckpt
.venv/bin/python -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux2014_x86_64 -d .gpu.partial/whl \
  "$(grep -i '^brevitas==' requirements.txt)" dependencies==2.0.1 unfoldNd==0.2.3
cp -r "$root/train" "$root/set5" "$root/set14" .gpu.partial/data/
[ -f "$root/MANIFEST.tsv" ] && cp "$root/MANIFEST.tsv" .gpu.partial/data/
[ -d .gpu/ckpt ] && cp -r .gpu/ckpt/. .gpu.partial/ckpt/
rm -rf .gpu && mv .gpu.partial .gpu
du -sh .gpu
