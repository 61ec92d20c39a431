`include "abacus_assert.svh"
// Run control: START, SOFT_RESET, the first error, DONE.
//
// The first error (fetch, illegal instruction, DMA window/descriptor, bus
// error) is latched with its code, address and instruction index; it halts
// dispatch and every engine (halt_o), outstanding bus transfers complete,
// and then the program ends (done_o pulses: STATUS.DONE, interrupt). START
// (fetch idle) and SOFT_RESET once everything is idle clear all of it
// (clear_o, one cycle); SOFT_RESET during a program halts it the same way
// first, and the aborted program reports no DONE.
//
// Two errors are run control's own. DEADLOCK: a program whose dependency
// tokens do not balance (a pop no push will ever satisfy) would wait
// forever; when nothing has moved for DeadlockCycles cycles (every engine
// idle with an empty queue or waiting for a token, no DMA or array work in
// flight, fetch waiting on a full queue or on FINISH) the program ends with
// DEADLOCK and the four token counts in ERR_ADDR. The wait is longer than
// any internal latency that shows no busy signal (the array's result delay
// line is Rows+Cols+~10 cycles), so a live program never trips it.
// TOKEN_OVERFLOW: a push onto a counter at 255 (abacus_tokens refuses it).
module abacus_run_ctrl #(
  parameter int unsigned DeadlockCycles = 256
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,          // CTRL.START written
  input  logic        soft_reset_i,     // CTRL.SOFT_RESET written
  // what is still going on
  input  logic        fetch_busy_i,
  input  logic        ld_idle_i,
  input  logic        st_idle_i,
  input  logic        cp_busy_i,
  input  logic        ld_dma_busy_i,
  input  logic        st_dma_busy_i,
  input  logic        ldq_valid_i,
  input  logic        cpq_valid_i,
  input  logic        stq_valid_i,
  input  logic        core_busy_i,
  // errors, in priority order
  input  logic        fetch_err_i,
  input  logic [3:0]  fetch_err_code_i,
  input  logic [63:0] fetch_err_addr_i,  // fetch/empty program: the address; illegal instruction: its index
  input  logic [31:0] pc_i,
  input  logic        ld_err_i,
  input  logic [3:0]  ld_err_code_i,
  input  logic [63:0] ld_err_addr_i,
  input  logic [31:0] ld_pc_i,
  input  logic        st_err_i,
  input  logic [3:0]  st_err_code_i,
  input  logic [63:0] st_err_addr_i,
  input  logic [31:0] st_pc_i,
  input  logic        quiet_i,          // nothing can move: engines wait, no bus or array work
  input  logic [31:0] tok_counts_i,     // S->C, C->S, C->L, L->C token counts
  input  logic        tok_overflow_i,
  input  logic [1:0]  tok_overflow_idx_i,
  // state
  output logic        run_o,            // a program is running
  output logic        launch_o,         // START taken (fetch was idle): the program begins
  output logic        halt_o,           // an error or SOFT_RESET stops dispatch and the engines
  output logic        clear_o,          // control state back to its reset value
  output logic        busy_o,           // STATUS.BUSY
  output logic        done_o,           // one cycle: the program ended
  output logic        engines_idle_o,   // every engine, queue and DMA idle, a cycle late
  output logic [3:0]  err_code_o,
  output logic        err_store_o,
  output logic [63:0] err_addr_o,
  output logic [31:0] err_pc_o
);
  logic run_q, halt_q, soft_pending_q, all_idle;
  logic [3:0]  err_q;
  logic        err_store_q;
  logic [63:0] err_addr_q;
  logic [31:0] err_pc_q;

  logic engines_idle;  // (this cycle's: the assertions' reference)
  assign engines_idle = ld_idle_i && st_idle_i && !cp_busy_i && !ld_dma_busy_i && !st_dma_busy_i &&
                        !ldq_valid_i && !stq_valid_i && (halt_q || (!cpq_valid_i && !core_busy_i));
  assign all_idle = !fetch_busy_i && engines_idle;
  // "Everything idle" is taken two cycles late (idle_q), so the OR of every
  // engine's, queue's and DMA's busy flag is in front of neither clear_o
  // and its fan-out (the longest path of an xcup 32x32 synthesis, 3324 ps,
  // proxy) nor the run flag and DONE (from the depthwise engine's
  // ex_valid_q, 2847 ps in the xcup 32x32 run on 47a2ba8): the busy flags
  // are ORed in groups into registers, and the groups into idle_q. Fetch
  // gets the engines' groups (not its own) as engines_idle_o, a cycle late
  // (its end of program reads it: from the depthwise engine's ex_valid_q
  // through the same OR into fetch's register was 2739 ps in the xcup
  // 16x16 proxy run on eb367eb).
  // It is exact: nothing leaves idle but a launch (START), and the cycle
  // after a clear is not counted (the halt it drops), so idle in a cycle
  // with neither, and neither in the next, is idle two cycles on: idle_q
  // implies all_idle (IdleLateIsIdle). A SOFT_RESET that finds idle_q low
  // is held in soft_pending_q, running or not, so none is lost; a program
  // ends (DONE) two cycles after the last busy flag fell.
  logic idle_q, busy_f_q, busy_a_q, busy_b_q, busy_c_q, lc_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_f_q <= 1'b0;  // everything is idle out of reset
      busy_a_q <= 1'b0;
      busy_b_q <= 1'b0;
      busy_c_q <= 1'b0;
      lc_q     <= 1'b0;
      idle_q   <= 1'b1;
    end else begin
      busy_f_q <= fetch_busy_i;
      busy_a_q <= !ld_idle_i || !st_idle_i || ld_dma_busy_i || st_dma_busy_i;
      busy_b_q <= cp_busy_i || ldq_valid_i || stq_valid_i;
      busy_c_q <= !halt_q && (cpq_valid_i || core_busy_i);
      lc_q     <= launch_o || clear_o;
      idle_q   <= !busy_f_q && !busy_a_q && !busy_b_q && !busy_c_q && !lc_q && !launch_o && !clear_o;
    end
  end
  assign engines_idle_o = !busy_a_q && !busy_b_q && !busy_c_q;
  assign clear_o  = (start_i && !run_q) || ((soft_reset_i || soft_pending_q) && idle_q);
  assign busy_o   = run_q || soft_pending_q;
  assign launch_o = start_i && !run_q;

  // A refused token push is taken a cycle late, with the PC of its cycle:
  // the push comes from an engine's dispatch, and the refusal straight into
  // the error registers' priority mux was the longest path of the xcup
  // 16x16 proxy run on 800ac44 (2937 ps from the core's shadow_full, issue
  // 13's target 2.5 ns). The program halts a cycle later; the error code,
  // its address (the counter) and its PC are the same.
  logic        tok_q;
  logic [1:0]  tok_idx_q;
  logic [31:0] tok_pc_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) tok_q <= 1'b0;
    else tok_q <= tok_overflow_i && run_q && !clear_o;
  end
  always_ff @(posedge clk_i) begin
    tok_idx_q <= tok_overflow_idx_i;
    tok_pc_q  <= pc_i;
  end

  // cycles in a row with nothing able to move
  // (deadlock = quiet_q at DeadlockCycles, a register beside the count:
  // the compare in front of the run flag's and the error registers'
  // enables was 3278 ps in the xcup 16x16 proxy run on 88f8dfe, issue
  // 13's target 2.5 ns)
  localparam int unsigned QuietW = $clog2(DeadlockCycles + 1);
  logic [QuietW-1:0] quiet_q;
  logic              deadlock;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      quiet_q  <= '0;
      deadlock <= 1'b0;
    end else if (!run_q || halt_q || !quiet_i) begin
      quiet_q  <= '0;
      deadlock <= 1'b0;
    end else if (!deadlock) begin
      quiet_q  <= quiet_q + 1'b1;
      deadlock <= 32'(quiet_q) == DeadlockCycles - 1;
    end
  end
  `ABACUS_ASSERT(DeadlockFlagExact, deadlock == (32'(quiet_q) == DeadlockCycles))

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q          <= 1'b0;
      halt_q         <= 1'b0;
      soft_pending_q <= 1'b0;
      err_q          <= '0;
      err_store_q    <= 1'b0;
      err_addr_q     <= '0;
      err_pc_q       <= '0;
      done_o         <= 1'b0;
    end else begin
      done_o <= 1'b0;
      if (clear_o) begin
        halt_q         <= 1'b0;
        soft_pending_q <= 1'b0;
        err_q          <= '0;
        err_store_q    <= 1'b0;
        err_addr_q     <= '0;
        err_pc_q       <= '0;
        run_q          <= start_i && !soft_reset_i && !soft_pending_q;
      end else begin
        if (soft_reset_i) begin
          soft_pending_q <= 1'b1;
          halt_q         <= 1'b1;
          run_q          <= 1'b0;  // the aborted program reports no DONE
        end
        // the first error wins
        if (err_q == '0) begin
          // (a refused push, taken a cycle late, comes first: the errors
          // of the cycle it was refused in would have come before it, and
          // any of those is in err_q already)
          if (tok_q) begin
            err_q      <= abacus_isa_pkg::ErrTokenOverflow;
            err_addr_q <= 64'(tok_idx_q);
            err_pc_q   <= tok_pc_q;
            halt_q     <= 1'b1;
          end else if (fetch_err_i) begin
            err_q      <= fetch_err_code_i;
            err_addr_q <= (fetch_err_code_i == abacus_isa_pkg::ErrFetch ||
                           fetch_err_code_i == abacus_isa_pkg::ErrEmptyProgram) ? fetch_err_addr_i : '0;
            err_pc_q   <= (fetch_err_code_i == abacus_isa_pkg::ErrFetch ||
                           fetch_err_code_i == abacus_isa_pkg::ErrEmptyProgram) ? pc_i : fetch_err_addr_i[31:0];
            halt_q     <= 1'b1;
          end else if (ld_err_i) begin
            err_q      <= ld_err_code_i;
            err_addr_q <= ld_err_addr_i;
            err_pc_q   <= ld_pc_i;
            halt_q     <= 1'b1;
          end else if (st_err_i) begin
            err_q       <= st_err_code_i;
            err_store_q <= 1'b1;
            err_addr_q  <= st_err_addr_i;
            err_pc_q    <= st_pc_i;
            halt_q      <= 1'b1;
          end else if (deadlock) begin
            err_q      <= abacus_isa_pkg::ErrDeadlock;
            err_addr_q <= 64'(tok_counts_i);
            err_pc_q   <= pc_i;
            halt_q     <= 1'b1;
          end
        end
        if (run_q && idle_q && !fetch_err_i && !ld_err_i && !st_err_i &&
            !tok_overflow_i && !tok_q && !deadlock) begin
          run_q  <= 1'b0;
          done_o <= 1'b1;
        end
      end
    end
  end
  assign run_o       = run_q;
  assign halt_o      = halt_q;
  assign err_code_o  = err_q;
  assign err_store_o = err_store_q;
  assign err_addr_o  = err_addr_q;
  assign err_pc_o    = err_pc_q;

  // An error always halts; a program that ended is no longer running.
  `ABACUS_ASSERT(ErrorHalts, err_q == '0 || halt_q)
  `ABACUS_ASSERT(DoneEndsRun, !done_o || !run_q)
  `ABACUS_ASSERT(StoreFlagOnlyWithError, !err_store_q || err_q != '0)
  // The late idle flag is never stale: a soft reset clears only when
  // everything is idle in that very cycle.
  `ABACUS_ASSERT(IdleLateIsIdle, !idle_q || all_idle)
`ifndef SYNTHESIS
  // the four groups are all_idle of the cycle before, no more, no less,
  // and the engines' three the engines' idle
  logic all_idle_ref_q, engines_idle_ref_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      all_idle_ref_q     <= 1'b1;
      engines_idle_ref_q <= 1'b1;
    end else begin
      all_idle_ref_q     <= all_idle;
      engines_idle_ref_q <= engines_idle;
    end
  end
  `ABACUS_ASSERT(BusyGroupsAreAllIdle, (!busy_f_q && !busy_a_q && !busy_b_q && !busy_c_q) == all_idle_ref_q)
  `ABACUS_ASSERT(EnginesIdleLate, engines_idle_o == engines_idle_ref_q)
`endif
endmodule
