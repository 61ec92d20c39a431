// The benchmark suite: fixed GEMMs and the distinct conv layers of
// ResNet-18 and MobileNetV2 at 224x224, each run on the device, checked
// against the golden kernel, and compared with the cycle model and the
// roofline bound.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "abacus/device.hpp"
#include "abacus/ref/conv.hpp"
#include "abacus/runtime.hpp"

namespace abacus::bench {

struct Layer {
  std::string net, name;
  bool is_gemm = false;
  int m = 0, n = 0, k = 0;  // GEMM
  ref::ConvGeometry g;      // conv
  // an inverted-residual block's 1x1 expansion pw and the depthwise layer g
  // after it, as the runtime runs the pair: fused where expand_dwconv_chosen
  bool is_pair = false;
  ref::ConvGeometry pw;
  int fuse = 0;  // a pair: 0 the runtime's choice, 1 fused, -1 apart (abacus conv --fuse)
  int count = 1;            // occurrences in the network (for MAC weighting)
  std::uint64_t macs() const;
  std::string shape() const;
};

// The documented suite (docs/performance.md). quick: a scaled-down subset
// for tests.
std::vector<Layer> suite(bool quick);

struct Row {
  Layer layer;
  bool pass = false;
  long mismatches = 0;
  long first_mismatch = -1;      // index of the first wrong output byte
  GemmStats stats;
  double util = 0, bound = 0;    // measured utilization; roofline bound
  const char* limit = "";        // what bounds the layer
  double est_error = 0;          // (estimate - measured) / measured
  bool ran_fused = false;        // a pair the runtime fused
  double sim_seconds = 0;           // host time inside the simulation
  std::uint64_t sim_cycles = 0;     // clock cycles simulated (program runs and register accesses)
};

// Runs one layer with random data from seed; the device memory latency is
// needed for the roofline and cycle model.
// plant_wrong_byte >= 0 makes the check expect another value at that
// output index (to test what a failure does: abacus --trace-on-fail).
Row run_layer(Session& session, const Layer& l, std::uint64_t seed, long plant_wrong_byte = -1);

}  // namespace abacus::bench
