// Abacus shared widths, parameters and types.
// Referenced by scope (abacus_pkg::Name): Yosys 0.23 rejects `import`.
package abacus_pkg;

  // Arithmetic: int8 activations and weights, int32 accumulators and bias,
  // Q31 multipliers and a 6-bit signed exponent (-31..31) per output channel.
  // Port widths spell these out ([7:0], [31:0], [5:0]).

  // Post-processing parameter select for the core's parameter write port.
  localparam logic [1:0] ParamBias = 2'd0;
  localparam logic [1:0] ParamMult = 2'd1;
  localparam logic [1:0] ParamShift = 2'd2;

  // Default array geometry for simulation.
  localparam int unsigned DefaultRows = 16;
  localparam int unsigned DefaultCols = 16;
  localparam int unsigned DefaultAccDepth = 512;

endpackage
