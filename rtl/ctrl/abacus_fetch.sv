`include "abacus_assert.svh"
// Fetch, decode and dispatch.
//
// START checks the program (count > 0, 32-byte aligned, inside the DMA
// window) and reads it with AXI bursts (ID FetchId) of up to 16
// instructions that never cross 4 KiB, at most two bursts in flight, and
// only when the instruction buffer has room for everything requested. On a
// bus wider than an instruction (512 bits: two a beat) it reads the whole
// beats the program lies in, from the beat holding its first instruction
// to the beat holding its last, and drops the slots outside the program
// (as the DMA reads whole beats around a byte range). Each instruction is
// checked (opcode, reserved bits, dependency flags the engine can honour,
// field ranges) and dispatched in order to the load, compute or store
// queue. FINISH, or the end of the program, waits until every engine is
// idle and then ends the program. An illegal instruction or a fetch error
// ends it with an error code and the instruction index (ERR_PC).
module abacus_fetch #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16,
  parameter int unsigned IbufRows = 4096,
  parameter int unsigned WbufRows = 2048,
  parameter int unsigned AccRows = 512,
  parameter int unsigned ObufRows = 256,
  parameter int unsigned PbufSlots = 64,
  parameter logic [3:0] FetchId = 4'd1,
  parameter int unsigned MaxBursts = 2,  // reads in flight from fetch (at most 3)
  localparam int unsigned IBits = abacus_isa_pkg::InsnBits,
  // An instruction is BeatsPerInsn beats (buses up to 256 bits), or a beat
  // holds InsnsPerBeat instructions (512 bits and wider).
  localparam int unsigned BeatsPerInsn = (DataWidth >= IBits) ? 1 : IBits / DataWidth,
  localparam int unsigned InsnsPerBeat = (DataWidth >= IBits) ? DataWidth / IBits : 1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 clear_i,      // soft reset (only when idle)
  input  logic                 start_i,
  input  logic [63:0]          prog_base_i,   // these four are taken at start_i
  input  logic [31:0]          prog_count_i,
  input  logic [63:0]          win_base_i,
  input  logic [63:0]          win_limit_i,
  input  logic                 halt_i,       // another unit failed: stop dispatching
  input  logic                 engines_idle_i,  // every engine, queue and DMA idle, a cycle late
  // AXI4 read (address and data)
  output logic                 ar_valid_o,
  input  logic                 ar_ready_i,
  output logic [63:0]          ar_addr_o,
  output logic [7:0]           ar_len_o,
  output logic [3:0]           ar_id_o,
  input  logic                 r_valid_i,
  output logic                 r_ready_o,
  input  logic [DataWidth-1:0] r_data_i,
  input  logic [1:0]           r_resp_i,
  input  logic                 r_last_i,
  // dispatch
  output logic                 ld_valid_o,
  input  logic                 ld_ready_i,
  output logic                 cp_valid_o,
  input  logic                 cp_ready_i,
  output logic                 st_valid_o,
  input  logic                 st_ready_i,
  output logic [IBits-1:0]     insn_o,
  // status
  output logic                 busy_o,       // fetching or decoding
  output logic                 active_o,     // reading, decoding or dispatching this cycle (not waiting)
  output logic                 finish_o,     // pulse: the program reached its end
  output logic                 err_o,        // pulse: fetch error or illegal instruction
  output logic [3:0]           err_code_o,
  output logic [63:0]          err_addr_o,
  output logic [31:0]          pc_o          // instructions dispatched
);
  localparam int unsigned BurstInsns = 16;
  localparam int unsigned QDepth = 64;
  localparam int unsigned InsnBytes = IBits / 8;
  localparam int unsigned BeatBytes = DataWidth / 8;
  // Bursts and the buffer count instruction slots: a slot is an
  // instruction's 32 bytes, InsnsPerBeat slots a beat. The buffer holds one
  // entry a beat (its slots inside the program) on a wide bus, one
  // instruction otherwise.
  localparam int unsigned SlotBits = (InsnsPerBeat > 1) ? $clog2(InsnsPerBeat) : 1;
  localparam int unsigned LeftBits = (InsnsPerBeat > 1) ? 33 : 32;  // slots: count + lead slot
  localparam int unsigned EntriesPerBurst = BurstInsns / InsnsPerBeat;

  typedef enum logic [1:0] {
    SIdle,
    SCheck,
    SRun
  } state_e;
  state_e state_q;

  // ---- program range check (SCheck, four cycles after START) -------------------
  // The program must start 32-byte aligned, at or above the window's base,
  // and end (base + count x 32, in 65 bits) at or below its limit. START
  // registers the four values (the CSRs may change while a program runs);
  // SCheck works through them in 32-bit halves, a short carry chain a step,
  // and decides in its last step. Four cycles a program.
  localparam int unsigned InsnShift = $clog2(InsnBytes);
  logic [63:0] base_q, wbase_q, wlim_q;
  logic [31:0] count_q;
  logic [1:0]  chk_q;                    // SCheck step
  logic [32+InsnShift-1:0] bytes;        // count x InsnBytes
  logic        lo_lt_q, hi_lt_q, hi_eq_q, lo_gt_q, below_q, end_gt_q, end_eq_q, past_q;
  logic [32:0] end_lo_q, end_hi_q;       // base + bytes, low and high halves (with carry)
  // the high half's sum for a carry in of 0 and of 1 (step 0), picked by
  // the low half's carry in step 1. (Both added in step 1 and picked,
  // synthesis shared one adder behind a pick of its operand: 2590 ps, the
  // longest path of fetch alone at 32x32, xcup proxy.)
  logic [32:0] hs0_q;
  /* verilator lint_off UNUSEDSIGNAL */  // bit 0: the carry in's own sum bit
  logic [33:0] hs1;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [32:0] hs1_q;
  assign hs1 = {1'b0, base_q[63:32], 1'b1} + {(33-InsnShift)'(0), bytes[32 +: InsnShift], 1'b1};
  assign bytes = {count_q, InsnShift'(0)};
  // On a wide bus the program's first slot within its beat (the lead: the
  // slots before it are read and dropped); the slots to read are then
  // count + lead. Zero and count on a narrow bus.
  logic [SlotBits-1:0] lead;
  logic [LeftBits-1:0] slots_q;
  logic [63:0]         base_beat;  // the beat holding the first instruction: reads start there
  assign lead      = (InsnsPerBeat > 1) ? base_q[InsnShift +: SlotBits] : '0;
  assign base_beat = base_q & ~64'(InsnsPerBeat * InsnBytes - 1);
  // (count = 0 registered in step 0: its 32-bit test in front of the
  // decision's registers was a 2837 ps family of the xcup 32x32 run on
  // ef72759, proxy)
  logic count_zero_q;
  always_ff @(posedge clk_i) begin
    // step 0
    count_zero_q <= (count_q == '0);
    slots_q  <= LeftBits'(count_q) + LeftBits'(lead);
    lo_lt_q  <= base_q[31:0] < wbase_q[31:0];
    hi_lt_q  <= base_q[63:32] < wbase_q[63:32];
    hi_eq_q  <= base_q[63:32] == wbase_q[63:32];
    end_lo_q <= {1'b0, base_q[31:0]} + {1'b0, bytes[31:0]};
    hs0_q    <= {1'b0, base_q[63:32]} + 33'(bytes[32 +: InsnShift]);
    hs1_q    <= hs1[33:1];
    // step 1
    below_q  <= hi_lt_q || (hi_eq_q && lo_lt_q);
    end_hi_q <= end_lo_q[32] ? hs1_q : hs0_q;
    lo_gt_q  <= end_lo_q[31:0] > wlim_q[31:0];
    // step 2
    past_q   <= end_hi_q[32];
    end_gt_q <= end_hi_q[31:0] > wlim_q[63:32];
    end_eq_q <= end_hi_q[31:0] == wlim_q[63:32];
  end
  logic range_bad;  // step 3
  assign range_bad = (base_q[4:0] != 5'd0) || below_q || past_q || end_gt_q || (end_eq_q && lo_gt_q);

  // ---- burst issue ------------------------------------------------------------------
  // Beats requested and not received: at most MaxBursts whole bursts.
  localparam int unsigned BeatsMax = MaxBursts * BurstInsns * BeatsPerInsn;
  localparam int unsigned OutBits = $clog2(BeatsMax + 1);
  logic [LeftBits-1:0] req_left_q;  // slots not yet requested
  logic [63:0] req_addr;
  logic [OutBits-1:0] beats_out_q;  // beats requested and not yet received
  logic [1:0]  bursts_out_q;   // bursts requested and not yet complete
  logic        burst_open_q;   // any beat outstanding
  logic        fetch_err_q;    // a read answered with an error: request nothing more
  logic [6:0]  q_count;        // buffer entries
  logic        can_issue, issue;
  logic        ending_q;       // FINISH (or the end) seen: waiting for the engines
  // The next burst's size, min(instructions left, BurstInsns, instructions
  // to the 4 KiB boundary), in three registered steps (it was the longest
  // path): the slots left as their low bits and whether the bits above
  // are zero, and the slots to the boundary (from base/count in SCheck,
  // from the request registers in SRun); then each bound capped at
  // BurstInsns; then the smaller of the two. (With the cap straight from
  // the 33-bit count, its zero test and the multiplexer in front of it
  // were 2836 ps in the xcup 16x16 run on 9989330, proxy.) Fresh from the
  // fourth cycle after an issue: the bursts' R beats take far longer than
  // that, so the issue rate is not what limits fetch.
  localparam int unsigned PageInsns = 4096 / InsnBytes;
  localparam int unsigned CapBits = $clog2(BurstInsns + 1);
  logic [11:InsnShift] a_addr;
  logic [LeftBits-1:0] a_left;
  logic [7:0]         a_page;         // slots to the 4 KiB boundary
  logic [CapBits-1:0] al_lo_q;        // a_left's low bits (step 0)
  logic               al_hz_q;        // and its bits above those zero
  logic [7:0]         a_page_q;
  logic [CapBits-1:0] page_cap_q, left_cap_q, n_insns;  // n_insns: slots in the next burst
  logic [CapBits-1:0] n_m1_q;  // n_insns - 1, stepped beside it (for burst_beats - 1)
  logic               left_nz_q, fresh0_q, fresh1_q, n_fresh_q;
  logic               left_lt;  // a_left < BurstInsns (from step 0)
  always_comb begin
    // (in SCheck the base's beat: req_addr is loaded with it)
    a_addr = (state_q == SCheck) ? base_beat[11:InsnShift] : req_addr[11:InsnShift];
    a_left = (state_q == SCheck) ? slots_q : req_left_q;
    a_page = 8'(PageInsns - 32'(a_addr));
    // (BurstInsns is a power of two: its own bit and those below it)
    left_lt = al_hz_q && !al_lo_q[CapBits-1];
  end
  always_ff @(posedge clk_i) begin
    al_lo_q  <= a_left[CapBits-1:0];
    al_hz_q  <= (a_left >> CapBits) == '0;
    a_page_q <= a_page;
    // (written with if, not min(), so that each clamp counts in branch coverage)
    page_cap_q <= CapBits'(BurstInsns);
    if (a_page_q < 8'(BurstInsns)) page_cap_q <= CapBits'(a_page_q);
    left_cap_q <= CapBits'(BurstInsns);
    if (left_lt) left_cap_q <= al_lo_q;
    left_nz_q <= !al_hz_q || al_lo_q != '0;
    n_insns <= page_cap_q;
    n_m1_q  <= page_cap_q - CapBits'(1);
    if (left_cap_q < page_cap_q) begin
      n_insns <= left_cap_q;
      n_m1_q  <= left_cap_q - CapBits'(1);
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fresh0_q  <= 1'b0;
      fresh1_q  <= 1'b0;
      n_fresh_q <= 1'b0;
    end else begin
      fresh0_q  <= (state_q == SCheck || state_q == SRun) && !issue && !clear_i;
      fresh1_q  <= fresh0_q && (state_q == SCheck || state_q == SRun) && !issue && !clear_i;
      n_fresh_q <= fresh1_q && (state_q == SRun) && !issue && !clear_i;
    end
  end
  assign burst_open_q = (beats_out_q != '0);
  // Room in the buffer for a whole burst, counting the instruction being
  // assembled and the two waiting in front of the buffer (the + 3),
  // registered to keep this adder chain off the issue path. It lags one cycle, which is safe: an issue leaves ARVALID
  // set for at least the next cycle, and by the one after that room_q has
  // seen the new outstanding count; arriving beats and dispatch only ever
  // make room.
  logic room_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) room_q <= 1'b0;
    // (the constant on the right of the compare: one add, not two)
    else room_q <= (8'(q_count) + 8'(32'(beats_out_q) / BeatsPerInsn) <= 8'(QDepth - EntriesPerBurst - 3));
  end
  assign can_issue = (state_q == SRun) && !halt_i && !fetch_err_q && !ending_q &&
                     (32'(bursts_out_q) < MaxBursts) && left_nz_q && room_q && n_fresh_q;
  logic ar_valid_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ar_valid_q <= 1'b0;
    else if (clear_i) ar_valid_q <= 1'b0;
    else if (issue) ar_valid_q <= 1'b1;
    else if (ar_ready_i) ar_valid_q <= 1'b0;
  end
  assign issue = can_issue && !ar_valid_q;
  always_ff @(posedge clk_i) begin
    if (issue) begin
      ar_addr_o <= req_addr;
      ar_len_o  <= 8'(burst_beats_m1);
    end
  end
  assign ar_valid_o = ar_valid_q;
  // (both counts are powers of two: shifts and an OR, no constant added
  // and taken away again, which synthesis kept as two carry chains in
  // front of beats_i1's, 3615 ps in the xcup 32x32 proxy run on 13fed49)
  localparam int unsigned BpiLog = $clog2(BeatsPerInsn);
  localparam int unsigned IpbLog = $clog2(InsnsPerBeat);
  logic [31:0] burst_beats, burst_beats_m1;  // of the next burst; and - 1 (n_insns >= 1)
  if (InsnsPerBeat == 1) begin : g_beats_per_insn
    assign burst_beats    = 32'(n_insns) << BpiLog;
    assign burst_beats_m1 = (32'(n_m1_q) << BpiLog) | 32'(BeatsPerInsn - 1);
  end else begin : g_insns_per_beat
    assign burst_beats    = (32'(n_insns) + 32'(InsnsPerBeat - 1)) >> IpbLog;
    assign burst_beats_m1 = 32'(n_m1_q) >> IpbLog;
  end
  assign ar_id_o    = FetchId;
  // the request address: loaded when SCheck passes, stepped by each burst
  logic chk_pass;
  abacus_addr_step #(.StepBits(CapBits + InsnShift)) u_req_addr (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .load_i      (chk_pass),
    .load_addr_i (base_beat),
    .step_i      (issue),
    .step_bytes_i({n_insns, InsnShift'(0)}),
    .addr_o      (req_addr)
  );

  // ---- beat assembly and the instruction buffer --------------------------------
  // Into the decode below: q_rvalid with the instruction i and its GEMM's
  // last ibuf row q_rlast; q_rready takes it.
  logic             r_fire, insn_done, bad_beat;
  logic [63:0]      beat_addr;
  logic             w_valid_q;   // an assembled entry in its stage A (abacus_fetch_entry)
  logic             b_valid_q;   // and in its stage B: written into the buffer
  logic             q_rvalid, q_rready;
  logic [IBits-1:0] i;
  localparam int unsigned ChkPerOp = 6;            // abacus_fetch_entry's G
  localparam int unsigned NChk = 5 * ChkPerOp;      // check flags, a group for each of opcodes 1 to 5
  logic [NChk-1:0]  q_rbad;      // the head's other field checks
  localparam int unsigned EBits = NChk + IBits;  // a buffered instruction
  assign r_ready_o = 1'b1;  // the buffer has room for every beat requested
  assign r_fire    = r_valid_i;
  assign bad_beat  = r_fire && (r_resp_i != abacus_pkg::AxiRespOkay);
  // bursts return in order and are contiguous: the beat address runs on
  abacus_addr_step #(.StepBits($clog2(BeatBytes + 1))) u_beat_addr (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .load_i      (chk_pass),
    .load_addr_i (base_beat),
    .step_i      (r_fire && state_q == SRun && !clear_i),
    .step_bytes_i(($clog2(BeatBytes + 1))'(BeatBytes)),
    .addr_o      (beat_addr)
  );
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) w_valid_q <= 1'b0;
    else w_valid_q <= insn_done && !fetch_err_q && !bad_beat && !clear_i && !start_i;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) b_valid_q <= 1'b0;
    else b_valid_q <= w_valid_q && !clear_i && !start_i;
  end
  // (The buffer's write is b_valid_q alone: in the buffer a clear wins over
  // a write anyway, and gating the write with clear_i put the run
  // control's idle test -- every engine's busy flag, for a soft reset's
  // clear -- in front of the buffer's count adder: the 32x32 run's
  // longest path, 3522 ps by the proxy.)

  // An assembled instruction waits two cycles in registers before the
  // buffer (abacus_fetch_entry's stages A and B); meanwhile its field
  // checks are worked out and travel with it as 30 flags, so decode (below)
  // only decodes the opcode and ORs its flags.
  if (InsnsPerBeat == 1) begin : g_narrow
    // an instruction from BeatsPerInsn beats, the last one on top
    logic [IBits-1:0] asm_q, shifted;
    logic [$clog2(BeatsPerInsn+1)-1:0] beat_q;
    assign insn_done = r_fire && (32'(beat_q) == BeatsPerInsn - 1);
    always_comb begin
      shifted = asm_q;
      if (BeatsPerInsn > 1) shifted = asm_q >> DataWidth;
      shifted[IBits-1 -: DataWidth] = r_data_i[DataWidth-1:0];
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) beat_q <= '0;
      else if (clear_i || chk_pass) beat_q <= '0;
      else if (r_fire && state_q == SRun) beat_q <= insn_done ? '0 : beat_q + 1'b1;
    end
    always_ff @(posedge clk_i) if (r_fire && state_q == SRun && !clear_i) asm_q <= shifted;

    logic [IBits-1:0] w_insn, q_rdata;
    logic [NChk-1:0]  w_bad;
    abacus_fetch_entry #(
      .Rows(Rows), .Cols(Cols), .IbufRows(IbufRows), .WbufRows(WbufRows), .AccRows(AccRows),
      .ObufRows(ObufRows), .PbufSlots(PbufSlots)
    ) u_entry (
      .clk_i (clk_i),
      .load_i(insn_done),
      .insn_i(shifted),
      .insn_o(w_insn),
      .bad_o (w_bad)
    );
    // the issue check (room_q) promises room for every beat requested
    // (the head from a register: decode's checks work from it, and through
    // the queue's LUT-RAM read they were the xc7 4x4 run's longest path,
    // 5613 ps)
    abacus_fifo #(.Width(EBits), .Depth(QDepth), .NoOverflow(1'b1), .OutReg(1'b1)) u_q (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .clear_i (clear_i || start_i),
      .wvalid_i(b_valid_q),
      .wready_o(),
      .wdata_i ({w_bad, w_insn}),
      .rvalid_o(q_rvalid),
      .rready_i(q_rready),
      .rdata_o ({q_rbad, q_rdata}),
      .count_o (q_count)
    );
    assign i = q_rdata;
  end else begin : g_wide
    // A beat's slots inside the program, moved down to slot 0: from the
    // lead slot in the program's first beat to the last slot in its last
    // beat (the last beat of the last burst); the entry keeps how many.
    localparam int unsigned P = InsnsPerBeat;
    localparam int unsigned EntryBits = SlotBits + P * EBits;
    logic                first_beat_q;  // the next beat is the program's first
    logic [SlotBits-1:0] last_slot_q;   // the program's last slot in its beat
    logic                left_le_q, n_final_q, final_issued_q;
    logic                last_beat;
    logic [SlotBits-1:0] lo, hi;
    logic [IBits-1:0]    slot [P];
    always_ff @(posedge clk_i) begin
      last_slot_q <= lead + count_q[SlotBits-1:0] - 1'b1;
      // beside n_insns: the next burst takes every slot left (the last one)
      // (a_left <= BurstInsns, from step 0)
      left_le_q   <= al_hz_q && (!al_lo_q[CapBits-1] || al_lo_q[CapBits-2:0] == '0);
      n_final_q   <= left_le_q && !(page_cap_q < left_cap_q);
    end
    // The program's last burst issued: its last beat is the program's last
    // (bursts complete in order, and none is issued after it).
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) final_issued_q <= 1'b0;
      else if (clear_i || chk_pass) final_issued_q <= 1'b0;
      else if (issue && n_final_q) final_issued_q <= 1'b1;
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) first_beat_q <= 1'b0;
      else if (clear_i || chk_pass) first_beat_q <= 1'b1;
      else if (r_fire) first_beat_q <= 1'b0;
    end
    assign insn_done = r_fire;
    assign last_beat = r_last_i && final_issued_q && bursts_out_q == 2'd1;
    assign lo = first_beat_q ? lead : '0;
    assign hi = last_beat ? last_slot_q : SlotBits'(P - 1);
    always_comb begin
      for (int unsigned s = 0; s < P; s++) begin
        slot[s] = r_data_i[IBits * ((s + 32'(lo)) % P) +: IBits];
      end
    end
    logic [SlotBits-1:0]  w_n1_q, b_n1_q;  // slots in the entry, less one (stages A, B)
    logic [EntryBits-1:0] q_wdata, q_rdata;
    always_ff @(posedge clk_i) if (insn_done) w_n1_q <= hi - lo;
    always_ff @(posedge clk_i) b_n1_q <= w_n1_q;
    assign q_wdata[P * EBits +: SlotBits] = b_n1_q;
    for (genvar s = 0; s < P; s++) begin : g_slot
      abacus_fetch_entry #(
        .Rows(Rows), .Cols(Cols), .IbufRows(IbufRows), .WbufRows(WbufRows), .AccRows(AccRows),
        .ObufRows(ObufRows), .PbufSlots(PbufSlots)
      ) u_entry (
        .clk_i (clk_i),
        .load_i(insn_done),
        .insn_i(slot[s]),
        .insn_o(q_wdata[s * EBits +: IBits]),
        .bad_o (q_wdata[s * EBits + IBits +: NChk])
      );
    end
    logic e_rvalid, e_rready;
    // the issue check (room_q) promises room for every beat requested
    abacus_fifo #(.Width(EntryBits), .Depth(QDepth), .NoOverflow(1'b1), .OutReg(1'b1)) u_q (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .clear_i (clear_i || start_i),
      .wvalid_i(b_valid_q),
      .wready_o(),
      .wdata_i (q_wdata),
      .rvalid_o(e_rvalid),
      .rready_i(e_rready),
      .rdata_o (q_rdata),
      .count_o (q_count)
    );
    // decode takes the head entry's slots one a cycle; the entry leaves
    // with its last
    logic [SlotBits-1:0] sl_q;
    logic                sl_last;
    assign sl_last  = (sl_q == q_rdata[P * EBits +: SlotBits]);
    assign q_rvalid = e_rvalid;
    assign e_rready = q_rready && sl_last;
    assign {q_rbad, i} = q_rdata[32'(sl_q) * EBits +: EBits];
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) sl_q <= '0;
      else if (clear_i || start_i) sl_q <= '0;
      else if (q_rready) sl_q <= sl_last ? '0 : sl_q + 1'b1;
    end
`ifndef SYNTHESIS
    initial assert (P * InsnBytes == BeatBytes && BurstInsns % P == 0);
`endif
  end

  // ---- decode ---------------------------------------------------------------------------
  // The field checks were made before the buffer (q_rbad).
  logic [3:0] op;
  logic       op_bad, field_bad, is_finish;
  logic [4:0] grp_bad;  // per opcode 1 to 5: a check of its group failed
  always_comb for (int k = 0; k < 5; k++) grp_bad[k] = |q_rbad[ChkPerOp * k +: ChkPerOp];
  always_comb begin
    op        = i[abacus_isa_pkg::OpcodeLsb +: 4];
    op_bad    = 1'b0;
    is_finish = 1'b0;
    field_bad = 1'b0;
    unique case (op)
      abacus_isa_pkg::OpLoad:   field_bad = grp_bad[32'(abacus_isa_pkg::OpLoad) - 1];
      abacus_isa_pkg::OpGemm:   field_bad = grp_bad[32'(abacus_isa_pkg::OpGemm) - 1];
      abacus_isa_pkg::OpStore:  field_bad = grp_bad[32'(abacus_isa_pkg::OpStore) - 1];
      abacus_isa_pkg::OpDwconv: field_bad = grp_bad[32'(abacus_isa_pkg::OpDwconv) - 1];
      abacus_isa_pkg::OpFinish: begin
        field_bad = grp_bad[32'(abacus_isa_pkg::OpFinish) - 1];
        is_finish = 1'b1;
      end
      default:                  op_bad = 1'b1;
    endcase
  end

  // Decode queue: two entries, registered head (the opcode and its group's
  // flags worked out as an instruction enters, so dispatch works from
  // registers). The buffer's head moves in when the queue has room by its
  // registered flag, not when dispatch goes: with the dispatch handshake
  // (from halt through the engines' ready into the buffer's pop) in front
  // of the buffer head's enables, a single decode register was the
  // biggest family of the xcup 16x16 proxy run on 2a8955a (224 + 224 + 28
  // endpoints, up to 2893 ps). An instruction still reaches dispatch the
  // cycle after it leaves the buffer, and one a cycle passes.
  logic             d_valid_q, d_op_bad_q, d_field_bad_q, d_finish_q;
  // (the engine an instruction goes to, and that it passed its checks,
  // decoded into flags as it is registered: the opcode compares were in
  // front of dispatch's handshakes, 3190 ps in a 32x32 run)
  logic             d_ok_q, d_ld_q, d_cp_q, d_st_q;
  logic [3:0]       d_op;  // the registered instruction's opcode (the waveform layout shows it)
  logic [IBits-1:0] d_insn_q;
  logic             d_load, dq_wready;

  logic [31:0] pc_q;
  logic        dispatch_ok, can_go;
  assign d_op        = d_insn_q[abacus_isa_pkg::OpcodeLsb +: 4];
  `ABACUS_ASSERT(FetchDecodedFlags, !d_valid_q ||
                 (d_ok_q == !(d_op_bad_q || d_field_bad_q) &&
                  d_ld_q == (d_op == abacus_isa_pkg::OpLoad) &&
                  d_cp_q == (d_op == abacus_isa_pkg::OpGemm || d_op == abacus_isa_pkg::OpDwconv) &&
                  d_st_q == (d_op == abacus_isa_pkg::OpStore)))
  // (SRun and not ending as one register, disp_en_q, stepped with them:
  // with the state's compare in front, halt through dispatch into the
  // decode queue's count was the longest path of the xcup 32x32 proxy run
  // on 9975354, 2842 ps)
  logic disp_en_q;
  assign dispatch_ok = disp_en_q && d_valid_q && !halt_i && d_ok_q;
  assign ld_valid_o  = dispatch_ok && d_ld_q;
  assign cp_valid_o  = dispatch_ok && d_cp_q;
  assign st_valid_o  = dispatch_ok && d_st_q;
  assign insn_o      = d_insn_q;
  assign can_go      = (ld_valid_o && ld_ready_i) || (cp_valid_o && cp_ready_i) ||
                       (st_valid_o && st_ready_i) || (dispatch_ok && d_finish_q);
  assign d_load      = q_rvalid && dq_wready;
  assign q_rready    = d_load;
  assign pc_o        = pc_q;

  abacus_fifo #(.Width(IBits + 7), .Depth(2), .OutReg(1'b1), .FlopMem(1'b1)) u_dq (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (clear_i || start_i),
    .wvalid_i(q_rvalid),
    .wready_o(dq_wready),
    .wdata_i ({i, op_bad, field_bad, !op_bad && !field_bad, op == abacus_isa_pkg::OpLoad,
               op == abacus_isa_pkg::OpGemm || op == abacus_isa_pkg::OpDwconv,
               op == abacus_isa_pkg::OpStore, is_finish}),
    .rvalid_o(d_valid_q),
    .rready_i(can_go),
    .rdata_o ({d_insn_q, d_op_bad_q, d_field_bad_q, d_ok_q, d_ld_q, d_cp_q, d_st_q, d_finish_q}),
    .count_o ()
  );

  // The beats outstanding after this cycle: the four sums for an issue or
  // not and a beat or not, picked by them. (With the beat as the sums'
  // operand, the R channel's ID through the read arbiter into their carry
  // chain was 2590 ps in the xcup 32x32 proxy run on 63d356e.)
  logic [OutBits-1:0] beats_i0, beats_i1, beats_n1;
  assign beats_i0 = beats_out_q + OutBits'(burst_beats);
  assign beats_i1 = beats_out_q + OutBits'(burst_beats_m1);  // (not i0 - 1: one chain behind the other)
  assign beats_n1 = beats_out_q - OutBits'(1);
  // (picked as an AND-OR, not a multiplexer: synthesis (opt_share) turned
  // the multiplexers' sums into one add behind a pick of its operand, the
  // issue decision in front of the carry chain, 2675 ps with fetch alone)
  logic [OutBits-1:0] beats_next;
  assign beats_next = ({OutBits{issue && r_fire}} & beats_i1) |
                      ({OutBits{issue && !r_fire}} & beats_i0) |
                      ({OutBits{!issue && r_fire}} & beats_n1) |
                      ({OutBits{!issue && !r_fire}} & beats_out_q);

  // ---- sequencing ----------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= SIdle;
      beats_out_q  <= '0;
      bursts_out_q <= '0;
      fetch_err_q  <= 1'b0;
      ending_q     <= 1'b0;
      disp_en_q    <= 1'b0;
      pc_q         <= '0;
      finish_o     <= 1'b0;
      err_o        <= 1'b0;
      err_code_o   <= '0;
      err_addr_o   <= '0;
    end else if (clear_i) begin
      state_q      <= SIdle;
      beats_out_q  <= '0;
      bursts_out_q <= '0;
      fetch_err_q  <= 1'b0;
      ending_q     <= 1'b0;
      disp_en_q    <= 1'b0;
      finish_o     <= 1'b0;
      err_o        <= 1'b0;
    end else begin
      finish_o <= 1'b0;
      err_o    <= 1'b0;
      unique case (state_q)
        SIdle: if (start_i) begin
          state_q <= SCheck;
          chk_q   <= '0;
          pc_q    <= '0;
          base_q  <= prog_base_i;
          count_q <= prog_count_i;
          wbase_q <= win_base_i;
          wlim_q  <= win_limit_i;
        end
        SCheck: begin
          chk_q <= chk_q + 2'd1;
          if (chk_q != 2'd3) begin
            // working: the range check's registers above fill in
          end else if (count_zero_q) begin
            state_q    <= SIdle;
            err_o      <= 1'b1;
            err_code_o <= abacus_isa_pkg::ErrEmptyProgram;
            err_addr_o <= base_q;
          end else if (range_bad) begin
            state_q    <= SIdle;
            err_o      <= 1'b1;
            err_code_o <= abacus_isa_pkg::ErrFetch;
            err_addr_o <= base_q;
          end else begin
            state_q     <= SRun;
            req_left_q  <= slots_q;
            fetch_err_q <= 1'b0;
            ending_q    <= 1'b0;
            disp_en_q   <= 1'b1;
          end
        end
        SRun: begin
          // (the sums picked by the issue and the beat: with the issue
          // deciding an operand, the three-operand add behind it was the
          // top of the xcup 16x16 proxy run on 2a8955a, 2975 ps)
          beats_out_q  <= beats_next;
          bursts_out_q <= bursts_out_q + (issue ? 2'd1 : 2'd0) - ((r_fire && r_last_i) ? 2'd1 : 2'd0);
          if (issue) begin
            req_left_q <= req_left_q - 32'(n_insns);
          end
          if (r_fire) begin
            if (bad_beat && !fetch_err_q) begin
              fetch_err_q <= 1'b1;
              err_o       <= 1'b1;
              err_code_o  <= abacus_isa_pkg::ErrFetch;
              err_addr_o  <= beat_addr;
            end
          end
          if (can_go) begin
            pc_q <= pc_q + 32'd1;
            if (d_finish_q) begin
              ending_q  <= 1'b1;
              disp_en_q <= 1'b0;
            end
          end
          if (d_valid_q && !halt_i && !ending_q && (d_op_bad_q || d_field_bad_q)) begin
            err_o      <= 1'b1;
            err_code_o <= d_op_bad_q ? abacus_isa_pkg::ErrIllegalOp : abacus_isa_pkg::ErrIllegalField;
            err_addr_o <= 64'(pc_q);
          end
          // The end: FINISH dispatched, or every instruction dispatched; and
          // no read of the program still open (a FINISH early in the program
          // may be dispatched while the rest of its burst is on its way:
          // ending then would leave beats arriving after DONE, into the next
          // program's count; found by the fuzzer, tests/fuzz/regressions/finish-with-burst-open).
          if ((ending_q || pc_end_q) && !burst_open_q && !w_valid_q && !b_valid_q && !ar_valid_q && engines_idle_q &&
              !can_go) begin
            state_q   <= SIdle;
            disp_en_q <= 1'b0;
            finish_o  <= 1'b1;
          end
          // After an error (here or elsewhere): wait for the open burst, then stop.
          if ((halt_i || fetch_err_q) && !burst_open_q && !ar_valid_q && !issue) begin
            state_q   <= SIdle;
            disp_en_q <= 1'b0;
          end
        end
        default: begin
          state_q   <= SIdle;
          disp_en_q <= 1'b0;
        end
      endcase
    end
  end

  assign chk_pass = (state_q == SCheck) && (chk_q == 2'd3) && !count_zero_q && !range_bad &&
                    !clear_i;
  // Every instruction dispatched, registered: pc_q only grows and stops at
  // count_q, so a flag a cycle late only ends the program a cycle later.
  logic pc_end_q;
  always_ff @(posedge clk_i) pc_end_q <= (pc_q == count_q);
  // The engines idle, registered, and only if nothing was dispatched in
  // that cycle or the one before (engines_idle_i is itself a cycle late,
  // from run control's registered busy groups): an idle engine with
  // nothing queued stays idle, so this is the engines' state two cycles
  // late (the program ends two cycles later), and the OR of every
  // engine's, queue's and DMA's busy flag is not in front of the end.
  logic engines_idle_q, can_go_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      engines_idle_q <= 1'b0;
      can_go_q       <= 1'b0;
    end else begin
      engines_idle_q <= engines_idle_i && !can_go && !can_go_q;
      can_go_q       <= can_go;
    end
  end

  assign busy_o = (state_q != SIdle);
  // Waiting, as opposed to active: in SRun with no read outstanding or
  // about to be issued and no instruction moving (a full queue, or FINISH
  // waiting for the engines). Run control's deadlock watch uses it.
  assign active_o = (state_q == SCheck) || burst_open_q || w_valid_q || b_valid_q || ar_valid_q || can_issue || can_go ||
                    d_load;

  // Invariants: at most MaxBursts reads in flight, beats only for bursts in
  // flight (R is routed here by ID), an offered AR held unchanged until
  // taken, one queue offered an instruction at a time, every error with a
  // code.
  `ABACUS_ASSERT(FetchDispatchEnable, disp_en_q == (state_q == SRun && !ending_q))
  `ABACUS_ASSERT(FetchCountZeroFlag, state_q != SCheck || chk_q == 2'd0 || count_zero_q == (count_q == '0))
  // the end's halves, from step 2 on, are the plain 65-bit sum
  `ABACUS_ASSERT(FetchEndSum, state_q != SCheck || chk_q < 2'd2 ||
                 {end_hi_q, end_lo_q[31:0]} == 65'(base_q) + 65'(bytes))
`ifndef SYNTHESIS
  // an issued burst's size is the smallest of its three bounds, from the
  // request registers of its own cycle
  logic [63:0] ref_n;
  always_comb begin
    ref_n = 64'(req_left_q);
    if (ref_n > 64'(BurstInsns)) ref_n = 64'(BurstInsns);
    if (ref_n > 64'(PageInsns) - 64'(req_addr[11:InsnShift])) ref_n = 64'(PageInsns) - 64'(req_addr[11:InsnShift]);
  end
  `ABACUS_ASSERT(FetchBurstSize, !issue || 64'(n_insns) == ref_n)
  `ABACUS_ASSERT(FetchBurstBeatsM1, !issue || (n_insns != '0 && burst_beats_m1 == burst_beats - 32'd1 &&
                 burst_beats == (32'(n_insns) + InsnsPerBeat - 1) / InsnsPerBeat * BeatsPerInsn))
`endif
  `ABACUS_ASSERT(FetchBurstsBounded, 32'(bursts_out_q) <= MaxBursts)
`ifndef SYNTHESIS
  initial assert (MaxBursts >= 1 && MaxBursts <= 3);  // bursts_out_q is 2 bits
  initial assert (QDepth + MaxBursts * BurstInsns + BurstInsns + 3 < 256);  // room_q's 8 bits
`endif
  `ABACUS_ASSERT(FetchBeatOnlyInFlight, !r_fire || beats_out_q != '0)
  `ABACUS_ASSERT(FetchOneQueue, $onehot0({ld_valid_o, cp_valid_o, st_valid_o}))
  `ABACUS_ASSERT(FetchErrorHasCode, !err_o || err_code_o != '0)
`ifndef SYNTHESIS
  abacus_axi_hold_check #(.PayloadBits(72)) u_ar_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(ar_valid_o), .ready_i(ar_ready_i), .abort_i(clear_i),
    .payload_i({ar_addr_o, ar_len_o}));
`endif
endmodule
