# Training plan for one lent-GPU call (bash scripts/gpu_runs.sh scripts/gpu_plan.sh, on the device machine).
# Four runs share the GPU for about 6 minutes of wall time each, so the call ends inside its 10-minute limit.
# ANNEAL scales every run's budget and PAPER_SIZE replaces the paper's size (the CPU smoke test sets both small).
A="${ANNEAL:-1}"
P="${PAPER_SIZE:---channels 64 --resblocks 16}"
m() { python3 -c "print(round($1 * $A, 4))"; }
# board model, the hardware's size (Base, C = 32, 4 resblocks): fine-tune the shipped default on bigger crops
train board4_ft --block Base --channels 32 --resblocks 4 --init model/checkpoints/default.pt --lr 2e-4 \
  --batch 32 --patch 48 --iters 100000000 --eval-every 4000 --anneal-minutes "$(m 6)" &
# one resblock more (about 86 % of the xc7z020's LUTs by the per-layer figures): QAT from scratch
train board5 --block Base --channels 32 --resblocks 5 --lr 1e-3 \
  --batch 32 --patch 48 --iters 100000000 --eval-every 4000 --anneal-minutes "$(m 6)" &
# the paper's size (16 x 64, EDSR backbone): float first, then QAT from it (QAT from scratch stalls here)
for blk in Base Both-Spatial-Spatial; do
  n="paper_$(echo "$blk" | tr 'A-Z-' 'a-z_')"
  (train "${n}_float" --block "$blk" --backbone edsr $P --float --lr 1e-3 \
     --batch 16 --patch 48 --iters 100000000 --eval-every 4000 --anneal-minutes "$(m 2.5)" &&
   train "$n" --block "$blk" --backbone edsr $P --init "$W/${n}_float.pt" --lr 5e-4 \
     --batch 16 --patch 48 --iters 100000000 --eval-every 4000 --anneal-minutes "$(m 3.5)") &
done
