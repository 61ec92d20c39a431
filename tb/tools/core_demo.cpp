// abacus-core-demo: one int8 GEMM on the verilated 16x16 compute core,
// tiled over K (accumulating) and N (column blocks), checked byte for byte
// against the golden kernel, with cycle counts and array utilization.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "Vcore_16x16.h"
#include "abacus/ref/gemm.hpp"
#include "abacus/ref/random.hpp"
#include "abacus/util.hpp"
#include "abacus/wave_layout.hpp"
#include "core_harness.hpp"

namespace {
constexpr int kRows = 16, kCols = 16, kAccDepth = 256;
}

int main(int argc, char** argv) {
  CLI::App app{"Run one int8 GEMM on the verilated Abacus compute core (16x16) and verify it"};
  int m = 128, n = 48, k = 96;
  std::uint64_t seed = 1;
  std::string trace;
  bool rand_reset = false;
  app.add_option("--m", m, "rows of A and C")->check(CLI::Range(1, kAccDepth));
  app.add_option("--n", n, "columns of B and C")->check(CLI::Range(1, 1 << 16));
  app.add_option("--k", k, "columns of A, rows of B")->check(CLI::Range(1, 1 << 16));
  app.add_option("--seed", seed, "random data seed");
  app.add_option("--trace", trace, "write an FST waveform to this path (and a GTKWave layout next to it)");
  double trace_mhz = 100.0;
  app.add_option("--trace-mhz", trace_mhz, "clock the trace's time axis shows, MHz")->check(CLI::Range(0.001, 10000.0));
  app.add_flag("--rand-reset", rand_reset, "start from randomized register state");
  CLI11_PARSE(app, argc, argv);

  abacus::ref::Random rnd(seed);
  const std::vector<std::int8_t> A = rnd.int8s(static_cast<std::size_t>(m) * k);
  const std::vector<std::int8_t> B = rnd.int8s(static_cast<std::size_t>(k) * n);
  abacus::ref::OutputStageSpec spec;
  spec.bias_bound = 20000;
  spec.exp_lo = spec.exp_hi = 0;
  spec.zp_out_bound = 0;
  abacus::ref::OutputStage os = abacus::ref::random_output_stage(rnd, n, k, spec);
  os.zp_out = -3;

  std::vector<std::int8_t> want(static_cast<std::size_t>(m) * n), got(want.size());
  abacus::ref::gemm_i8(m, n, k, A.data(), k, B.data(), n, 0, os, want.data(), n);

  abacus::sim::SimOptions opt;
  opt.name = "core_demo";
  opt.seed = seed;
  opt.rand_reset = rand_reset;
  opt.trace = !trace.empty();
  opt.trace_path = trace;
  opt.period_ps = static_cast<std::uint64_t>(std::llround(1e6 / trace_mhz));
  abacus::sim::Sim<Vcore_16x16> sim(opt);
  abacus::tb::CoreHarness<Vcore_16x16> core(sim, kRows, kCols, seed);
  sim.reset();

  const int ktiles = abacus::ceil_div(k, kRows), nblocks = abacus::ceil_div(n, kCols);
  std::uint64_t compute_cycles = 0;
  std::optional<std::uint64_t> first_start;
  std::uint64_t last_end = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int nb = 0; nb < nblocks; ++nb) {
    abacus::ref::OutputStage blk = abacus::ref::OutputStage::uniform(kCols, 0, 0, os.zp_out);
    for (int c = 0; c < kCols && nb * kCols + c < n; ++c) {
      blk.bias[c] = os.bias[nb * kCols + c];
      blk.multiplier[c] = os.multiplier[nb * kCols + c];
      blk.shift[c] = os.shift[nb * kCols + c];
    }
    core.load_params(blk);
    std::vector<abacus::tb::CoreTile> tiles;
    for (int kt = 0; kt < ktiles; ++kt) {
      abacus::tb::CoreTile t;
      t.m = m;
      t.accumulate = kt > 0;
      t.weights.assign(kRows * kCols, 0);
      t.acts.assign(static_cast<std::size_t>(m) * kRows, 0);
      for (int r = 0; r < kRows && kt * kRows + r < k; ++r) {
        for (int c = 0; c < kCols && nb * kCols + c < n; ++c)
          t.weights[r * kCols + c] = B[static_cast<std::size_t>(kt * kRows + r) * n + nb * kCols + c];
        for (int i = 0; i < m; ++i) t.acts[static_cast<std::size_t>(i) * kRows + r] = A[static_cast<std::size_t>(i) * k + kt * kRows + r];
      }
      tiles.push_back(std::move(t));
    }
    const auto st = core.run_tiles(tiles);
    compute_cycles += st.end_cycle - st.start_cycle;
    if (!first_start) first_start = st.start_cycle;
    last_end = st.end_cycle;
    const auto rows = core.read_rows(0, m);
    for (int i = 0; i < m; ++i)
      for (int c = 0; c < kCols && nb * kCols + c < n; ++c)
        got[static_cast<std::size_t>(i) * n + nb * kCols + c] = rows[static_cast<std::size_t>(i) * kCols + c];
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!trace.empty()) {
    sim.close_trace();
    abacus::wave::View v;
    v.period_ps = opt.period_ps;
    v.first_cycle = first_start.value_or(0) > 10 ? *first_start - 10 : 0;
    v.last_cycle = std::max(last_end + 10, v.first_cycle + 1);
    v.start = first_start;
    v.done = last_end;
    const std::string gtkw = trace.substr(0, trace.rfind('.') == std::string::npos ? trace.size() : trace.rfind('.')) + ".gtkw";
    abacus::wave::write_gtkw(abacus::wave::core(), trace, v, gtkw);
    std::printf("waveform: gtkwave %s %s\n", trace.c_str(), gtkw.c_str());
  }

  long bad = 0;
  for (std::size_t i = 0; i < want.size(); ++i) bad += got[i] != want[i];
  const double macs = double(m) * n * k;
  std::printf("abacus compute core %dx%d: GEMM M=%d N=%d K=%d (seed %llu)\n", kRows, kCols, m, n, k,
              static_cast<unsigned long long>(seed));
  std::printf("  tiles            %d (%d K-tiles x %d column blocks)\n", ktiles * nblocks, ktiles, nblocks);
  std::printf("  compute cycles   %llu (weight preload, streaming, drain to accumulators)\n",
              static_cast<unsigned long long>(compute_cycles));
  std::printf("  total cycles     %llu (including parameter loads and read-out)\n",
              static_cast<unsigned long long>(sim.cycle()));
  std::printf("  MACs             %.0f\n", macs);
  std::printf("  utilization      %.1f%% of %d MACs/cycle during compute\n",
              100.0 * macs / (double(kRows) * kCols * double(compute_cycles)), kRows * kCols);
  std::printf("  sim speed        %.0f cycles/s\n", double(sim.cycle()) / secs);
  std::printf("  result           %s: %ld of %zu bytes differ from the golden kernel\n",
              bad ? "FAIL" : "PASS", bad, want.size());
  if (!trace.empty()) std::printf("  waveform         %s\n", trace.c_str());
  return bad ? 1 : 0;
}
