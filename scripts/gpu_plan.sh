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
# - 2026-11-26 (second call): this plan with batch 32 fine-tuned the Single-Spatial board model on an H100,
#   compiled: 5,171 iterations in 8 min (10.8 steps/s with compile and evaluations), Set5 36.64 -> 36.68;
#   it became the default.  Then, eager on the same H100, Single-Spatial at LR patch 48: batch 32 7.0,
#   batch 64 9.7, batch 128 9.6 steps/s (reports/gpu/h100_bench_batch_2026-11-26.jsonl): a step costs the
#   same up to batch 128 at least, so a batch of 128 sees 4x the crops in the same time.
#
# - 2026-11-26 (third call, H200): ss6_grow, a 6-resblock Single-Spatial board model grown from the 4-resblock
#   default (model/grow.py), batch 128, lr 2e-4, 8 min compiled: 2,637 iterations, Set5 36.69 (level with the
#   default's 36.68): reports/gpu/h200_ss6_grow_2026-11-26.json.  Then scripts/gpu_bench.py on the same H200:
#   the board model trains 4.6x faster float (26.4 steps/s at batch 128, 19.0 at 256) than quantised (5.8).
#
# The fourth call's plan: the Both-Spatial-Spatial board model (C = 32, 4 resblocks; the hardware builds it since
# commit 0876fd6), started from the shipped Single-Spatial default with skip maps added near identity
# (model/grow.py add_skip_maps: Set5 36.682 quantised at step 0, calibrated on the CPU, vs the default's 36.683),
# two chains side by side (a quantised step is launch-bound: GPU 0-17 % busy alone):
# - bss4_warm: quantisation-aware straight away, batch 128, lr 2e-4 cosine over 8 min (its first 301 steps
#   calibrate the new maps' activation scales);
# - bss4_fwarm: float at batch 256 for 4.5 min (the fast mode), then quantisation-aware from it at batch 128
#   for 3.5 min at a tenth of the lr, as model.table1 does.
# Result (H200, 2026-11-26, reports/gpu/h200_bss4_warm_2026-11-26.json): bss4_warm Set5 36.67, bss4_fwarm 36.70
# (now model/checkpoints/board_bss4.pt); side by side the chains slowed each other (float 7.3 steps/s vs 19 alone).
#
# The fifth call (H200, 2026-11-27; reports/gpu/h200_c64_2026-11-27.json): the 64-channel Single-Spatial board
# model (model/checkpoints/board_c64.pt: Set5 36.71 quantised after 13,395 float + 6,001 quantisation-aware
# iterations on one CPU thread), one chain alone on the GPU:
# - c64_float: float at batch 256, LR patch 48, lr 5e-4 cosine over 4.5 min from board_c64's weights:
#   2,263 iterations (8.4 steps/s), Set5 36.89 float (model/checkpoints/default_float_stage.pt);
# - c64_gpu: quantisation-aware from it at batch 128, lr 1e-4, 3.5 min: 1,280 iterations (6.1 steps/s),
#   Set5 36.84 / Set14 32.47 quantised.  It became model/checkpoints/default.pt (the C = 32 default, 36.68,
#   is board_c32.pt).  A further 2.6 min of it at lr 3e-5 (944 iterations) stayed at 36.84.
#
# This plan (the next call): the float model was still rising at the end of its 4.5 min, and the quantised
# one lost 0.05 dB to it; so the same chain again, from the float stage, at a lower peak lr:
# - c64b_float: float, batch 256, lr 3e-4 cosine over 4.5 min, from default_float_stage.pt;
# - c64b_gpu: quantisation-aware from it, batch 128, lr 1e-4, 3.5 min.
# Then: make hls CHECKPOINT=... (the default's pynq-z2 folding file applies: copy it beside the new .pt), make sim.
# New since the fifth call: model.train crops the training images on the GPU (model/data.py DeviceBank,
# --device-crops auto) and reads the loss every 100 steps instead of every step.  At batch 256 the host-side crop
# loop and float conversion took 76 ms per step on this CPU against the 119 ms the whole float step took on the
# H200 (8.4 steps/s, GPU 17-46 % busy): compare this call's steps/s with 8.4 and 6.1.
#
# Result (sixth call, H200, 2026-11-27, reports/gpu/h200_c64b_2026-11-27.json; the float stage at 4.75 min):
# c64b_float 5,056 iterations at 17.7 steps/s (the GPU crops doubled the float rate; GPU 78-91 % busy), Set5 36.98
# float; c64b_gpu 1,416 iterations at 6.7 steps/s, Set5 36.91 / Set14 32.52 quantised: the default since.  The
# quantised stage still loses 0.07 dB to the float one, and 5e-5 instead of 1e-4 lost 0.02 more.
#
# The next call's plan: the float stage rose 0.09 dB in its second 4.75 min (36.89 -> 36.98) and was still rising at
# its 4,000-iteration evaluation (36.97); so once more from it at a lower peak lr, and the quantised stage at batch
# 192 (a quantised step is launch-bound: more crops per step for about the same time):
# - c64d_float: float, batch 256, lr 2e-4 cosine over 4.75 min, from default_float_stage.pt (36.98);
# - c64d_gpu: quantisation-aware from it, batch 192, lr 1e-4, 3.5 min.
# The default is replaced only if c64d_gpu beats 36.91 on Set5 (CPU `make eval`).
# Smoke-tested on the CPU (PATH=.venv/bin:$PATH OUT=/tmp/smoke W=/tmp/smoke_runs ANNEAL=0.01 EVAL_DEVICE=cpu, 3 min
# 16 s): one iteration of each stage ran, was evaluated and packed.
#
# Since commit ed5297b (2026-11-27, no GPU that session) a binary layer costs 6.1k FF instead of 9.0k, and a C = 64 model with
# 6 resblocks fits the board by Yosys (LUT 91 %, reports/pynq-z2/c64r6_grown): after this plan, a deeper default can be grown
# from the trained one (--init default.pt --resblocks 6; 5 resblocks would leave LUT at about 79 %).
#
# Since commit 9853597 (2026-11-27, no GPU that session) the hardware builds BBCU, and at the Table 1 x5 budget (C = 16,
# 2 resblocks, CPU) BBCU leads over three seeds: quantised Set5 35.57 (35.54-35.61) against Both-Spatial-Spatial 35.47,
# Single-Spatial and Base 35.27 (reports/table1_x5.md); BBCU's shift before Sign alone does not do it (Single-Spatial+Shift
# 35.29).  A 64-channel BBCU board model has no trained start: the default took 125 CPU minutes and two GPU stages to
# reach 36.98 float, so a BBCU one would take more than one lent session (train --resume continues across calls).
# This plan stays the Single-Spatial chain, the surer step towards 37.0.
#
# Result (seventh call, H200, 2026-11-27, reports/gpu/h200_c64d_2026-11-27.json): c64d_float 5,229 iterations at 18.4
# steps/s, Set5 **37.03 float** (model/checkpoints/c64d_float.pt); c64d_gpu (batch 192) 1,389 iterations, Set5 36.85 /
# Set14 32.49 quantised; a second call, c64e_gpu, the quantisation-aware stage again at batch 128 for 2.9 min (1,126
# iterations): Set5 36.91 / Set14 32.55, level with the default (36.91 / 32.52).  Not kept.  The quantised stage is now
# the limit: from a float model 0.05 dB better it ended level.
#
# Where the quantised model loses (scripts/quant_sensitivity.py on c64d_float, reports/quant_sensitivity.json):
# calibrated but not trained, the quantised model is 0.48 dB below the float one, and of the widths only the residual
# stream's buys any of it back: 8 -> 10 bits +0.11 dB (t, tail, k +2 bits, attention logit and map at 16 bits: 0).
# The hardware builds any res_bits (tests/test_res_width_hw.py: 6 and 10 bit-exact with stalls).
#
# On the CPU (same session; README "The residual stream's width"): quantisation-aware from c64d_float, 4,000 iterations
# at batch 16, LR patch 24, one thread each, side by side: 10 bits Set5 36.96 (model/checkpoints/board_c64_r10.pt),
# 8 bits 36.89.
#
# The eighth plan (written 2026-11-27, never run: that session had no GPU) was the quantisation-aware stage from c64d_float
# at 10 and at 9 bits.  The next session made board_c64_r10.pt the default (Set5 36.96, `make eval`); two more CPU runs
# from it, 2,000 iterations at lr 3e-5 and 5e-5, stayed at 36.96 (reports/board_c64_r10_continue.json): the CPU stage
# has levelled off, 0.07 dB under its float start.  The float stage was still rising (36.89 -> 36.98 -> 37.03 over
# three 4.5-4.75 min GPU stages), so:
# This plan (the next call): one chain, alone on the GPU,
# - c64f_float: float from c64d_float.pt (37.03), batch 256, lr 1.5e-4 cosine over 4 min;
# - c64f_r10: quantisation-aware from it with the default's 10-bit residual stream, batch 128, lr 1e-4, 3.5 min.
# Replace the default only if c64f_r10 beats 36.96 on Set5 in the CPU `make eval` (board_c64_r10b.pt, the CPU 10-bit stage
# run 70 min with seed 1, has 36.98: the bar to clear); the default's folding file applies.
# Expect the float stage's first evaluation below 37.03: the CPU smoke test of this plan (one step at the warm-up's first
# lr, 7.5e-7) gave Set5 36.93, and with --lr 0 37.03.  That one Adam step moves every weight by about the lr and flipped
# 15-68 of the 36,864 signs of each binary layer (0.4-1.4 % of their latent weights lie within 1e-5 of 0): the binary
# layers' signs flicker while the lr is up; that fits the 0.05 dB the CPU 10-bit stage gained in its last 1,000 iterations,
# as its lr decayed to 0 (36.91 -> 36.96).
#
# Since then (2026-11-28, CPU, reports/qat_binary_lr_distill.json): the 10-bit stage from c64d_float with the binary
# latent weights at a tenth of the lr (--binary-lr 0.1) and an L1 term to the float model's output (--teacher
# c64d_float.pt) reached Set5 37.01 in 45 min (model/checkpoints/board_c64_r10kd.pt); without the teacher 36.97, with
# the signs frozen (--binary-lr 0) 36.94.  So the quantised stage below now distils from the float stage just trained,
# at --binary-lr 0.1; the bar to clear is board_c64_r10kd's 37.01.
# 2026-11-28: the call of this plan was refused (no new device machine lent at that time); its CPU smoke test passed
# (ANNEAL=0.01, 3 min 12 s). board_c64_r10kd.pt became the default (Set5 37.01). model.train now takes
# --tail-weight-bits: calibrated but not trained, 10-bit tail weights gave +0.13 dB on c64d_float
# (reports/quant_sensitivity_head_tail.json), so the quantised stage runs twice from the float stage, side by side (a
# quantised step is launch-bound; each process has its own 2 threads on the 16 cores): as the default (8-bit tail
# weights) and with 10-bit tail weights. Compare each one's steps/s with the 6.7 of c64b_gpu alone. (On the CPU the same
# 10-bit-tail stage, 45 min, led the 8-bit one until 3,500 iterations and ended level: Set5 37.00 against 37.01,
# reports/qat_tail10_kd.json.)
# ANNEAL scales the budget (the CPU smoke test of this plan sets it tiny).
A="${ANNEAL:-1}"
m() { python3 -c "print(round($1 * $A, 4))"; }
c64=(--block Single-Spatial --channels 64 --resblocks 4 --patch 48 --iters 100000000 --eval-every 4000)
qat=(--init "$W/c64f_float.pt" --res-bits 10 --batch 128 --lr 1e-4 --binary-lr 0.1 --teacher "$W/c64f_float.pt"
     --anneal-minutes "$(m 3.5)")
train c64f_float "${c64[@]}" --float --init model/checkpoints/c64d_float.pt --batch 256 --lr 1.5e-4 \
    --anneal-minutes "$(m 4)" &&
  { train c64f_r10 "${c64[@]}" "${qat[@]}" & train c64f_r10t10 "${c64[@]}" "${qat[@]}" --tail-weight-bits 10 & wait; } &
