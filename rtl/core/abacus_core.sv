`include "abacus_assert.svh"

// Abacus compute core: systolic array, accumulator scratchpad and output
// post-processing behind valid/ready streams.
//
// Streams (a beat moves when valid && ready):
//   w  : weight rows for the next tile, Rows beats per tile, row 0 first.
//   a  : activation rows; a tile is the rows up to and including a_last_i.
//        Each row names the accumulator row it writes (a_acc_addr_i) and
//        whether it overwrites or adds to it (a_accum_i).
//   r/o: read requests for accumulator rows and the requantized int8 rows.
// Parameter port: p_we_i writes one kind (p_sel_i: bias, multiplier, shift)
// of per-channel post-processing parameter for all Cols channels at once.
// zp_out_i, the clamp bounds and float_i must be stable while reads are in
// flight.
//
// Schedule: a tile starts once all its weights are in the shadow registers;
// the next tile's weights are accepted from the cycle the current tile
// starts. With every stream valid, tile i starts max(M_i, Rows) cycles after
// tile i-1 (M_i its row count): no idle cycle between tiles of >= Rows rows.
module abacus_core #(
  parameter int unsigned Rows = abacus_pkg::DefaultRows,
  parameter int unsigned Cols = abacus_pkg::DefaultCols,
  parameter int unsigned AccDepth = abacus_pkg::DefaultAccDepth,
  // two MACs per multiplier (abacus_array; UltraScale+ DSP48E2 packing)
  parameter bit PackDsp = 1'b1,
  localparam int unsigned AccAddrWidth = (AccDepth > 1) ? $clog2(AccDepth) : 1,
  // cycles from an activation row's handshake to its accumulator write
  // (the array's Rows + Cols + 1, then the accumulator's read, its
  // registered word and the add with the write)
  localparam int unsigned ComputeLatency = Rows + Cols + 3,
  // cycles from a read handshake to its output row (without back-pressure)
  // (the RAM's read, its output register, the abacus_requant stages)
  localparam int unsigned DrainLatency = 2 + 11
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // weights
  input  logic                     w_valid_i,
  output logic                     w_ready_o,
  input  logic [Cols*8-1:0]        w_data_i,   // column c at [c*8 +: 8]
  // activations
  input  logic                     a_valid_i,
  output logic                     a_ready_o,
  input  logic [Rows*8-1:0]        a_data_i,   // row r at [r*8 +: 8]
  input  logic                     a_last_i,
  input  logic [AccAddrWidth-1:0]  a_acc_addr_i,
  input  logic                     a_accum_i,
  // depthwise results into the accumulator (never while the array's rows are in flight)
  input  logic                     dw_valid_i,
  input  logic [AccAddrWidth-1:0]  dw_addr_i,
  input  logic                     dw_accum_i,
  input  logic [Cols*32-1:0]       dw_data_i,
  // post-processing parameters
  input  logic                     p_we_i,
  input  logic [1:0]               p_sel_i,
  input  logic [Cols*32-1:0]       p_data_i,   // channel c at [c*32 +: 32]
  input  logic [7:0]               zp_out_i,
  input  logic [7:0]               clamp_min_i,
  input  logic [7:0]               clamp_max_i,
  input  logic                     float_i,    // requantize with binary32 scales
  // accumulator read and requantized output
  input  logic                     r_valid_i,
  output logic                     r_ready_o,
  input  logic [AccAddrWidth-1:0]  r_addr_i,
  output logic                     o_valid_o,
  input  logic                     o_ready_i,
  output logic [Cols*8-1:0]        o_data_o,   // channel c at [c*8 +: 8]
  // status
  output logic                     compute_busy_o,  // rows in flight to the accumulator
  output logic                     acc_we_o         // an accumulator row is written
);
  localparam int unsigned RowIdxWidth = (Rows > 1) ? $clog2(Rows) : 1;
  localparam int unsigned LoadCntWidth = $clog2(Rows + 1);
  localparam int unsigned ArrayLatency = Rows + Cols + 1;  // (abacus_array's)
  localparam int unsigned InFlightWidth = $clog2(ComputeLatency + 2);

  // ---- tile sequencing -----------------------------------------------------
  logic [LoadCntWidth-1:0] loaded_q, loaded_d;  // next tile's weight rows in place
  logic                    in_tile_q, in_tile_d;
  logic                    shadow_full, shadow_full_d, tile_start, a_fire, w_fire;

  // "All Rows weight rows in place" is registered beside the count (the
  // count's compare behind its register, into the activation handshake, was
  // the 32x32 synthesis' second longest path, 3388 ps: docs/fpga.md). A
  // tile's start empties the shadow registers, and with Rows >= 2 one row
  // cannot fill them again in the same cycle.
  assign shadow_full_d = !tile_start && (shadow_full ||
                         (loaded_q == LoadCntWidth'(Rows - 1) && w_fire));
  assign a_ready_o   = in_tile_q || shadow_full;
  assign a_fire      = a_valid_i && a_ready_o;
  assign tile_start  = a_fire && !in_tile_q;
  // the next tile's weights may enter from the cycle this tile starts
  assign w_ready_o   = !shadow_full || tile_start;
  assign w_fire      = w_valid_i && w_ready_o;

  always_comb begin
    loaded_d  = tile_start ? '0 : loaded_q;
    loaded_d  = loaded_d + (w_fire ? LoadCntWidth'(1) : '0);
    in_tile_d = a_fire ? !a_last_i : in_tile_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      loaded_q    <= '0;
      shadow_full <= 1'b0;
      in_tile_q   <= 1'b0;
    end else begin
      loaded_q    <= loaded_d;
      shadow_full <= shadow_full_d;
      in_tile_q   <= in_tile_d;
    end
  end

  // ---- array -----------------------------------------------------------------
  logic [Cols*32-1:0] array_out;
  abacus_array #(.Rows(Rows), .Cols(Cols), .PackDsp(PackDsp)) u_array (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .a_valid_i(a_fire),
    .a_swap_i (tile_start),
    .a_data_i (a_data_i),
    .w_valid_i(w_fire),
    .w_row_i  (tile_start ? '0 : RowIdxWidth'(loaded_q)),
    .w_data_i (w_data_i),
    .ps_o     (array_out)
  );

  // Row metadata travels beside the array with the same latency.
  logic                    upd_valid, upd_accum;
  logic [AccAddrWidth-1:0] upd_addr;
  abacus_delay_rst #(.Width(1), .Depth(ArrayLatency)) u_meta_valid (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .d_i   (a_fire),
    .q_o   (upd_valid)
  );
  // (its last stage a flip-flop of its own: the address feeds the
  // accumulator's forwarding compare, which behind a shift-register LUT's
  // slow output was the longest path of the e866eca 32x32 run, 3247 ps)
  abacus_delay #(.Width(AccAddrWidth + 1), .Depth(ArrayLatency), .OutReg(1'b1)) u_meta (
    .clk_i(clk_i),
    .d_i  ({a_acc_addr_i, a_accum_i}),
    .q_o  ({upd_addr, upd_accum})
  );

  // ---- accumulator -------------------------------------------------------------
  logic                  drain_en, acc_we, acc_we_alt;
  logic [Cols*32-1:0]    drain_data;
  abacus_acc #(.Cols(Cols), .Depth(AccDepth)) u_acc (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .upd_valid_i(upd_valid),
    .upd_accum_i(upd_accum),
    .upd_addr_i (upd_addr),
    .upd_data_i (array_out),
    .alt_valid_i(dw_valid_i),
    .alt_accum_i(dw_accum_i),
    .alt_addr_i (dw_addr_i),
    .alt_data_i (dw_data_i),
    .wr_valid_o (acc_we),
    .wr_alt_o   (acc_we_alt),
    .rd_en_i    (drain_en),
    .rd_addr_i  (r_addr_i),
    .rd_data_o  (drain_data)
  );

  // Rows between the activation handshake and the accumulator write.
  // (the accumulator writes a row two cycles after it takes it, and says
  // which port it came through)

  // "Any in flight" is registered beside the count, from the count's
  // compares with constants and the two strobes (the count's != 0 behind
  // its register was the 32x32 synthesis' longest path, 3898 ps, into the
  // compute engine's idle flag: docs/fpga.md).
  logic [InFlightWidth-1:0] in_flight_q;
  logic                     busy_q;
  logic                     row_in, row_out;
  assign row_in  = a_fire;
  assign row_out = acc_we && !acc_we_alt;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_flight_q <= '0;
      busy_q      <= 1'b0;
    end else begin
      in_flight_q <= in_flight_q + (row_in ? InFlightWidth'(1) : '0)
                                 - (row_out ? InFlightWidth'(1) : '0);
      // zero next: nothing comes in, and the count is 0, or 1 and leaves
      busy_q <= row_in || !(in_flight_q == '0 || (in_flight_q == InFlightWidth'(1) && row_out));
    end
  end
  assign compute_busy_o = busy_q;
  assign acc_we_o       = acc_we;

  // ---- post-processing parameters -----------------------------------------
  logic [Cols*32-1:0] bias_q, mult_q;
  logic [Cols*6-1:0]  shift_q;
  always_ff @(posedge clk_i) begin
    if (p_we_i && p_sel_i == abacus_pkg::ParamBias) begin
      bias_q <= p_data_i;
    end
    if (p_we_i && p_sel_i == abacus_pkg::ParamMult) begin
      mult_q <= p_data_i;
    end
    if (p_we_i && p_sel_i == abacus_pkg::ParamShift) begin
      for (int unsigned c = 0; c < Cols; c++) begin
        shift_q[c*6 +: 6] <= p_data_i[c*32 +: 6];
      end
    end
  end

  // ---- drain: RAM read, then the requant pipeline, stalled as one ------------
  logic [DrainLatency-1:0] drain_valid_q;
  logic                    advance;
  assign advance   = !o_valid_o || o_ready_i;
  assign r_ready_o = advance;
  assign drain_en  = advance;  // the read register loads only when the pipe moves

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      drain_valid_q <= '0;
    end else if (advance) begin
      drain_valid_q <= {drain_valid_q[DrainLatency-2:0], r_valid_i};
    end
  end
  assign o_valid_o = drain_valid_q[DrainLatency-1];

  // The read word is registered before the first add: the block RAM's own
  // output register (DOB_REG, its enable the pipe's advance). Without it
  // the RAM's clock-to-out (2454 ps in the proxy's library) and the bias
  // add were one path, the longest of the xc7 32x32 run (4223 ps).
  logic [Cols*32-1:0] drain_q;
  always_ff @(posedge clk_i) begin
    if (advance) drain_q <= drain_data;
  end

  // PackDsp is the DSP48E2 build (27 x 18 multipliers); else DSP48E1 (25 x 18)
  abacus_postproc #(.Cols(Cols), .MulLowBits(PackDsp ? 26 : 24)) u_post (
    .clk_i      (clk_i),
    .en_i       (advance),
    .acc_i      (drain_q),
    .bias_i     (bias_q),
    .mult_i     (mult_q),
    .shift_i    (shift_q),
    .zp_out_i   (zp_out_i),
    .clamp_min_i(clamp_min_i),
    .clamp_max_i(clamp_max_i),
    .float_i    (float_i),
    .out_o      (o_data_o)
  );

  // ---- assertions ----------------------------------------------------------------
  `ABACUS_ASSERT(LoadedInRange, loaded_q <= LoadCntWidth'(Rows))
  `ABACUS_ASSERT(ShadowFullExact, shadow_full == (loaded_q == LoadCntWidth'(Rows)))
  `ABACUS_ASSERT(DwAloneIntoAcc, !(dw_valid_i && (upd_valid || in_flight_q != '0)))
  `ABACUS_ASSERT(NoWriteWithoutRow, (acc_we && !acc_we_alt) |-> in_flight_q != '0)
  `ABACUS_ASSERT(InFlightBounded, in_flight_q <= InFlightWidth'(ComputeLatency))
  `ABACUS_ASSERT(CoreBusyExact, busy_q == (in_flight_q != '0))
`ifndef SYNTHESIS
  initial begin
    assert (Rows >= 2 && Cols >= 1);
    assert (AccDepth >= 2);
  end
`endif
endmodule
