`include "abacus_axi.svh"
`include "abacus_assert.svh"
// Control and status registers behind an AXI4-Lite slave (32-bit data,
// 12-bit byte addresses; the map is generated into abacus_isa_pkg from
// rtl/isa/abacus_isa.json).
//
// A write needs both AW and W (taken together); its response follows in the
// next cycle. Reads answer in the next cycle. Unmapped addresses answer
// SLVERR and change nothing; writes to read-only registers answer OKAY and
// change nothing. IRQ_STATUS is write-1-to-clear.
module abacus_csr #(
  parameter logic [31:0] CfgArray = 32'h0010_0010,
  parameter logic [31:0] CfgIbufRows = 32'd0,
  parameter logic [31:0] CfgWbufRows = 32'd0,
  parameter logic [31:0] CfgAccRows = 32'd0,
  parameter logic [31:0] CfgObufRows = 32'd0,
  parameter logic [31:0] CfgPbufSlots = 32'd0,
  parameter logic [31:0] CfgBus = 32'd0,
  parameter logic [31:0] CfgSpadMap = 32'd0,
  parameter logic [31:0] CfgOutstanding = 32'd0,
  parameter logic [31:0] BuildId = 32'd0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  `ABACUS_AXIL_S_PORTS(s),  // AXI4-Lite slave: rtl/common/abacus_axi.svh
  // control outputs
  output logic        start_o,       // one-cycle pulse
  output logic        soft_reset_o,  // one-cycle pulse
  output logic        irq_o,
  output logic [63:0] prog_base_o,
  output logic [31:0] prog_count_o,
  output logic [63:0] win_base_o,
  output logic [63:0] win_limit_o,
  // status inputs
  input  logic        busy_i,
  input  logic        done_i,        // one-cycle pulse when a program ends
  input  logic [3:0]  error_i,       // valid with done_i
  input  logic        error_store_i,
  input  logic [63:0] err_addr_i,
  input  logic [31:0] err_pc_i,
  input  logic [31:0] pc_i,
  input  logic [31:0] engine_state_i,
  input  logic [63:0] perf_cycles_i,
  input  logic [31:0] perf_load_busy_i,
  input  logic [31:0] perf_load_stall_i,
  input  logic [31:0] perf_compute_busy_i,
  input  logic [31:0] perf_compute_stall_i,
  input  logic [31:0] perf_store_busy_i,
  input  logic [31:0] perf_store_stall_i,
  input  logic [63:0] perf_macs_i,
  input  logic [63:0] perf_bytes_read_i,
  input  logic [63:0] perf_bytes_written_i
);
  // ---- register state ----------------------------------------------------------
  logic        irq_en_q, done_q, irq_pending_q, err_store_q;
  logic [3:0]  err_q;
  logic [63:0] err_addr_q;
  logic [31:0] err_pc_q;
  logic [63:0] prog_base_q, win_base_q, win_limit_q;
  logic [31:0] prog_count_q;

  // ---- read mux ------------------------------------------------------------------
  logic [31:0] rdata;
  logic        rmapped;
  // BUSY holds through the cycle DONE is on its way (done_i, registered
  // into done_q at the next edge): STATUS never reads "not busy, not done"
  // for a program that is ending, and a START in that cycle is not taken
  // (it would be marked DONE at once with the ending program's error).
  // Found by the fuzzer (tests/fuzz/regressions/status-idle-before-done).
  logic busy;
  assign busy = busy_i || done_i;

  always_comb begin
    rmapped = 1'b1;
    rdata   = '0;
    unique case (s_araddr_i)
      abacus_isa_pkg::RegIdMagic:           rdata = abacus_isa_pkg::IdMagic;
      abacus_isa_pkg::RegIdVersion:         rdata = abacus_isa_pkg::IdVersion;
      abacus_isa_pkg::RegCfgArray:          rdata = CfgArray;
      abacus_isa_pkg::RegCfgIbufRows:       rdata = CfgIbufRows;
      abacus_isa_pkg::RegCfgWbufRows:       rdata = CfgWbufRows;
      abacus_isa_pkg::RegCfgAccRows:        rdata = CfgAccRows;
      abacus_isa_pkg::RegCfgObufRows:       rdata = CfgObufRows;
      abacus_isa_pkg::RegCfgPbufSlots:      rdata = CfgPbufSlots;
      abacus_isa_pkg::RegCfgBus:            rdata = CfgBus;
      abacus_isa_pkg::RegCfgSpadMap:        rdata = CfgSpadMap;
      abacus_isa_pkg::RegCfgOutstanding:    rdata = CfgOutstanding;
      abacus_isa_pkg::RegBuildId:           rdata = BuildId;
      abacus_isa_pkg::RegCtrl:              rdata = {29'd0, irq_en_q, 2'b00};
      abacus_isa_pkg::RegStatus:            rdata = {23'd0, err_store_q, err_q, 2'b00, done_q, busy};
      abacus_isa_pkg::RegErrAddrLo:         rdata = err_addr_q[31:0];
      abacus_isa_pkg::RegErrAddrHi:         rdata = err_addr_q[63:32];
      abacus_isa_pkg::RegErrPc:             rdata = err_pc_q;
      abacus_isa_pkg::RegIrqStatus:         rdata = {31'd0, irq_pending_q};
      abacus_isa_pkg::RegPc:                rdata = pc_i;
      abacus_isa_pkg::RegEngineState:       rdata = engine_state_i;
      abacus_isa_pkg::RegProgBaseLo:        rdata = prog_base_q[31:0];
      abacus_isa_pkg::RegProgBaseHi:        rdata = prog_base_q[63:32];
      abacus_isa_pkg::RegProgCount:         rdata = prog_count_q;
      abacus_isa_pkg::RegWinBaseLo:         rdata = win_base_q[31:0];
      abacus_isa_pkg::RegWinBaseHi:         rdata = win_base_q[63:32];
      abacus_isa_pkg::RegWinLimitLo:        rdata = win_limit_q[31:0];
      abacus_isa_pkg::RegWinLimitHi:        rdata = win_limit_q[63:32];
      abacus_isa_pkg::RegPerfCyclesLo:      rdata = perf_cycles_i[31:0];
      abacus_isa_pkg::RegPerfCyclesHi:      rdata = perf_cycles_i[63:32];
      abacus_isa_pkg::RegPerfLoadBusy:      rdata = perf_load_busy_i;
      abacus_isa_pkg::RegPerfLoadStall:     rdata = perf_load_stall_i;
      abacus_isa_pkg::RegPerfComputeBusy:   rdata = perf_compute_busy_i;
      abacus_isa_pkg::RegPerfComputeStall:  rdata = perf_compute_stall_i;
      abacus_isa_pkg::RegPerfStoreBusy:     rdata = perf_store_busy_i;
      abacus_isa_pkg::RegPerfStoreStall:    rdata = perf_store_stall_i;
      abacus_isa_pkg::RegPerfMacsLo:        rdata = perf_macs_i[31:0];
      abacus_isa_pkg::RegPerfMacsHi:        rdata = perf_macs_i[63:32];
      abacus_isa_pkg::RegPerfBytesReadLo:   rdata = perf_bytes_read_i[31:0];
      abacus_isa_pkg::RegPerfBytesReadHi:   rdata = perf_bytes_read_i[63:32];
      abacus_isa_pkg::RegPerfBytesWrittenLo: rdata = perf_bytes_written_i[31:0];
      abacus_isa_pkg::RegPerfBytesWrittenHi: rdata = perf_bytes_written_i[63:32];
      default:                              rmapped = 1'b0;
    endcase
  end

  // ---- read channel ----------------------------------------------------------------
  logic rvalid_q;
  assign s_arready_o = !rvalid_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rvalid_q  <= 1'b0;
      s_rdata_o <= '0;
      s_rresp_o <= 2'b00;
    end else if (s_arvalid_i && s_arready_o) begin
      rvalid_q  <= 1'b1;
      s_rdata_o <= rmapped ? rdata : 32'd0;
      s_rresp_o <= rmapped ? abacus_pkg::AxiRespOkay : abacus_pkg::AxiRespSlvErr;
    end else if (s_rready_i) begin
      rvalid_q <= 1'b0;
    end
  end
  assign s_rvalid_o = rvalid_q;

  // ---- write channel -----------------------------------------------------------------
  logic        bvalid_q, wfire, wmapped;
  logic [31:0] wmask;
  assign s_awready_o = s_awvalid_i && s_wvalid_i && !bvalid_q;
  assign s_wready_o  = s_awready_o;
  assign wfire       = s_awready_o;
  always_comb begin
    for (int unsigned b = 0; b < 4; b++) wmask[b*8 +: 8] = {8{s_wstrb_i[b]}};
    // every register of the map answers OKAY; only the writable ones change
    wmapped = abacus_isa_pkg::reg_mapped(s_awaddr_i);
  end
  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] data,
                                        input logic [31:0] mask);
    merge = (old & ~mask) | (data & mask);
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bvalid_q      <= 1'b0;
      s_bresp_o     <= 2'b00;
      irq_en_q      <= 1'b0;
      done_q        <= 1'b0;
      irq_pending_q <= 1'b0;
      err_q         <= '0;
      err_store_q   <= 1'b0;
      err_addr_q    <= '0;
      err_pc_q      <= '0;
      prog_base_q   <= '0;
      prog_count_q  <= '0;
      win_base_q    <= '0;
      win_limit_q   <= '0;
      start_o       <= 1'b0;
      soft_reset_o  <= 1'b0;
    end else begin
      start_o      <= 1'b0;
      soft_reset_o <= 1'b0;
      if (wfire) begin
        bvalid_q  <= 1'b1;
        s_bresp_o <= wmapped ? abacus_pkg::AxiRespOkay : abacus_pkg::AxiRespSlvErr;
        unique case (s_awaddr_i)
          abacus_isa_pkg::RegCtrl: begin
            if (s_wstrb_i[0]) begin
              irq_en_q <= s_wdata_i[abacus_isa_pkg::CtrlIrqEn];
              if (s_wdata_i[abacus_isa_pkg::CtrlSoftReset]) soft_reset_o <= 1'b1;
              else if (s_wdata_i[abacus_isa_pkg::CtrlStart] && !busy) begin
                start_o <= 1'b1;
                done_q      <= 1'b0;
                err_q       <= '0;
                err_store_q <= 1'b0;
              end
            end
          end
          abacus_isa_pkg::RegIrqStatus:
            if (s_wstrb_i[0] && s_wdata_i[0]) irq_pending_q <= 1'b0;
          abacus_isa_pkg::RegProgBaseLo: prog_base_q[31:0]  <= merge(prog_base_q[31:0], s_wdata_i, wmask);
          abacus_isa_pkg::RegProgBaseHi: prog_base_q[63:32] <= merge(prog_base_q[63:32], s_wdata_i, wmask);
          abacus_isa_pkg::RegProgCount:  prog_count_q       <= merge(prog_count_q, s_wdata_i, wmask);
          abacus_isa_pkg::RegWinBaseLo:  win_base_q[31:0]   <= merge(win_base_q[31:0], s_wdata_i, wmask);
          abacus_isa_pkg::RegWinBaseHi:  win_base_q[63:32]  <= merge(win_base_q[63:32], s_wdata_i, wmask);
          abacus_isa_pkg::RegWinLimitLo: win_limit_q[31:0]  <= merge(win_limit_q[31:0], s_wdata_i, wmask);
          abacus_isa_pkg::RegWinLimitHi: win_limit_q[63:32] <= merge(win_limit_q[63:32], s_wdata_i, wmask);
          default: ;
        endcase
      end else if (s_bready_i) begin
        bvalid_q <= 1'b0;
      end
      if (done_i) begin
        done_q      <= 1'b1;
        err_q       <= error_i;
        err_store_q <= error_store_i;
        err_addr_q  <= err_addr_i;
        err_pc_q    <= err_pc_i;
        if (irq_en_q) irq_pending_q <= 1'b1;
      end
      if (soft_reset_o) begin
        done_q        <= 1'b0;
        err_q         <= '0;
        err_store_q   <= 1'b0;
        irq_pending_q <= 1'b0;
      end
    end
  end
  assign s_bvalid_o   = bvalid_q;
  assign irq_o        = irq_pending_q;
  assign prog_base_o  = prog_base_q;
  assign prog_count_o = prog_count_q;
  assign win_base_o   = win_base_q;
  assign win_limit_o  = win_limit_q;

  // Invariants: an error code is only ever shown with DONE, and the store
  // flag only with an error code (all three are set by done_i and cleared
  // together by START and SOFT_RESET); B and R responses stay, unchanged,
  // until taken (AXI4-Lite).
  `ABACUS_ASSERT(CsrErrorOnlyWhenDone, err_q == '0 || done_q)
  `ABACUS_ASSERT(CsrStoreFlagOnlyWithError, !err_store_q || err_q != '0)
`ifndef SYNTHESIS
  abacus_axi_hold_check #(.PayloadBits(2)) u_b_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(s_bvalid_o), .ready_i(s_bready_i), .abort_i(1'b0),
    .payload_i(s_bresp_o));
  abacus_axi_hold_check #(.PayloadBits(34)) u_r_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(s_rvalid_o), .ready_i(s_rready_i), .abort_i(1'b0),
    .payload_i({s_rdata_o, s_rresp_o}));
`endif
endmodule
