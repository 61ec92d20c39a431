// Performance counters: cleared when a program begins, counting while it
// runs. Cycles; engine busy and token-stall cycles; MACs (Rows * Cols per
// array step, 9 * Cols per depthwise output); bytes the load and store DMAs moved (descriptors that ended
// without an error).
module abacus_perf #(
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        launch_i,  // a program begins: clear
  input  logic        run_i,     // a program runs: count
  input  logic        ld_busy_i,
  input  logic        ld_stall_i,
  input  logic        cp_fire_i,     // an activation row entered the array
  input  logic        cp_dw_col_i,   // a column entered the depthwise engine
  input  logic        cp_dw_out_i,   // a depthwise output (9 * Cols MACs)
  input  logic        cp_stall_i,
  input  logic        st_busy_i,
  input  logic        st_stall_i,
  input  logic        ld_dma_done_i,
  input  logic [2:0]  ld_dma_status_i,
  input  logic [31:0] ld_bytes_i,
  input  logic        st_dma_done_i,
  input  logic [2:0]  st_dma_status_i,
  input  logic [31:0] st_bytes_i,
  output logic [63:0] cycles_o,
  output logic [63:0] macs_o,
  output logic [63:0] bytes_read_o,
  output logic [63:0] bytes_written_o,
  output logic [31:0] ld_busy_o,
  output logic [31:0] ld_stall_o,
  output logic [31:0] cp_busy_o,
  output logic [31:0] cp_stall_o,
  output logic [31:0] st_busy_o,
  output logic [31:0] st_stall_o
);
  // the 64-bit ones without a 64-bit adder (abacus_count64, each count a
  // cycle late): a byte count comes at most once a descriptor, MACs and
  // cycles by less than 2^31
  abacus_count64 #(.AddBits(1)) u_cycles (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(launch_i), .add_i(run_i), .add_val_i(1'b1),
    .count_o(cycles_o));
  // (the array and the depthwise engine never run at once: the compute
  // engine switches between them only when the one before is idle)
  localparam int unsigned MacBits = $clog2(((Rows > 9) ? Rows : 9) * Cols + 1);
  abacus_count64 #(.AddBits(MacBits)) u_macs (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(launch_i), .add_i(run_i && (cp_fire_i || cp_dw_out_i)),
    .add_val_i(cp_fire_i ? MacBits'(Rows * Cols) : MacBits'(9 * Cols)), .count_o(macs_o));
  abacus_count64 #(.AddBits(32)) u_rd (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(launch_i),
    .add_i(run_i && ld_dma_done_i && ld_dma_status_i == abacus_pkg::DmaOk), .add_val_i(ld_bytes_i),
    .count_o(bytes_read_o));
  abacus_count64 #(.AddBits(32)) u_wr (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(launch_i),
    .add_i(run_i && st_dma_done_i && st_dma_status_i == abacus_pkg::DmaOk), .add_val_i(st_bytes_i),
    .count_o(bytes_written_o));

  // The engine flags are registered, with run_i, before their counters:
  // each count lands a cycle late (still before the host can read it after
  // DONE), and no engine's flag logic sits in front of a 32-bit add (the
  // compute engine's stall flag into its counter was the 32x32 synthesis'
  // longest path, 3339 ps: docs/fpga.md).
  logic [5:0] inc_q;  // {ld_busy, ld_stall, cp_busy, cp_stall, st_busy, st_stall}
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      inc_q <= '0;
    end else if (launch_i || !run_i) begin
      inc_q <= '0;
    end else begin
      inc_q <= {ld_busy_i, ld_stall_i, cp_fire_i || cp_dw_col_i, cp_stall_i, st_busy_i, st_stall_i};
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ld_busy_o       <= '0;
      ld_stall_o      <= '0;
      cp_busy_o       <= '0;
      cp_stall_o      <= '0;
      st_busy_o       <= '0;
      st_stall_o      <= '0;
    end else if (launch_i) begin
      ld_busy_o       <= '0;
      ld_stall_o      <= '0;
      cp_busy_o       <= '0;
      cp_stall_o      <= '0;
      st_busy_o       <= '0;
      st_stall_o      <= '0;
    end else begin
      ld_busy_o  <= ld_busy_o + 32'(inc_q[5]);
      ld_stall_o <= ld_stall_o + 32'(inc_q[4]);
      cp_busy_o  <= cp_busy_o + 32'(inc_q[3]);
      cp_stall_o <= cp_stall_o + 32'(inc_q[2]);
      st_busy_o  <= st_busy_o + 32'(inc_q[1]);
      st_stall_o <= st_stall_o + 32'(inc_q[0]);
    end
  end
endmodule
