// One fuzz case: a byte string turned into a job for the verilated
// accelerator (memory behaviour, DMA window, a program of arbitrary
// instructions, register writes and reads before and during the run, bus
// errors and stalls injected at chosen beats), run with every invariant
// checked. Shared by the libFuzzer target (make fuzz), the replay tool and
// the regression corpus that make test runs (tests/fuzz/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace abacus::fuzz {

struct Outcome {
  bool ok = true;
  std::string failure;      // the first invariant broken: what, where (cycle)
  std::string job;          // the decoded job, one line per step (for replay)
  std::uint32_t status = 0; // STATUS at the end of the fuzzed program(s)
  std::uint64_t cycles = 0; // cycles simulated, recovery included
  unsigned launches = 0;    // programs started
};

// Runs the case. Never throws: every failure (an invariant, an RTL
// assertion, an exception out of the simulation) is in the outcome.
Outcome run_case(const std::uint8_t* data, std::size_t size);

// Reads a file (a corpus entry or a saved crash).
std::vector<std::uint8_t> read_file(const std::string& path);

}  // namespace abacus::fuzz
