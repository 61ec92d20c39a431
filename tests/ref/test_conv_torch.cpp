// Golden conv2d in the float32 mode against PyTorch's quantized convolution
// (torch.ops.quantized.conv2d / conv2d_relu, qnnpack, PyTorch 1.13): the
// cases, their int32 biases and float32 scales as PyTorch computes them, and
// PyTorch's outputs are in tests/ref/data/torch_conv.bin, written by
// scripts/make_conv_oracle.py (which documents the format).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "abacus/ref/conv.hpp"

namespace {

using abacus::ref::ConvGeometry;
using abacus::ref::OutputStage;

const std::string kData = std::string(ABACUS_REF_DATA_DIR) + "/torch_conv.bin";
constexpr int kCases = 41;           // scripts/make_conv_oracle.py's CASES
constexpr long kOutputBytes = 7831;  // their outputs, all cases together
constexpr int kHeaderFields = 24;

struct TorchCase {
  std::string name;
  ConvGeometry g;
  int zp_in = 0, out_h = 0, out_w = 0, flags = 0;
  std::vector<std::int8_t> x, w, y;
  OutputStage os;
};

// Little-endian reads over the whole file; ok() turns false on any read
// past the end.
class Reader {
 public:
  explicit Reader(std::vector<char> bytes) : b_(std::move(bytes)) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == b_.size(); }
  std::string bytes(std::size_t n) {
    if (!ok_ || b_.size() - pos_ < n) {
      ok_ = false;
      return {};
    }
    std::string s(b_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  std::uint32_t u32() {
    const std::string s = bytes(4);
    if (!ok_) return 0;
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[0])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[3])) << 24;
  }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  float f32() {
    const std::uint32_t u = u32();
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
  }
  std::vector<std::int8_t> i8s(long n) {
    if (n < 0) ok_ = false;
    const std::string s = bytes(ok_ ? static_cast<std::size_t>(n) : 0);
    return std::vector<std::int8_t>(s.begin(), s.end());
  }

 private:
  std::vector<char> b_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::vector<TorchCase> read_cases(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  EXPECT_TRUE(f) << "cannot open " << path << " (scripts/make_conv_oracle.py writes it)";
  Reader r(std::vector<char>{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()});
  std::vector<TorchCase> cases;
  if (r.bytes(8) != "ABTCONV1") {
    ADD_FAILURE() << path << ": not a torch_conv file (magic)";
    return cases;
  }
  const std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
    TorchCase c;
    c.name = r.bytes(r.u32());
    std::int32_t h[kHeaderFields];
    for (auto& v : h) v = r.i32();
    ConvGeometry& g = c.g;
    g.batch = h[0], g.in_h = h[1], g.in_w = h[2], g.in_c = h[3];
    g.kernel_h = h[4], g.kernel_w = h[5], g.out_c = h[6];
    g.stride_h = h[7], g.stride_w = h[8], g.dilation_h = h[9], g.dilation_w = h[10];
    g.pad_top = h[11], g.pad_left = h[12], g.pad_bottom = h[13], g.pad_right = h[14];
    g.groups = h[15];
    c.zp_in = h[16];
    c.os.mode = abacus::ref::RequantMode::kFloat32;
    c.os.zp_out = h[17];
    c.os.act_min = h[18];
    c.os.act_max = h[19];
    c.out_h = h[20];
    c.out_w = h[21];
    c.flags = h[22];
    if (!r.ok() || g.groups <= 0 || g.out_c <= 0) break;
    c.x = r.i8s(static_cast<long>(g.batch) * g.in_h * g.in_w * g.in_c);
    c.w = r.i8s(static_cast<long>(g.kernel_h) * g.kernel_w * (g.in_c / g.groups) * g.out_c);
    for (int k = 0; k < g.out_c; ++k) c.os.bias.push_back(r.i32());
    for (int k = 0; k < g.out_c; ++k) c.os.scale.push_back(r.f32());
    c.y = r.i8s(static_cast<long>(g.batch) * c.out_h * c.out_w * g.out_c);
    if (r.ok()) cases.push_back(std::move(c));
  }
  EXPECT_TRUE(r.ok()) << path << ": truncated after " << cases.size() << " of " << n << " cases";
  EXPECT_EQ(r.bytes(4), "END!") << path << ": no end marker";
  EXPECT_EQ(r.u32(), n) << path << ": end marker's case count";
  EXPECT_TRUE(r.ok() && r.at_end()) << path << ": bytes after the end marker";
  return cases;
}

TEST(GoldenConvTorch, FileHoldsEveryCase) {
  const auto cases = read_cases(kData);
  ASSERT_EQ(cases.size(), static_cast<std::size_t>(kCases)) << kData;
  int relu = 0, per_channel = 0, depthwise = 0, grouped = 0, asymmetric = 0, batched = 0;
  for (const auto& c : cases) {
    relu += (c.flags & 1) != 0;
    per_channel += (c.flags & 2) != 0;
    depthwise += c.g.groups == c.g.in_c && c.g.groups > 1;
    grouped += c.g.groups > 1 && c.g.groups < c.g.in_c;
    asymmetric += c.g.pad_top != c.g.pad_bottom || c.g.pad_left != c.g.pad_right;
    batched += c.g.batch > 1;
  }
  // what the cases are for (scripts/make_conv_oracle.py): each kind present
  EXPECT_GT(relu, 0);
  EXPECT_GT(per_channel, 0);
  EXPECT_GT(depthwise, 0);
  EXPECT_GT(grouped, 0);
  EXPECT_GT(asymmetric, 0);
  EXPECT_GT(batched, 0);
}

// Every output byte of every case equals PyTorch's.
TEST(GoldenConvTorch, MatchesPyTorchQnnpack) {
  const auto cases = read_cases(kData);
  ASSERT_EQ(cases.size(), static_cast<std::size_t>(kCases)) << kData;
  long bytes = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const TorchCase& c = cases[i];
    const ConvGeometry& g = c.g;
    ASSERT_EQ(g.out_h(), c.out_h) << "case " << i << " (" << c.name << ")";
    ASSERT_EQ(g.out_w(), c.out_w) << "case " << i << " (" << c.name << ")";
    ASSERT_NO_THROW(c.os.validate(g.out_c)) << "case " << i << " (" << c.name << ")";
    std::vector<std::int8_t> got(c.y.size());
    abacus::ref::conv2d_i8(g, c.x.data(), c.w.data(), c.zp_in, c.os, got.data());
    for (int b = 0; b < g.batch; ++b)
      for (int oy = 0; oy < c.out_h; ++oy)
        for (int ox = 0; ox < c.out_w; ++ox)
          for (int oc = 0; oc < g.out_c; ++oc) {
            const std::size_t at =
                ((static_cast<std::size_t>(b) * c.out_h + oy) * c.out_w + ox) * g.out_c + oc;
            ASSERT_EQ(int{got[at]}, int{c.y[at]})
                << "case " << i << " (" << c.name << ") batch " << b << " y " << oy << " x " << ox
                << " channel " << oc << ": golden " << int{got[at]} << ", PyTorch " << int{c.y[at]};
          }
    bytes += static_cast<long>(got.size());
  }
  EXPECT_EQ(bytes, kOutputBytes);
}

}  // namespace
