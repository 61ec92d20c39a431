// Coverage collection for a --coverage build (make coverage). Each
// simulation's counts are added, when it ends, to one table per process,
// written at exit as $ABACUS_COVERAGE_DIR/<program>-<pid>.dat in
// Verilator's format (verilator_coverage merges the files). Nothing is
// collected when ABACUS_COVERAGE_DIR is unset, or in a build without
// coverage (VM_COVERAGE undefined or 0).
//
// When counting starts. mark() (called as the power-on reset ends) takes a
// baseline that add() subtracts, so the initial state (zero, or random)
// settling to its reset values counts neither as toggling nor as a branch
// taken. Block entry points (Verilator's "block" line points: the entry of
// an always_comb or initial block, or a loop body) keep what they counted
// from time 0: those blocks run at time 0 whatever the state, and Verilator
// 5.006 counts an always_comb block's entry only there (the increment reads
// no signal, so its scheduler puts it in _eval_initial alone; see
// docs/performance.md).
#pragma once

#if VM_COVERAGE
#include <verilated.h>
#include <verilated_cov.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace abacus::sim::coverage {

class Table {
 public:
  static Table& get() {
    static Table t;
    return t;
  }
  // Adds the counts of the simulation in ctx (call before its model is destroyed).
  void add(VerilatedContext& ctx) {
    if (dir_.empty()) return;
    const auto base_it = baselines_.find(&ctx);
    const std::vector<std::uint64_t>* base = base_it == baselines_.end() ? nullptr : &base_it->second;
    std::size_t i = 0;
    read(ctx, [&](const std::string& line, std::size_t q, std::uint64_t n) {
      if (base && i < base->size()) n -= std::min(n, (*base)[i]);
      // the same model writes its points in the same order every time:
      // compare with the i-th key seen before, look up only when it differs
      if (i < order_.size() && order_[i]->first.compare(0, std::string::npos, line, 3, q - 3) == 0) {
        order_[i]->second += n;
      } else {
        auto it = counts_.try_emplace(line.substr(3, q - 3), 0).first;
        it->second += n;
        if (i < order_.size()) order_[i] = &*it;
        else order_.push_back(&*it);
      }
      ++i;
    });
    if (base) baselines_.erase(base_it);
  }
  // Takes the baseline add() subtracts for this simulation: every count
  // so far except block entries (see above).
  void mark(VerilatedContext& ctx) {
    if (dir_.empty()) return;
    std::vector<std::uint64_t> base;
    read(ctx, [&](const std::string& line, std::size_t q, std::uint64_t n) {
      const bool block_entry = line.find("\001page\002v_line/") < q && line.find("\001o\002block\001") < q;
      base.push_back(block_entry ? 0 : n);
    });
    baselines_[&ctx] = std::move(base);
  }
  ~Table() {
    if (dir_.empty() || counts_.empty()) return;
    std::string prog = "sim";
    if (std::ifstream comm("/proc/self/comm"); comm) std::getline(comm, prog);
    const std::string path = dir_ + "/" + prog + "-" + std::to_string(::getpid()) + ".dat";
    std::ofstream out(path);
    out << "# SystemC::Coverage-3\n";
    for (const auto& [key, n] : counts_) out << "C '" << key << "' " << n << "\n";
    if (!out) std::cerr << "coverage: cannot write " << path << "\n";
  }

 private:
  Table() {
    if (const char* d = std::getenv("ABACUS_COVERAGE_DIR"); d && *d) {
      dir_ = d;
      std::filesystem::create_directories(dir_);
    }
  }
  // Calls f(line, q, count) for each point of ctx, in the model's order;
  // the key is line[3, q).
  template <typename F>
  void read(VerilatedContext& ctx, F&& f) {
    const std::string tmp = dir_ + "/.part-" + std::to_string(::getpid()) + ".dat";
    ctx.coveragep()->write(tmp.c_str());
    std::ifstream in(tmp);
    std::string line;
    while (std::getline(in, line)) {
      // C '<key>' <count>
      if (line.size() < 4 || line[0] != 'C') continue;
      const auto q = line.rfind("' ");
      if (q == std::string::npos || q < 3) continue;
      f(line, q, std::strtoull(line.c_str() + q + 2, nullptr, 10));
    }
    std::remove(tmp.c_str());
  }
  std::string dir_;
  std::map<const VerilatedContext*, std::vector<std::uint64_t>> baselines_;
  std::map<std::string, std::uint64_t> counts_;
  std::vector<std::pair<const std::string, std::uint64_t>*> order_;  // the last file's keys, in order
};

}  // namespace abacus::sim::coverage
#endif
