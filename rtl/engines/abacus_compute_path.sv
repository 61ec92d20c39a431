// The compute path: the GEMM/DWCONV instruction queue, the compute engine
// that streams weights and activations from the buffers, the depthwise
// engine, and the compute core (systolic array, accumulators,
// post-processing). The core's control
// state restarts with every program (clear_i, one cycle later).
module abacus_compute_path #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16,
  parameter bit PackDsp = 1'b1,
  parameter int unsigned IbufRows = 16384,
  parameter int unsigned WbufRows = 2048,
  parameter int unsigned AccRows = 512,
  parameter int unsigned QueueDepth = 16,
  localparam int unsigned IbAw = $clog2(IbufRows),
  localparam int unsigned QAw = IbAw - 2,
  localparam int unsigned WbAw = $clog2(WbufRows),
  localparam int unsigned AccAw = $clog2(AccRows)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 clear_i,
  input  logic                 halt_i,
  // instructions from dispatch (tagged with their index in [255:224])
  input  logic                 insn_valid_i,
  output logic                 insn_ready_o,
  input  logic [255:0]         insn_i,
  output logic                 insn_pending_o,  // the queue holds an instruction
  // tokens
  input  logic                 tok_l2c_avail_i,
  output logic                 tok_l2c_pop_o,
  input  logic                 tok_s2c_avail_i,
  output logic                 tok_s2c_pop_o,
  output logic                 tok_c2l_push_o,
  output logic                 tok_c2s_push_o,
  // buffer read ports (ibuf: four quarters, quarter q at [q*QAw +: QAw], [q*DataWidth +: DataWidth])
  output logic [3:0]             ib_re_o,
  output logic [4*QAw-1:0]       ib_raddr_o,
  input  logic [4*DataWidth-1:0] ib_rdata_i,
  output logic                 wb_re_o,
  output logic [WbAw-1:0]      wb_raddr_o,
  input  logic [DataWidth-1:0] wb_rdata_i,
  // parameters and accumulator read-out (from the store path)
  input  logic                 p_we_i,
  input  logic [1:0]           p_sel_i,
  input  logic [Cols*32-1:0]   p_data_i,
  input  logic [7:0]           zp_out_i,
  input  logic [7:0]           clamp_min_i,
  input  logic [7:0]           clamp_max_i,
  input  logic                 float_i,
  input  logic                 r_valid_i,
  output logic                 r_ready_o,
  input  logic [AccAw-1:0]     r_addr_i,
  output logic                 o_valid_o,
  input  logic                 o_ready_i,
  output logic [Cols*8-1:0]    o_data_o,
  // status
  output logic                 busy_o,       // the engine: queued, feeding or in flight
  output logic                 stall_o,      // the head instruction waits for a token
  output logic                 fire_o,       // an activation row entered the array
  output logic                 dw_col_o,     // a pixel column entered the depthwise engine
  output logic                 dw_out_o,     // a depthwise output reached the accumulator
  output logic                 core_busy_o   // the array's rows in flight to the accumulators
);
  localparam int unsigned ComputeLatency = Rows + Cols + 3;  // (abacus_core's)

  logic         q_valid, q_ready;
  logic [255:0] q_data;
  // (the head from a register: from the queue's LUT-RAM read through the
  // decode into the token counters was 3584 ps, the top of the CI's xc7
  // 4x4 run on 6c4e344, proxy; the load and store queues alike)
  abacus_fifo #(.Width(256), .Depth(QueueDepth), .OutReg(1'b1)) u_queue (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(clear_i),
    .wvalid_i(insn_valid_i), .wready_o(insn_ready_o), .wdata_i(insn_i),
    .rvalid_o(q_valid), .rready_i(q_ready), .rdata_o(q_data), .count_o());
  assign insn_pending_o = q_valid;

  // the GEMM feeders' and the depthwise engine's buffer reads (they take turns)
  logic                 g_ib_re, g_wb_re, d_wb_re;
  logic [IbAw-1:0]      g_ib_raddr;
  logic [WbAw-1:0]      g_wb_raddr, d_wb_raddr;
  logic [DataWidth-1:0] g_ib_rdata;
  logic [3:0]           d_ib_re;
  logic [4*QAw-1:0]     d_ib_raddr;
  logic [1:0]           g_quarter_q;
  always_ff @(posedge clk_i) begin
    if (g_ib_re) g_quarter_q <= g_ib_raddr[IbAw-1 -: 2];
  end
  always_comb begin
    for (int unsigned q = 0; q < 4; q++) begin
      ib_re_o[q]               = d_ib_re[q] || (g_ib_re && 32'(g_ib_raddr[IbAw-1 -: 2]) == q);
      ib_raddr_o[q*QAw +: QAw] = d_ib_re[q] ? d_ib_raddr[q*QAw +: QAw] : g_ib_raddr[QAw-1:0];
    end
  end
  assign g_ib_rdata = ib_rdata_i[32'(g_quarter_q)*DataWidth +: DataWidth];
  assign wb_re_o    = g_wb_re || d_wb_re;
  assign wb_raddr_o = d_wb_re ? d_wb_raddr : g_wb_raddr;

  logic                 dw_valid, dw_ready, dw_busy, dw_acc_valid, dw_acc_accum;
  logic                 g_c2l_push, g_c2s_push, d_c2l_push, d_c2s_push;
  logic [AccAw-1:0]     dw_acc_addr;
  logic [Cols*32-1:0]   dw_acc_data;

  logic                 w_valid, w_ready, a_valid, a_ready, a_last, a_accum;
  logic [DataWidth-1:0] w_data, a_data;
  logic [AccAw-1:0]     a_acc_addr;
  abacus_compute_engine #(
    .DataWidth     (DataWidth),
    .Rows          (Rows),
    .IbufRows      (IbufRows),
    .WbufRows      (WbufRows),
    .AccRows       (AccRows),
    .ComputeLatency(ComputeLatency)
  ) u_engine (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .halt_i         (halt_i),
    .insn_valid_i   (q_valid),
    .insn_ready_o   (q_ready),
    .insn_i         (q_data),
    .tok_l2c_avail_i(tok_l2c_avail_i),
    .tok_l2c_pop_o  (tok_l2c_pop_o),
    .tok_s2c_avail_i(tok_s2c_avail_i),
    .tok_s2c_pop_o  (tok_s2c_pop_o),
    .tok_c2l_push_o (g_c2l_push),
    .tok_c2s_push_o (g_c2s_push),
    .dw_valid_o     (dw_valid),
    .dw_ready_i     (dw_ready),
    .dw_busy_i      (dw_busy),
    .core_busy_i    (core_busy_o),
    .ib_re_o        (g_ib_re),
    .ib_raddr_o     (g_ib_raddr),
    .ib_rdata_i     (g_ib_rdata),
    .wb_re_o        (g_wb_re),
    .wb_raddr_o     (g_wb_raddr),
    .wb_rdata_i     (wb_rdata_i),
    .w_valid_o      (w_valid),
    .w_ready_i      (w_ready),
    .w_data_o       (w_data),
    .a_valid_o      (a_valid),
    .a_ready_i      (a_ready),
    .a_data_o       (a_data),
    .a_last_o       (a_last),
    .a_acc_addr_o   (a_acc_addr),
    .a_accum_o      (a_accum),
    .busy_o         (busy_o),
    .stall_o        (stall_o),
    .fire_o         (fire_o)
  );

  abacus_dw_engine #(
    .DataWidth(DataWidth),
    .IbufRows (IbufRows),
    .WbufRows (WbufRows),
    .AccRows  (AccRows)
  ) u_dw (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .halt_i        (halt_i),
    .insn_valid_i  (dw_valid),
    .insn_ready_o  (dw_ready),
    .insn_i        (q_data),
    .ibq_re_o      (d_ib_re),
    .ibq_raddr_o   (d_ib_raddr),
    .ibq_rdata_i   (ib_rdata_i),
    .wb_re_o       (d_wb_re),
    .wb_raddr_o    (d_wb_raddr),
    .wb_rdata_i    (wb_rdata_i),
    .acc_valid_o   (dw_acc_valid),
    .acc_addr_o    (dw_acc_addr),
    .acc_accum_o   (dw_acc_accum),
    .acc_data_o    (dw_acc_data),
    .tok_c2l_push_o(d_c2l_push),
    .tok_c2s_push_o(d_c2s_push),
    .busy_o        (dw_busy),
    .fire_o        (dw_col_o),
    .out_o         (dw_out_o)
  );
  // (never both in one cycle: the kinds take turns, see abacus_compute_engine)
  assign tok_c2l_push_o = g_c2l_push || d_c2l_push;
  assign tok_c2s_push_o = g_c2s_push || d_c2s_push;

  logic core_rst_nq;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) core_rst_nq <= 1'b0;
    else core_rst_nq <= !clear_i;
  end

  abacus_core #(.Rows(Rows), .Cols(Cols), .AccDepth(AccRows), .PackDsp(PackDsp)) u_core (
    .clk_i         (clk_i),
    .rst_ni        (core_rst_nq),
    .w_valid_i     (w_valid),
    .w_ready_o     (w_ready),
    .w_data_i      (w_data),
    .a_valid_i     (a_valid),
    .a_ready_o     (a_ready),
    .a_data_i      (a_data),
    .a_last_i      (a_last),
    .a_acc_addr_i  (a_acc_addr),
    .a_accum_i     (a_accum),
    .dw_valid_i    (dw_acc_valid),
    .dw_addr_i     (dw_acc_addr),
    .dw_accum_i    (dw_acc_accum),
    .dw_data_i     (dw_acc_data),
    .p_we_i        (p_we_i),
    .p_sel_i       (p_sel_i),
    .p_data_i      (p_data_i),
    .zp_out_i      (zp_out_i),
    .clamp_min_i   (clamp_min_i),
    .clamp_max_i   (clamp_max_i),
    .float_i       (float_i),
    .r_valid_i     (r_valid_i),
    .r_ready_o     (r_ready_o),
    .r_addr_i      (r_addr_i),
    .o_valid_o     (o_valid_o),
    .o_ready_i     (o_ready_i),
    .o_data_o      (o_data_o),
    .compute_busy_o(core_busy_o),
    .acc_we_o      ()
  );
endmodule
