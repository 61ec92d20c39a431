// Convolution on the accelerator, lowered to accumulated GEMMs over the
// kernel taps with strided, padded loads straight from the NHWC input (no
// im2col copy in device memory).
#pragma once

#include <cstdint>
#include <vector>

#include "abacus/device.hpp"
#include "abacus/ref/conv.hpp"
#include "abacus/runtime.hpp"

namespace abacus {

struct ConvProblem {
  ref::ConvGeometry g;
  const std::int8_t* input = nullptr;    // NHWC
  const std::int8_t* weights = nullptr;  // HWIO: [KH][KW][Cin/groups][Cout]
  std::int32_t zp_in = 0;                // input zero point (padding value)
  ref::OutputStage os;                   // Cout channels
};

// output (NHWC, [N][OH][OW][Cout]) bit-exact with ref::conv2d_i8.
GemmStats conv2d(Session& s, const ConvProblem& p, std::int8_t* output, const Timeout& timeout = {});
GemmStats conv2d(Device& dev, const ConvProblem& p, std::int8_t* output, const Timeout& timeout = {});  // one-call session
// The same on tensors already in device memory (p.input unused): the NHWC
// input at in_dev, the output written to out_dev. A network keeps its
// activations there between layers. The layer's weights, parameters and
// programs are allocated after dev.allocated_end() and left there (the
// caller returns them with Device::free_to).
GemmStats conv2d_resident(Session& s, const ConvProblem& p, std::uint64_t in_dev, std::uint64_t out_dev,
                          const Timeout& timeout = {});

// Depthwise 3x3 layers (channel multiplier 1, dilation 1, strides up to 3)
// run on the DWCONV path (ISA 1.3; docs/architecture.md "Depthwise
// convolutions: the DWCONV path") where the device has it and the rows fit
// its buffers; conv2d_resident chooses it by itself. dwconv_resident runs
// one such layer (std::logic_error if dwconv_applies is false).
bool dwconv_applies(const ref::ConvGeometry& g, const HwConfig& hw);
GemmStats dwconv_resident(Session& s, const ConvProblem& p, std::uint64_t in_dev, std::uint64_t out_dev,
                          const Timeout& timeout = {});
// An inverted-residual block's 1x1 expansion and the depthwise layer after
// it, fused (ISA 1.5; docs/architecture.md "Fused expansion and
// depthwise"): the expansion's output goes from the accumulator into ibuf
// (STORE.TO_IBUF) in the depthwise layout and never to DRAM. pw: 1x1,
// stride 1, no padding, one group; dw: its output as input (dw.zp_in ==
// pw.os.zp_out, else std::invalid_argument), dwconv_applies; in_dev holds
// pw's input, out_dev gets dw's output. expand_dwconv_applies says whether
// the pair fits (std::logic_error from the run if not).
bool expand_dwconv_applies(const ref::ConvGeometry& pw, const ref::ConvGeometry& dw, const HwConfig& hw);
GemmStats expand_dwconv_resident(Session& s, const ConvProblem& pw, const ConvProblem& dw, std::uint64_t in_dev,
                                 std::uint64_t out_dev, const Timeout& timeout = {});
// The cycle model's estimates without running (the programs built, their
// weights and parameters put in device memory and given back; perf zero):
// of conv2d_resident and of expand_dwconv_resident.
GemmStats estimate_conv2d(Session& s, const ConvProblem& p);
GemmStats estimate_expand_dwconv(Session& s, const ConvProblem& pw, const ConvProblem& dw);
// Whether the runtime fuses an expansion with the depthwise layer after it:
// where expand_dwconv_applies, the zero points match, and the fused
// estimate (in the shape with the lowest one) is below the two layers'
// apart (it is not for the stride-1 14x14 and 7x7 maps: each program's
// start and end paid over a few rows).
bool expand_dwconv_chosen(Session& s, const ConvProblem& pw, const ConvProblem& dw);
namespace detail {
// A fused pair's schedule: the image rows made at once (a band) and the
// depthwise layer's output rows a STORE.
struct FusedShape {
  int band = 0;  // 0: the runtime's choice by the cycle model
  int store_rows = 1;
};
// The depthwise layer p, alone (ex == nullptr: its input rows loaded from
// in_dev) or fused behind the expansion ex (in_dev holds ex's input) in
// the given shape; dry: built and estimated, not run.
GemmStats dwconv_layer(Session& s, const ConvProblem& p, const ConvProblem* ex, std::uint64_t in_dev,
                       std::uint64_t out_dev, const Timeout& timeout, bool dry, FusedShape shape = {});
// The shapes the fused pair may be run in; the runtime takes the one with
// the lowest estimate. Empty where the pair does not fit the fused path.
std::vector<FusedShape> expand_dwconv_shapes(const ref::ConvGeometry& pw, const ref::ConvGeometry& dw,
                                             const HwConfig& hw);
// conv2d_resident, dry as above
GemmStats conv_layer(Session& s, const ConvProblem& p, std::uint64_t in_dev, std::uint64_t out_dev,
                     const Timeout& timeout, bool dry);
}  // namespace detail
// Few-channel layers (a network's first): the same convolution as a 1 x KW
// one over KH*Cin channels of a re-laid input, each output row's KH input
// rows side by side per pixel (padding rows hold the zero point), so a
// whole window is contiguous and fills the array's K tiles
// (docs/architecture.md "Depthwise and few-channel convolutions"). Returns
// false where that would not save K tiles on an array of `rows`; else
// fills `out`, pointing into `input` and `weights`. conv2d applies it
// itself; a caller with the input on the host applies it before uploading.
bool stack_kernel_rows(const ConvProblem& p, int rows, ConvProblem& out, std::vector<std::int8_t>& input,
                       std::vector<std::int8_t>& weights);

// Host-side layers (see docs/architecture.md: the post-processing path only
// requantizes accumulator rows, so pooling and residual adds run here).
// NHWC int8; windows never read padding.
void maxpool2d(const std::int8_t* in, int n, int h, int w, int c, int k, int stride, std::int8_t* out);
// Average with round-half-away-from-zero, as TFLite's integer average pool.
void avgpool2d(const std::int8_t* in, int n, int h, int w, int c, int k, int stride, std::int8_t* out);

// Residual add of two int8 tensors with their own scales, TFLite's integer
// algorithm: each input (minus its zero point) is shifted left by 20 and
// scaled by its (multiplier, shift); the sum is scaled to the output,
// offset by its zero point and clamped.
struct AddParams {
  std::int32_t zp1 = 0, zp2 = 0, zp_out = 0;
  std::int32_t mult1 = 0, mult2 = 0, mult_out = 0;  // Q31
  int shift1 = 0, shift2 = 0, shift_out = 0;         // exponents, as ref::scale_by_fixed_point
  std::int32_t act_min = -128, act_max = 127;
  // From real scales: s1/s_out and s2/s_out with TFLite's left shift of 20.
  static AddParams from_scales(double s1, std::int32_t zp1, double s2, std::int32_t zp2, double s_out,
                               std::int32_t zp_out);
};
void add_requantized(const std::int8_t* a, const std::int8_t* b, std::size_t n, const AddParams& p, std::int8_t* out);

}  // namespace abacus
