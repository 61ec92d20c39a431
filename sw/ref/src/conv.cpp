#include "abacus/ref/conv.hpp"

#include <stdexcept>
#include <string>

namespace abacus::ref {

int conv_out_size(int in, int kernel, int stride, int pad_before, int pad_after, int dilation) {
  const int span = dilation * (kernel - 1) + 1;
  const int padded = in + pad_before + pad_after;
  if (padded < span) return 0;
  return (padded - span) / stride + 1;
}

int ConvGeometry::out_h() const {
  return conv_out_size(in_h, kernel_h, stride_h, pad_top, pad_bottom, dilation_h);
}
int ConvGeometry::out_w() const {
  return conv_out_size(in_w, kernel_w, stride_w, pad_left, pad_right, dilation_w);
}

void ConvGeometry::validate() const {
  auto positive = [](int v, const char* name) {
    if (v <= 0) throw std::invalid_argument(std::string("conv: ") + name + " must be positive, got " + std::to_string(v));
  };
  auto non_negative = [](int v, const char* name) {
    if (v < 0) throw std::invalid_argument(std::string("conv: ") + name + " must be >= 0, got " + std::to_string(v));
  };
  positive(batch, "batch");
  positive(in_h, "input height");
  positive(in_w, "input width");
  positive(in_c, "input channels");
  positive(kernel_h, "kernel height");
  positive(kernel_w, "kernel width");
  positive(out_c, "output channels");
  positive(stride_h, "stride height");
  positive(stride_w, "stride width");
  positive(dilation_h, "dilation height");
  positive(dilation_w, "dilation width");
  positive(groups, "groups");
  non_negative(pad_top, "pad top");
  non_negative(pad_bottom, "pad bottom");
  non_negative(pad_left, "pad left");
  non_negative(pad_right, "pad right");
  if (in_c % groups != 0 || out_c % groups != 0) {
    throw std::invalid_argument("conv: groups " + std::to_string(groups) +
                                " must divide input channels " + std::to_string(in_c) +
                                " and output channels " + std::to_string(out_c));
  }
  if (out_h() <= 0 || out_w() <= 0) {
    throw std::invalid_argument("conv: the dilated kernel is larger than the padded input");
  }
}

namespace {

// The accumulators of the convolution, each handed to sink(output index,
// output channel, acc) as it is finished.
template <class Sink>
void conv_accumulate(const ConvGeometry& g, const std::int8_t* input, const std::int8_t* weights, std::int32_t zp_in,
                     Sink sink) {
  g.validate();
  const int oh_n = g.out_h();
  const int ow_n = g.out_w();
  const int cin_g = g.in_c / g.groups;
  const int cout_g = g.out_c / g.groups;
  for (int b = 0; b < g.batch; ++b) {
    for (int oy = 0; oy < oh_n; ++oy) {
      for (int ox = 0; ox < ow_n; ++ox) {
        for (int oc = 0; oc < g.out_c; ++oc) {
          const int group = oc / cout_g;
          std::uint32_t acc = 0;  // wraps like int32 hardware
          for (int ky = 0; ky < g.kernel_h; ++ky) {
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
              for (int ci = 0; ci < cin_g; ++ci) {
                const int ic = group * cin_g + ci;
                const std::int32_t x =
                    inside ? input[((static_cast<long>(b) * g.in_h + iy) * g.in_w + ix) * g.in_c + ic]
                           : zp_in;  // padding holds the zero point
                const std::int32_t w =
                    weights[((static_cast<long>(ky) * g.kernel_w + kx) * cin_g + ci) * g.out_c + oc];
                acc += static_cast<std::uint32_t>((x - zp_in) * w);
              }
            }
          }
          sink(((static_cast<long>(b) * oh_n + oy) * ow_n + ox) * g.out_c + oc, oc, static_cast<std::int32_t>(acc));
        }
      }
    }
  }
}

}  // namespace

void conv2d_acc_i32(const ConvGeometry& g, const std::int8_t* input, const std::int8_t* weights,
                    std::int32_t zp_in, std::int32_t* acc) {
  conv_accumulate(g, input, weights, zp_in, [&](long i, int, std::int32_t a) { acc[i] = a; });
}

void conv2d_i8(const ConvGeometry& g, const std::int8_t* input, const std::int8_t* weights,
               std::int32_t zp_in, const OutputStage& os, std::int8_t* output) {
  g.validate();
  os.validate(g.out_c);
  conv_accumulate(g, input, weights, zp_in, [&](long i, int oc, std::int32_t a) { output[i] = os.apply(oc, a); });
}

}  // namespace abacus::ref
