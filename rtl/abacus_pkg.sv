// Abacus shared widths, parameters and types.
// Referenced by scope (abacus_pkg::Name): Yosys 0.23 rejects `import`.
package abacus_pkg;

  // Arithmetic: int8 activations and weights, int32 accumulators and bias,
  // Q31 multipliers and a 6-bit signed exponent (-31..31) per output channel.
  // Port widths spell these out ([7:0], [31:0], [5:0]).

  // Two MACs per DSP48E2 (abacus_pe_pair, abacus_pack_acc): a packed
  // segment holds at most PackSegRows rows, and its partial sum starts at
  // PackLaneBias = PackSegRows * 16256 so the low (18-bit) lane stays in
  // [0, 2^18) for any int8 products. The partial sum P = bias + H * 2^18 + L
  // is PackPsWidth = 37 bits signed: H, the high lane's sum of at most 8
  // products in [-16256, 16384], lies in [-130048, 131072] (19 bits signed),
  // so P lies in [-130048 * 2^18, 2^35 + 2^18 - 1], inside [-2^36, 2^36).
  // (The DSP48E2's P is 48 bits; Yosys 0.23 leaves the add in fabric, where
  // 48 bits were 2639 ps in the xcup 16x16 proxy run on 800ac44, over
  // issue 13's 2.5 ns, and 37 bits are two CARRY4s shorter.)
  localparam int unsigned PackSegRows = 8;
  localparam int unsigned PackPsWidth = 37;
  localparam logic [PackPsWidth-1:0] PackLaneBias = PackPsWidth'(PackSegRows * 16256);

  // Post-processing parameter select for the core's parameter write port.
  localparam logic [1:0] ParamBias = 2'd0;
  localparam logic [1:0] ParamMult = 2'd1;
  localparam logic [1:0] ParamShift = 2'd2;

  // DMA completion status (also the error field of the STATUS register).
  localparam logic [2:0] DmaOk = 3'd0;
  localparam logic [2:0] DmaErrWindow = 3'd1;  // range outside the DMA window, or wraps
  localparam logic [2:0] DmaErrSlv = 3'd2;     // SLVERR response
  localparam logic [2:0] DmaErrDec = 3'd3;     // DECERR response
  localparam logic [2:0] DmaErrDesc = 3'd4;    // malformed descriptor (scratchpad range, padding on a store)

  // AXI4 constants.
  localparam logic [1:0] AxiBurstIncr = 2'b01;
  localparam logic [1:0] AxiRespOkay = 2'b00;
  localparam logic [1:0] AxiRespSlvErr = 2'b10;
  localparam logic [1:0] AxiRespDecErr = 2'b11;
  localparam logic [3:0] AxiCacheModifiable = 4'b0011;  // normal non-cacheable bufferable

  // Default array geometry for simulation.
  localparam int unsigned DefaultRows = 16;
  localparam int unsigned DefaultCols = 16;
  localparam int unsigned DefaultAccDepth = 512;

endpackage
