# Training plan for one lent-GPU call: bash scripts/gpu_runs.sh scripts/gpu_plan.sh (on the device machine).
#
# Measured on the lent GPUs (2026-11-26; build/gpu1 logs, scripts/gpu_bench.py):
# - Four runs side by side on one H100 (board fine-tune, board 5 resblocks, two paper-size float->QAT
#   chains) kept the GPU 96-100 % busy, yet each ran slowly: the board runs 5.5 and 4.0 steps/s
#   (batch 32, LR patch 48), the paper-size float stages 5.7 and 4.3, the paper-size QAT stages 0.7 and
#   0.4 (their 301 activation-calibration steps, k-th value statistics, were all they reached).
# - One process alone on an H200, board model, batch 32, patch 48: 15.3 steps/s eager, 23.1 with
#   torch.compile (89 s to compile).  So: one run at a time, compiled.
# A board-model step makes about 11,000 ATen calls, 218 of them .item() (host syncs on a GPU; torch
# profiler on the CPU): Brevitas' quantisers are many small ops and QuantTensor reads flags with .item().
# The GPU is busy with launches and syncs, not work; processes side by side only time-slice it.
#
# This plan: the board-size Single-Spatial model (the attention variant the hardware builds next; 36.64 dB
# on Set5 after 24k CPU iterations at batch 16, LR patch 24) fine-tuned on bigger crops and batches.
#
# ANNEAL scales the budget (the CPU smoke test of this plan sets it tiny; COMPILE= drops --compile there).
A="${ANNEAL:-1}"
m() { python3 -c "print(round($1 * $A, 4))"; }
# If compiling fails, the run goes on eager from its last checkpoint (--resume keeps the wall-time schedule).
ss4=(--block Single-Spatial --channels 32 --resblocks 4 --init model/checkpoints/default.pt
     --lr 2e-4 --batch 32 --patch 48 --iters 100000000 --eval-every 2000 --anneal-minutes "$(m 8.0)")
train ss4_ft "${ss4[@]}" ${COMPILE---compile} || train ss4_ft "${ss4[@]}"
