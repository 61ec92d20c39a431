# Abacus front door. `make sim` and `make test` install missing Debian
# packages (scripts/install-deps.sh; SKIP_DEPS=1 to leave packages alone),
# configure, build and run.
#
#   make sim     build everything, run the demonstration job
#   make test    build everything, run every test (ctest)
#   make lint    verilator -Wall and Yosys elaboration of rtl/abacus.f
#   make bench   performance measurements (docs/performance.md)
#   make wave    a short traced job: FST + GTKWave layout (opens with a display)
#   make soak    SOAK_JOBS random jobs in parallel processes (scripts/soak.sh)
#   make fuzz    FUZZ_TIME seconds of libFuzzer on the verilated top (scripts/fuzz.sh)
#   make coverage  line/toggle coverage of rtl/ from the tests (+ the fuzz corpus)
#   make synth-check  Yosys synth_xilinx of abacus_top: LUT/FF/DSP/BRAM table
#   make bitstream BOARD=vcu118|vc707   Vivado build (needs Vivado on PATH)
#   make program BOARD=vcu118|vc707     load the bitstream over JTAG
#   make format  clang-format the C++ sources
#   make clean   remove build outputs

# ARRAY=32: the verilated model, abacus and the tests of the whole accelerator
# at the boards' geometry (32x32, 256-bit bus), in their own build directory:
#   make sim ARRAY=32, make bench ARRAY=32, make test ARRAY=32
# (the last runs the tests that simulate abacus_top: ctest label
# "accelerator", tests/CMakeLists.txt). ARRAY also reaches make bitstream, where it is the
# array the bitstream is built with (fpga/common/vivado.mk).
SIM_ARRAY := $(if $(ARRAY),$(ARRAY),16)
ifeq ($(SIM_ARRAY),16)
BUILD_DIR ?= build
TEST_FILTER :=
else
BUILD_DIR ?= build/array$(SIM_ARRAY)
TEST_FILTER := -L accelerator
endif
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
WAVE_DIR ?= $(BUILD_DIR)/waves

.PHONY: all deps configure build test sim lint bench wave soak fuzz coverage format clean synth-check bitstream program

all: build

# SKIP_DEPS=1 (or ABACUS_SKIP_DEPS=1 in the environment): packages are managed
# otherwise; nothing is installed.
SKIP_DEPS ?= $(ABACUS_SKIP_DEPS)
deps:
	@if [ -n "$(SKIP_DEPS)" ] && [ "$(SKIP_DEPS)" != 0 ]; then echo "deps: SKIP_DEPS set, not checking packages"; \
	 else scripts/install-deps.sh; fi

configure: deps
	@mkdir -p $(BUILD_DIR) && cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DABACUS_ARRAY=$(SIM_ARRAY) \
	  > $(BUILD_DIR)/configure.log 2>&1 \
	  || { cat $(BUILD_DIR)/configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(TEST_FILTER)

sim: build
	$(BUILD_DIR)/sw/abacus info
	$(BUILD_DIR)/sw/abacus demo --mem-latency 100
	$(BUILD_DIR)/sw/abacus run models/fashion/fashion_cnn.onnx --dataset fashion-mnist:20 --batch 10 --check --mem-latency 100

lint: deps
	@scripts/lint.sh

BENCH_DIR ?= $(BUILD_DIR)/bench
# Random GEMMs and convolutions under random memory behaviour, one process per
# core, each job from its own seed (scripts/soak.sh: replay, cluster arrays).
SOAK_JOBS ?= 1000
soak: build
	scripts/soak.sh $(SOAK_JOBS) $(SOAK_SEED)

# Coverage-guided fuzzing (libFuzzer, clang): a clang build of the model in
# $(BUILD_DIR)/fuzz-build; findings in $(BUILD_DIR)/fuzz/findings.
FUZZ_TIME ?= 600
FUZZ_JOBS ?= 1
fuzz: build
	@if [ -n "$(SKIP_DEPS)" ] && [ "$(SKIP_DEPS)" != 0 ]; then :; else scripts/install-deps.sh fuzz; fi
	BUILD_DIR=$(BUILD_DIR) FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz.sh $(FUZZ_TIME)

# Line/toggle coverage of rtl/ from the simulation tests and the fuzz corpus
# (scripts/coverage.sh): $(BUILD_DIR)/coverage/html/index.html and summary.md.
coverage: build
	@if [ -n "$(SKIP_DEPS)" ] && [ "$(SKIP_DEPS)" != 0 ]; then :; else scripts/install-deps.sh coverage; fi
	BUILD_DIR=$(BUILD_DIR) scripts/coverage.sh

# The networks section: torchvision's quantizable ResNet-18 and MobileNetV2
# (random weights, 16 MB together, so generated rather than committed) with
# PyTorch's outputs for eight inputs, from Debian's python3-torch.
ZOO_DIR ?= build/models/zoo
$(ZOO_DIR)/mobilenet_v2_ref.npy: scripts/make_models.py
	@if [ -n "$(SKIP_DEPS)" ] && [ "$(SKIP_DEPS)" != 0 ]; then :; else scripts/install-deps.sh models; fi
	/usr/bin/python3 scripts/make_models.py zoo $(ZOO_DIR)

bench: build $(ZOO_DIR)/mobilenet_v2_ref.npy
	@mkdir -p $(BENCH_DIR)
	$(BUILD_DIR)/tb/abacus-dma-bench
	$(BUILD_DIR)/sw/abacus bench --mem-latency 100 --json $(BENCH_DIR)/bench.json \
	  --csv $(BENCH_DIR)/bench.csv --plot $(BENCH_DIR)/utilization.png
	$(BUILD_DIR)/sw/abacus bench --networks $(ZOO_DIR) --networks-only --mem-latency 100 \
	  --networks-json $(BENCH_DIR)/networks.json
	@echo "bench: tables above; $(BENCH_DIR)/bench.json, bench.csv, utilization.png, networks.json" 

# The whole accelerator running a small GEMM, and the compute core alone.
# Each run writes its GTKWave layout next to the trace (generated from
# sim/src/wave_layout.cpp: block labels, state and error names, real time
# at WAVE_MHZ, opened on the job with markers at START and DONE).
WAVE_MHZ ?= 100
wave: build
	@mkdir -p $(WAVE_DIR)
	$(BUILD_DIR)/sw/abacus gemm --m 32 --n 32 --k 48 --mem-latency 20 --trace-mhz $(WAVE_MHZ) --trace $(WAVE_DIR)/abacus.fst
	$(BUILD_DIR)/tb/abacus-core-demo --m 24 --n 16 --k 32 --trace-mhz $(WAVE_MHZ) --trace $(WAVE_DIR)/core_demo.fst
	@if [ -n "$$DISPLAY" ] && command -v gtkwave >/dev/null; then \
	  gtkwave $(WAVE_DIR)/abacus.fst $(WAVE_DIR)/abacus.gtkw & \
	else \
	  echo "No display: open with  gtkwave $(WAVE_DIR)/abacus.fst $(WAVE_DIR)/abacus.gtkw"; \
	  echo "      (the core alone:  gtkwave $(WAVE_DIR)/core_demo.fst $(WAVE_DIR)/core_demo.gtkw)"; \
	fi

# FPGA configuration (32x32) for both families; SYNTH_ROWS=16 for a quicker run.
SYNTH_ROWS ?= 32
synth-check: deps
	scripts/synth_check.sh xcup $(SYNTH_ROWS)
	scripts/synth_check.sh xc7 $(SYNTH_ROWS)

BOARDS := $(notdir $(wildcard fpga/vcu118 fpga/vc707))
bitstream program:
	@if [ -z "$(BOARD)" ] || [ ! -d fpga/$(BOARD) ]; then \
	  echo "error: say which board: make $@ BOARD=<$(subst $(subst ,, ),|,$(BOARDS))>" >&2; exit 1; fi
	$(MAKE) -C fpga/$(BOARD) $@

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) waves
