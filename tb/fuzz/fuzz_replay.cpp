// Replays fuzz cases (files, or every file in a directory): the regression
// corpus in make test, and any crash make fuzz saved.
//
//   abacus-fuzz-replay [-v] PATH...       exit 1 if any case fails
//   abacus-fuzz-replay --seeds DIR        write the hand-made seed cases
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "fuzz/fuzz_case.hpp"
#include "fuzz/fuzz_seeds.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  bool verbose = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-v") {
      verbose = true;
    } else if (a == "--seeds") {
      if (i + 1 >= argc) {
        std::cerr << "abacus-fuzz-replay: --seeds needs a directory\n";
        return 2;
      }
      const fs::path dir = argv[++i];
      fs::create_directories(dir);
      for (const auto& [name, bytes] : abacus::fuzz::seed_cases()) {
        std::ofstream(dir / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                           static_cast<std::streamsize>(bytes.size()));
      }
      std::cout << "wrote " << abacus::fuzz::seed_cases().size() << " seed cases to " << dir << "\n";
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "abacus-fuzz-replay: unknown option " << a << "\nusage: abacus-fuzz-replay [-v] PATH... | --seeds DIR\n";
      return 2;
    } else if (fs::is_directory(a)) {
      std::vector<std::string> in_dir;
      for (const auto& e : fs::directory_iterator(a)) {
        // (a README beside the cases is not a case)
        if (e.is_regular_file() && e.path().filename().string().rfind("README", 0) != 0) {
          in_dir.push_back(e.path().string());
        }
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else if (fs::is_regular_file(a)) {
      files.push_back(a);
    } else {
      std::cerr << "abacus-fuzz-replay: no such file or directory: " << a << "\n";
      return 2;
    }
  }
  if (files.empty()) {
    std::cerr << "usage: abacus-fuzz-replay [-v] PATH... | --seeds DIR (no cases given)\n";
    return 2;
  }
  unsigned failed = 0;
  std::uint64_t cycles = 0;
  for (const auto& f : files) {
    std::vector<std::uint8_t> bytes;
    try {
      bytes = abacus::fuzz::read_file(f);
    } catch (const std::exception& e) {
      std::cerr << "abacus-fuzz-replay: " << e.what() << "\n";
      return 2;
    }
    const auto o = abacus::fuzz::run_case(bytes.data(), bytes.size());
    cycles += o.cycles;
    if (!o.ok) ++failed;
    if (!o.ok || verbose) {
      std::cout << (o.ok ? "PASS " : "FAIL ") << f << ": STATUS 0x" << std::hex << o.status << std::dec << ", "
                << o.launches << " START, " << o.cycles << " cycles\n";
      std::cout << "  job:\n";
      std::string line;
      for (char c : o.job) {
        if (c == '\n') {
          std::cout << "    " << line << "\n";
          line.clear();
        } else {
          line += c;
        }
      }
      if (!o.ok) std::cout << "  FAILED: " << o.failure << "\n";
    }
  }
  std::cout << "fuzz replay: " << files.size() << " cases, " << failed << " failed, " << cycles << " cycles\n";
  return failed ? 1 : 0;
}
