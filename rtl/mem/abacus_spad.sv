// Scratchpad: Depth words of Width bits, one write port with byte strobes and
// one synchronous read port (data one cycle after re_i; holds otherwise).
// Single clock, no reset on the array: infers block RAM with byte enables.
module abacus_spad #(
  parameter int unsigned Width = 128,
  parameter int unsigned Depth = 4096,
  localparam int unsigned AddrWidth = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int unsigned Bytes = Width / 8
) (
  input  logic                 clk_i,
  input  logic                 we_i,
  input  logic [AddrWidth-1:0] waddr_i,
  input  logic [Width-1:0]     wdata_i,
  input  logic [Bytes-1:0]     wstrb_i,
  input  logic                 re_i,
  input  logic [AddrWidth-1:0] raddr_i,
  output logic [Width-1:0]     rdata_o
);
  // storage: toggle coverage of every entry measures data, not logic (make coverage)
  /*verilator coverage_off*/
  logic [Width-1:0] mem [Depth];
  /*verilator coverage_on*/
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) begin
      for (int unsigned b = 0; b < Bytes; b++) begin
        if (wstrb_i[b]) mem[waddr_i][b*8 +: 8] <= wdata_i[b*8 +: 8];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (re_i) rdata_q <= mem[raddr_i];
  end
  assign rdata_o = rdata_q;
endmodule
