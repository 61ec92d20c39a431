// The DMA descriptor, declared and connected in one line each (macros for
// the same reason as the AXI bundles in abacus_axi.svh: the supported
// Yosys takes no struct ports). Its one definition is here.
//
// Fields (port <p>_<field>_i / _o, wire <p>_<field>):
//   valid / ready       handshake (ready flows back)
//   store               0 load DRAM -> scratchpad, 1 store scratchpad -> DRAM
//   dram_addr [63:0]    DRAM byte address of the first row
//   rows      [15:0]    rows; row_bytes [15:0] bytes per row
//   stride    [31:0]    DRAM row stride in bytes
//   sp_addr   [31:0]    scratchpad byte address; sp_stride [15:0] its row stride
//   pad_top, pad_bottom, pad_left, pad_right [7:0]   padding rows/columns (loads)
//   pad_value [7:0]     the byte padding is filled with
//
//   `ABACUS_DESC_OUT_PORTS(desc)        a producer's port (the engines)
//   `ABACUS_DESC_IN_PORTS(desc)         a consumer's port (the DMA)
//   `ABACUS_DESC_WIRES(d)               logic d_valid ... d_pad_value
//   `ABACUS_DESC_OUT_CONNECT(desc, d)   a producer's port onto wires
//   `ABACUS_DESC_IN_CONNECT(desc, d)    a consumer's port onto wires
//   `ABACUS_DESC_IN_PASS(desc, desc)    a child consumer's port to our own
`ifndef ABACUS_DESC_SVH
`define ABACUS_DESC_SVH

`define ABACUS_DESC_OUT_PORTS(p) \
  output logic p``_valid_o, \
  input  logic p``_ready_i, \
  output logic p``_store_o, \
  output logic [63:0] p``_dram_addr_o, \
  output logic [15:0] p``_rows_o, \
  output logic [15:0] p``_row_bytes_o, \
  output logic [31:0] p``_stride_o, \
  output logic [31:0] p``_sp_addr_o, \
  output logic [15:0] p``_sp_stride_o, \
  output logic [7:0] p``_pad_top_o, \
  output logic [7:0] p``_pad_bottom_o, \
  output logic [7:0] p``_pad_left_o, \
  output logic [7:0] p``_pad_right_o, \
  output logic [7:0] p``_pad_value_o

`define ABACUS_DESC_IN_PORTS(p) \
  input  logic p``_valid_i, \
  output logic p``_ready_o, \
  input  logic p``_store_i, \
  input  logic [63:0] p``_dram_addr_i, \
  input  logic [15:0] p``_rows_i, \
  input  logic [15:0] p``_row_bytes_i, \
  input  logic [31:0] p``_stride_i, \
  input  logic [31:0] p``_sp_addr_i, \
  input  logic [15:0] p``_sp_stride_i, \
  input  logic [7:0] p``_pad_top_i, \
  input  logic [7:0] p``_pad_bottom_i, \
  input  logic [7:0] p``_pad_left_i, \
  input  logic [7:0] p``_pad_right_i, \
  input  logic [7:0] p``_pad_value_i

`define ABACUS_DESC_WIRES(p) \
  logic p``_valid, p``_ready, p``_store; \
  logic [63:0] p``_dram_addr; \
  logic [15:0] p``_rows, p``_row_bytes, p``_sp_stride; \
  logic [31:0] p``_stride, p``_sp_addr; \
  logic [7:0] p``_pad_top, p``_pad_bottom, p``_pad_left, p``_pad_right, p``_pad_value;

`define ABACUS_DESC_OUT_CONNECT(port, p) \
  .port``_valid_o(p``_valid), .port``_ready_i(p``_ready), .port``_store_o(p``_store), \
  .port``_dram_addr_o(p``_dram_addr), .port``_rows_o(p``_rows), .port``_row_bytes_o(p``_row_bytes), \
  .port``_stride_o(p``_stride), .port``_sp_addr_o(p``_sp_addr), .port``_sp_stride_o(p``_sp_stride), \
  .port``_pad_top_o(p``_pad_top), .port``_pad_bottom_o(p``_pad_bottom), .port``_pad_left_o(p``_pad_left), \
  .port``_pad_right_o(p``_pad_right), .port``_pad_value_o(p``_pad_value)

`define ABACUS_DESC_IN_CONNECT(port, p) \
  .port``_valid_i(p``_valid), .port``_ready_o(p``_ready), .port``_store_i(p``_store), \
  .port``_dram_addr_i(p``_dram_addr), .port``_rows_i(p``_rows), .port``_row_bytes_i(p``_row_bytes), \
  .port``_stride_i(p``_stride), .port``_sp_addr_i(p``_sp_addr), .port``_sp_stride_i(p``_sp_stride), \
  .port``_pad_top_i(p``_pad_top), .port``_pad_bottom_i(p``_pad_bottom), .port``_pad_left_i(p``_pad_left), \
  .port``_pad_right_i(p``_pad_right), .port``_pad_value_i(p``_pad_value)

`define ABACUS_DESC_IN_PASS(port, p) \
  .port``_valid_i(p``_valid_i), .port``_ready_o(p``_ready_o), .port``_store_i(p``_store_i), \
  .port``_dram_addr_i(p``_dram_addr_i), .port``_rows_i(p``_rows_i), .port``_row_bytes_i(p``_row_bytes_i), \
  .port``_stride_i(p``_stride_i), .port``_sp_addr_i(p``_sp_addr_i), .port``_sp_stride_i(p``_sp_stride_i), \
  .port``_pad_top_i(p``_pad_top_i), .port``_pad_bottom_i(p``_pad_bottom_i), .port``_pad_left_i(p``_pad_left_i), \
  .port``_pad_right_i(p``_pad_right_i), .port``_pad_value_i(p``_pad_value_i)

`endif
