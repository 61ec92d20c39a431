// Assertion macros that stay live under Verilator --assert and vanish for
// synthesis. Clock clk_i and active-low reset rst_ni are implied.
`ifndef ABACUS_ASSERT_SVH
`define ABACUS_ASSERT_SVH

`ifndef SYNTHESIS
`define ABACUS_ASSERT(name, prop) \
  name: assert property (@(posedge clk_i) disable iff (!rst_ni) (prop)) \
    else $error("assertion %s failed in %m", `"name`");
`else
`define ABACUS_ASSERT(name, prop)
`endif

`endif
