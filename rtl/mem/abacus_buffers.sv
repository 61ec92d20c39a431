`include "abacus_assert.svh"
// The on-chip buffers and the load DMA's scratchpad address space.
//
// ibuf is four RAMs, its quarters (by the top two address bits), each with
// a read port of its own: GEMM reads one word a cycle from any quarter,
// DWCONV three words a cycle from three different quarters.
//
// The load DMA writes one space of words: the activation buffer (ibuf) at
// 0, the weight buffer (wbuf) after it, the parameter buffer (pbuf) after
// that; the write goes to the buffer the word address falls in. The
// compute engine reads ibuf and wbuf, the store engine pbuf; the store
// engine writes the output buffer (obuf), which the store DMA reads, and
// (STORE's TO_IBUF) ibuf, through the same write port as the load DMA:
// the load DMA has it first, the store engine's write waits (st_ib_wready_o
// low) in a cycle the load DMA writes the same quarter.
module abacus_buffers #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned IbufRows = 16384,
  parameter int unsigned WbufRows = 2048,
  parameter int unsigned PbufWords = 384,
  parameter int unsigned ObufRows = 256,
  localparam int unsigned DataBytes = DataWidth / 8,
  localparam int unsigned SpBytes = (IbufRows + WbufRows + PbufWords) * DataBytes,
  localparam int unsigned LdSpWordW = $clog2(SpBytes) - $clog2(DataBytes),
  localparam int unsigned StSpWordW = $clog2(ObufRows * DataBytes) - $clog2(DataBytes),
  localparam int unsigned IbAw = $clog2(IbufRows),
  localparam int unsigned QAw = IbAw - 2,  // (IbufRows: a power of two >= 8)
  localparam int unsigned WbAw = $clog2(WbufRows),
  localparam int unsigned PbAw = $clog2(PbufWords),
  localparam int unsigned ObAw = $clog2(ObufRows)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // load DMA writes (ibuf, wbuf, pbuf)
  input  logic                 ld_we_i,
  input  logic [LdSpWordW-1:0] ld_waddr_i,
  input  logic                 ld_we_next_i,     // ld_we_i and ld_waddr_i of the next cycle
  input  logic [LdSpWordW-1:0] ld_waddr_next_i,
  input  logic [DataWidth-1:0] ld_wdata_i,
  input  logic [DataBytes-1:0] ld_wstrb_i,
  // store engine writes into ibuf (TO_IBUF)
  input  logic                 st_ib_we_i,
  output logic                 st_ib_wready_o,
  input  logic [IbAw-1:0]      st_ib_waddr_i,
  input  logic [DataWidth-1:0] st_ib_wdata_i,
  input  logic [DataBytes-1:0] st_ib_wstrb_i,
  // compute engine reads: ibuf quarter q at [q*QAw +: QAw], [q*DataWidth +: DataWidth]
  input  logic [3:0]             ib_re_i,
  input  logic [4*QAw-1:0]       ib_raddr_i,
  output logic [4*DataWidth-1:0] ib_rdata_o,
  input  logic                 wb_re_i,
  input  logic [WbAw-1:0]      wb_raddr_i,
  output logic [DataWidth-1:0] wb_rdata_o,
  // store engine: parameters in, outputs out
  input  logic                 pb_re_i,
  input  logic [PbAw-1:0]      pb_raddr_i,
  output logic [DataWidth-1:0] pb_rdata_o,
  input  logic                 ob_we_i,
  input  logic [ObAw-1:0]      ob_waddr_i,
  input  logic [DataWidth-1:0] ob_wdata_i,
  // store DMA reads
  input  logic                 st_re_i,
  input  logic [StSpWordW-1:0] st_raddr_i,
  output logic [DataWidth-1:0] st_rdata_o
);
  // Which buffer the load DMA's write goes to, decoded a cycle ahead from
  // the DMA's next write and registered (reset like the DMA's write
  // enable). Decoded from the write's address, the ibuf decode and the
  // quarter's compare into the store engine's write-stage count were 2765
  // ps in the xcup 16x16 proxy run on 63d356e.
  // {pbuf, wbuf, ibuf}: the buffer a load-DMA write goes to
  function automatic logic [2:0] ld_decode(input logic we, input logic [LdSpWordW-1:0] addr);
    ld_decode = {we && 32'(addr) >= IbufRows + WbufRows,
                 we && 32'(addr) >= IbufRows && 32'(addr) < IbufRows + WbufRows,
                 we && 32'(addr) < IbufRows};
  endfunction
  logic to_ibuf, to_wbuf, to_pbuf;
  logic [LdSpWordW-1:0] wb_off, pb_off;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {to_pbuf, to_wbuf, to_ibuf} <= 3'b000;
    else {to_pbuf, to_wbuf, to_ibuf} <= ld_decode(ld_we_next_i, ld_waddr_next_i);
  end
  `ABACUS_ASSERT(BufDecodeAhead, {to_pbuf, to_wbuf, to_ibuf} == ld_decode(ld_we_i, ld_waddr_i))
  assign wb_off  = ld_waddr_i - LdSpWordW'(IbufRows);
  assign pb_off  = ld_waddr_i - LdSpWordW'(IbufRows + WbufRows);

  logic [IbAw-1:0] ld_ib_waddr;
  assign ld_ib_waddr    = IbAw'(ld_waddr_i);
  assign st_ib_wready_o = !(to_ibuf && ld_ib_waddr[IbAw-1 -: 2] == st_ib_waddr_i[IbAw-1 -: 2]);
  for (genvar q = 0; q < 4; q++) begin : g_ibuf
    logic ld_q, st_q;
    assign ld_q = to_ibuf && 32'(ld_ib_waddr[IbAw-1 -: 2]) == q;
    assign st_q = st_ib_we_i && 32'(st_ib_waddr_i[IbAw-1 -: 2]) == q;  // (not ld_q: only then is it ready)
    abacus_spad #(.Width(DataWidth), .Depth(IbufRows / 4)) u_ibuf (
      .clk_i(clk_i), .we_i(ld_q || st_q),
      .waddr_i(ld_q ? ld_ib_waddr[QAw-1:0] : st_ib_waddr_i[QAw-1:0]),
      .wdata_i(ld_q ? ld_wdata_i : st_ib_wdata_i), .wstrb_i(ld_q ? ld_wstrb_i : st_ib_wstrb_i),
      .re_i(ib_re_i[q]), .raddr_i(ib_raddr_i[q*QAw +: QAw]),
      .rdata_o(ib_rdata_o[q*DataWidth +: DataWidth]));
  end
  abacus_spad #(.Width(DataWidth), .Depth(WbufRows)) u_wbuf (
    .clk_i(clk_i), .we_i(to_wbuf), .waddr_i(WbAw'(wb_off)), .wdata_i(ld_wdata_i),
    .wstrb_i(ld_wstrb_i), .re_i(wb_re_i), .raddr_i(wb_raddr_i), .rdata_o(wb_rdata_o));
  abacus_spad #(.Width(DataWidth), .Depth(PbufWords)) u_pbuf (
    .clk_i(clk_i), .we_i(to_pbuf), .waddr_i(PbAw'(pb_off)), .wdata_i(ld_wdata_i),
    .wstrb_i(ld_wstrb_i), .re_i(pb_re_i), .raddr_i(pb_raddr_i), .rdata_o(pb_rdata_o));
  abacus_spad #(.Width(DataWidth), .Depth(ObufRows)) u_obuf (
    .clk_i(clk_i), .we_i(ob_we_i), .waddr_i(ob_waddr_i), .wdata_i(ob_wdata_i),
    .wstrb_i({DataBytes{1'b1}}), .re_i(st_re_i), .raddr_i(ObAw'(st_raddr_i)), .rdata_o(st_rdata_o));

  logic unused;
  assign unused = ^{wb_off, pb_off};  // the offsets are wider than each buffer's address
endmodule
