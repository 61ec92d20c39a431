// GTKWave layouts, generated from one description (sim/src/wave_layout.cpp)
// for the trace they are meant for: each signal with the range the trace
// declares, a label naming its block, names for state machines (the SV
// enums Verilator writes into the FST), error codes, opcodes and DMA status
// (translate filter files generated from the ISA tables), real time, and
// the view opened on the job with markers at START, DONE and the first error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace abacus::wave {

enum class Format {
  Bit,        // one-bit signal
  Hex,        // bus, hexadecimal
  Dec,        // bus, unsigned decimal
  Enum,       // an SV enum: GTKWave shows the enum names from the FST
  Error,      // 4-bit error code: ERROR names (rtl/isa/abacus_isa.json)
  Opcode,     // 4-bit opcode: LOAD, GEMM, STORE, FINISH
  DmaStatus,  // 3-bit DMA status: OK, WINDOW, SLVERR, DECERR, DESC
};

struct Signal {
  std::string path;   // below TOP, without the range: "abacus_top.u_fetch.state_q"
  std::string label;  // what the signal list shows: "fetch: state"
  Format format = Format::Bit;
};

struct Group {
  std::string name;
  std::vector<Signal> signals;
};

struct Layout {
  std::string title;
  std::string note;  // a comment line at the top of the signal list
  std::vector<Group> groups;
};

// The whole accelerator (abacus_top: make wave, abacus ... --trace).
const Layout& accelerator();
// The compute core alone (abacus_core: abacus-core-demo --trace).
const Layout& core();

struct View {
  std::uint64_t period_ps = 10000;              // one clock cycle in the trace
  std::uint64_t first_cycle = 0, last_cycle = 0;  // the window the layout opens on
  std::optional<std::uint64_t> start, done, error;  // marker cycles (A, B, C)
  std::string error_label = "first error";        // what marker C marks
};

// The layout's signals that the FST trace does not declare (empty: all
// there). Throws std::runtime_error if the trace cannot be read.
std::vector<std::string> missing_signals(const Layout& layout, const std::string& fst_path);

// Writes gtkw_path for fst_path, and the translate filter files it uses
// next to it (<gtkw stem>.<name>.txt). Throws std::runtime_error naming
// every signal the trace lacks, so a renamed RTL signal cannot silently
// empty a group.
void write_gtkw(const Layout& layout, const std::string& fst_path, const View& view, const std::string& gtkw_path);

}  // namespace abacus::wave
