// abacus bench --networks DIR: whole quantized networks from ONNX
// (scripts/make_models.py zoo: ResNet-18 and MobileNetV2) against
// PyTorch's outputs, at batch 1 and 8, and against their layers run alone.
#pragma once

#include <string>

#include "abacus/runtime.hpp"

namespace abacus::tools {

struct NetworkBenchOptions {
  std::string dir;              // NAME.onnx, NAME_input.npy (float32 [8,3,224,224]), NAME_ref.npy
  std::string json;             // write the rows as JSON here
  double max_alone_gap = 0.05;  // whole-network device cycles within this of the layers alone
  Timeout timeout;
};

// Prints the networks table; returns 0 if every output equals PyTorch's and
// every whole-network run is within max_alone_gap of its layers alone.
// Throws for a missing or malformed file.
int bench_networks(Session& s, const NetworkBenchOptions& o);

}  // namespace abacus::tools
