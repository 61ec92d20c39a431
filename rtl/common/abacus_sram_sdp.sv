// Simple dual-port SRAM: one write port, one synchronous read port with a read
// enable (the output holds while re_i is low). Written for BRAM/URAM inference:
// no reset on the array or the read register.
module abacus_sram_sdp #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 512,
  localparam int unsigned AddrWidth = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic                 clk_i,
  input  logic                 we_i,
  input  logic [AddrWidth-1:0] waddr_i,
  input  logic [Width-1:0]     wdata_i,
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
      mem[waddr_i] <= wdata_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (re_i) begin
      rdata_q <= mem[raddr_i];
    end
  end

  assign rdata_o = rdata_q;
endmodule
