// Golden int8 2-D convolution.
//
// Layouts: input NHWC [N][H][W][Cin]; weights HWIO [KH][KW][Cin/groups][Cout]
// (so that, per kernel tap, the weights are a Cin x Cout GEMM operand);
// output NHWC [N][OH][OW][Cout]. Padding reads the input zero point.
// With groups = g, input channels [j*Cin/g, (j+1)*Cin/g) feed output
// channels [j*Cout/g, (j+1)*Cout/g); groups = Cin = Cout is depthwise.
#pragma once

#include <cstdint>

#include "abacus/ref/quant.hpp"

namespace abacus::ref {

struct ConvGeometry {
  int batch = 1, in_h = 1, in_w = 1, in_c = 1;
  int kernel_h = 1, kernel_w = 1, out_c = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;

  int out_h() const;
  int out_w() const;
  // Throws std::invalid_argument naming the first impossible field.
  void validate() const;
};

// Output extent along one axis: floor((in + pads - dilation*(k-1) - 1) / stride) + 1.
int conv_out_size(int in, int kernel, int stride, int pad_before, int pad_after, int dilation);

void conv2d_i8(const ConvGeometry& g, const std::int8_t* input, const std::int8_t* weights,
               std::int32_t zp_in, const OutputStage& os, std::int8_t* output);

// The int32 accumulators of the same convolution (sum of (x - zp_in) * w,
// wrapping like the hardware's), NHWC: ONNX ConvInteger.
void conv2d_acc_i32(const ConvGeometry& g, const std::int8_t* input, const std::int8_t* weights,
                    std::int32_t zp_in, std::int32_t* acc);

}  // namespace abacus::ref
