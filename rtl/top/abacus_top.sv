`include "abacus_axi.svh"
// Abacus accelerator top level.
//
//   AXI4-Lite slave  control registers (abacus_csr)
//   AXI4 master      memory: program fetch and loads on the read channels
//                    (IDs 1 and 0), stores on the write channels
//   irq_o            level interrupt: a program ended with IRQ_EN set
//
// This module is wiring. Units: registers (ctrl/abacus_csr), run and error
// control (ctrl/abacus_run_ctrl), dependency tokens between neighbours
// (ctrl/abacus_tokens: load->compute, compute->load, compute->store,
// store->compute), performance counters (ctrl/abacus_perf), fetch, decode
// and dispatch (ctrl/abacus_fetch); three engine paths, each with its
// instruction queue (engines/): load (engine, load-only DMA, the read
// arbiter it shares with fetch) into the activation, weight and parameter
// buffers, compute (engine, systolic core), store (engine draining the core
// through post-processing into the output buffer, store-only DMA); and the
// buffers and their address decode (mem/abacus_buffers).
//
// The first error (fetch, illegal instruction, DMA window/descriptor, bus
// error) is latched with its code, address and instruction index; it halts
// dispatch and every engine, outstanding bus transfers complete, and then
// the program ends (STATUS.DONE, interrupt). START and SOFT_RESET clear all
// of it; SOFT_RESET during a program halts it the same way first.
module abacus_top #(
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16,
  // two int8 MACs per DSP48E2 (UltraScale+); 0 keeps one MAC per multiplier
  // (7-series: a DSP48E1 cannot hold both lanes, docs/architecture.md)
  parameter bit PackDsp = 1'b1,
  parameter int unsigned DataWidth = 128,
  parameter int unsigned IbufRows = 16384,  // 256 KiB: conv row blocks of >= Rows pixels up to K = 4608
  parameter int unsigned WbufRows = 2048,
  parameter int unsigned AccRows = 512,
  parameter int unsigned ObufRows = 256,
  parameter int unsigned PbufSlots = 64,
  parameter logic [31:0] BuildId = 32'd0,
  // Outstanding bursts. Stores write rows of Cols bytes, one burst each, so
  // they need many in flight to cover memory latency.
  parameter int unsigned LoadMaxReads = 32,
  parameter int unsigned StoreMaxWrites = 128,  // single-beat output rows at one a cycle past a 100-cycle latency
  localparam int unsigned DataBytes = DataWidth / 8,
  localparam int unsigned VecWords = Cols * 32 / DataWidth,
  localparam int unsigned PbufWords = PbufSlots * 3 * VecWords,
  localparam int unsigned IbufBytes = IbufRows * DataBytes,
  localparam int unsigned WbufBytes = WbufRows * DataBytes,
  localparam int unsigned PbufBytes = PbufWords * DataBytes,
  localparam int unsigned SpBytes = IbufBytes + WbufBytes + PbufBytes
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  `ABACUS_AXIL_S_PORTS(s_axil),            // AXI4-Lite control: rtl/common/abacus_axi.svh
  // AXI4 memory master
  `ABACUS_AXI_M_PORTS(axi, 4, DataWidth),   // AXI4 master: rtl/common/abacus_axi.svh
  output logic                 irq_o
);
  localparam int unsigned IbAw = $clog2(IbufRows);
  localparam int unsigned WbAw = $clog2(WbufRows);
  localparam int unsigned PbAw = $clog2(PbufWords);
  localparam int unsigned ObAw = $clog2(ObufRows);
  localparam int unsigned AccAw = $clog2(AccRows);
  localparam int unsigned LdSpWordW = $clog2(SpBytes) - $clog2(DataBytes);
  localparam logic [3:0] FetchId = 4'd1;
  localparam int unsigned FetchMaxBursts = 2;

  // ---- control registers ----------------------------------------------------------
  logic        start, soft_reset, busy, done, err_store;
  logic [3:0]  err_code;
  logic [63:0] prog_base, win_base_reg, win_limit_reg, win_base, win_limit, err_addr;
  logic [31:0] prog_count, err_pc, pc, engine_state;
  logic [63:0] perf_cycles, perf_macs, perf_rd, perf_wr;
  logic [31:0] perf_ld_busy, perf_ld_stall, perf_cp_busy, perf_cp_stall, perf_st_busy, perf_st_stall;

  abacus_csr #(
    .CfgArray    ({16'(Cols), 16'(Rows)}),
    .CfgIbufRows (32'(IbufRows)),
    .CfgWbufRows (32'(WbufRows)),
    .CfgAccRows  (32'(AccRows)),
    .CfgObufRows (32'(ObufRows)),
    .CfgPbufSlots(32'(PbufSlots)),
    .CfgBus      ({16'(abacus_isa_pkg::InsnBits / 8), 16'(DataWidth)}),
    .CfgSpadMap  ({16'((IbufBytes + WbufBytes) / 1024), 16'(IbufBytes / 1024)}),
    .CfgOutstanding({8'd0, 8'(StoreMaxWrites), 8'(FetchMaxBursts), 8'(LoadMaxReads)}),
    .BuildId     (BuildId)
  ) u_csr (
    .clk_i(clk_i), .rst_ni(rst_ni),
    `ABACUS_AXIL_S_PASS(s, s_axil),
    .start_o(start), .soft_reset_o(soft_reset), .irq_o(irq_o),
    .prog_base_o(prog_base), .prog_count_o(prog_count), .win_base_o(win_base_reg), .win_limit_o(win_limit_reg),
    .busy_i(busy), .done_i(done), .pc_i(pc), .engine_state_i(engine_state),
    .error_i(err_code), .error_store_i(err_store), .err_addr_i(err_addr), .err_pc_i(err_pc),
    .perf_cycles_i(perf_cycles), .perf_macs_i(perf_macs),
    .perf_bytes_read_i(perf_rd), .perf_bytes_written_i(perf_wr),
    .perf_load_busy_i(perf_ld_busy), .perf_load_stall_i(perf_ld_stall),
    .perf_compute_busy_i(perf_cp_busy), .perf_compute_stall_i(perf_cp_stall),
    .perf_store_busy_i(perf_st_busy), .perf_store_stall_i(perf_st_stall)
  );

  // ---- run control, dependency tokens, performance counters -----------------------------
  logic run, launch, halt, clear, engines_idle;
  logic fetch_busy, fetch_finish, fetch_err;
  logic [3:0]  fetch_err_code, ld_err_code, st_err_code;
  logic [63:0] fetch_err_addr, ld_err_addr, st_err_addr;
  logic ld_idle, ld_busy, ld_stall, ld_err, st_idle, st_busy, st_stall, st_err;
  logic cp_busy, cp_stall, cp_fire, cp_dw_col, cp_dw_out, core_busy;
  logic [31:0] ld_pc, st_pc, ld_bytes, st_bytes;
  logic ld_dma_busy, st_dma_busy, ld_dma_done, st_dma_done;
  logic [2:0]  ld_dma_status, st_dma_status;
  logic ldq_valid, cpq_valid, stq_valid;

  // The DMA window a program runs in is the one START found: WIN_* written
  // during a program apply to the next (the registers read back the new value).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      win_base  <= '0;
      win_limit <= '0;
    end else if (launch) begin
      win_base  <= win_base_reg;
      win_limit <= win_limit_reg;
    end
  end

  // Nothing can move (run control's deadlock watch): each engine idle with
  // an empty queue or waiting for a token, no DMA or array work in flight,
  // and fetch neither reading nor dispatching.
  logic [7:0] tok_l2c, tok_c2l, tok_c2s, tok_s2c;
  logic       tok_l2c_avail, tok_c2l_avail, tok_c2s_avail, tok_s2c_avail;
  logic fetch_active, tok_overflow;
  logic [1:0] tok_overflow_idx;
  // (registered twice, in three groups then their AND: the watch counts
  // 256 quiet cycles in a row, so two cycles late cost nothing, and
  // neither fetch's activity nor the AND over every engine's state is in
  // front of its counter; as one AND into one register it was 2648 ps in
  // the xcup 16x16 proxy run on eb367eb, issue 13's target 2.5 ns)
  logic       quiet_q;
  logic [2:0] quiet_grp_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      quiet_grp_q <= '0;
      quiet_q     <= 1'b0;
    end else begin
      quiet_grp_q <= {!fetch_active,
                      !ld_dma_busy && !st_dma_busy && !core_busy,
                      (ld_stall || (ld_idle && !ldq_valid)) && (st_stall || (st_idle && !stq_valid)) &&
                      (cp_stall || !cp_busy)};
      quiet_q     <= &quiet_grp_q;
    end
  end

  abacus_run_ctrl u_run (
    .clk_i(clk_i), .rst_ni(rst_ni), .start_i(start), .soft_reset_i(soft_reset),
    // what is still busy
    .fetch_busy_i(fetch_busy), .ld_idle_i(ld_idle), .cp_busy_i(cp_busy), .st_idle_i(st_idle),
    .ldq_valid_i(ldq_valid), .cpq_valid_i(cpq_valid), .stq_valid_i(stq_valid),
    .ld_dma_busy_i(ld_dma_busy), .st_dma_busy_i(st_dma_busy), .core_busy_i(core_busy),
    // error reports
    .fetch_err_i(fetch_err), .fetch_err_code_i(fetch_err_code), .fetch_err_addr_i(fetch_err_addr), .pc_i(pc),
    .ld_err_i(ld_err), .ld_err_code_i(ld_err_code), .ld_err_addr_i(ld_err_addr), .ld_pc_i(ld_pc),
    .st_err_i(st_err), .st_err_code_i(st_err_code), .st_err_addr_i(st_err_addr), .st_pc_i(st_pc),
    .quiet_i(quiet_q), .tok_counts_i({tok_s2c, tok_c2s, tok_c2l, tok_l2c}),
    .tok_overflow_i(tok_overflow), .tok_overflow_idx_i(tok_overflow_idx),
    // control and status
    .run_o(run), .launch_o(launch), .halt_o(halt), .clear_o(clear), .engines_idle_o(engines_idle),
    .busy_o(busy), .done_o(done),
    .err_code_o(err_code), .err_store_o(err_store), .err_addr_o(err_addr), .err_pc_o(err_pc)
  );

  logic l2c_push, l2c_pop, c2l_push, c2l_pop, c2s_push, c2s_pop, s2c_push, s2c_pop;
  abacus_tokens u_tokens (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(clear),
    .l2c_push_i(l2c_push), .l2c_pop_i(l2c_pop), .c2l_push_i(c2l_push), .c2l_pop_i(c2l_pop),
    .c2s_push_i(c2s_push), .c2s_pop_i(c2s_pop), .s2c_push_i(s2c_push), .s2c_pop_i(s2c_pop),
    .l2c_o(tok_l2c), .c2l_o(tok_c2l), .c2s_o(tok_c2s), .s2c_o(tok_s2c),
    .l2c_avail_o(tok_l2c_avail), .c2l_avail_o(tok_c2l_avail), .c2s_avail_o(tok_c2s_avail),
    .s2c_avail_o(tok_s2c_avail),
    .overflow_o(tok_overflow), .overflow_idx_o(tok_overflow_idx));
  assign engine_state = {8'd0, tok_c2s, tok_l2c, 4'd0, !st_idle, cp_busy, !ld_idle, fetch_busy};

  abacus_perf #(.Rows(Rows), .Cols(Cols)) u_perf (
    .clk_i(clk_i), .rst_ni(rst_ni), .launch_i(launch), .run_i(run),
    .ld_busy_i(ld_busy), .ld_stall_i(ld_stall), .cp_fire_i(cp_fire), .cp_dw_col_i(cp_dw_col), .cp_dw_out_i(cp_dw_out),
    .cp_stall_i(cp_stall),
    .st_busy_i(st_busy), .st_stall_i(st_stall),
    .ld_dma_done_i(ld_dma_done), .ld_dma_status_i(ld_dma_status), .ld_bytes_i(ld_bytes),
    .st_dma_done_i(st_dma_done), .st_dma_status_i(st_dma_status), .st_bytes_i(st_bytes),
    .cycles_o(perf_cycles), .macs_o(perf_macs), .bytes_read_o(perf_rd), .bytes_written_o(perf_wr),
    .ld_busy_o(perf_ld_busy), .ld_stall_o(perf_ld_stall), .cp_busy_o(perf_cp_busy),
    .cp_stall_o(perf_cp_stall), .st_busy_o(perf_st_busy), .st_stall_o(perf_st_stall)
  );

  // ---- fetch, decode, dispatch ------------------------------------------------------------
  logic         f_ar_valid, f_ar_ready, f_r_valid, f_r_ready;
  logic [63:0]  f_ar_addr;
  logic [7:0]   f_ar_len;
  logic         ld_valid, ld_ready, cp_valid, cp_ready, st_valid, st_ready;
  logic [255:0] insn, insn_tagged;

  abacus_fetch #(
    .DataWidth(DataWidth),
    .Rows     (Rows),
    .Cols     (Cols),
    .IbufRows (IbufRows),
    .WbufRows (WbufRows),
    .AccRows  (AccRows),
    .ObufRows (ObufRows),
    .PbufSlots(PbufSlots),
    .FetchId  (FetchId),
    .MaxBursts(FetchMaxBursts)
  ) u_fetch (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(clear && !start), .start_i(launch), .halt_i(halt),
    // (fetch takes the window at launch, as win_base/win_limit do)
    .prog_base_i(prog_base), .prog_count_i(prog_count), .win_base_i(win_base_reg), .win_limit_i(win_limit_reg),
    .engines_idle_i(engines_idle),
    // reads: the arbiter in the load path gives fetch its ID; R data straight from the port
    .ar_valid_o(f_ar_valid), .ar_ready_i(f_ar_ready), .ar_addr_o(f_ar_addr), .ar_len_o(f_ar_len), .ar_id_o(),
    .r_valid_i(f_r_valid), .r_ready_o(f_r_ready),
    .r_data_i(axi_rdata_i), .r_resp_i(axi_rresp_i), .r_last_i(axi_rlast_i),
    // dispatch to the three queues
    .ld_valid_o(ld_valid), .ld_ready_i(ld_ready), .cp_valid_o(cp_valid), .cp_ready_i(cp_ready),
    .st_valid_o(st_valid), .st_ready_i(st_ready), .insn_o(insn),
    .busy_o(fetch_busy), .active_o(fetch_active), .finish_o(fetch_finish), .pc_o(pc),
    .err_o(fetch_err), .err_code_o(fetch_err_code), .err_addr_o(fetch_err_addr)
  );
  // tag each dispatched instruction with its index (reserved bits [255:224])
  assign insn_tagged = {pc, insn[223:0]};

  // ---- load path: queue, engine, load DMA, read arbiter ---------------------------------------
  logic                 ld_sp_we, ld_sp_we_next;
  logic [LdSpWordW-1:0] ld_sp_waddr, ld_sp_waddr_next;
  logic [DataWidth-1:0] ld_sp_wdata;
  logic [DataBytes-1:0] ld_sp_wstrb;

  abacus_load_path #(
    .DataWidth (DataWidth),
    .SpBytes   (SpBytes),
    .MaxReads  (LoadMaxReads),
    .QueueDepth(64),
    .FetchId   (FetchId)
  ) u_load_path (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(clear), .halt_i(halt),
    .win_base_i(win_base), .win_limit_i(win_limit),
    .insn_valid_i(ld_valid), .insn_ready_o(ld_ready), .insn_i(insn_tagged), .insn_pending_o(ldq_valid),
    .tok_avail_i(tok_c2l_avail), .tok_pop_o(c2l_pop), .tok_push_o(l2c_push),
    .f_ar_valid_i(f_ar_valid), .f_ar_ready_o(f_ar_ready), .f_ar_addr_i(f_ar_addr), .f_ar_len_i(f_ar_len),
    .f_r_valid_o(f_r_valid), .f_r_ready_i(f_r_ready),
    `ABACUS_AXI_M_RD_PASS(axi, axi),
    .sp_we_o(ld_sp_we), .sp_waddr_o(ld_sp_waddr), .sp_wdata_o(ld_sp_wdata), .sp_wstrb_o(ld_sp_wstrb),
    .sp_we_next_o(ld_sp_we_next), .sp_waddr_next_o(ld_sp_waddr_next),
    .idle_o(ld_idle), .busy_o(ld_busy), .stall_o(ld_stall), .pc_o(ld_pc), .bytes_o(ld_bytes),
    .err_o(ld_err), .err_code_o(ld_err_code), .err_addr_o(ld_err_addr),
    .dma_busy_o(ld_dma_busy), .dma_done_o(ld_dma_done), .dma_status_o(ld_dma_status)
  );

  // ---- buffers: ibuf, wbuf, pbuf (the load DMA's address space), obuf --------------------------
  logic                 wb_re, pb_re, ob_we, ob_re;
  logic [3:0]           ib_re;
  logic [4*IbAw-9:0]    ib_raddr;    // four ibuf quarters
  logic [4*DataWidth-1:0] ib_rdata;
  logic [WbAw-1:0]      wb_raddr;
  logic [PbAw-1:0]      pb_raddr;
  logic [ObAw-1:0]      ob_waddr, ob_raddr;
  logic [DataWidth-1:0] wb_rdata, pb_rdata, ob_wdata, ob_rdata;
  logic                 st_ib_we, st_ib_wready;  // the store engine's ibuf writes (TO_IBUF)
  logic [IbAw-1:0]      st_ib_waddr;
  logic [DataWidth-1:0] st_ib_wdata;
  logic [DataBytes-1:0] st_ib_wstrb;

  abacus_buffers #(
    .DataWidth(DataWidth),
    .IbufRows (IbufRows),
    .WbufRows (WbufRows),
    .PbufWords(PbufWords),
    .ObufRows (ObufRows)
  ) u_buffers (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .ld_we_i(ld_sp_we), .ld_waddr_i(ld_sp_waddr),
    .ld_we_next_i(ld_sp_we_next), .ld_waddr_next_i(ld_sp_waddr_next), .ld_wdata_i(ld_sp_wdata), .ld_wstrb_i(ld_sp_wstrb),
    .st_ib_we_i(st_ib_we), .st_ib_wready_o(st_ib_wready), .st_ib_waddr_i(st_ib_waddr),
    .st_ib_wdata_i(st_ib_wdata), .st_ib_wstrb_i(st_ib_wstrb),
    .ib_re_i(ib_re), .ib_raddr_i(ib_raddr), .ib_rdata_o(ib_rdata),
    .wb_re_i(wb_re), .wb_raddr_i(wb_raddr), .wb_rdata_o(wb_rdata),
    .pb_re_i(pb_re), .pb_raddr_i(pb_raddr), .pb_rdata_o(pb_rdata),
    .ob_we_i(ob_we), .ob_waddr_i(ob_waddr), .ob_wdata_i(ob_wdata),
    .st_re_i(ob_re), .st_raddr_i(ob_raddr), .st_rdata_o(ob_rdata)
  );

  // ---- compute path: queue, engine, core ----------------------------------------------------
  // the core's parameter and read-out port, driven by the store path
  logic               p_we, r_valid, r_ready, o_valid, o_ready;
  logic [1:0]         p_sel;
  logic [Cols*32-1:0] p_data;
  logic [7:0]         zp_out, clamp_min, clamp_max;
  logic               requant_float;
  logic [AccAw-1:0]   r_addr;
  logic [Cols*8-1:0]  o_data;

  abacus_compute_path #(
    .DataWidth (DataWidth),
    .Rows      (Rows),
    .Cols      (Cols),
    .PackDsp   (PackDsp),
    .IbufRows  (IbufRows),
    .WbufRows  (WbufRows),
    .AccRows   (AccRows),
    .QueueDepth(16)
  ) u_compute_path (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(clear), .halt_i(halt),
    .insn_valid_i(cp_valid), .insn_ready_o(cp_ready), .insn_i(insn_tagged), .insn_pending_o(cpq_valid),
    .tok_l2c_avail_i(tok_l2c_avail), .tok_l2c_pop_o(l2c_pop),
    .tok_s2c_avail_i(tok_s2c_avail), .tok_s2c_pop_o(s2c_pop),
    .tok_c2l_push_o(c2l_push), .tok_c2s_push_o(c2s_push),
    .ib_re_o(ib_re), .ib_raddr_o(ib_raddr), .ib_rdata_i(ib_rdata),
    .wb_re_o(wb_re), .wb_raddr_o(wb_raddr), .wb_rdata_i(wb_rdata),
    .p_we_i(p_we), .p_sel_i(p_sel), .p_data_i(p_data),
    .zp_out_i(zp_out), .clamp_min_i(clamp_min), .clamp_max_i(clamp_max), .float_i(requant_float),
    .r_valid_i(r_valid), .r_ready_o(r_ready), .r_addr_i(r_addr),
    .o_valid_o(o_valid), .o_ready_i(o_ready), .o_data_o(o_data),
    .busy_o(cp_busy), .stall_o(cp_stall), .fire_o(cp_fire), .dw_col_o(cp_dw_col), .dw_out_o(cp_dw_out),
    .core_busy_o(core_busy)
  );

  // ---- store path: queue, engine, store DMA ---------------------------------------------------
  abacus_store_path #(
    .DataWidth (DataWidth),
    .Cols      (Cols),
    .AccRows   (AccRows),
    .ObufRows  (ObufRows),
    .PbufWords (PbufWords),
    .MaxWrites (StoreMaxWrites),
    .QueueDepth(4),
    .IbufRows  (IbufRows)
  ) u_store_path (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(clear), .halt_i(halt),
    .win_base_i(win_base), .win_limit_i(win_limit),
    .insn_valid_i(st_valid), .insn_ready_o(st_ready), .insn_i(insn_tagged), .insn_pending_o(stq_valid),
    .tok_avail_i(tok_c2s_avail), .tok_pop_o(c2s_pop), .tok_push_o(s2c_push),
    .pb_re_o(pb_re), .pb_raddr_o(pb_raddr), .pb_rdata_i(pb_rdata),
    .p_we_o(p_we), .p_sel_o(p_sel), .p_data_o(p_data),
    .zp_out_o(zp_out), .clamp_min_o(clamp_min), .clamp_max_o(clamp_max), .float_o(requant_float),
    .r_valid_o(r_valid), .r_ready_i(r_ready), .r_addr_o(r_addr),
    .o_valid_i(o_valid), .o_ready_o(o_ready), .o_data_i(o_data),
    .ob_we_o(ob_we), .ob_waddr_o(ob_waddr), .ob_wdata_o(ob_wdata),
    .ob_re_o(ob_re), .ob_raddr_o(ob_raddr), .ob_rdata_i(ob_rdata),
    .ib_we_o(st_ib_we), .ib_wready_i(st_ib_wready), .ib_waddr_o(st_ib_waddr),
    .ib_wdata_o(st_ib_wdata), .ib_wstrb_o(st_ib_wstrb),
    `ABACUS_AXI_M_WR_PASS(axi, axi),
    .idle_o(st_idle), .busy_o(st_busy), .stall_o(st_stall), .pc_o(st_pc), .bytes_o(st_bytes),
    .err_o(st_err), .err_code_o(st_err_code), .err_addr_o(st_err_addr),
    .dma_busy_o(st_dma_busy), .dma_done_o(st_dma_done), .dma_status_o(st_dma_status)
  );

  logic unused;
  // fetch's pc tag replaces the instruction's reserved top bits
  assign unused = ^{fetch_finish, insn[255:224]};

`ifndef SYNTHESIS
  initial begin
    assert (Rows * 8 == DataWidth && Cols * 8 == DataWidth);
    assert (LoadMaxReads < 256 && StoreMaxWrites < 256);  // CFG_OUTSTANDING holds 8 bits each
  end
`endif
endmodule
