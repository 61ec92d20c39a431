// Clock, reset and waveform control for one verilated model.
//
// One VerilatedContext per simulation. Tracing is off unless ABACUS_TRACE is
// set (to 1, or to a directory; default directory "waves"), in which case an
// FST named after the simulation is written there. ABACUS_TRACE_START and
// ABACUS_TRACE_END (cycles) limit the window. With rand_reset, every
// register and memory starts from a random value drawn from the seed, so a
// missing reset shows up as a failure.
#pragma once

#include <verilated.h>
#include <verilated_fst_c.h>

#include "common/coverage.hpp"
#include "common/seed.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace abacus::sim {

// Models without a reset port (single datapath units) are driven too.
template <class M, class = void>
struct has_rst_ni : std::false_type {};
template <class M>
struct has_rst_ni<M, std::void_t<decltype(std::declval<M&>().rst_ni)>> : std::true_type {};

struct SimOptions {
  std::string name = "sim";     // FST file stem
  std::uint64_t seed = 1;       // random initial state seed
  bool rand_reset = false;      // randomize initial state
  bool trace = false;           // force tracing on (else ABACUS_TRACE decides)
  std::string trace_path;       // explicit FST path (else <dir>/<name>.fst)
  std::uint64_t trace_start = 0;           // cycle window (ABACUS_TRACE_START/END override)
  std::uint64_t trace_end = UINT64_MAX;
  std::uint64_t period_ps = 10000;         // one clock cycle in the trace (100 MHz)
};


template <class Model>
class Sim {
 public:
  explicit Sim(SimOptions opt) : opt_(std::move(opt)) {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->fatalOnError(false);  // an RTL assertion fails the test, not the process
    if (opt_.rand_reset) {
      ctx_->randReset(2);
      ctx_->randSeed(static_cast<int>(opt_.seed & 0x7fffffff));
    }
    const char* env = std::getenv("ABACUS_TRACE");
    const bool trace = opt_.trace || (env && *env && std::string(env) != "0");
    if (trace) ctx_->traceEverOn(true);
    dut_ = std::make_unique<Model>(ctx_.get(), "TOP");
    if (trace) {
      std::string path = opt_.trace_path;
      if (path.empty()) {
        std::string dir = (env && std::string(env) != "1") ? env : "waves";
        std::filesystem::create_directories(dir);
        path = dir + "/" + opt_.name + ".fst";
      }
      // ABACUS_TRACE_START/END set the window of tests; a window the caller gives wins
      const bool given = opt_.trace_start != 0 || opt_.trace_end != UINT64_MAX;
      trace_start_ = given ? opt_.trace_start : env_cycles("ABACUS_TRACE_START", opt_.trace_start);
      trace_end_ = given ? opt_.trace_end : env_cycles("ABACUS_TRACE_END", opt_.trace_end);
      opt_.trace_start = trace_start_;
      opt_.trace_end = trace_end_;
      tfp_ = std::make_unique<VerilatedFstC>();
      dut_->trace(tfp_.get(), 99);
      tfp_->open(path.c_str());
      if (!tfp_->isOpen()) throw std::runtime_error("cannot open trace file " + path);
      std::cerr << "[ trace    ] " << path << std::endl;  // (stderr: stdout may be --json)
    }
    dut_->clk_i = 0;
    if constexpr (has_rst_ni<Model>::value) dut_->rst_ni = 1;
    dut_->eval();
  }

  ~Sim() {
    if (tfp_) tfp_->close();  // (close_trace may have done it)
    dut_->final();
#if VM_COVERAGE
    coverage::Table::get().add(*ctx_);
#endif
  }

  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  Model& dut() { return *dut_; }
  // Ends the trace (the FST is complete and readable); the model runs on untraced.
  void close_trace() {
    if (tfp_) tfp_->close();
    tfp_.reset();
  }
  bool tracing() const { return tfp_ != nullptr; }
  const SimOptions& options() const { return opt_; }
  std::uint64_t cycle() const { return cycle_; }

  // Holds rst_ni low for `cycles` clock edges; inputs should be idle.
  void reset(int cycles = 4) {
    static_assert(has_rst_ni<Model>::value, "model has no rst_ni");
    dut_->rst_ni = 0;
    tick(cycles);
    dut_->rst_ni = 1;
    dut_->eval();
    if (!was_reset_) start_coverage();
    was_reset_ = true;
  }

  // Coverage counts from here on: called when the power-on reset is over,
  // so that the initial state (zero, or random) settling to its reset
  // values does not count as toggling or as a branch taken (make coverage;
  // block entries count from time 0, see common/coverage.hpp).
  void start_coverage() {
#if VM_COVERAGE
    coverage::Table::get().mark(*ctx_);
#endif
  }

  // Settles combinational outputs for the current inputs (call before
  // sampling ready/valid in the same cycle).
  void settle() {
    dut_->eval();
    check();
  }

  // One rising edge (and the following falling edge).
  void tick(int n = 1) {
    for (int i = 0; i < n; ++i) {
      dut_->clk_i = 0;
      dut_->eval();
      // cycle c spans [c, c+1) periods; its rising edge is half-way through
      dump(cycle_ * opt_.period_ps);
      dut_->clk_i = 1;
      dut_->eval();
      dump(cycle_ * opt_.period_ps + opt_.period_ps / 2);
      ++cycle_;
      check();
    }
  }

 private:
  static std::uint64_t env_cycles(const char* name, std::uint64_t dflt) {
    const char* e = std::getenv(name);
    return (e && *e) ? std::strtoull(e, nullptr, 0) : dflt;
  }
  void dump(std::uint64_t t) {
    if (tfp_ && cycle_ >= trace_start_ && cycle_ <= trace_end_) tfp_->dump(t);
  }
  void check() {
    if (ctx_->gotError()) {
      throw std::runtime_error("RTL assertion failed in " + opt_.name + " at cycle " +
                               std::to_string(cycle_));
    }
  }

  SimOptions opt_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> dut_;
  std::unique_ptr<VerilatedFstC> tfp_;
  std::uint64_t cycle_ = 0;
  bool was_reset_ = false;
  std::uint64_t trace_start_ = 0;
  std::uint64_t trace_end_ = UINT64_MAX;
};

}  // namespace abacus::sim
