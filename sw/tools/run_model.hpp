// abacus run MODEL.onnx: the command's options and its body.
#pragma once

#include <string>

#include "abacus/runtime.hpp"

namespace abacus::tools {

struct RunOptions {
  std::string model;
  std::string input;    // .npy, float32 [N, ...the model's input]
  std::string dataset;  // fashion-mnist[:N]
  std::string output;   // .npy: the graph's output as the model declares it
  int batch = 1;
  int top_k = 3;
  bool json = false;
  bool check = false;   // every layer against the golden kernels too
  Timeout timeout;
};

// Prints the per-layer table and the top-k per input (or JSON); returns the
// exit code (1 if --check found a difference). Throws for bad models and
// arguments.
int run_model(Session& s, const RunOptions& o);

}  // namespace abacus::tools
