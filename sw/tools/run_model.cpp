// abacus run: a quantized ONNX model on the device (docs/architecture.md
// "Models").
#include "run_model.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "abacus/npy.hpp"
#include "abacus/onnx_model.hpp"

namespace abacus::tools {

namespace {

std::string shape_str(const std::vector<int>& s) {
  std::string r;
  for (int d : s) r += (r.empty() ? "" : "x") + std::to_string(d);
  return r;
}

}  // namespace

int run_model(Session& s, const RunOptions& o) {
  const model::Model m = model::import_onnx(o.model);
  // inputs: float32 NCHW as the graph declares it (or int8/uint8 bytes)
  std::vector<float> x;
  std::vector<std::uint8_t> raw;
  std::vector<int> labels;
  int n = 0;
  std::size_t per = 1;
  for (int d : m.input_chw) per *= static_cast<std::size_t>(d);
  if (!o.dataset.empty()) {
    std::string name = o.dataset;
    int count = 100;
    if (const auto colon = name.find(':'); colon != std::string::npos) {
      try {
        count = std::stoi(name.substr(colon + 1));
      } catch (const std::exception&) {
        throw std::invalid_argument("--dataset " + o.dataset + ": the count after ':' is not a number");
      }
      name = name.substr(0, colon);
    }
    if (name != "fashion-mnist") throw std::invalid_argument("--dataset " + name + ": only fashion-mnist is known");
    if (!m.input_float) throw std::invalid_argument(o.model + ": takes a quantized input, not images (give --input)");
    if (count < 1 || count > 10000) throw std::invalid_argument("--dataset fashion-mnist:N takes N in 1..10000");
    if (m.input_chw != std::vector<int>{1, 28, 28}) {
      throw std::invalid_argument(o.model + ": takes " + shape_str(m.input_chw) + " inputs, fashion-mnist images are 1x28x28");
    }
    model::Images im = model::fashion_mnist_test(count);
    x = std::move(im.x);
    labels = std::move(im.labels);
    n = count;
  } else {
    npy::Array a;
    if (o.input.size() > 3 && o.input.compare(o.input.size() - 3, 3, ".pb") == 0) {  // an ONNX TensorProto
      model::Tensor pb = model::read_tensor_file(o.input);
      a.dtype = pb.dtype;
      a.shape = pb.shape;
      a.data = std::move(pb.bytes);
    } else {
      a = npy::read(o.input);
    }
    const std::string want_type = m.input_float ? "f4" : m.values[0].is_uint8 ? "u1" : "i1";
    if (a.dtype != want_type) {
      throw std::invalid_argument(o.input + ": dtype " + a.dtype + ", the model's input is " +
                                  (m.input_float ? "float32" : m.values[0].is_uint8 ? "uint8" : "int8"));
    }
    std::vector<std::int64_t> want;
    if (m.batched) want.push_back(-1);
    for (int d : m.input_chw) want.push_back(d);
    if (a.shape.size() != want.size() ||
        !std::equal(want.begin() + (m.batched ? 1 : 0), want.end(), a.shape.begin() + (m.batched ? 1 : 0))) {
      std::string got;
      for (auto d : a.shape) got += (got.empty() ? "" : "x") + std::to_string(d);
      throw std::invalid_argument(o.input + ": shape " + got + ", the model takes " + (m.batched ? "Nx" : "") +
                                  shape_str(m.input_chw));
    }
    n = m.batched ? static_cast<int>(a.shape[0]) : 1;
    if (n < 1) throw std::invalid_argument(o.input + ": no inputs");
    if (m.input_float) x = a.as_float();
    else raw = a.data;
  }
  const int batch = std::min(o.batch, n);
  struct Acc {
    const model::Layer* layer;
    bool on_device = false;
    std::uint64_t cycles = 0, macs = 0, bytes = 0, host_bytes = 0;
  };
  std::vector<Acc> acc;
  std::vector<std::int8_t> out;
  std::string mismatch;
  const auto t0 = std::chrono::steady_clock::now();
  for (int b0 = 0; b0 < n; b0 += batch) {
    const int bn = std::min(batch, n - b0);
    const auto q = m.input_float ? model::quantize_input(m, x.data() + static_cast<std::size_t>(b0) * per, bn)
                                 : model::raw_input(m, raw.data() + static_cast<std::size_t>(b0) * per, bn);
    std::vector<model::LayerRun> runs;
    const auto t = model::run_device(s, m, q, bn, &runs, o.timeout, o.check);
    if (acc.empty()) {
      for (const auto& r : runs) acc.push_back({r.layer, r.on_device, 0, 0, 0, 0});
    }
    for (std::size_t i = 0; i < runs.size(); ++i) {
      acc[i].cycles += runs[i].cycles;
      acc[i].macs += runs[i].useful_macs;
      acc[i].bytes += runs[i].dram_bytes;
      acc[i].host_bytes += runs[i].host_bytes;
    }
    if (o.check && mismatch.empty()) {
      const auto ref = model::run_reference(m, q, bn);
      for (const auto& L : m.layers) {  // in execution order: the first tensor that differs
        const auto& a = t[static_cast<std::size_t>(L.output)];
        const auto& r = ref[static_cast<std::size_t>(L.output)];
        if (a.size() != r.size()) {
          mismatch = m.values[static_cast<std::size_t>(L.output)].name + " (" + L.node + "): " +
                     std::to_string(a.size()) + " bytes from the device, " + std::to_string(r.size()) + " golden";
          break;
        }
        for (std::size_t i = 0; i < a.size(); ++i) {
          if (a[i] != r[i]) {
            mismatch = m.values[static_cast<std::size_t>(L.output)].name + " (" + L.node + "), batch starting at input " +
                       std::to_string(b0) + ", element " + std::to_string(i) + ": device " + std::to_string(a[i]) +
                       ", golden " + std::to_string(r[i]);
            break;
          }
        }
        if (!mismatch.empty()) break;
      }
    }
    const auto& y = t[static_cast<std::size_t>(m.output)];
    out.insert(out.end(), y.begin(), y.end());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::vector<float> f = model::dequantize_output(m, out, n);
  const std::size_t classes = m.elems(m.output);
  if (!o.output.empty()) {
    const model::Tensor y = model::output_tensor(m, out, n);
    npy::write(o.output, y.dtype, y.shape, y.bytes.data());
  }
  const HwConfig& hw = s.config();
  std::uint64_t dev_cycles = 0, macs = 0;
  for (const auto& a : acc) dev_cycles += a.cycles, macs += a.macs;
  int correct = 0;
  auto top = [&](int i, int k) {
    std::vector<int> idx(classes);
    for (std::size_t j = 0; j < classes; ++j) idx[j] = static_cast<int>(j);
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) {
      return f[static_cast<std::size_t>(i) * classes + a] > f[static_cast<std::size_t>(i) * classes + b];
    });
    idx.resize(std::min<std::size_t>(static_cast<std::size_t>(k), classes));
    return idx;
  };
  for (int i = 0; i < n && !labels.empty(); ++i) correct += top(i, 1)[0] == labels[static_cast<std::size_t>(i)];
  if (o.json) {
    std::printf("{\"model\": \"%s\", \"inputs\": %d, \"batch\": %d, \"device_cycles\": %llu, \"macs\": %llu, "
                "\"utilization\": %.4f", o.model.c_str(), n, batch, (unsigned long long)dev_cycles, (unsigned long long)macs,
                dev_cycles ? double(macs) / (double(hw.rows) * hw.cols * dev_cycles) : 0.0);
    if (!labels.empty()) std::printf(", \"top1\": %.4f", double(correct) / n);
    if (o.check) std::printf(", \"check\": \"%s\"", mismatch.empty() ? "PASS" : "FAIL");
    std::printf(", \"layers\": [");
    for (std::size_t i = 0; i < acc.size(); ++i) {
      const auto& a = acc[i];
      std::printf("%s{\"node\": \"%s\", \"op\": \"%s\", \"shape\": \"%s\", \"where\": \"%s\", \"cycles\": %llu, "
                  "\"utilization\": %.4f, \"dram_bytes\": %llu, \"host_bytes\": %llu}", i ? ", " : "", a.layer->node.c_str(),
                  a.layer->onnx_op.c_str(), shape_str(m.values[static_cast<std::size_t>(a.layer->output)].shape).c_str(),
                  a.on_device ? "device" : "host", (unsigned long long)a.cycles,
                  a.cycles ? double(a.macs) / (double(hw.rows) * hw.cols * a.cycles) : 0.0, (unsigned long long)a.bytes,
                  (unsigned long long)a.host_bytes);
    }
    std::printf("]}\n");
  } else {
    std::printf("abacus run %s: %d input(s), batch %d, %ux%u array\n\n", o.model.c_str(), n, batch, hw.rows, hw.cols);
    std::printf("%-28s %-18s %-12s %-6s %12s %7s %12s %12s\n", "node", "op", "output", "where", "cycles", "util",
                "DRAM bytes", "host<->dev");
    for (const auto& a : acc) {
      std::printf("%-28s %-18s %-12s %-6s %12llu %6.1f%% %12llu %12llu\n", a.layer->node.c_str(), a.layer->onnx_op.c_str(),
                  shape_str(m.values[static_cast<std::size_t>(a.layer->output)].shape).c_str(),
                  a.on_device ? "device" : "host", (unsigned long long)a.cycles,
                  a.cycles ? 100.0 * double(a.macs) / (double(hw.rows) * hw.cols * a.cycles) : 0.0,
                  (unsigned long long)a.bytes, (unsigned long long)a.host_bytes);
    }
    std::printf("\ndevice: %llu cycles for %llu MACs (%.1f%% of the array); host wall time %.2f s\n",
                (unsigned long long)dev_cycles, (unsigned long long)macs,
                dev_cycles ? 100.0 * double(macs) / (double(hw.rows) * hw.cols * dev_cycles) : 0.0, secs);
    const int shown = std::min(n, 10);
    for (int i = 0; i < shown; ++i) {
      std::printf("input %d:", i);
      for (int c : top(i, o.top_k)) std::printf("  class %d (%.3f)", c, f[static_cast<std::size_t>(i) * classes + c]);
      if (!labels.empty()) std::printf("   label %d", labels[static_cast<std::size_t>(i)]);
      std::printf("\n");
    }
    if (n > shown) std::printf("(%d more inputs)\n", n - shown);
    if (!labels.empty()) std::printf("top-1 accuracy %.4f (%d of %d)\n", double(correct) / n, correct, n);
    if (o.check) {
      std::printf("check: %s\n", mismatch.empty() ? "PASS: every layer's tensor equals the golden kernels'"
                                                  : ("FAIL: first differing tensor " + mismatch).c_str());
    }
  }
  return mismatch.empty() ? 0 : 1;
}

}  // namespace abacus::tools
