#include "bench.hpp"

#include <algorithm>
#include <tuple>

#include "abacus/conv.hpp"
#include "abacus/ref/gemm.hpp"
#include "abacus/ref/random.hpp"
#include "abacus/sim_device.hpp"

namespace abacus::bench {

namespace {
ref::ConvGeometry conv(int hw, int cin, int k, int cout, int stride, int groups = 1) {
  ref::ConvGeometry g;
  g.in_h = g.in_w = hw;
  g.in_c = cin;
  g.kernel_h = g.kernel_w = k;
  g.out_c = cout;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_bottom = g.pad_left = g.pad_right = k / 2;
  g.groups = groups;
  return g;
}
Layer c(const char* net, const char* name, ref::ConvGeometry g, int count = 1) {
  Layer l;
  l.net = net;
  l.name = name;
  l.g = g;
  l.count = count;
  return l;
}
// "pw cin->ch + dw ch[/2]": the expansion at hw x hw and the depthwise layer
// after it, a pair the runtime may fuse
Layer pair(const char* name, int hw, int cin, int ch, int stride, int count = 1) {
  Layer l = c("mobilenetv2", name, conv(hw, ch, 3, ch, stride, ch), count);
  l.is_pair = true;
  l.pw = conv(hw, cin, 1, ch, 1);
  return l;
}
Layer gm(int m, int n, int k) {
  Layer l;
  l.net = "gemm";
  l.name = std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k);
  l.is_gemm = true;
  l.m = m;
  l.n = n;
  l.k = k;
  return l;
}
}  // namespace

std::uint64_t Layer::macs() const {
  if (is_gemm) return static_cast<std::uint64_t>(m) * n * k;
  auto conv_macs = [](const ref::ConvGeometry& x) {
    return static_cast<std::uint64_t>(x.batch) * x.out_h() * x.out_w() * x.out_c * x.kernel_h * x.kernel_w *
           (x.in_c / x.groups);
  };
  return conv_macs(g) + (is_pair ? conv_macs(pw) : 0);
}

std::string Layer::shape() const {
  if (is_gemm) return name;
  const std::string hwc = std::to_string(g.in_h) + "x" + std::to_string(g.in_w) + "x";
  if (is_pair) {
    // (no comma: the CSV has none of its own quoting)
    std::string s = hwc + std::to_string(pw.in_c) + " k1 -> " + std::to_string(pw.out_c) + " + k" +
                    std::to_string(g.kernel_h) + " s" + std::to_string(g.stride_h);
    return s + (g.groups == g.in_c && g.out_c == g.in_c ? " dw" : " -> " + std::to_string(g.out_c));
  }
  std::string s = hwc + std::to_string(g.in_c) + " k" + std::to_string(g.kernel_h) + " s" +
                  std::to_string(g.stride_h) + " -> " + std::to_string(g.out_c);
  if (g.groups > 1) s += g.groups == g.in_c ? " dw" : " g" + std::to_string(g.groups);
  return s;
}

std::vector<Layer> suite(bool quick) {
  if (quick) {
    return {gm(64, 64, 64),
            c("resnet18", "3x3 (scaled)", conv(14, 64, 3, 64, 1)),
            c("resnet18", "3x3/2 (scaled)", conv(14, 64, 3, 128, 2)),
            c("resnet18", "1x1/2 (scaled)", conv(14, 64, 1, 128, 2)),
            c("resnet18", "conv1 7x7/2 (scaled)", conv(32, 3, 7, 64, 2)),
            c("mobilenetv2", "dw 3x3 (scaled)", conv(14, 32, 3, 32, 1, 32)),
            c("mobilenetv2", "pw 1x1 (scaled)", conv(14, 32, 1, 96, 1)),
            pair("pw + dw/2 (scaled)", 56, 16, 48, 2)};
  }
  std::vector<Layer> s = {gm(64, 64, 64), gm(128, 128, 128), gm(256, 256, 256), gm(512, 512, 512)};
  // ResNet-18 at 224x224: every distinct conv, with how often it occurs.
  s.push_back(c("resnet18", "conv1", conv(224, 3, 7, 64, 2)));
  s.push_back(c("resnet18", "layer1 3x3", conv(56, 64, 3, 64, 1), 4));
  s.push_back(c("resnet18", "layer2.0 3x3/2", conv(56, 64, 3, 128, 2)));
  s.push_back(c("resnet18", "layer2.0 down 1x1/2", conv(56, 64, 1, 128, 2)));
  s.push_back(c("resnet18", "layer2 3x3", conv(28, 128, 3, 128, 1), 3));
  s.push_back(c("resnet18", "layer3.0 3x3/2", conv(28, 128, 3, 256, 2)));
  s.push_back(c("resnet18", "layer3.0 down 1x1/2", conv(28, 128, 1, 256, 2)));
  s.push_back(c("resnet18", "layer3 3x3", conv(14, 256, 3, 256, 1), 3));
  s.push_back(c("resnet18", "layer4.0 3x3/2", conv(14, 256, 3, 512, 2)));
  s.push_back(c("resnet18", "layer4.0 down 1x1/2", conv(14, 256, 1, 512, 2)));
  s.push_back(c("resnet18", "layer4 3x3", conv(7, 512, 3, 512, 1), 3));
  // MobileNetV2 at 224x224 as the runtime runs it: each inverted-residual
  // block's expansion and depthwise layer as one pair (fused where
  // expand_dwconv_chosen says so), the projections and the stem alone.
  s.push_back(c("mobilenetv2", "conv0 3x3/2", conv(224, 3, 3, 32, 2)));
  s.push_back(c("mobilenetv2", "dw 32", conv(112, 32, 3, 32, 1, 32)));
  s.push_back(c("mobilenetv2", "pw 32->16", conv(112, 32, 1, 16, 1)));
  s.push_back(pair("pw 16->96 + dw 96/2", 112, 16, 96, 2));
  s.push_back(c("mobilenetv2", "pw 96->24", conv(56, 96, 1, 24, 1)));
  s.push_back(pair("pw 24->144 + dw 144", 56, 24, 144, 1));
  s.push_back(c("mobilenetv2", "pw 144->24", conv(56, 144, 1, 24, 1)));
  s.push_back(pair("pw 24->144 + dw 144/2", 56, 24, 144, 2));
  s.push_back(c("mobilenetv2", "pw 144->32", conv(28, 144, 1, 32, 1)));
  s.push_back(pair("pw 32->192 + dw 192", 28, 32, 192, 1, 2));
  s.push_back(c("mobilenetv2", "pw 192->32", conv(28, 192, 1, 32, 1), 2));
  s.push_back(pair("pw 32->192 + dw 192/2", 28, 32, 192, 2));
  s.push_back(c("mobilenetv2", "pw 192->64", conv(14, 192, 1, 64, 1)));
  s.push_back(pair("pw 64->384 + dw 384", 14, 64, 384, 1, 4));
  s.push_back(c("mobilenetv2", "pw 384->64", conv(14, 384, 1, 64, 1), 3));
  s.push_back(c("mobilenetv2", "pw 384->96", conv(14, 384, 1, 96, 1)));
  s.push_back(pair("pw 96->576 + dw 576", 14, 96, 576, 1, 2));
  s.push_back(c("mobilenetv2", "pw 576->96", conv(14, 576, 1, 96, 1), 2));
  s.push_back(pair("pw 96->576 + dw 576/2", 14, 96, 576, 2));
  s.push_back(c("mobilenetv2", "pw 576->160", conv(7, 576, 1, 160, 1)));
  s.push_back(pair("pw 160->960 + dw 960", 7, 160, 960, 1, 3));
  s.push_back(c("mobilenetv2", "pw 960->160", conv(7, 960, 1, 160, 1), 2));
  s.push_back(c("mobilenetv2", "pw 960->320", conv(7, 960, 1, 320, 1)));
  s.push_back(c("mobilenetv2", "pw 320->1280", conv(7, 320, 1, 1280, 1)));
  // MobileNetV2's depthwise layers and expansions alone, each from and to
  // DRAM (the per-layer view of issue 12; not in the network's stack)
  for (const auto& [name, hw, ch, stride] : {std::tuple{"dw 96/2", 112, 96, 2}, {"dw 144", 56, 144, 1},
                                             {"dw 144/2", 56, 144, 2}, {"dw 192", 28, 192, 1},
                                             {"dw 192/2", 28, 192, 2}, {"dw 384", 14, 384, 1},
                                             {"dw 576", 14, 576, 1}, {"dw 576/2", 14, 576, 2}, {"dw 960", 7, 960, 1}}) {
    s.push_back(c("layers alone", name, conv(hw, ch, 3, ch, stride, ch)));
  }
  for (const auto& [name, hw, cin, ch] : {std::tuple{"pw 16->96", 112, 16, 96}, {"pw 24->144", 56, 24, 144},
                                          {"pw 32->192", 28, 32, 192}, {"pw 64->384", 14, 64, 384},
                                          {"pw 96->576", 14, 96, 576}, {"pw 160->960", 7, 160, 960}}) {
    s.push_back(c("layers alone", name, conv(hw, cin, 1, ch, 1)));
  }
  return s;
}

Row run_layer(Session& session, const Layer& l, std::uint64_t seed, long plant_wrong_byte) {
  Device& dev = session.device();
  const unsigned mem_latency = session.cycle_model().mem_latency;
  ref::Random r(seed);
  Row row;
  row.layer = l;
  const HwConfig& hw = session.config();
  const int kdepth = l.is_gemm ? l.k : l.g.kernel_h * l.g.kernel_w * (l.g.in_c / l.g.groups);
  const int nout = l.is_gemm ? l.n : l.g.out_c;
  ref::OutputStage os = ref::random_output_stage(r, nout, kdepth);
  os.act_min = os.zp_out;  // fused ReLU, as in both networks
  // simulation speed counts the model's own time, not data generation or the golden kernel
  auto* sim = dynamic_cast<SimDevice*>(&dev);
  const double sim0 = sim ? sim->sim_seconds() : 0.0;
  const std::uint64_t cyc0 = sim ? sim->cycles() : 0;
  std::vector<std::int8_t> want, got;
  if (l.is_gemm) {
    const std::vector<std::int8_t> a = r.int8s(static_cast<std::size_t>(l.m) * l.k);
    const std::vector<std::int8_t> b = r.int8s(static_cast<std::size_t>(l.k) * l.n);
    GemmProblem p;
    p.m = l.m;
    p.n = l.n;
    p.k = l.k;
    p.a = a.data();
    p.b = b.data();
    p.zp_a = r.uniform(-20, 20);
    p.os = os;
    want.resize(static_cast<std::size_t>(l.m) * l.n);
    got.resize(want.size());
    ref::gemm_i8(l.m, l.n, l.k, a.data(), l.k, b.data(), l.n, p.zp_a, os, want.data(), l.n);
    row.stats = gemm(session, p, got.data());
  } else if (l.is_pair) {
    // the expansion (its clamp from its zero point up: ReLU6's lower end)
    // into the depthwise layer, its output's zero point the layer's input's
    const ref::ConvGeometry& e = l.pw;
    const ref::ConvGeometry& g = l.g;
    const std::vector<std::int8_t> x = r.int8s(static_cast<std::size_t>(e.batch) * e.in_h * e.in_w * e.in_c);
    const std::vector<std::int8_t> we = r.int8s(static_cast<std::size_t>(e.in_c) * e.out_c);
    const std::vector<std::int8_t> wd =
        r.int8s(static_cast<std::size_t>(g.kernel_h) * g.kernel_w * (g.in_c / g.groups) * g.out_c);
    ConvProblem pe, pd;
    pe.g = e;
    pe.weights = we.data();
    pe.zp_in = r.uniform(-20, 20);
    pe.os = ref::random_output_stage(r, e.out_c, e.in_c);
    pe.os.act_min = pe.os.zp_out;
    pd.g = g;
    pd.weights = wd.data();
    pd.zp_in = pe.os.zp_out;
    pd.os = os;
    std::vector<std::int8_t> mid(static_cast<std::size_t>(e.batch) * e.in_h * e.in_w * e.out_c);
    want.resize(static_cast<std::size_t>(g.batch) * g.out_h() * g.out_w() * g.out_c);
    got.resize(want.size());
    ref::conv2d_i8(e, x.data(), we.data(), pe.zp_in, pe.os, mid.data());
    ref::conv2d_i8(g, mid.data(), wd.data(), pd.zp_in, pd.os, want.data());
    dev.free_all();
    const std::uint64_t in_dev = dev.alloc(x.size()), out_dev = dev.alloc(want.size());
    dev.copy_to_device(in_dev, x.data(), x.size());
    row.ran_fused = l.fuse ? l.fuse > 0 : expand_dwconv_chosen(session, pe, pd);
    if (row.ran_fused) {
      row.stats = expand_dwconv_resident(session, pe, pd, in_dev, out_dev);
    } else {  // the two layers apart, the expanded tensor through DRAM
      const std::uint64_t mid_dev = dev.alloc(mid.size());
      row.stats = conv2d_resident(session, pe, in_dev, mid_dev);
      row.stats += conv2d_resident(session, pd, mid_dev, out_dev);
    }
    dev.copy_from_device(got.data(), out_dev, got.size());
  } else {
    const ref::ConvGeometry& g = l.g;
    const std::vector<std::int8_t> x = r.int8s(static_cast<std::size_t>(g.batch) * g.in_h * g.in_w * g.in_c);
    const std::vector<std::int8_t> w =
        r.int8s(static_cast<std::size_t>(g.kernel_h) * g.kernel_w * (g.in_c / g.groups) * g.out_c);
    ConvProblem p;
    p.g = g;
    p.input = x.data();
    p.weights = w.data();
    p.zp_in = r.uniform(-20, 20);
    p.os = os;
    want.resize(static_cast<std::size_t>(g.batch) * g.out_h() * g.out_w() * g.out_c);
    got.resize(want.size());
    ref::conv2d_i8(g, x.data(), w.data(), p.zp_in, os, want.data());
    row.stats = conv2d(session, p, got.data());
  }
  row.sim_seconds = sim ? sim->sim_seconds() - sim0 : 0.0;
  row.sim_cycles = sim ? sim->cycles() - cyc0 : 0;
  if (plant_wrong_byte >= 0 && static_cast<std::size_t>(plant_wrong_byte) < want.size()) want[plant_wrong_byte] ^= 1;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == got[i]) continue;
    if (row.mismatches++ == 0) row.first_mismatch = static_cast<long>(i);
  }
  row.pass = row.mismatches == 0;
  const double peak = double(hw.rows) * hw.cols;
  const double cycles = double(std::max<std::uint64_t>(row.stats.perf.cycles, 1));
  row.util = double(l.macs()) / (peak * cycles);
  // Roofline: the array at its useful rate (MACs it performs include
  // padding of K and N to the array) against the bus moving every byte:
  // the bytes read and the bytes written, each at one bus word a cycle
  // (AXI's read and write channels are independent, and the simulated
  // memory serves both at once).
  const double shape_eff = row.stats.perf.macs ? double(l.macs()) / double(row.stats.perf.macs) : 1.0;
  const double compute_cycles = double(row.stats.perf.macs) / peak;
  const double memory_cycles =
      double(std::max(row.stats.perf.bytes_read, row.stats.perf.bytes_written)) / (hw.bus_bits / 8.0) + mem_latency;
  row.bound = shape_eff * std::min(1.0, compute_cycles / memory_cycles);
  row.limit = shape_eff < 0.9 ? "array shape" : memory_cycles > compute_cycles ? "memory" : "compute";
  row.est_error = (double(row.stats.estimated_cycles) - cycles) / cycles;
  return row;
}

}  // namespace abacus::bench
