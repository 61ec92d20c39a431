// A random quantized GEMM that owns its operands, with the golden result:
// the setup the top-level tests share (board emulation, reset at any cycle).
#pragma once

#include <cstdint>
#include <vector>

#include "abacus/ref/gemm.hpp"
#include "abacus/ref/random.hpp"
#include "abacus/runtime.hpp"

namespace abacus::tb {

struct RandomGemm {
  int m = 0, n = 0, k = 0;
  std::int32_t zp_a = 0;
  ref::OutputStage os;
  std::vector<std::int8_t> a, b, want;
  // The problem, pointing at this object's operands.
  GemmProblem problem() const {
    GemmProblem p;
    p.m = m;
    p.n = n;
    p.k = k;
    p.a = a.data();
    p.b = b.data();
    p.zp_a = zp_a;
    p.os = os;
    return p;
  }
};

inline RandomGemm random_gemm(ref::Random& r, int m, int n, int k, const ref::OutputStageSpec& spec = {}) {
  RandomGemm g;
  g.m = m;
  g.n = n;
  g.k = k;
  g.a = r.int8s(static_cast<std::size_t>(m) * k);
  g.b = r.int8s(static_cast<std::size_t>(k) * n);
  g.zp_a = r.uniform(-20, 20);
  g.os = ref::random_output_stage(r, n, k, spec);
  g.want.resize(static_cast<std::size_t>(m) * n);
  ref::gemm_i8(m, n, k, g.a.data(), k, g.b.data(), n, g.zp_a, g.os, g.want.data(), n);
  return g;
}

}  // namespace abacus::tb
