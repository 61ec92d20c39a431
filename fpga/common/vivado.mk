# Shared Vivado non-project flow. A board Makefile sets these and includes
# this file (never a copy per board):
#   FPGA_PART     device, e.g. xcvu9p-flga2104-2L-e
#   FPGA_BOARD    board part for IP board interfaces, e.g. xilinx.com:vcu118:part0:2.4
#   FPGA_TOP      top module
#   SYN_FILES     board-specific HDL (the thin top)
#   XDC_FILES     constraints
#   IP_TCL_FILES  Tcl scripts that create and configure the IP (create_ip + set_property)
#   DEFINES       Verilog defines
#   CORE_MHZ      Abacus's clock (the board sets its default; make CORE_MHZ=... overrides)
#   BOARD_OPTIONS board settings with their allowed values, VAR:v1,v2 (checked here;
#                 the board Makefile exports them to its IP scripts)
# The RTL itself comes from rtl/abacus.f. Targets: bitstream, program, clean.
# Outputs land in build/ next to the board Makefile: the .bit, and beside it
# the timing, utilization, DRC, route-status and clock reports, logs. The
# bitstream is written only if sign-off passes (fpga/common/build.tcl).

ROOT ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
BUILD ?= build
VIVADO ?= vivado
BUILD_ID ?= $(shell git -C $(ROOT) rev-parse --short=8 HEAD 2>/dev/null || echo 0)
ARRAY ?= 32
CORE_MHZ ?= 100
# 1: write the bitstream even when sign-off fails (timing, routing, DRC); experiments only
ALLOW_VIOLATIONS ?= 0
VIVADO_ARGS = -mode batch -notrace -nojournal

.PHONY: bitstream program clean check-vivado check-config

# make print-VAR: the value of a variable (used by tests/fpga/check_flow.sh)
print-%:
	@echo '$($*)'

check-vivado:
	@command -v $(VIVADO) >/dev/null 2>&1 || { \
	  echo "error: '$(VIVADO)' is not on PATH: 'make bitstream' needs AMD Vivado (2022.2 or later)." >&2; \
	  echo "       Install it, source its settings64.sh, and run again. Nothing was built." >&2; \
	  exit 1; }

# The build's own settings, checked before Vivado is looked for: ARRAY sets
# Abacus's bus (8 bits per column), which must be an AXI data width.
check-config:
	@case " 4 8 16 32 64 " in *" $(ARRAY) "*) ;; *) \
	  echo "error: ARRAY=$(ARRAY): the array size must be 4, 8, 16, 32 or 64 (bus = 8 bits per column). Nothing was built." >&2; \
	  exit 1;; esac
	@echo "$(CORE_MHZ)" | grep -Eq '^[0-9]+(\.[0-9]+)?$$' && \
	  awk 'BEGIN { exit !($(CORE_MHZ) >= 10 && $(CORE_MHZ) <= 400) }' || { \
	  echo "error: CORE_MHZ=$(CORE_MHZ): Abacus's clock must be a frequency in MHz, 10 to 400. Nothing was built." >&2; \
	  exit 1; }
	@case "$(ALLOW_VIOLATIONS)" in 0|1) ;; *) \
	  echo "error: ALLOW_VIOLATIONS=$(ALLOW_VIOLATIONS): must be 0 or 1. Nothing was built." >&2; exit 1;; esac
	@for opt in $(BOARD_OPTIONS); do \
	  var=$${opt%%:*}; allowed=$${opt#*:}; eval val=\"\$$$$var\"; \
	  ok=0; case "$$val" in ""|*,*) ;; *) case ",$$allowed," in *",$$val,"*) ok=1;; esac;; esac; \
	  case $$ok in 1) ;; *) \
	    echo "error: $$var=$$val: must be one of $$allowed (docs/fpga.md). Nothing was built." >&2; exit 1;; esac; \
	done

bitstream: check-config check-vivado
	@mkdir -p $(BUILD)
	cd $(BUILD) && $(VIVADO) $(VIVADO_ARGS) -source $(ROOT)/fpga/common/build.tcl -tclargs \
	  --part "$(FPGA_PART)" --board "$(FPGA_BOARD)" --top "$(FPGA_TOP)" --root "$(ROOT)" \
	  --filelist "$(ROOT)/rtl/abacus.f" --syn "$(abspath $(SYN_FILES))" --xdc "$(abspath $(XDC_FILES))" \
	  --ip "$(abspath $(IP_TCL_FILES))" --defines "$(DEFINES)" --generics "BuildId=32'h$(BUILD_ID) Array=$(ARRAY)" --core-mhz "$(CORE_MHZ)" \
	  --allow-violations "$(ALLOW_VIOLATIONS)"
	@echo "bitstream: $(BUILD)/$(FPGA_TOP).bit (reports beside it: $(BUILD)/$(FPGA_TOP).*.rpt)"

program: check-vivado
	@test -f $(BUILD)/$(FPGA_TOP).bit || { echo "error: $(BUILD)/$(FPGA_TOP).bit missing: run 'make bitstream' first" >&2; exit 1; }
	cd $(BUILD) && $(VIVADO) $(VIVADO_ARGS) -source $(ROOT)/fpga/common/program.tcl -tclargs --bit $(FPGA_TOP).bit

clean:
	rm -rf $(BUILD) .Xil
