// abacus bench --networks: ResNet-18 and MobileNetV2 from ONNX, whole
// network on the device (docs/performance.md "Networks").
#include "bench_networks.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "abacus/conv.hpp"
#include "abacus/npy.hpp"
#include "abacus/onnx_model.hpp"

namespace abacus::tools {

namespace {

// The boards' default Abacus clocks (docs/fpga.md): frames per second are
// given at these.
// the boards' default CORE_MHZ (fpga/vcu118/Makefile, fpga/vc707/Makefile; docs/fpga.md, "Clocks")
constexpr double kVcu118Mhz = 175.0, kVc707Mhz = 160.0;

struct NetRow {
  std::string net;
  int batch = 0;
  std::uint64_t cycles = 0, macs = 0, host_bytes = 0;
  double host_s = 0;            // host operators' wall time on this machine
  std::uint64_t alone_cycles = 0;  // the same device layers run alone (batch 1 only; 0: not run)
  std::size_t differ = 0, compared = 0;  // output bytes against PyTorch's
  double wall_s = 0;            // this run's wall time (simulation included)
};

double fps(const NetRow& r, double mhz) {
  const double t = double(r.cycles) / (mhz * 1e6) + r.host_s;
  return t > 0 ? r.batch / t : 0.0;
}

}  // namespace

int bench_networks(Session& s, const NetworkBenchOptions& o) {
  const HwConfig& hw = s.config();
  const double peak = double(hw.rows) * hw.cols;
  std::vector<NetRow> rows;
  bool ok = true;
  for (const std::string net : {"resnet18", "mobilenet_v2"}) {
    const model::Model m = model::import_onnx(o.dir + "/" + net + ".onnx");
    const npy::Array x = npy::read(o.dir + "/" + net + "_input.npy");
    const npy::Array ref = npy::read(o.dir + "/" + net + "_ref.npy");
    if (x.dtype != "f4" || x.shape != std::vector<std::int64_t>{8, 3, 224, 224}) {
      throw std::runtime_error(o.dir + "/" + net + "_input.npy: want float32 [8,3,224,224] (scripts/make_models.py zoo)");
    }
    if (ref.dtype != "f4" || ref.shape.size() != 2 || ref.shape[0] != 8 || !m.output_float ||
        static_cast<std::size_t>(ref.shape[1]) != m.elems(m.output)) {
      throw std::runtime_error(o.dir + "/" + net + "_ref.npy: want float32 [8, " + std::to_string(m.elems(m.output)) +
                               "] for a model ending in DequantizeLinear");
    }
    const std::vector<float> xf = x.as_float();
    for (const int batch : {1, 8}) {
      std::fprintf(stderr, "bench: %s, batch %d ...\n", net.c_str(), batch);
      NetRow r;
      r.net = net;
      r.batch = batch;
      const auto t0 = std::chrono::steady_clock::now();
      const auto q = model::quantize_input(m, xf.data(), batch);
      std::vector<model::LayerRun> runs;
      // batch 1 keeps every tensor, for the layers-alone runs below
      const auto t = model::run_device(s, m, q, batch, &runs, o.timeout, batch == 1);
      for (const auto& lr : runs) {
        r.cycles += lr.cycles;
        r.macs += lr.useful_macs;
        r.host_bytes += lr.host_bytes;
        r.host_s += lr.host_seconds;
      }
      // the graph's output, byte for byte against PyTorch's float32 logits
      const model::Tensor y = model::output_tensor(m, t[static_cast<std::size_t>(m.output)], batch);
      r.compared = y.bytes.size();
      for (std::size_t i = 0; i < y.bytes.size(); ++i) r.differ += y.bytes[i] != ref.data[i];
      if (batch == 1) {
        // each device layer again, alone: its input uploaded, its output
        // read back, nothing shared with its neighbours (a pair the
        // runtime fused, fused alone too)
        auto problem = [&](const model::Layer& L) {
          if (L.k_split != 1) throw std::runtime_error(net + ": a split layer (not in the zoo models)");
          ConvProblem p = model::conv_problem(L, batch);
          p.input = t[static_cast<std::size_t>(L.inputs[0])].data();
          return p;
        };
        for (std::size_t i = 0; i < runs.size(); ++i) {
          const auto& lr = runs[i];
          if (!lr.on_device) continue;
          const model::Layer& L = lr.fused_with_next ? *runs[i + 1].layer : *lr.layer;
          const auto& want = t[static_cast<std::size_t>(L.output)];
          std::vector<std::int8_t> out(want.size());
          GemmStats st;
          if (lr.fused_with_next) {
            const ConvProblem pe = problem(*lr.layer), pd = problem(L);
            const auto& in = t[static_cast<std::size_t>(lr.layer->inputs[0])];
            Device& dev = s.device();
            dev.free_all();
            const std::uint64_t in_dev = dev.alloc(in.size()), out_dev = dev.alloc(out.size());
            dev.copy_to_device(in_dev, in.data(), in.size());
            st = expand_dwconv_resident(s, pe, pd, in_dev, out_dev, o.timeout);
            dev.copy_from_device(out.data(), out_dev, out.size());
            ++i;
          } else {
            st = conv2d(s, problem(L), out.data(), o.timeout);
          }
          r.alone_cycles += st.perf.cycles;
          if (out != want) {
            std::fprintf(stderr, "abacus: bench: %s %s: alone, the output differs from the whole-network run\n",
                         net.c_str(), L.node.c_str());
            ok = false;
          }
        }
      }
      r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (r.differ) {
        std::fprintf(stderr, "abacus: bench: %s batch %d: %zu of %zu output bytes differ from PyTorch's\n", net.c_str(),
                     batch, r.differ, r.compared);
        ok = false;
      }
      if (r.alone_cycles) {
        const double gap = double(r.cycles) / double(r.alone_cycles) - 1.0;
        if (gap > o.max_alone_gap || gap < -o.max_alone_gap) {
          std::fprintf(stderr, "abacus: bench: %s: whole network %+.2f%% from its layers alone (limit %.0f%%)\n",
                       net.c_str(), 100.0 * gap, 100.0 * o.max_alone_gap);
          ok = false;
        }
      }
      rows.push_back(r);
    }
  }
  std::printf("\nnetworks (%ux%u array, from ONNX; FPS = batch / (cycles / clock + host operators' time))\n\n", hw.rows,
              hw.cols);
  char fps_a[32], fps_b[32];
  std::snprintf(fps_a, sizeof fps_a, "FPS@%.0fMHz", kVcu118Mhz);
  std::snprintf(fps_b, sizeof fps_b, "FPS@%.0fMHz", kVc707Mhz);
  std::printf("%-13s %5s %12s %7s %12s %7s %9s %9s %11s %12s %s\n", "network", "batch", "dev cycles", "util",
              "alone", "vs alone", "host ms", "host %", fps_a, fps_b, "vs PyTorch");
  for (const auto& r : rows) {
    const double dev_s = double(r.cycles) / (kVcu118Mhz * 1e6);
    char alone[32] = "-", gap[32] = "-";
    if (r.alone_cycles) {
      std::snprintf(alone, sizeof alone, "%llu", (unsigned long long)r.alone_cycles);
      std::snprintf(gap, sizeof gap, "%+.2f%%", 100.0 * (double(r.cycles) / double(r.alone_cycles) - 1.0));
    }
    std::printf("%-13s %5d %12llu %6.1f%% %12s %7s %9.1f %8.1f%% %11.1f %12.1f %zu/%zu differ\n", r.net.c_str(), r.batch,
                (unsigned long long)r.cycles, r.cycles ? 100.0 * double(r.macs) / (peak * double(r.cycles)) : 0.0, alone,
                gap, 1e3 * r.host_s, 100.0 * r.host_s / (r.host_s + dev_s), fps(r, kVcu118Mhz), fps(r, kVc707Mhz),
                r.differ, r.compared);
  }
  std::printf("\n(host %% at %.0f MHz (VCU118), FPS also at %.0f MHz (VC707); host ms: the host operators on this "
              "machine, one thread; the simulation's own wall time is not counted)\n",
              kVcu118Mhz, kVc707Mhz);
  if (!o.json.empty()) {
    FILE* f = std::fopen(o.json.c_str(), "w");
    if (!f) throw std::runtime_error(o.json + ": cannot write");
    std::fprintf(f, "{\"array\": \"%ux%u\", \"networks\": [", hw.rows, hw.cols);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      std::fprintf(f,
                   "%s\n  {\"network\": \"%s\", \"batch\": %d, \"device_cycles\": %llu, \"macs\": %llu, "
                   "\"utilization\": %.4f, \"layers_alone_cycles\": %llu, \"host_seconds\": %.6f, \"host_bytes\": %llu, "
                   "\"vcu118_mhz\": %.0f, \"fps_vcu118\": %.2f, \"vc707_mhz\": %.0f, \"fps_vc707\": %.2f, "
                   "\"output_bytes\": %zu, \"differ_from_pytorch\": %zu, "
                   "\"wall_seconds\": %.1f}",
                   i ? "," : "", r.net.c_str(), r.batch, (unsigned long long)r.cycles, (unsigned long long)r.macs,
                   r.cycles ? double(r.macs) / (peak * double(r.cycles)) : 0.0, (unsigned long long)r.alone_cycles,
                   r.host_s, (unsigned long long)r.host_bytes, kVcu118Mhz, fps(r, kVcu118Mhz), kVc707Mhz,
                   fps(r, kVc707Mhz), r.compared,
                   r.differ, r.wall_s);
    }
    std::fprintf(f, "\n]}\n");
    std::fclose(f);
  }
  return ok ? 0 : 1;
}

}  // namespace abacus::tools
