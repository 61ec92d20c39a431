// Convolution on the accelerator, lowered to accumulated GEMMs over the
// kernel taps with strided, padded loads straight from the NHWC input (no
// im2col copy in device memory).
#pragma once

#include <cstdint>

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
GemmStats conv2d(Device& dev, const ConvProblem& p, std::int8_t* output, const Timeout& timeout = {});

// Host-side layers (see docs/architecture.md: the post-processing path only
// requantizes accumulator rows, so pooling and residual adds run here).
// NHWC int8; windows never read padding.
void maxpool2d(const std::int8_t* in, int n, int h, int w, int c, int k, int stride, std::int8_t* out);
// Average with round-half-away-from-zero, as TFLite's integer average pool.
void avgpool2d(const std::int8_t* in, int n, int h, int w, int c, int k, int stride, std::int8_t* out);

}  // namespace abacus
