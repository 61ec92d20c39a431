`include "abacus_axi.svh"
`include "abacus_assert.svh"
// Control and status registers behind an AXI4-Lite slave (32-bit data,
// 12-bit byte addresses; the map is generated into abacus_isa_pkg from
// rtl/isa/abacus_isa.json).
//
// A write needs both AW and W (taken together); its response follows in the
// next cycle. A read's response comes two cycles after its AR (the read
// mux in two registered stages). Unmapped addresses answer
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
  // BUSY holds through the cycle DONE is on its way (done_i, registered
  // into done_q at the next edge): STATUS never reads "not busy, not done"
  // for a program that is ending, and a START in that cycle is not taken
  // (it would be marked DONE at once with the ending program's error).
  // Found by the fuzzer (tests/fuzz/regressions/status-idle-before-done).
  logic busy;
  assign busy = busy_i || done_i;

  // Two stages (the one-stage mux of 41 registers was 2548 ps in the xcup
  // 16x16 proxy run on 800ac44, over issue 13's 2.5 ns): in the cycle AR is
  // taken, each group of eight registers (address bits 7:5) has its word
  // picked by address bits 4:2 and registered; a cycle later R carries the
  // group's word. Every group's word is taken in the same cycle, so a read
  // sees the registers as they were in that one cycle.
  localparam int unsigned Groups = 8;  // the map: 0x000 .. 0x0fc
  logic [31:0] rword [Groups];
  for (genvar g = 0; g < Groups; g++) begin : g_group
    logic [11:0] addr;
    assign addr = {4'h0, 3'(g), s_araddr_i[4:2], 2'b00};
    always_comb begin
      rword[g] = '0;
      unique case (addr)
        abacus_isa_pkg::RegIdMagic:           rword[g] = abacus_isa_pkg::IdMagic;
        abacus_isa_pkg::RegIdVersion:         rword[g] = abacus_isa_pkg::IdVersion;
        abacus_isa_pkg::RegCfgArray:          rword[g] = CfgArray;
        abacus_isa_pkg::RegCfgIbufRows:       rword[g] = CfgIbufRows;
        abacus_isa_pkg::RegCfgWbufRows:       rword[g] = CfgWbufRows;
        abacus_isa_pkg::RegCfgAccRows:        rword[g] = CfgAccRows;
        abacus_isa_pkg::RegCfgObufRows:       rword[g] = CfgObufRows;
        abacus_isa_pkg::RegCfgPbufSlots:      rword[g] = CfgPbufSlots;
        abacus_isa_pkg::RegCfgBus:            rword[g] = CfgBus;
        abacus_isa_pkg::RegCfgSpadMap:        rword[g] = CfgSpadMap;
        abacus_isa_pkg::RegCfgOutstanding:    rword[g] = CfgOutstanding;
        abacus_isa_pkg::RegBuildId:           rword[g] = BuildId;
        abacus_isa_pkg::RegCtrl:              rword[g] = {29'd0, irq_en_q, 2'b00};
        abacus_isa_pkg::RegStatus:            rword[g] = {23'd0, err_store_q, err_q, 2'b00, done_q, busy};
        abacus_isa_pkg::RegErrAddrLo:         rword[g] = err_addr_q[31:0];
        abacus_isa_pkg::RegErrAddrHi:         rword[g] = err_addr_q[63:32];
        abacus_isa_pkg::RegErrPc:             rword[g] = err_pc_q;
        abacus_isa_pkg::RegIrqStatus:         rword[g] = {31'd0, irq_pending_q};
        abacus_isa_pkg::RegPc:                rword[g] = pc_i;
        abacus_isa_pkg::RegEngineState:       rword[g] = engine_state_i;
        abacus_isa_pkg::RegProgBaseLo:        rword[g] = prog_base_q[31:0];
        abacus_isa_pkg::RegProgBaseHi:        rword[g] = prog_base_q[63:32];
        abacus_isa_pkg::RegProgCount:         rword[g] = prog_count_q;
        abacus_isa_pkg::RegWinBaseLo:         rword[g] = win_base_q[31:0];
        abacus_isa_pkg::RegWinBaseHi:         rword[g] = win_base_q[63:32];
        abacus_isa_pkg::RegWinLimitLo:        rword[g] = win_limit_q[31:0];
        abacus_isa_pkg::RegWinLimitHi:        rword[g] = win_limit_q[63:32];
        abacus_isa_pkg::RegPerfCyclesLo:      rword[g] = perf_cycles_i[31:0];
        abacus_isa_pkg::RegPerfCyclesHi:      rword[g] = perf_cycles_i[63:32];
        abacus_isa_pkg::RegPerfLoadBusy:      rword[g] = perf_load_busy_i;
        abacus_isa_pkg::RegPerfLoadStall:     rword[g] = perf_load_stall_i;
        abacus_isa_pkg::RegPerfComputeBusy:   rword[g] = perf_compute_busy_i;
        abacus_isa_pkg::RegPerfComputeStall:  rword[g] = perf_compute_stall_i;
        abacus_isa_pkg::RegPerfStoreBusy:     rword[g] = perf_store_busy_i;
        abacus_isa_pkg::RegPerfStoreStall:    rword[g] = perf_store_stall_i;
        abacus_isa_pkg::RegPerfMacsLo:        rword[g] = perf_macs_i[31:0];
        abacus_isa_pkg::RegPerfMacsHi:        rword[g] = perf_macs_i[63:32];
        abacus_isa_pkg::RegPerfBytesReadLo:   rword[g] = perf_bytes_read_i[31:0];
        abacus_isa_pkg::RegPerfBytesReadHi:   rword[g] = perf_bytes_read_i[63:32];
        abacus_isa_pkg::RegPerfBytesWrittenLo: rword[g] = perf_bytes_written_i[31:0];
        abacus_isa_pkg::RegPerfBytesWrittenHi: rword[g] = perf_bytes_written_i[63:32];
        default: ;
      endcase
    end
  end

  // ---- read channel ----------------------------------------------------------------
  logic              rpend_q, rvalid_q, rmapped_q;
  logic [2:0]        rgroup_q;
  logic [31:0]       rword_q [Groups];
  assign s_arready_o = !rpend_q && !rvalid_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rpend_q   <= 1'b0;
      rvalid_q  <= 1'b0;
      rmapped_q <= 1'b0;
      rgroup_q  <= '0;
      s_rdata_o <= '0;
      s_rresp_o <= 2'b00;
    end else begin
      rpend_q <= s_arvalid_i && s_arready_o;
      if (s_arvalid_i && s_arready_o) begin
        rmapped_q <= abacus_isa_pkg::reg_mapped(s_araddr_i);
        rgroup_q  <= s_araddr_i[7:5];
      end
      if (rpend_q) begin
        rvalid_q  <= 1'b1;
        s_rdata_o <= rmapped_q ? rword_q[rgroup_q] : 32'd0;
        s_rresp_o <= rmapped_q ? abacus_pkg::AxiRespOkay : abacus_pkg::AxiRespSlvErr;
      end else if (s_rready_i) begin
        rvalid_q <= 1'b0;
      end
    end
  end
  always_ff @(posedge clk_i) begin
    if (s_arvalid_i && s_arready_o) begin
      for (int unsigned g = 0; g < Groups; g++) rword_q[g] <= rword[g];
    end
  end
  assign s_rvalid_o = rvalid_q;
  // (every register in the groups the read mux covers: a map grown past
  // 0x0fc needs more groups)
  `ABACUS_ASSERT(CsrMapInReadGroups,
                 !(s_arvalid_i && abacus_isa_pkg::reg_mapped(s_araddr_i)) || s_araddr_i[11:8] == 4'h0)

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
