"""Train a binary SR network: L1 loss, Adam, cosine decay, HR crops with dihedral augmentation.

    python -m model.train --block Base --channels 32 --resblocks 2 --iters 4000 --out ck.pt
    python -m model.train --float ... --out float.pt                 # float model (quantisers off)
    python -m model.train --init float.pt ... --out qat.pt           # quantisation-aware fine-tuning
    python -m model.train --init ck4.pt --resblocks 6 ... --out ck6.pt  # grow a trained model deeper
    python -m model.train --init float.pt --res-bits 10 ... --out qat10.pt  # a wider residual stream
    python -m model.train --init float.pt --tail-weight-bits 10 ...  # wider tail weights (--head-weight-bits too)
    python -m model.train --init float.pt --binary-lr 0.1 --teacher float.pt ... --out qat.pt
        # QAT with the binary latent weights at a tenth of the rate, distilled from the float model
    torchrun --nproc_per_node 4 -m model.train ...                   # several GPUs (DDP)

With ``--anneal-minutes M`` the cosine schedule runs on wall time instead of iterations: it decays from
where the run starts (0, or the progress a resumed checkpoint saved) to zero over M minutes and the run
then ends, so a run on a lent GPU of fixed length finishes annealed whatever its speed (``--iters`` is
then only an upper bound).  Resumes from ``--out`` with ``--resume``; a checkpoint keeps the runs it
continues (``history``: the ``--init`` checkpoint's runs, oldest first; ``{"grow": ...}`` where ``--init``
had fewer resblocks and was grown, ``{"skip_maps": ...}`` where a Single-A one became Both-A-B, model/grow.py).
Logs loss (with the --teacher term, if any) and Set5 PSNR (of the model as configured: the quantised model is
what the hardware computes); runs on CPU or CUDA.  Data: ``$SR_DATA`` (default ``../shared/data``) with ``train/``.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
import brevitas.nn as qnn
from tqdm import tqdm

from model.arch import (BLOCKS, WIDTH_OPTIONS, BinarySRNet, SRConfig, load_checkpoint, load_state_dict_for_qat,
                        save_checkpoint)
from model.data import DeviceBank, PairBank, data_root
from model.evaluate import evaluate
from model.grow import grow_state_dict
from model.quant import ActQuant


STATS_STEPS = ActQuant.collect_stats_steps + 1  # steps until every runtime-statistics scale is a parameter
TRAIN_SETS = "train/t91,train/bsds500_test,train/bsd200"  # default --train-sets, under $SR_DATA
WARMUP_INIT = 200  # default --warmup of a run started from --init
_BANKS: dict = {}  # training pairs per (sets, scale): several runs in one process (model.table1) load once


def run_record(ck: dict) -> dict:
    """One training run of a checkpoint, as the history of the runs that continue it keeps it."""
    return {k: ck.get(k) for k in ("iter", "train_args", "log", "world_size", "device")}


def _distributed() -> tuple[int, int, int]:
    """(rank, world size, local rank); initialises the process group under torchrun."""
    if "WORLD_SIZE" not in os.environ or int(os.environ["WORLD_SIZE"]) == 1:
        return 0, 1, 0
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    torch.distributed.init_process_group(backend)
    return torch.distributed.get_rank(), torch.distributed.get_world_size(), int(os.environ.get("LOCAL_RANK", 0))


def _sync_from_rank0(model: torch.nn.Module) -> None:
    """Copy rank 0's floating-point parameters and buffers to every rank, in place (the tensors themselves:
    Brevitas' state_dict holds computed copies of some, e.g. a scale still collecting statistics)."""
    with torch.no_grad():
        for t in [*model.parameters(), *model.buffers()]:
            if torch.is_floating_point(t):
                torch.distributed.broadcast(t.data, 0)


def _check_ranks_agree(model: torch.nn.Module) -> None:
    """Fail unless every rank holds rank 0's parameters and buffers (DDP keeps them equal only if they start
    equal and are changed only by the all-reduced gradients)."""
    for name, t in model.state_dict().items():
        if not torch.is_floating_point(t):
            continue
        ref = t.detach().clone()
        torch.distributed.broadcast(ref, 0)
        if not torch.equal(ref, t):
            raise RuntimeError(f"rank {torch.distributed.get_rank()}: {name} differs from rank 0's "
                               f"(max |diff| {float((ref - t).abs().max()):.3g})")


def binary_weights(model: torch.nn.Module) -> list[torch.nn.Parameter]:
    """The latent weights of the binary convs (their forward pass uses Sign(W) and alpha = mean|W|)."""
    return [m.weight for m in model.modules()
            if isinstance(m, qnn.QuantConv2d) and int(m.weight_quant.bit_width()) == 1]


def param_groups(model: torch.nn.Module, binary_lr: float) -> list[dict]:
    """Adam groups with a ``lr_mult`` each: the binary latent weights at ``binary_lr`` (0: frozen, left out of the
    optimiser and of autograd) and every other parameter at 1."""
    if binary_lr < 0:
        raise ValueError(f"--binary-lr must be >= 0 (got {binary_lr})")
    binary = binary_weights(model)
    ids = {id(p) for p in binary}
    groups = [{"params": [p for p in model.parameters() if id(p) not in ids], "lr_mult": 1.0}]
    if binary_lr > 0:
        groups.append({"params": binary, "lr_mult": binary_lr})
    else:
        for p in binary:
            p.requires_grad_(False)
    return groups


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--block", default="Base", help=f"block variant (Table 1 name): {', '.join(sorted(BLOCKS))}")
    ap.add_argument("--backbone", default="board", help="board (LR tail + bilinear skip, the hardware's) or edsr")
    ap.add_argument("--channels", type=int, default=32)
    ap.add_argument("--resblocks", type=int, default=4)
    ap.add_argument("--res-bits", type=int, default=None,
                    help=f"width of the residual stream (default: --init's, else {SRConfig.res_bits}); it may differ "
                         "from --init's: the weights carry over and the activation scales keep their range")
    ap.add_argument("--head-weight-bits", type=int, default=None,
                    help=f"width of the head conv's weights (default: --init's, else {SRConfig.head_weight_bits}); "
                         "it may differ from --init's (the weight scale follows the weights)")
    ap.add_argument("--tail-weight-bits", type=int, default=None,
                    help=f"width of the tail conv's weights (default: --init's, else {SRConfig.tail_weight_bits}); "
                         "likewise")
    ap.add_argument("--float", dest="fp", action="store_true", help="train the float model (quantisers off)")
    ap.add_argument("--init", type=Path, help="start from this checkpoint's weights (e.g. float -> QAT); one with "
                    "fewer --resblocks is grown to the requested depth, a Single-A one into --block Both-A-B "
                    "(model/grow.py)")
    ap.add_argument("--iters", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=16, help="per process")
    ap.add_argument("--patch", type=int, default=32, help="LR patch size")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=-1,
                    help="linear learning-rate warm-up over this many iterations of a fresh optimizer; default: "
                         f"{WARMUP_INIT} with --init (a fresh Adam's first steps move every weight by about lr, "
                         "which wrecks a trained network), else 0")
    ap.add_argument("--binary-lr", type=float, default=1.0,
                    help="learning rate of the binary convs' latent weights, as a fraction of --lr; 0 freezes their "
                         "signs (and alpha = mean|W|) and trains only the multi-bit parameters and scales (QAT of a "
                         "float model whose signs already fit: a step at any rate flips some of them)")
    ap.add_argument("--teacher", type=Path,
                    help="distil from this checkpoint (run as the float model, frozen): the loss adds "
                         "--distill * L1(output, teacher's output) to L1(output, HR)")
    ap.add_argument("--distill", type=float, default=1.0, help="weight of the --teacher term")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True, help="checkpoint path")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--max-minutes", type=float, default=0,
                    help="stop (evaluate, save, exit 0) after this much wall time; --resume continues the schedule")
    ap.add_argument("--anneal-minutes", type=float, default=0,
                    help="cosine schedule over this much wall time (from the saved progress to 0), then stop")
    ap.add_argument("--compile", action="store_true",
                    help="torch.compile the training step once the activation scales are calibrated "
                         "(1.5x the steps/s of eager for the board model on an H200; about 90 s to compile)")
    ap.add_argument("--device-crops", choices=("auto", "on", "off"), default="auto",
                    help="hold the training images on the training device and crop them there (auto: on CUDA); "
                         "the same crops as the host path")
    ap.add_argument("--train-sets", default=TRAIN_SETS)
    a = ap.parse_args(argv)
    if a.iters < 1:
        ap.error(f"--iters must be at least 1 (got {a.iters}); to grow a checkpoint without changing it: --iters 1 --lr 0")
    if a.threads:
        torch.set_num_threads(a.threads)
    rank, world, local = _distributed()
    dev = torch.device(f"cuda:{local}" if torch.cuda.is_available() else "cpu")
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed patch size: let cuDNN pick its fastest kernels
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed * 1000 + rank)
    ick = torch.load(a.init, map_location="cpu", weights_only=False) if a.init else None
    src = SRConfig.from_dict(ick["config"]) if ick else None
    ck = torch.load(a.out, map_location=dev, weights_only=False) if a.resume and a.out.exists() else None
    done = SRConfig.from_dict(ck["config"]) if ck else None  # the run --resume continues: its width stays
    widths = {}  # the widths a run may change at --init: the weights' layout is the same at any of them
    for w in WIDTH_OPTIONS:
        flag = "--" + w.replace("_", "-")
        widths[w] = next(b for b in (getattr(a, w), done and getattr(done, w), src and getattr(src, w),
                                     getattr(SRConfig, w)) if b is not None)
        if widths[w] < 2:
            ap.error(f"{flag} must be at least 2 (got {widths[w]})")
        if done and getattr(done, w) != widths[w]:
            ap.error(f"{flag} {widths[w]}: {a.out} was trained with {getattr(done, w)}; --resume cannot change it")
    cfg = SRConfig(channels=a.channels, n_resblocks=a.resblocks, block=a.block, backbone=a.backbone, quant=not a.fp,
                   **widths)
    model = BinarySRNet(cfg)
    history = []  # the runs this one continues (--init), oldest first: what the weights went through
    if ick:
        state = ick["state_dict"]
        history = ick.get("history", []) + [run_record(ick)]
        for w in WIDTH_OPTIONS:  # a width, not a weight: the same state_dict layout
            if getattr(src, w) != getattr(cfg, w):
                history.append({w: {"from": getattr(src, w), "to": getattr(cfg, w), "init": str(a.init)}})
                src = replace(src, **{w: getattr(cfg, w)})
        if replace(src, quant=cfg.quant) != cfg:  # deeper or Both (else a clear error): grow it
            state, grown = grow_state_dict(state, src, cfg)
            for r in grown.values():
                r["init"] = str(a.init)
            history.append(grown)
            if rank == 0:
                print(f"grown from {a.init}: {json.dumps(grown)}", flush=True)
        load_state_dict_for_qat(model, state)
    model.to(dev)
    opt = torch.optim.Adam(param_groups(model, a.binary_lr), lr=a.lr)
    teacher = None
    if a.teacher:
        teacher = load_checkpoint(a.teacher, quant=False)[0].to(dev).eval()
        for p in teacher.parameters():
            p.requires_grad_(False)
    start, log, progress0, resumed = 0, [], 0.0, False
    if ck:
        resumed = True
        load_state_dict_for_qat(model, ck["state_dict"])
        opt.load_state_dict(ck["optimizer"])
        start, log, history = ck["iter"], ck.get("log", []), ck.get("history", history)
        progress0 = ck.get("progress", start / a.iters)
        rng = np.random.default_rng(a.seed * 1000 + rank + start)
    net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local] if dev.type == "cuda" else None) \
        if world > 1 else model
    key = (a.train_sets, cfg.scale)
    if key not in _BANKS:
        _BANKS[key] = PairBank([data_root() / s for s in a.train_sets.split(",")], cfg.scale)
    bank = _BANKS[key]
    n_images = len(bank.pairs)
    device_crops = a.device_crops == "on" or (a.device_crops == "auto" and dev.type == "cuda")
    if device_crops:
        bank = DeviceBank(bank, dev)
    if rank == 0:
        print(f"{n_images} training images{' (cropped on the device)' if device_crops else ''}; {world} process(es) "
              f"on {dev}; config {cfg.to_json()}", flush=True)
        a.out.parent.mkdir(parents=True, exist_ok=True)

    def save(it, progress):
        save_checkpoint(a.out, model, {"optimizer": opt.state_dict(), "iter": it, "progress": progress, "log": log,
                                       "train_args": {k: str(v) for k, v in vars(a).items()}, "world_size": world,
                                       "device": device_name, "history": history,
                                       "run_start": start})

    device_name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
    if a.anneal_minutes > 0 and progress0 >= 1:
        print(f"{a.out}: schedule already annealed (progress 1.0); nothing to do", flush=True)
        return
    t0, run_loss = time.time(), 0.0
    bar = tqdm(range(start, a.iters), initial=start, total=a.iters, mininterval=10, disable=rank != 0)

    def clock(it: int) -> float:
        """Schedule progress in [0, 1] before step ``it``: iterations, or wall time with --anneal-minutes
        (rank 0's clock, broadcast, so every rank applies the same learning rate)."""
        if a.anneal_minutes <= 0:
            return it / a.iters
        p = progress0 + (1 - progress0) * min(1.0, (time.time() - t0) / 60 / a.anneal_minutes)
        if world > 1:
            t = torch.tensor([p], dtype=torch.float64, device=dev)
            torch.distributed.broadcast(t, 0)
            p = float(t.item())
        return p

    warmup = a.warmup if a.warmup >= 0 else (WARMUP_INIT if a.init and not resumed else 0)
    progress = clock(start)
    for it in bar:
        ramp = min(1.0, (it - start + 1) / warmup) if warmup else 1.0
        for g in opt.param_groups:
            g["lr"] = a.lr * g["lr_mult"] * ramp * 0.5 * (1 + math.cos(math.pi * progress))
        if a.compile and it == max(start, STATS_STEPS if cfg.quant else 0):
            # not before: Brevitas' calibration steps take another code path, and compiling both recompiles
            net = torch.compile(net)
        net.train()
        x, y = bank.tensors(rng, a.batch, a.patch, dev)
        out = net(x)
        loss = (out - y).abs().mean()
        if teacher is not None:
            with torch.no_grad():
                t_out = teacher(x)
            loss = loss + a.distill * (out - t_out).abs().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if world > 1 and it < STATS_STEPS:
            # Brevitas calibrates each learned activation scale from runtime statistics of the first
            # STATS_STEPS batches, per process: without this the ranks start QAT from different scales.
            _sync_from_rank0(model)
        run_loss += loss.detach()  # read every 100 steps: a read per step would wait for the GPU each step
        if (it + 1) % 100 == 0:
            bar.set_postfix(loss=f"{float(run_loss) / 100:.5f}")
            run_loss = 0.0
        minutes = (time.time() - t0) / 60
        after = clock(it + 1)  # progress once this step is done
        annealed = a.anneal_minutes > 0 and after >= 1
        out_of_time = annealed or (a.max_minutes > 0 and minutes >= a.max_minutes)
        if world > 1 and a.max_minutes > 0:  # every rank stops at the same step: rank 0's clock decides
            flag = torch.tensor([float(out_of_time)], device=dev)
            torch.distributed.broadcast(flag, 0)
            out_of_time = bool(flag.item())
        if rank == 0 and ((it + 1) % a.eval_every == 0 or it + 1 == a.iters or out_of_time):
            model.eval()
            psnr = evaluate(model, ["set5"])["set5"]["psnr"]  # on the training device
            log.append({"iter": it + 1, "set5_psnr": psnr, "loss": loss.item(), "minutes": minutes,
                        "lr": opt.param_groups[0]["lr"]})
            print(json.dumps(log[-1]), flush=True)
            save(it + 1, after)
        if out_of_time:
            if rank == 0:
                why = "schedule annealed" if annealed else "out of time; --resume continues the schedule"
                print(f"stopped at iteration {it + 1} of {a.iters} after {minutes:.2f} min: {why}", flush=True)
            break
        progress = after  # one clock reading (and one broadcast under DDP) per step
    if world > 1:
        _check_ranks_agree(model)
        del net  # the DDP reducer must go before its process group, or the exit hangs (gloo)
        torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
