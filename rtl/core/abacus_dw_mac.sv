`include "abacus_assert.svh"
// Depthwise datapath: one output pixel of Lanes channels from a 3x3 window.
//
// Each valid input column brings three pixels (kernel rows 0..2, Lanes
// int8 channels each, already picked from their ibuf quarters); the window
// keeps the last three columns. A column marked `out` completes an output:
// lane l is sum over ky, kx of w[ky*3+kx][l] * win[ky][kx][l], with the
// 9 int8 x int8 products summed exactly in 19 bits and sign-extended to
// int32. The multipliers are radix-4 Booth in fabric, not DSPs: the array
// keeps the DSPs, and issue 12 allows the depthwise path few of them.
//
// Pipeline (fixed, never stalls):
//   edge 0  col_valid_i: the window shifts in the column
//   edge 1  Booth partial products of the 9 products
//   edge 2  the partial products summed in pairs
//   edge 3  the products
//   edge 4  the three kernel rows' sums
//   edge 5  the window's sum: out_valid_o with its metadata (Latency 6)
// (The products in one step from the partial products, a four-input add,
// were 2748 ps in the xcup 16x16 proxy run on 800ac44, 864 endpoints over
// issue 13's 2.5 ns; the pairs summed in the partial products' step, 3204
// ps: the partial product's negation is a carry chain of its own.)
// Weights: `swap_i` on the first column of an instruction copies the
// shadow taps (loaded with w_we_i) into the active taps at edge 0, so
// every output of that instruction uses them (an output needs three
// columns of its own instruction first).
module abacus_dw_mac #(
  parameter int unsigned Lanes = 16,
  parameter int unsigned MetaW = 1,
  localparam int unsigned Latency = 6
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               clear_i,
  // weight taps: tap t = ky*3 + kx, lane l at [l*8 +: 8]
  input  logic               w_we_i,
  input  logic [3:0]         w_tap_i,
  input  logic [Lanes*8-1:0] w_data_i,
  input  logic               swap_i,        // with col_valid_i: first column of an instruction
  // input columns
  input  logic               col_valid_i,
  input  logic               col_out_i,     // this column completes an output
  input  logic [MetaW-1:0]   col_meta_i,
  input  logic [Lanes*8-1:0] row0_i,
  input  logic [Lanes*8-1:0] row1_i,
  input  logic [Lanes*8-1:0] row2_i,
  // outputs
  output logic               out_valid_o,
  output logic [MetaW-1:0]   out_meta_o,
  output logic [Lanes*32-1:0] out_data_o,
  output logic               busy_o         // an output on its way
);
  localparam int unsigned Taps = 9;

  // ---- taps ------------------------------------------------------------------------------------
  logic [Lanes*8-1:0] w_sh_q [Taps];
  logic [Lanes*8-1:0] w_q    [Taps];
  always_ff @(posedge clk_i) begin
    if (w_we_i) w_sh_q[w_tap_i] <= w_data_i;
    if (col_valid_i && swap_i) begin
      for (int unsigned t = 0; t < Taps; t++) w_q[t] <= w_sh_q[t];
    end
  end

  // ---- window ----------------------------------------------------------------------------------
  // win_q[ky*3 + kx]: kernel row ky, column kx (kx = 2 the newest)
  logic [Lanes*8-1:0] win_q [Taps];
  always_ff @(posedge clk_i) begin
    if (col_valid_i) begin
      for (int unsigned ky = 0; ky < 3; ky++) begin
        win_q[ky*3 + 0] <= win_q[ky*3 + 1];
        win_q[ky*3 + 1] <= win_q[ky*3 + 2];
      end
      win_q[2] <= row0_i;
      win_q[5] <= row1_i;
      win_q[8] <= row2_i;
    end
  end

  // ---- control: valid and metadata down the pipeline ---------------------------------------------
  // (busy, the OR of the valid bits, is a register of its own, set from
  // their next value: exact, and no OR behind the engine's idle and the
  // top's deadlock watch; the third longest path of the 32x32 synthesis
  // of commit cb0a3a8, 3466 ps)
  logic [Latency-1:0] v_q, v_d;
  logic [MetaW-1:0]   m_q [Latency-1];  // stages 0..Latency-2 (the last: meta_out_q)
  logic               busy_q;
  assign v_d = clear_i ? '0 : {v_q[Latency-2:0], col_valid_i && col_out_i};
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      v_q    <= '0;
      busy_q <= 1'b0;
    end else begin
      v_q    <= v_d;
      busy_q <= |v_d;
    end
  end
  // (the last stage a flip-flop with a reset of its own, so that it is not
  // the end of a shift register: the metadata chain went into SRL16Es,
  // whose clock-to-output, 1472 ps in the proxy's library, then led the
  // accumulator's forwarding compare, the top of the whole xcup 32x32
  // run on e706b37, 3143 ps)
  logic [MetaW-1:0] meta_out_q;
  always_ff @(posedge clk_i) begin
    m_q[0] <= col_meta_i;
    for (int unsigned s = 1; s < Latency - 1; s++) m_q[s] <= m_q[s-1];
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) meta_out_q <= '0;
    else meta_out_q <= m_q[Latency-2];
  end
  assign out_valid_o = v_q[Latency-1];
  assign busy_o      = busy_q;
  `ABACUS_ASSERT(DwMacBusyExact, busy_q == |v_q)
  assign out_meta_o  = meta_out_q;

  // ---- products: radix-4 Booth, four partial products per 8 x 8 product -----------------------------
  // digit j of b (b[-1] = 0): d = -2 b[2j+1] + b[2j] + b[2j-1] in -2..2;
  // partial product j = d * a, 10 bits signed, weighted 4^j.
  function automatic logic signed [9:0] booth_pp(input logic signed [7:0] a, input logic [2:0] bits);
    logic signed [9:0] a10;
    a10 = 10'(a);
    case (bits)
      3'b001, 3'b010: booth_pp = a10;
      3'b011:         booth_pp = a10 <<< 1;
      3'b100:         booth_pp = -(a10 <<< 1);
      3'b101, 3'b110: booth_pp = -a10;
      default:        booth_pp = '0;  // 000, 111
    endcase
  endfunction

  // per lane: (c1) partial products, (c2) partial products summed in
  // pairs, pp[2i] + 4 pp[2i+1] (12 bits: each is in -256..256), (c3)
  // products (exact in 16 bits: -128 * 127 .. 128 * 128), (c4) kernel-row
  // sums (18 bits), (c5) the window's sum (19 bits), sign-extended to int32
  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    logic signed [9:0]  pp_q   [Taps*4];  // tap t, digit j at t*4 + j
    logic signed [11:0] half_q [Taps*2];  // tap t, digits 2i and 2i+1 at t*2 + i
    logic signed [15:0] prod_q [Taps];
    logic signed [17:0] row_q  [3];
    logic signed [18:0] sum_q;
    always_ff @(posedge clk_i) begin
      for (int unsigned t = 0; t < Taps; t++) begin
        pp_q[t*4] <= booth_pp($signed(win_q[t][l*8 +: 8]), {w_q[t][l*8 +: 2], 1'b0});
        for (int unsigned j = 1; j < 4; j++) begin
          pp_q[t*4 + j] <= booth_pp($signed(win_q[t][l*8 +: 8]), w_q[t][l*8 + 2*j - 1 +: 3]);
        end
      end
    end
    // (keep: the low bits of each step are copies of the step before, and
    // synthesis made the copies a shift-register LUT, whose slow output
    // then started the kernel rows' sums: 3174 ps in the xcup 16x16 proxy;
    // kept, this module alone tops at 2245 ps)
    (* keep *) always_ff @(posedge clk_i) begin
      for (int unsigned i = 0; i < Taps*2; i++) begin
        half_q[i] <= 12'(pp_q[i*2]) + (12'(pp_q[i*2 + 1]) <<< 2);
      end
    end
    (* keep *) always_ff @(posedge clk_i) begin
      for (int unsigned t = 0; t < Taps; t++) begin
        prod_q[t] <= 16'(half_q[t*2]) + (16'(half_q[t*2 + 1]) <<< 4);
      end
    end
    always_ff @(posedge clk_i) begin
      for (int unsigned ky = 0; ky < 3; ky++) begin
        row_q[ky] <= 18'(prod_q[ky*3]) + 18'(prod_q[ky*3 + 1]) + 18'(prod_q[ky*3 + 2]);
      end
      sum_q <= 19'(row_q[0]) + 19'(row_q[1]) + 19'(row_q[2]);
    end
    assign out_data_o[l*32 +: 32] = 32'(sum_q);
  end
endmodule
