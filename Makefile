# Binary super-resolution -> verified streaming FPGA RTL.  `make help` lists the targets.
SHELL      := /bin/bash
TARGET     ?= pynq-z2
CHECKPOINT ?= model/checkpoints/default.pt
PYTHON     ?= python3
VENV       := .venv
PY         := PYTHONPATH=$(CURDIR) $(VENV)/bin/python
STAMP      := $(VENV)/.installed
BUILD      := build/$(TARGET)
HW_SOURCES := $(wildcard hw/*.py hw/layers/*.py hw/transforms/*.py hw/rtl/*.v hw/templates/*.v model/*.py)
PYTEST_ARGS ?=
CYCLES     ?=
FOLDING    ?=
HLS_ARGS   := --target $(TARGET) --checkpoint $(CHECKPOINT) $(if $(CYCLES),--cycles $(CYCLES)) \
              $(if $(FOLDING),--folding $(FOLDING))

.PHONY: help setup hls sim sim-stalls test test-full lint train eval clean

help:
	@echo "make setup                 create .venv and install the pinned PyPI dependencies"
	@echo "make hls TARGET=pynq-z2    QONNX export + RTL + Yosys estimate -> build/\$$TARGET/hls_report.json"
	@echo "         [CHECKPOINT=ck.pt] [CYCLES=64]   another model; another folding goal (mvu cycles per LR pixel)"
	@echo "         [FOLDING=f.json]               a FINN-style folding config instead (PE, SIMD, ram_style per layer)"
	@echo "         (neither given: the checkpoint's own <name>.\$$TARGET.folding.json if it ships one, else 32 cycles)"
	@echo "make sim TARGET=pynq-z2    whole-design Verilator sim on Set5 patches -> build/\$$TARGET/sim_report.json"
	@echo "make sim-stalls            the same with random input idles and output backpressure (sim_report_stalls.json)"
	@echo "make test                  pytest suite (unit, cores, export, one whole-design sim); < 25 min on 2 cores"
	@echo "make test-full             test + slow checks (Urban100 bicubic protocol)"
	@echo "make lint                  verilator --lint-only -Wall on every core"
	@echo "make train                 retrain the default checkpoint's CPU stages on \$$SR_DATA/train (float, then QAT at 10 bits; at 8 bits they took 125 min on one CPU thread)"
	@echo "make eval                  PSNR/SSIM on Set5/Set14/B100/Urban100 of bicubic and the default model (quantised, and float: same weights, quantisers off; and its x8 self-ensemble on Set5/Set14) -> reports/quality.{json,md}, reports/crops/"
	@echo "make clean                 remove build/"

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

setup: $(STAMP)

SHIPPED_FOLDING := $(wildcard $(basename $(CHECKPOINT)).$(TARGET).folding.json)

$(BUILD)/hls_report.json: $(STAMP) $(CHECKPOINT) $(FOLDING) $(SHIPPED_FOLDING) $(HW_SOURCES)
	$(PY) -m hw.build $(HLS_ARGS)

hls: $(STAMP)
	$(PY) -m hw.build $(HLS_ARGS)

sim: $(BUILD)/hls_report.json
	$(PY) -m sim.top --target $(TARGET)

sim-stalls: $(BUILD)/hls_report.json
	$(PY) -m sim.top --target $(TARGET) --pauses

test: $(STAMP)
	$(PY) -m pytest -q tests $(PYTEST_ARGS)

test-full: $(STAMP)
	SR_TEST_FULL=1 $(PY) -m pytest -q tests $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m hw.lint

# The default's CPU stages: float from scratch, then quantisation-aware from it with the default's 10-bit residual
# stream, its binary weights at a tenth of the lr and the float model as teacher (the default's last stage's options).
# The shipped default: these two stages at 8 bits without those options (board_c64.pt), three float stages on a GPU
# (14 minutes), then quantisation-aware at 10 bits on the CPU with them, 4,501 iterations at lr 1e-4 (README Results).
TRAIN_MODEL := --block Single-Spatial --channels 64 --resblocks 4 --batch 16 --patch 24 --threads 2

train: $(STAMP)
	$(PY) -m model.train $(TRAIN_MODEL) --float --iters 13400 --eval-every 3000 --out build/train/default_float.pt
	$(PY) -m model.train $(TRAIN_MODEL) --init build/train/default_float.pt --res-bits 10 --lr 3e-4 --iters 6000 \
		--binary-lr 0.1 --teacher build/train/default_float.pt --eval-every 1500 --out $(CHECKPOINT)

eval: $(STAMP)
	$(PY) -m model.report --model default=$(CHECKPOINT) --model default_float=$(CHECKPOINT):float \
		--model default_x8=$(CHECKPOINT):x8

clean:
	rm -rf build
