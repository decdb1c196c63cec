# A short training plan for a lent GPU's last minutes: bash scripts/gpu_runs.sh scripts/gpu_plan_paper.sh
# The paper-size Both-Spatial-Spatial model (64 channels, 16 resblocks, EDSR backbone), float, continued from
# the 646 iterations of the first GPU call (build/gpu1, reports/gpu/h100_runs_2026-11-26.json) -- copy that
# checkpoint to .gpu/ckpt/paper_bss_float_646.pt first -- alone on the GPU, batch 32, lr 5e-4 cosine.
A="${ANNEAL:-1}"
m() { python3 -c "print(round($1 * $A, 4))"; }
train paper_bss_f2 --block Both-Spatial-Spatial --backbone edsr --channels 64 --resblocks 16 --float \
  --init .gpu/ckpt/paper_bss_float_646.pt --patch 48 --batch 32 --lr 5e-4 --iters 100000000 --eval-every 100000 \
  --anneal-minutes "$(m 2.4)" &
