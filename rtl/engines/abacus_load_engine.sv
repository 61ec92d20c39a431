`include "abacus_desc.svh"
`include "abacus_assert.svh"
// Load engine: executes LOAD instructions in order on its DMA.
// POP_NEXT waits for a compute->load token (a buffer was released) and
// takes it; PUSH_NEXT gives a load->compute token once the data is in.
// Descriptors are issued back to back (the DMA pipelines them); a queue of
// the LOADs in flight (up to MaxLoads), popped by the DMA's in-order
// completions, holds each one's PUSH_NEXT and instruction index. After
// halt_i, queued instructions are discarded and transfers in progress
// complete (bus transactions cannot be abandoned).
module abacus_load_engine #(
  // LOADs in flight (a power of two): as many as the DMA has reads in
  // flight, so that short LOADs (a row of a few beats, a padding run) keep
  // the bus as busy as long ones do; with 8, 32 x 32 depthwise layers waited
  // for the memory latency every 8 LOADs (docs/architecture.md)
  parameter int unsigned MaxLoads = 8
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         halt_i,
  // instruction queue
  input  logic         insn_valid_i,
  output logic         insn_ready_o,
  input  logic [255:0] insn_i,
  // tokens
  input  logic         tok_avail_i,   // compute->load count > 0
  output logic         tok_pop_o,
  output logic         tok_push_o,    // load->compute
  // DMA descriptor and completion
  `ABACUS_DESC_OUT_PORTS(desc),  // rtl/common/abacus_desc.svh
  input  logic         dma_done_i,
  input  logic [2:0]   dma_status_i,
  // status
  output logic         idle_o,        // no instruction taken
  output logic [31:0]  pc_o,          // index of the instruction taken (dispatch tags bits [255:224])
  output logic         busy_o,        // executing (counts as busy)
  output logic         stall_o,       // waiting for a token
  output logic         err_o,         // pulse with err_code_o
  output logic [3:0]   err_code_o,
  output logic [31:0]  bytes_o        // descriptor bytes of a completed LOAD (with done)
);
  typedef enum logic [1:0] {
    SIdle,
    SToken,
    SIssue
  } state_e;
  state_e       state_q;
  logic [255:0] i_q;

  // LOADs issued and not yet complete: {PUSH_NEXT, instruction index, bytes}
  logic        pend_wready, pend_rvalid, pend_push;
  logic [31:0] pend_pc, pend_bytes;
  logic [31:0] bytes_q;  // the LOAD's rows * row_bytes (below)
  logic        issued, failed;
  assign issued = desc_valid_o && desc_ready_i && !halt_i;
  assign failed = dma_done_i && dma_status_i != abacus_pkg::DmaOk;
  // (the head from a register: from the LUT-RAM read into the performance
  // counters' byte add was 3358 ps in the whole xc7 32x32 run on a76c4ec,
  // proxy; the store engine's outstanding descriptors alike)
  abacus_fifo #(.Width(65), .Depth(MaxLoads), .NoOverflow(1'b1), .OutReg(1'b1)) u_pending (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (failed),  // the failing descriptor and any after it report nothing more
    .wvalid_i(issued),
    .wready_o(pend_wready),
    .wdata_i ({i_q[abacus_isa_pkg::PushNextLsb], i_q[255:224], bytes_q}),
    .rvalid_o(pend_rvalid),
    .rready_i(dma_done_i),
    .rdata_o ({pend_push, pend_pc, pend_bytes}),
    .count_o ()
  );

  assign insn_ready_o = (state_q == SIdle);
  logic take;
  assign take = insn_valid_i && insn_ready_o;
  // the LOAD's bytes, for the byte counter: multiplied as it is taken, into
  // a register (a DSP's own), so no DSP lies between a register and the
  // pending queue's write (it could be issued the next cycle)
  always_ff @(posedge clk_i) begin
    if (take) bytes_q <= 32'(insn_i[abacus_isa_pkg::LoadRowsLsb +: 16]) *
                         32'(insn_i[abacus_isa_pkg::LoadRowBytesLsb +: 16]);
  end

  assign desc_valid_o      = (state_q == SIssue) && pend_wready;
  assign desc_store_o      = 1'b0;
  assign desc_dram_addr_o  = i_q[abacus_isa_pkg::LoadDramAddrLsb +: 64];
  assign desc_rows_o       = i_q[abacus_isa_pkg::LoadRowsLsb +: 16];
  assign desc_row_bytes_o  = i_q[abacus_isa_pkg::LoadRowBytesLsb +: 16];
  assign desc_stride_o     = i_q[abacus_isa_pkg::LoadStrideLsb +: 32];
  assign desc_sp_addr_o    = i_q[abacus_isa_pkg::LoadSpAddrLsb +: 32];
  assign desc_sp_stride_o  = i_q[abacus_isa_pkg::LoadSpStrideLsb +: 16];
  assign desc_pad_top_o    = i_q[abacus_isa_pkg::LoadPadTopLsb +: 8];
  assign desc_pad_bottom_o = i_q[abacus_isa_pkg::LoadPadBottomLsb +: 8];
  assign desc_pad_left_o   = i_q[abacus_isa_pkg::LoadPadLeftLsb +: 8];
  assign desc_pad_right_o  = i_q[abacus_isa_pkg::LoadPadRightLsb +: 8];
  assign desc_pad_value_o  = i_q[abacus_isa_pkg::LoadPadValueLsb +: 8];

  logic pop_next;
  assign pop_next  = i_q[abacus_isa_pkg::PopNextLsb];
  assign tok_pop_o = (state_q == SToken) && tok_avail_i && !halt_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= SIdle;
      err_o      <= 1'b0;
      err_code_o <= '0;
      err_pc_q   <= '0;
      tok_push_o <= 1'b0;
    end else begin
      err_o      <= 1'b0;
      tok_push_o <= 1'b0;
      unique case (state_q)
        SIdle: if (take && !halt_i) begin
          i_q     <= insn_i;
          state_q <= insn_i[abacus_isa_pkg::PopNextLsb] ? SToken : SIssue;
        end
        SToken: begin
          if (halt_i) state_q <= SIdle;
          else if (tok_avail_i) state_q <= SIssue;
        end
        SIssue: begin
          if (halt_i) state_q <= SIdle;
          else if (desc_valid_o && desc_ready_i) state_q <= SIdle;
        end
        default: state_q <= SIdle;
      endcase
      if (dma_done_i) begin
        if (failed) begin
          err_o      <= 1'b1;
          err_code_o <= {1'b0, dma_status_i};  // DMA codes equal the ERR_DMA_* codes
          err_pc_q   <= pend_pc;               // the oldest LOAD in flight
        end else if (pend_rvalid && pend_push) begin
          tok_push_o <= 1'b1;
        end
      end
    end
  end

  logic [31:0] err_pc_q;
  assign busy_o  = (state_q == SIssue) || pend_rvalid;
  assign stall_o = (state_q == SToken);
  assign idle_o  = (state_q == SIdle) && !pend_rvalid;
  assign pc_o    = err_pc_q;
  assign bytes_o = pend_bytes;  // of the LOAD completing now

  logic unused;
  assign unused = ^{i_q[abacus_isa_pkg::OpcodeLsb +: 4], pop_next};

  // Invariants: a token is taken only when one is there; a descriptor
  // offered to the DMA stays offered, unchanged, until taken (or halt);
  // every error has a code.
  `ABACUS_ASSERT(LoadPopsOnlyAvailable, !tok_pop_o || tok_avail_i)
  `ABACUS_ASSERT(LoadErrorHasCode, !err_o || err_code_o != '0)
`ifndef SYNTHESIS
  abacus_axi_hold_check #(.PayloadBits(64 + 16 + 16 + 32 + 32 + 16 + 5 * 8)) u_desc_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(desc_valid_o), .ready_i(desc_ready_i), .abort_i(halt_i),
    .payload_i({desc_dram_addr_o, desc_rows_o, desc_row_bytes_o, desc_stride_o, desc_sp_addr_o,
                desc_sp_stride_o, desc_pad_top_o, desc_pad_bottom_o, desc_pad_left_o,
                desc_pad_right_o, desc_pad_value_o}));
`endif
endmodule
