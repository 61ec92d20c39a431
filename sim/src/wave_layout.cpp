#include "abacus/wave_layout.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "abacus/isa.hpp"
#include "gtkwave/fstapi.h"

namespace abacus::wave {
namespace {

using F = Format;

Signal s(std::string path, std::string label, Format f = F::Bit) { return {std::move(path), std::move(label), f}; }

// ---- the one description of each layout ----------------------------------------------
Layout make_accelerator() {
  const std::string t = "abacus_top.";
  const std::string ld = t + "u_load_path.", cp = t + "u_compute_path.", st = t + "u_store_path.";
  Layout l;
  l.title = "Abacus accelerator (abacus_top)";
  l.note = "perf CYCLES = register PERF_CYCLES";
  l.groups = {
      {"Control",
       {s(t + "clk_i", "clock"), s(t + "rst_ni", "reset (low)"),
        s(t + "u_perf.cycles_o", "perf: CYCLES", F::Dec),
        s(t + "u_run.run_q", "run ctrl: running"), s(t + "done", "run ctrl: DONE pulse"),
        s(t + "u_run.halt_q", "run ctrl: halted"), s(t + "u_run.err_q", "run ctrl: first error", F::Error),
        s(t + "irq_o", "irq"), s(t + "s_axil_awvalid_i", "csr: write valid"),
        s(t + "s_axil_awaddr_i", "csr: write address", F::Hex), s(t + "s_axil_wdata_i", "csr: write data", F::Hex),
        s(t + "s_axil_arvalid_i", "csr: read valid"), s(t + "s_axil_araddr_i", "csr: read address", F::Hex),
        s(t + "s_axil_rdata_o", "csr: read data", F::Hex)}},
      {"Fetch",
       {s(t + "u_fetch.state_q", "fetch: state", F::Enum), s(t + "u_fetch.pc_q", "fetch: instructions dispatched", F::Dec),
        s(t + "u_fetch.d_op", "fetch: decoded opcode", F::Opcode), s(t + "u_fetch.dispatch_ok", "fetch: may dispatch"),
        s(t + "u_fetch.ending_q", "fetch: FINISH seen"), s(t + "ld_valid", "dispatch: to load queue"),
        s(t + "cp_valid", "dispatch: to compute queue"), s(t + "st_valid", "dispatch: to store queue"),
        s(t + "u_fetch.err_code_o", "fetch: error", F::Error)}},
      {"Tokens",
       {s(t + "u_tokens.l2c_o", "tokens: load->compute", F::Dec), s(t + "u_tokens.c2l_o", "tokens: compute->load", F::Dec),
        s(t + "u_tokens.c2s_o", "tokens: compute->store", F::Dec),
        s(t + "u_tokens.s2c_o", "tokens: store->compute", F::Dec)}},
      {"Load",
       {s(ld + "u_engine.state_q", "load engine: state", F::Enum),
        s(ld + "u_engine.desc_valid_o", "load engine: descriptor valid"), s(ld + "u_dma.busy_o", "load DMA: busy"),
        s(ld + "u_dma.state_q", "load DMA: state", F::Enum), s(ld + "u_dma.status_o", "load DMA: status", F::DmaStatus),
        s(t + "u_buffers.to_ibuf", "buffers: load writes ibuf"), s(t + "u_buffers.to_wbuf", "buffers: load writes wbuf"),
        s(t + "u_buffers.to_pbuf", "buffers: load writes pbuf")}},
      {"Compute",
       {s(cp + "u_engine.dispatch", "compute engine: GEMM dispatched"),
        s(cp + "u_engine.w_valid_o", "compute engine: weight row valid"), s(cp + "w_ready", "core: weight row ready"),
        s(cp + "u_engine.a_valid_o", "compute engine: activation row valid"),
        s(cp + "a_ready", "core: activation row ready"), s(cp + "u_engine.a_fire", "compute engine: row into the array"),
        s(cp + "a_acc_addr", "compute engine: accumulator row", F::Dec), s(cp + "a_accum", "compute engine: accumulate"),
        s(t + "core_busy", "core: rows in flight")}},
      {"Store",
       {s(st + "u_engine.state_q", "store engine: state", F::Enum), s(t + "r_valid", "store engine: accumulator read"),
        s(t + "o_valid", "core: output row valid"), s(t + "ob_we", "store engine: output buffer write"),
        s(st + "u_engine.desc_valid_o", "store engine: descriptor valid"), s(t + "st_dma_busy", "store DMA: busy"),
        s(st + "u_dma.status_o", "store DMA: status", F::DmaStatus)}},
      {"AXI read",
       {s(t + "axi_arvalid_o", "AR valid"), s(t + "axi_arready_i", "AR ready"),
        s(t + "axi_araddr_o", "AR address", F::Hex), s(t + "axi_arlen_o", "AR length - 1", F::Dec),
        s(t + "axi_arid_o", "AR id (1 fetch, 0 load DMA)", F::Dec), s(t + "axi_rvalid_i", "R valid"),
        s(t + "axi_rready_o", "R ready"), s(t + "axi_rlast_i", "R last"), s(t + "axi_rid_i", "R id", F::Dec),
        s(t + "axi_rresp_i", "R response", F::Dec)}},
      {"AXI write",
       {s(t + "axi_awvalid_o", "AW valid"), s(t + "axi_awready_i", "AW ready"),
        s(t + "axi_awaddr_o", "AW address", F::Hex), s(t + "axi_awlen_o", "AW length - 1", F::Dec),
        s(t + "axi_wvalid_o", "W valid"), s(t + "axi_wready_i", "W ready"), s(t + "axi_wlast_o", "W last"),
        s(t + "axi_wstrb_o", "W strobes", F::Hex), s(t + "axi_bvalid_i", "B valid"),
        s(t + "axi_bresp_i", "B response", F::Dec)}},
  };
  return l;
}

Layout make_core() {
  const std::string c = "abacus_core.";
  // packed array (PackDsp): one PE per row and column pair; pair 7 holds columns 14 and 15
  const std::string pe0 = c + "u_array.g_packed.g_row[0].g_col[0].u_pe.",
                    pe15 = c + "u_array.g_packed.g_row[15].g_col[7].u_pe.";
  Layout l;
  l.title = "Abacus compute core (abacus_core)";
  l.groups = {
      {"Streams",
       {s(c + "clk_i", "clock"), s(c + "rst_ni", "reset (low)"), s(c + "w_valid_i", "weights: valid"),
        s(c + "w_ready_o", "weights: ready"), s(c + "w_data_i", "weights: row", F::Hex),
        s(c + "a_valid_i", "activations: valid"), s(c + "a_ready_o", "activations: ready"),
        s(c + "a_last_i", "activations: last row of the tile"), s(c + "a_data_i", "activations: row", F::Hex),
        s(c + "a_acc_addr_i", "activations: accumulator row", F::Dec),
        s(c + "a_accum_i", "activations: accumulate")}},
      {"Sequencer",
       {s(c + "loaded_q", "sequencer: weight rows loaded", F::Dec), s(c + "in_tile_q", "sequencer: in a tile"),
        s(c + "tile_start", "sequencer: tile starts"), s(c + "w_fire", "sequencer: weight row taken"),
        s(c + "a_fire", "sequencer: activation row taken"),
        s(c + "in_flight_q", "sequencer: rows in flight", F::Dec)}},
      {"Array",
       {s(pe0 + "a_data_i", "PE row 0, columns 0-1: activation in", F::Hex),
        s(pe0 + "active_q", "PE row 0, columns 0-1: active weights (w1*2^18 + w0)", F::Hex),
        s(pe0 + "shadow_q", "PE row 0, columns 0-1: shadow weights (packed)", F::Hex),
        s(pe0 + "ps_q", "PE row 0, columns 0-1: packed partial sum", F::Hex),
        s(pe15 + "a_data_i", "PE row 15, columns 14-15: activation in", F::Hex),
        s(pe15 + "active_q", "PE row 15, columns 14-15: active weights (packed)", F::Hex),
        s(pe15 + "ps_q", "PE row 15, columns 14-15: packed partial sum", F::Hex),
        s(c + "array_out", "array: column sums out", F::Hex)}},
      {"Accumulator",
       {s(c + "upd_valid", "accumulator: update"), s(c + "upd_addr", "accumulator: row", F::Dec),
        s(c + "upd_accum", "accumulator: add (else overwrite)"), s(c + "u_acc.s3_valid_q", "accumulator: write stage"),
        s(c + "u_acc.s3_addr_q", "accumulator: write row", F::Dec),
        s(c + "u_acc.s2_fwd1_q", "accumulator: takes the row ahead's read word, adds its data (stage 2)"),
        s(c + "u_acc.s2_fwd2_q", "accumulator: takes the sum before into its read word (stage 2)"),
        s(c + "u_acc.wdata", "accumulator: write data", F::Hex)}},
      {"Post-processing",
       {s(c + "r_valid_i", "read-out: valid"), s(c + "r_ready_o", "read-out: ready"),
        s(c + "r_addr_i", "read-out: accumulator row", F::Dec),
        s(c + "drain_q", "read-out: the row's words (the RAM's output register)", F::Hex),
        s(c + "drain_valid_q", "post-processing: stages valid", F::Hex),
        s(c + "u_post.g_lane[0].u_requant.s0_biased_q", "requant lane 0: accumulator + bias", F::Hex),
        s(c + "u_post.g_lane[0].u_requant.s8_y_q", "requant lane 0: scaled and rounded", F::Hex),
        s(c + "o_valid_o", "output: valid"), s(c + "o_ready_i", "output: ready"),
        s(c + "o_data_o", "output: row", F::Hex)}},
  };
  return l;
}

// ---- the trace's variables ----------------------------------------------------------------
// Full path (TOP.a.b.name) -> the range suffix the trace gives it ("" or "[7:0]").
std::map<std::string, std::string> trace_vars(const std::string& fst_path) {
  void* ctx = fstReaderOpen(fst_path.c_str());
  if (!ctx) throw std::runtime_error("cannot read the trace " + fst_path + " (not an FST file?)");
  std::map<std::string, std::string> vars;
  std::vector<std::string> scope;
  while (const fstHier* h = fstReaderIterateHier(ctx)) {
    if (h->htyp == FST_HT_SCOPE) {
      scope.emplace_back(h->u.scope.name, h->u.scope.name_length);
    } else if (h->htyp == FST_HT_UPSCOPE) {
      if (!scope.empty()) scope.pop_back();
    } else if (h->htyp == FST_HT_VAR) {
      std::string name(h->u.var.name, h->u.var.name_length);
      std::string range;
      const auto sp = name.find(' ');  // "name [7:0]"
      if (sp != std::string::npos) {
        range = name.substr(sp + 1);
        name.resize(sp);
      }
      std::string full;
      for (const std::string& sc : scope) full += sc + ".";
      vars.emplace(full + name, range);
    }
  }
  fstReaderClose(ctx);
  return vars;
}

// GTKWave trace flags (gtkwave's TR_* bits)
constexpr unsigned kHex = 0x2, kDec = 0x4, kBin = 0x8, kRjustify = 0x20, kBlank = 0x200, kFtranslated = 0x2000,
                   kGroupBegin = 0x800000, kGroupEnd = 0x1000000;

unsigned flags(Format f) {
  switch (f) {
    case F::Bit: return kBin | kRjustify;
    case F::Hex: return kHex | kRjustify;
    case F::Dec: return kDec | kRjustify;
    case F::Enum: return kRjustify;  // no number base: GTKWave applies the FST enum table
    default: return kFtranslated | kHex | kRjustify;
  }
}

// Translate filter files: value as GTKWave prints it in hex, then the name.
std::string filter_text(Format f) {
  std::string out;
  auto line = [&](unsigned v, const char* name) {
    char b[16];
    std::snprintf(b, sizeof b, "%X ", v);
    out += b;
    out += name;
    out += "\n";
  };
  if (f == F::Error) {
    for (unsigned c = 0; c < 16; ++c) {
      const std::string n = isa::error_name(c);
      if (n != "UNKNOWN") line(c, n.c_str());
    }
  } else if (f == F::Opcode) {
    line(static_cast<unsigned>(isa::Op::Load), "LOAD");
    line(static_cast<unsigned>(isa::Op::Gemm), "GEMM");
    line(static_cast<unsigned>(isa::Op::Store), "STORE");
    line(static_cast<unsigned>(isa::Op::Finish), "FINISH");
    line(static_cast<unsigned>(isa::Op::Dwconv), "DWCONV");
  } else if (f == F::DmaStatus) {
    // rtl/abacus_pkg.sv Dma*: the same values as the ERR_DMA_* error codes
    line(0, "OK");
    for (unsigned c = 1; c <= 4; ++c) line(c, isa::error_name(c));
  }
  return out;
}

const char* filter_name(Format f) {
  switch (f) {
    case F::Error: return "errors";
    case F::Opcode: return "opcodes";
    default: return "dma_status";
  }
}

}  // namespace

const Layout& accelerator() {
  static const Layout l = make_accelerator();
  return l;
}

const Layout& core() {
  static const Layout l = make_core();
  return l;
}

std::vector<std::string> missing_signals(const Layout& layout, const std::string& fst_path) {
  const auto vars = trace_vars(fst_path);
  std::vector<std::string> missing;
  for (const Group& g : layout.groups) {
    for (const Signal& sig : g.signals) {
      if (!vars.count("TOP." + sig.path)) missing.push_back("TOP." + sig.path);
    }
  }
  return missing;
}

void write_gtkw(const Layout& layout, const std::string& fst_path, const View& view, const std::string& gtkw_path) {
  const auto vars = trace_vars(fst_path);
  std::string missing;
  for (const Group& g : layout.groups) {
    for (const Signal& sig : g.signals) {
      if (!vars.count("TOP." + sig.path)) missing += "\n  TOP." + sig.path + " (" + sig.label + ")";
    }
  }
  if (!missing.empty()) {
    throw std::runtime_error("wave layout '" + layout.title + "' names signals the trace " + fst_path +
                             " does not have:" + missing);
  }
  // filter files next to the layout
  std::string stem = gtkw_path;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".gtkw") == 0) stem.resize(stem.size() - 5);
  std::map<Format, std::string> filter_files;
  int next_index = 1;
  std::map<Format, int> filter_index;
  for (const Group& g : layout.groups) {
    for (const Signal& sig : g.signals) {
      if (sig.format != F::Error && sig.format != F::Opcode && sig.format != F::DmaStatus) continue;
      if (filter_files.count(sig.format)) continue;
      const std::string path = std::filesystem::absolute(stem + "." + filter_name(sig.format) + ".txt").string();
      std::ofstream f(path);
      f << "# " << filter_name(sig.format) << " (generated from rtl/isa/abacus_isa.json through abacus/isa.hpp)\n"
        << filter_text(sig.format);
      if (!f) throw std::runtime_error("cannot write " + path);
      filter_files[sig.format] = path;
      filter_index[sig.format] = next_index++;
    }
  }

  std::ofstream o(gtkw_path);
  if (!o) throw std::runtime_error("cannot write " + gtkw_path);
  const double P = static_cast<double>(view.period_ps);
  const std::uint64_t first = view.first_cycle, last = std::max(view.last_cycle, view.first_cycle + 1);
  // GTKWave's zoom z shows 2^-z time units (ps) per 200 pixels (gtkwave calczoom); fit the window
  // into the ~850 pixels of wave area a 1600-pixel window leaves
  const double span = static_cast<double>(last - first) * P;
  const double zoom = -std::log2(std::max(200.0 * span / 850.0, 1.0));
  auto ps = [&](std::uint64_t cycle) { return static_cast<long long>(cycle * view.period_ps + view.period_ps / 2); };
  o << "[*] " << layout.title << ": generated by abacus (sim/src/wave_layout.cpp), do not edit\n";
  o << "[dumpfile] \"" << std::filesystem::absolute(fst_path).string() << "\"\n";
  o << "[timestart] " << static_cast<long long>(first * view.period_ps) << "\n";
  o << "[size] 1600 1000\n[sst_width] 220\n[signals_width] 330\n[sst_expanded] 1\n";
  char zb[64];
  std::snprintf(zb, sizeof zb, "*%.6f", zoom);
  // the primary marker (where the value column reads) on the failure, else on START
  const std::optional<std::uint64_t> primary = view.error ? view.error : view.start;
  o << zb << " " << (primary ? ps(*primary) : -1);
  // named markers A (START), B (DONE), C (first error); the rest unset
  o << " " << (view.start ? ps(*view.start) : -1) << " " << (view.done ? ps(*view.done) : -1) << " "
    << (view.error ? ps(*view.error) : -1);
  for (int i = 3; i < 26; ++i) o << " -1";
  o << "\n";
  // a comment block that says what the markers and the time axis are
  char per[64];
  std::snprintf(per, sizeof per, "%.3g MHz", 1e6 / P);
  o << "@" << std::hex << kBlank << std::dec << "\n";
  o << "-1 cycle = " << view.period_ps << " ps (" << per << ")\n";
  if (!layout.note.empty()) o << "-" << layout.note << "\n";
  if (view.start) o << "-A: START, cycle " << *view.start << "\n";
  if (view.done) o << "-B: DONE, cycle " << *view.done << "\n";
  if (view.error) o << "-C: " << view.error_label << ", cycle " << *view.error << "\n";
  for (const Group& g : layout.groups) {
    o << "@" << std::hex << (kGroupBegin | kBlank) << std::dec << "\n-" << g.name << "\n";
    for (const Signal& sig : g.signals) {
      o << "@" << std::hex << flags(sig.format) << std::dec << "\n";
      const auto fi = filter_index.find(sig.format);
      if (fi != filter_index.end()) o << "^" << fi->second << " " << filter_files[sig.format] << "\n";
      o << "+{" << sig.label << "} TOP." << sig.path << vars.at("TOP." + sig.path) << "\n";
    }
    o << "@" << std::hex << (kGroupEnd | kBlank) << std::dec << "\n-" << g.name << "\n";
  }
  if (!o) throw std::runtime_error("cannot write " + gtkw_path);
}

}  // namespace abacus::wave
