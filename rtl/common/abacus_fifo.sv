`include "abacus_assert.svh"
// Synchronous FIFO, first-word fall-through: rdata_o shows the head entry
// whenever rvalid_o is high. Depth must be a power of two >= 2.
module abacus_fifo #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 4,
  // The writer promises never to write when full (it counted the room
  // itself and may leave wready_o open): a write that meets a full FIFO
  // would lose an entry, and fails an assertion.
  parameter bit NoOverflow = 1'b0,
  // The head entry from a register of its own, loaded as the head changes,
  // in place of a read of the storage through the read pointer: rdata_o
  // then starts at a flip-flop (for a reader with logic behind the head).
  // The same cycles either way; Width more flip-flops.
  parameter bit OutReg = 1'b0,
  // The entries in flip-flops (Depth x Width, a write enable per entry, a
  // multiplexer on the read side) instead of LUT-RAM: a write then ends at
  // a flip-flop's D rather than at the LUT-RAM's data setup (461 ps in the
  // proxy's cell library), for a writer with a slow source such as a block
  // RAM read. The same cycles either way.
  parameter bit FlopMem = 1'b0,
  localparam int unsigned PtrWidth = $clog2(Depth),
  localparam int unsigned CountWidth = $clog2(Depth + 1)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  clear_i,   // drop every entry
  input  logic                  wvalid_i,
  output logic                  wready_o,
  input  logic [Width-1:0]      wdata_i,
  output logic                  rvalid_o,
  input  logic                  rready_i,
  output logic [Width-1:0]      rdata_o,
  output logic [CountWidth-1:0] count_o
);
  logic [PtrWidth-1:0]   wptr_q, rptr_q;
  logic [CountWidth-1:0] count_q, count_inc_q, count_dec_q;
  logic                  push, pop, up, down;
  // The count steps by one either way, and "not full" and "not empty" are
  // registered beside it, worked out from the count alone: a late push or
  // pop only picks which (no adder chain behind the handshakes). So are
  // count + 1 and count - 1 (synthesis shares one adder between the two,
  // with the handshake picking its operand in front of the carry chain:
  // from the store DMA's queue head through the pop into this count was
  // 3293 ps in a 32x32 run).
  logic                  wready_q, rvalid_q;

  assign wready_o = wready_q;
  assign rvalid_o = rvalid_q;
  assign push     = wvalid_i && wready_o;
  assign pop      = rvalid_o && rready_i;
  assign count_o  = count_q;
  assign up       = push && !pop;
  assign down     = pop && !push;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q      <= '0;
      rptr_q      <= '0;
      count_q     <= '0;
      count_inc_q <= CountWidth'(1);
      count_dec_q <= '1;
      wready_q    <= 1'b1;
      rvalid_q    <= 1'b0;
    end else if (clear_i) begin
      wptr_q      <= '0;
      rptr_q      <= '0;
      count_q     <= '0;
      count_inc_q <= CountWidth'(1);
      count_dec_q <= '1;
      wready_q    <= 1'b1;
      rvalid_q    <= 1'b0;
    end else begin
      if (push) wptr_q <= wptr_q + PtrWidth'(1);
      if (pop) rptr_q <= rptr_q + PtrWidth'(1);
      if (up) begin
        count_q     <= count_inc_q;
        count_inc_q <= count_inc_q + CountWidth'(1);
        count_dec_q <= count_q;
        rvalid_q    <= 1'b1;
        wready_q    <= (count_q != CountWidth'(Depth - 1));
      end else if (down) begin
        count_q     <= count_dec_q;
        count_inc_q <= count_q;
        count_dec_q <= count_dec_q - CountWidth'(1);
        rvalid_q    <= (count_q != CountWidth'(1));
        wready_q    <= 1'b1;
      end
    end
  end

  // storage, read at the head (rptr_q) and behind it (rptr_next, read
  // only with OutReg; synthesis drops the port otherwise)
  logic [Width-1:0]    stored_head;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [Width-1:0]    stored_next;
  logic [PtrWidth-1:0] rptr_next;
  /* verilator lint_on UNUSEDSIGNAL */
  assign rptr_next = rptr_q + PtrWidth'(1);
  // (toggle coverage of every entry measures data, not logic: make coverage)
  if (FlopMem) begin : g_flops
    /*verilator coverage_off*/
    logic [Depth*Width-1:0] slot_q;  // entry i at [i*Width +: Width]
    /*verilator coverage_on*/
    always_ff @(posedge clk_i) begin
      for (int unsigned i = 0; i < Depth; i++) begin
        if (push && wptr_q == PtrWidth'(i)) slot_q[i*Width +: Width] <= wdata_i;
      end
    end
    assign stored_head = slot_q[32'(rptr_q)*Width +: Width];
    assign stored_next = slot_q[32'(rptr_next)*Width +: Width];
  end else begin : g_ram
    /*verilator coverage_off*/
    logic [Width-1:0] mem [Depth];
    /*verilator coverage_on*/
    always_ff @(posedge clk_i) begin
      if (push) mem[wptr_q] <= wdata_i;
    end
    assign stored_head = mem[rptr_q];
    assign stored_next = mem[rptr_next];
  end

  if (OutReg) begin : g_head
    // the entry that is the head after this cycle: the one written now if
    // the FIFO is empty after the pop, else the one after the popped head
    // (written in an earlier cycle: two entries were there)
    logic [Width-1:0] head_q;
    always_ff @(posedge clk_i) begin
      if (push && (count_q == '0 || (pop && count_q == CountWidth'(1)))) head_q <= wdata_i;
      else if (pop) head_q <= stored_next;
    end
    assign rdata_o = head_q;
    // the registered head is the stored one
    `ABACUS_ASSERT(FifoHeadIsStored, !rvalid_q || head_q == stored_head)
  end else begin : g_mem
    assign rdata_o = stored_head;
  end

  // never more entries than slots; a push is only taken with room, a pop
  // only with an entry (the handshakes guarantee it, the count shows it)
  `ABACUS_ASSERT(FifoCountInRange, count_q <= CountWidth'(Depth))
  `ABACUS_ASSERT(FifoCountSteps, count_inc_q == count_q + CountWidth'(1) &&
                                 count_dec_q == count_q - CountWidth'(1))
  `ABACUS_ASSERT(FifoFlagsMatchCount, wready_q == (count_q != CountWidth'(Depth)) &&
                                      rvalid_q == (count_q != '0))
  `ABACUS_ASSERT(FifoNoLostWrite, !NoOverflow || !wvalid_i || wready_o || clear_i)
`ifndef SYNTHESIS
  initial assert (Depth >= 2 && (Depth & (Depth - 1)) == 0);
`endif
endmodule
