// Coverage collection for a --coverage build (make coverage). Each
// simulation's counts are added, when it ends, to one table per process,
// written at exit as $ABACUS_COVERAGE_DIR/<program>-<pid>.dat in
// Verilator's format (verilator_coverage merges the files). Nothing is
// collected when ABACUS_COVERAGE_DIR is unset, or in a build without
// coverage (VM_COVERAGE undefined or 0).
#pragma once

#if VM_COVERAGE
#include <verilated.h>
#include <verilated_cov.h>
#include <unistd.h>

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
    const std::string tmp = dir_ + "/.part-" + std::to_string(::getpid()) + ".dat";
    ctx.coveragep()->write(tmp.c_str());
    std::ifstream in(tmp);
    std::string line;
    std::size_t i = 0;
    while (std::getline(in, line)) {
      // C '<key>' <count>
      if (line.size() < 4 || line[0] != 'C') continue;
      const auto q = line.rfind("' ");
      if (q == std::string::npos || q < 3) continue;
      const std::uint64_t n = std::strtoull(line.c_str() + q + 2, nullptr, 10);
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
    }
    std::remove(tmp.c_str());
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
  std::string dir_;
  std::map<std::string, std::uint64_t> counts_;
  std::vector<std::pair<const std::string, std::uint64_t>*> order_;  // the last file's keys, in order
};

}  // namespace abacus::sim::coverage
#endif
