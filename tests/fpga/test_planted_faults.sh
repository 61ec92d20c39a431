#!/usr/bin/env bash
# The flow checks can see the faults an audit against Xilinx's board files,
# clocking and interconnect guides found (issue 16): each is planted in a
# copy of the tree and must fail the check that covers it, naming it; the
# unmodified copy must pass (the fpga.flow and rtl.lint tests run the same
# checks on the checkout itself).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

fresh() {  # a copy of what the checks read
  rm -rf "$tmp/t" && mkdir -p "$tmp/t/tests"
  cp -r "$src/fpga" "$src/constraints" "$src/rtl" "$tmp/t/" && cp -r "$src/tests/fpga" "$tmp/t/tests/"
}
# plant FILE PYTHON-OLD PYTHON-NEW: replace one exact text in the copy (it must be there)
plant() {
  python3 - "$tmp/t/$1" "$2" "$3" <<'PY' || { echo "FAIL: cannot plant into $1"; exit 1; }
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(f"{path}: expected exactly one '{old}'")
open(path, "w").write(text.replace(old, new))
PY
}
# expect NAME PATTERN CMD...: CMD fails and its output matches PATTERN
expect() {
  local name=$1 pattern=$2
  shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ $rc -ne 0 ] && echo "$out" | grep -Eq -- "$pattern"; then
    passed=$((passed + 1)); echo "ok: $name: $(echo "$out" | grep -E -m1 -- "$pattern" | cut -c1-200)"
  else
    failed=$((failed + 1)); echo "FAIL: $name: exit $rc, no line matching '$pattern':"; echo "$out" | tail -20
  fi
}
flow() { CHECK_FLOW_ONLY=flow bash "$tmp/t/tests/fpga/check_flow.sh" "$tmp/t"; }
elab() { bash "$tmp/t/tests/fpga/elaborate.sh" "$@"; }

fresh
if flow >/dev/null 2>&1 && elab vcu118 vc707 >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok: the unmodified copy passes"
else failed=$((failed + 1)); echo "FAIL: the unmodified copy does not pass"; flow | tail; fi

# 1: the VCU118 DDR4 interface of board file 2.3, not 2.4
fresh; plant fpga/vcu118/ip/ddr4.tcl 'ddr4_sdram_c1_$::env(DDR4_PART)' '{ddr4_sdram_c1}'
expect "fault 1 (vcu118 DDR4 board interface)" "C0_DDR4_BOARD_INTERFACE 'ddr4_sdram_c1' is not a ddr4 interface of board file xilinx.com:vcu118:part0:2.4" flow
# 2: a PCIe board interface the vc707 board file does not have
fresh; plant fpga/vc707/ip/xdma.tcl 'set xdma_board_interface Custom' 'set xdma_board_interface pci_express'
expect "fault 2 (vc707 PCIe board interface)" "PCIE_BOARD_INTERFACE 'pci_express' is not a pcie interface of board file xilinx.com:vc707:part0:1.4.*Valid values are - Custom$" flow
# 3: a BUFG_GT of ours between ODIV2 and XDMA's sys_clk
fresh; plant fpga/vcu118/abacus_vcu118.sv '.ODIV2(pcie_sys_clk));' '.ODIV2(pcie_refclk_div2));
  BUFG_GT u_refclk_bufg (.I(pcie_refclk_div2), .CE(1'"'"'b1), .CEMASK(1'"'"'b0), .CLR(1'"'"'b0), .CLRMASK(1'"'"'b0),
    .DIV(3'"'"'b000), .O(pcie_sys_clk));'
plant fpga/vcu118/abacus_vcu118.sv 'logic pcie_refclk_gt, pcie_sys_clk;' 'logic pcie_refclk_gt, pcie_sys_clk, pcie_refclk_div2;'
expect "fault 3 (BUFG_GT driving XDMA's own BUFG_GT)" "u_shell.u_xdma \(xdma\)\.sys_clk is driven by u_refclk_bufg \(BUFG_GT\)\.O, not directly by IBUFDS_GTE4\.ODIV2" elab vcu118
# 3b: a second input buffer on the same reference pad
fresh; plant fpga/vcu118/abacus_vcu118.sv '.CEB(1'"'"'b0), .O(pcie_refclk_gt), .ODIV2(pcie_sys_clk));' '.CEB(1'"'"'b0), .O(), .ODIV2(pcie_sys_clk));
  IBUFDS_GTE4 u_refclk2 (.I(pcie_refclk_p), .IB(pcie_refclk_n), .CEB(1'"'"'b0), .O(pcie_refclk_gt), .ODIV2());'
expect "fault 3b (two buffers on one reference clock)" "top port pcie_refclk_p is a differential reference pad with 2 loads" elab vcu118
# 3c (7-series): XDMA's sys_clk from ODIV2 instead of O
fresh; plant fpga/vc707/abacus_vc707.sv '.O(pcie_sys_clk), .ODIV2());' '.O(), .ODIV2(pcie_sys_clk));'
expect "fault 3c (vc707 sys_clk from ODIV2)" "u_shell.u_xdma \(xdma\)\.sys_clk is driven by u_refclk \(IBUFDS_GTE2\)\.ODIV2, not directly by IBUFDS_GTE2\.O" elab vc707
# 2b: the VC707's Custom PCIe endpoint without its lane placement
fresh; python3 - "$tmp/t/constraints/vc707/pcie.xdc" <<'PY'
import sys
p = sys.argv[1]
open(p, "w").writelines(l for l in open(p) if "GTXE2_CHANNEL" not in l or l.startswith("#"))
PY
expect "fault 2b (vc707 lanes not placed)" "xdma_0 is Custom x8 but the constraints place 0 transceivers" flow
# 4: a second make bitstream over an existing ip/ directory
fresh; plant fpga/common/build.tcl 'file delete -force ip' '# (ip/ kept)'
expect "fault 4 (ip/ from an earlier run)" "second run.*create_ip [a-z0-9_]+: the IP already exists" flow
# 5: the interconnect reset by XDMA alone
fresh; plant fpga/common/abacus_pcie_shell.sv '.INTERCONNECT_ARESETN(mem_rst_no),' '.INTERCONNECT_ARESETN(axi_aresetn),'
expect "fault 5 (partial reset of the interconnect)" "AXI interfaces are reset from different requests" elab vcu118
# 5a: per-slot reset inputs the IP-catalog interconnect does not have
fresh; plant fpga/common/abacus_pcie_shell.sv '.M00_AXI_ARQOS()' '.M00_AXI_ARQOS(),
    .S00_AXI_ARESETN(pcie_rst_n)'
expect "fault 5a (a port the interconnect does not have)" "Pin not found: 'S00_AXI_ARESETN'" elab vcu118
# 5c: a reset synchronizer on another domain's clock
fresh; plant fpga/common/abacus_pcie_shell.sv '(.clk_i(mem_clk_i),  .arst_ni(arst_n)' '(.clk_i(core_clk_i), .arst_ni(arst_n)'
expect "fault 5c (synchronizer on the wrong clock)" "its synchronizer u_shell.u_mem_rst is clocked by .*but the interface runs on" elab vcu118
# 5d: CPU_RESET resets the fabric but not XDMA's masters
fresh; plant fpga/vc707/abacus_vc707.sv '.pcie_reset_ni (pcie_reset_n && !reset),' '.pcie_reset_ni (pcie_reset_n),'
expect "fault 5d (button resets the fabric, not XDMA)" "board input reset resets the AXI fabric but not u_shell.u_xdma's sys_rst_n" elab vc707
# 6b: a constraint naming a synchronizer that does not exist
fresh; plant constraints/common/cdc.xdc 'u_shell/u_mem_rst/' 'u_shell/u_memory_rst/'
expect "fault 6b (constraint on a renamed instance)" "no instance u_memory_rst in the board's sources" flow
# 5b: a request without XDMA's reset (PERST# would reset nothing of ours)
fresh; plant fpga/common/abacus_pcie_shell.sv 'assign arst_n = sys_arst_ni & axi_aresetn;' 'assign arst_n = sys_arst_ni;'
expect "fault 5b (PERST# not in the reset request)" "does not include XDMA's axi_aresetn" elab vcu118
# 6: clock groups over the IPs' own crossings
fresh; printf 'set_clock_groups -asynchronous -group [get_clocks a] -group [get_clocks b]\n' >>"$tmp/t/constraints/vcu118/clocks.xdc"
expect "fault 6 (set_clock_groups)" "set_clock_groups .*UG903" flow

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
