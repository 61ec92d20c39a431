// abacus: the command-line front end.
//   abacus info                      the device's ID and configuration registers
//   abacus gemm --m M --n N --k K    one int8 GEMM, verified against the golden kernel
//   abacus conv --h H --w W --c C --k K --r R --s S ...   one conv2d, verified
//   abacus bench [--quick]           the benchmark suite: table, JSON, CSV, plot
//   abacus demo                      the default demonstration (make sim)
//   abacus run MODEL.onnx ...        a quantized ONNX model (--dataset, --input, --output, --check)
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include <chrono>

#include "abacus/board_device.hpp"
#include "abacus/conv.hpp"
#include "abacus/isa.hpp"
#include "bench.hpp"
#include "bench_networks.hpp"
#include "run_model.hpp"
#include "abacus/ref/gemm.hpp"
#include "abacus/ref/random.hpp"
#include "abacus/runtime.hpp"
#include "abacus/util.hpp"
#include "abacus/sim_device.hpp"

namespace {

struct SimFlags {
  std::string device = "sim";
  unsigned mem_latency = 0;
  double stall = 0.0;
  bool rand_reset = false;
  std::string trace;
  std::uint64_t trace_start = 0, trace_end = UINT64_MAX;
  std::uint64_t seed = 1;
  double max_error = 10.0;
  double trace_mhz = 100.0;
  std::string trace_on_fail;
  std::uint64_t trace_window = 2000;
  long plant_wrong_byte = -1;
  bool record_writes = false;  // (set for --trace-on-fail)
};

void add_device_flags(CLI::App* app, SimFlags& f) {
  app->add_option("--device", f.device,
                  "sim (the verilated accelerator), xdma:/dev/xdmaN[@card_base:size] (PCIe board; the card "
                  "memory defaults to what the board decodes), uio:/dev/uioN[@phys_base:size] (SoC; the region "
                  "must match UIO map 1)");
  app->add_option("--mem-latency", f.mem_latency, "simulated memory latency in cycles")
      ->check(CLI::Range(0u, 100000u));
  app->add_option("--mem-stall", f.stall, "probability per cycle of a random memory stall")
      ->check(CLI::Range(0.0, 0.9));
  app->add_flag("--rand-reset", f.rand_reset, "start the model from randomized register state");
  app->add_option("--trace", f.trace, "write an FST waveform of the whole accelerator");
  app->add_option("--trace-start", f.trace_start, "first cycle to trace");
  app->add_option("--trace-end", f.trace_end, "last cycle to trace");
  app->add_option("--trace-mhz", f.trace_mhz, "clock the trace's time axis shows, MHz (default 100; the boards run at CORE_MHZ: 175 on the VCU118, 160 on the VC707)")
      ->check(CLI::Range(0.001, 10000.0));
  app->add_option("--trace-on-fail", f.trace_on_fail,
                  "if the job fails, run it again with tracing around the failure into this FST (and a .gtkw layout)");
  app->add_option("--trace-window", f.trace_window, "cycles traced before the failure (--trace-on-fail; default 2000)")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40));
  app->add_option("--plant-wrong-byte", f.plant_wrong_byte,
                  "testing --trace-on-fail: expect another value for this output byte, so the check fails there")
      ->check(CLI::Range(0L, 1L << 40));
  app->add_option("--seed", f.seed, "random seed for data (and stalls); default: a new one each run, printed");
}

std::unique_ptr<abacus::Device> open_device(const SimFlags& f) {
  const abacus::DeviceSpec spec = abacus::parse_device_spec(f.device);
  if (spec.kind != "sim" && (!f.trace.empty() || !f.trace_on_fail.empty())) {
    throw abacus::DeviceError("--trace and --trace-on-fail need --device sim (a board has no waveform)");
  }
  if (spec.kind == "xdma") {  // card memory: what the identified board decodes, or a range inside it
    std::optional<abacus::CardMemory> mem;
    if (spec.region) mem = abacus::CardMemory{spec.region->phys_base, spec.region->size};
    return std::make_unique<abacus::XdmaDevice>(spec.path, abacus::posix_os(), mem);
  }
  if (spec.kind == "uio") return std::make_unique<abacus::UioDevice>(spec.path, abacus::posix_os(), spec.region);
  if (!f.trace.empty()) {
    std::ofstream probe(f.trace, std::ios::binary | std::ios::app);
    if (!probe) throw abacus::DeviceError("cannot write trace file " + f.trace);
  }
  if (f.trace_end < f.trace_start) throw abacus::DeviceError("--trace-end is before --trace-start");
  if (!f.trace_on_fail.empty() && !f.trace.empty()) {
    throw abacus::DeviceError("--trace and --trace-on-fail exclude each other (one traces everything, the other the failure)");
  }
  if (!f.trace_on_fail.empty()) {  // writable? (no file is left behind: a passing job traces nothing)
    const bool existed = std::filesystem::exists(f.trace_on_fail);
    {
      std::ofstream probe(f.trace_on_fail, std::ios::binary | std::ios::app);
      if (!probe) throw abacus::DeviceError("cannot write trace file " + f.trace_on_fail);
    }
    if (!existed) std::filesystem::remove(f.trace_on_fail);
  }
  abacus::SimDeviceOptions o;
  o.mem_latency = f.mem_latency;
  o.stall_prob = f.stall;
  o.seed = f.seed;
  o.rand_reset = f.rand_reset;
  o.trace_path = f.trace;
  o.trace_start = f.trace_start;
  o.trace_end = f.trace_end;
  o.trace_mhz = f.trace_mhz;
  o.record_writes = f.record_writes;
  return std::make_unique<abacus::SimDevice>(o);
}

struct GemmRun {
  int m, n, k;
  bool pass;
  long mismatches;
  long first_mismatch;
  abacus::GemmStats stats;
  double sim_seconds;
  std::uint64_t sim_cycles;
};

GemmRun run_gemm(abacus::Session& session, int m, int n, int k, std::uint64_t seed, long plant_wrong_byte = -1) {
  abacus::Device& dev = session.device();
  abacus::ref::Random rnd(seed);
  const std::vector<std::int8_t> a = rnd.int8s(static_cast<std::size_t>(m) * k);
  const std::vector<std::int8_t> b = rnd.int8s(static_cast<std::size_t>(k) * n);
  abacus::GemmProblem p;
  p.m = m;
  p.n = n;
  p.k = k;
  p.a = a.data();
  p.b = b.data();
  p.zp_a = rnd.uniform(-20, 20);
  abacus::ref::OutputStageSpec spec;
  spec.bias_bound = static_cast<int>(abacus::ref::typical_acc_std(k));
  p.os = abacus::ref::random_output_stage(rnd, n, k, spec);
  std::vector<std::int8_t> want(static_cast<std::size_t>(m) * n), got(want.size());
  abacus::ref::gemm_i8(m, n, k, a.data(), k, b.data(), n, p.zp_a, p.os, want.data(), n);
  auto* sim = dynamic_cast<abacus::SimDevice*>(&dev);
  const double s0 = sim ? sim->sim_seconds() : 0.0;
  const std::uint64_t c0 = sim ? sim->cycles() : 0;
  GemmRun r{m, n, k, false, 0, -1, {}, 0, 0};
  r.stats = abacus::gemm(session, p, got.data());
  r.sim_seconds = sim ? sim->sim_seconds() - s0 : 0.0;
  r.sim_cycles = sim ? sim->cycles() - c0 : 0;
  if (plant_wrong_byte >= 0 && static_cast<std::size_t>(plant_wrong_byte) < want.size()) want[plant_wrong_byte] ^= 1;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (got[i] == want[i]) continue;
    if (r.mismatches++ == 0) r.first_mismatch = static_cast<long>(i);
  }
  r.pass = r.mismatches == 0;
  return r;
}

double util(const GemmRun& r, const abacus::HwConfig& hw) {
  return r.stats.perf.cycles ? double(r.stats.perf.macs) / (double(hw.rows) * hw.cols * double(r.stats.perf.cycles)) : 0.0;
}

void print_run(const GemmRun& r, const abacus::HwConfig& hw, const SimFlags& f, bool json) {
  const auto& pc = r.stats.perf;
  const double cyc = double(std::max<std::uint64_t>(pc.cycles, 1));
  const double speed = r.sim_seconds > 0 ? double(r.sim_cycles) / r.sim_seconds : 0.0;
  if (json) {
    std::printf("{\"m\": %d, \"n\": %d, \"k\": %d, \"seed\": %llu, \"result\": \"%s\", \"mismatches\": %ld, \"cycles\": %llu, "
                "\"macs\": %llu, \"utilization\": %.4f, \"bytes_read\": %llu, \"bytes_written\": %llu, "
                "\"load_busy\": %u, \"load_stall\": %u, \"compute_busy\": %u, \"compute_stall\": %u, "
                "\"store_busy\": %u, \"store_stall\": %u, \"instructions\": %zu, \"programs\": %d, "
                "\"mem_latency\": %u, \"sim_cycles_per_second\": %.0f}\n",
                r.m, r.n, r.k, (unsigned long long)f.seed, r.pass ? "PASS" : "FAIL", r.mismatches, (unsigned long long)pc.cycles,
                (unsigned long long)pc.macs, util(r, hw), (unsigned long long)pc.bytes_read,
                (unsigned long long)pc.bytes_written, pc.load_busy, pc.load_stall, pc.compute_busy,
                pc.compute_stall, pc.store_busy, pc.store_stall, r.stats.instructions, r.stats.programs,
                f.mem_latency, speed);
    return;
  }
  std::printf("abacus gemm M=%d N=%d K=%d on %s (%ux%u array, %u-bit bus, memory latency %u, seed %llu)\n", r.m, r.n,
              r.k, f.device.c_str(), hw.rows, hw.cols, hw.bus_bits, f.mem_latency, (unsigned long long)f.seed);
  std::printf("  result         %s: %ld of %d bytes differ from the golden kernel\n", r.pass ? "PASS" : "FAIL",
              r.mismatches, r.m * r.n);
  std::printf("  cycles         %llu\n", (unsigned long long)pc.cycles);
  std::printf("  MACs           %llu (M*N*K = %lld; the array also multiplies padding)\n",
              (unsigned long long)pc.macs, (long long)r.m * r.n * r.k);
  std::printf("  utilization    %.1f%% (useful MACs / (%u*%u*cycles)); %.1f%% counting padding\n",
              100.0 * double(r.m) * r.n * r.k / (double(hw.rows) * hw.cols * cyc), hw.rows, hw.cols, 100.0 * util(r, hw));
  std::printf("  DRAM bytes     read %llu, written %llu\n", (unsigned long long)pc.bytes_read,
              (unsigned long long)pc.bytes_written);
  std::printf("  load engine    busy %5.1f%%  waiting for tokens %5.1f%%\n", 100.0 * pc.load_busy / cyc, 100.0 * pc.load_stall / cyc);
  std::printf("  compute engine busy %5.1f%%  waiting for tokens %5.1f%%\n", 100.0 * pc.compute_busy / cyc, 100.0 * pc.compute_stall / cyc);
  std::printf("  store engine   busy %5.1f%%  waiting for tokens %5.1f%%\n", 100.0 * pc.store_busy / cyc, 100.0 * pc.store_stall / cyc);
  std::printf("  program        %zu instructions in %d program(s)\n", r.stats.instructions, r.stats.programs);
  std::printf("  sim speed      %.0f cycles/s\n", speed);
}

void print_bench(const std::vector<abacus::bench::Row>& rows, const abacus::HwConfig& hw, const std::string& json,
                 const std::string& csv, const std::string& plot, unsigned latency) {
  const double array_macs = double(hw.rows) * hw.cols;  // the device's own geometry (ID block)
  std::printf("%-12s %-22s %-28s %12s %10s %10s %7s %7s %7s  %-11s %s\n", "net", "layer", "shape", "MACs", "cycles",
              "estimate", "err", "util", "bound", "limit", "result");
  for (const auto& r : rows) {
    std::printf("%-12s %-22s %-28s %12llu %10llu %10llu %6.1f%% %6.1f%% %6.1f%%  %-11s %s\n", r.layer.net.c_str(),
                r.layer.name.c_str(), r.layer.shape().c_str(), (unsigned long long)r.layer.macs(),
                (unsigned long long)r.stats.perf.cycles, (unsigned long long)r.stats.estimated_cycles,
                100.0 * r.est_error, 100.0 * r.util, 100.0 * r.bound, r.limit,
                r.pass ? (r.ran_fused ? "PASS (fused)" : "PASS") : "FAIL");
  }
  // MAC-weighted utilization per network (each layer as often as it occurs)
  for (const char* net : {"resnet18", "mobilenetv2"}) {
    double macs = 0, cycles = 0;
    for (const auto& r : rows) {
      if (r.layer.net != net) continue;
      macs += double(r.layer.macs()) * r.layer.count;
      cycles += double(r.stats.perf.cycles) * r.layer.count;
    }
    if (cycles > 0) std::printf("%s conv stack: %.1f%% utilization (MAC-weighted, %.0f MACs)\n", net, 100.0 * macs / (array_macs * cycles), macs);
  }
  if (!json.empty()) {
    std::FILE* f = std::fopen(json.c_str(), "w");
    if (!f) throw abacus::DeviceError("cannot write " + json);
    std::fprintf(f, "{\"mem_latency\": %u, \"layers\": [\n", latency);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      std::fprintf(f, "  {\"net\": \"%s\", \"layer\": \"%s\", \"shape\": \"%s\", \"count\": %d, \"macs\": %llu, "
                   "\"cycles\": %llu, \"estimate\": %llu, \"utilization\": %.4f, \"roofline_bound\": %.4f, "
                   "\"limit\": \"%s\", \"result\": \"%s\", \"fused\": %s}%s\n", r.layer.net.c_str(), r.layer.name.c_str(),
                   r.layer.shape().c_str(), r.layer.count, (unsigned long long)r.layer.macs(),
                   (unsigned long long)r.stats.perf.cycles, (unsigned long long)r.stats.estimated_cycles, r.util, r.bound,
                   r.limit, r.pass ? "PASS" : "FAIL", r.ran_fused ? "true" : "false", i + 1 < rows.size() ? "," : "");
    }
    std::fprintf(f, "]}\n");
    std::fclose(f);
  }
  if (!csv.empty() || !plot.empty()) {
    const std::string path = csv.empty() ? plot + ".csv" : csv;
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) throw abacus::DeviceError("cannot write " + path);
    std::fprintf(f, "net,layer,shape,count,macs,cycles,estimate,utilization,roofline_bound,limit,result\n");
    for (const auto& r : rows) {
      std::fprintf(f, "%s,%s,%s,%d,%llu,%llu,%llu,%.4f,%.4f,%s,%s\n", r.layer.net.c_str(), r.layer.name.c_str(),
                   r.layer.shape().c_str(), r.layer.count, (unsigned long long)r.layer.macs(),
                   (unsigned long long)r.stats.perf.cycles, (unsigned long long)r.stats.estimated_cycles, r.util, r.bound,
                   r.limit, r.pass ? "PASS" : "FAIL");
    }
    std::fclose(f);
    if (!plot.empty()) {
      const std::string gp = plot + ".gp";
      std::FILE* g = std::fopen(gp.c_str(), "w");
      if (!g) throw abacus::DeviceError("cannot write " + gp);
      std::fprintf(g,
                   "set terminal pngcairo size 1600,700 font ',9'\nset output '%s'\nset datafile separator ','\n"
                   "set title 'Abacus %ux%u: utilization per layer against the roofline bound (memory latency %u)'\n"
                   "set ylabel 'utilization'\nset yrange [0:1.05]\nset style data histograms\nset style fill solid 0.6\n"
                   "set boxwidth 0.8\nset xtics rotate by -60 scale 0\nset key outside top center horizontal\nset grid ytics\n"
                   "plot '%s' every ::1 using 8:xtic(2) title 'measured', '' every ::1 using 0:9 with points pt 7 ps 1.2 "
                   "lc rgb 'red' title 'roofline bound'\n",
                   plot.c_str(), hw.rows, hw.cols, latency, path.c_str());
      std::fclose(g);
      const std::string cmd = "gnuplot '" + gp + "'";
      if (std::system(cmd.c_str()) != 0) throw abacus::DeviceError("gnuplot failed on " + gp);
      std::FILE* png = std::fopen(plot.c_str(), "rb");
      unsigned char magic[8] = {};
      const bool is_png = png && std::fread(magic, 1, 8, png) == 8 && std::memcmp(magic, "\x89PNG\r\n\x1a\n", 8) == 0;
      if (png) std::fclose(png);
      if (!is_png) throw abacus::DeviceError("gnuplot wrote no PNG to " + plot + " (script " + gp + ")");
    }
  }
}

std::string layout_path(const std::string& fst) {
  const std::size_t dot = fst.rfind('.');
  const std::size_t slash = fst.rfind('/');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_ext ? fst.substr(0, dot) : fst) + ".gtkw";
}

// Ends a --trace run: the FST is closed and a GTKWave layout written next to it.
void finish_trace(abacus::Device& dev, const std::string& fst) {
  auto* sim = dynamic_cast<abacus::SimDevice*>(&dev);
  if (fst.empty() || !sim) return;
  const std::string gtkw = layout_path(fst);
  if (sim->write_trace_layout(gtkw)) std::printf("  waveform       gtkwave %s %s\n", fst.c_str(), gtkw.c_str());
}

// A job (gemm, conv) prints its report when asked and says where it failed.
struct Outcome {
  bool pass = true;
  long first_bad = -1;  // the first wrong output byte
};
using Job = std::function<Outcome(abacus::Session&, bool print)>;

// Runs a job; with --trace-on-fail, a failing job runs again (the simulator
// is deterministic: same seed, same cycles) with tracing on a window that
// ends a few hundred cycles after the failure: the store that wrote the
// first wrong byte, or the error, or the timeout.
int run_job(const SimFlags& f, const Job& job) {
  SimFlags f1 = f;
  f1.record_writes = !f.trace_on_fail.empty();
  auto dev = open_device(f1);
  abacus::Session session(*dev, f.mem_latency);
  Outcome out;
  try {
    out = job(session, true);
  } catch (const std::invalid_argument&) {
    throw;  // an impossible job: nothing to trace
  } catch (const std::exception& e) {  // device errors, timeouts, RTL assertions
    if (f.trace_on_fail.empty()) throw;
    std::fprintf(stderr, "abacus: error: %s\n", e.what());
    out.pass = false;
  }
  finish_trace(*dev, f.trace);
  if (out.pass || f.trace_on_fail.empty()) return out.pass ? 0 : 1;

  // Messages go to stderr (stdout may be --json). Cycles count from reset,
  // as the trace and its markers do; a cycle's rising edge is at (c + 1/2) periods.
  auto* sim = dynamic_cast<abacus::SimDevice*>(dev.get());
  auto ns = [&](std::uint64_t c) { return (double(c) + 0.5) * 1e3 / f.trace_mhz; };
  if (!sim->marks().start) {
    std::fprintf(stderr, "trace-on-fail: the job failed before it started on the device: nothing to trace\n");
    return 1;
  }
  std::uint64_t cycle = sim->cycles();
  std::optional<std::uint64_t> wrong_addr;
  bool stored = false;
  std::string label = "the failure";
  if (out.first_bad >= 0) {
    const auto [base, bytes] = sim->last_copy_from();
    wrong_addr = base + static_cast<std::uint64_t>(out.first_bad);
    if (const auto rec = sim->last_store(*wrong_addr)) {
      cycle = rec->cycle;
      stored = true;
      label = "store of the first wrong byte";
      std::fprintf(stderr, "trace-on-fail: the first wrong byte (output byte %ld) is at device address %s; the store burst "
                   "at %s wrote it in cycle %llu (%.0f ns in the trace)\n", out.first_bad, abacus::hex(*wrong_addr).c_str(),
                   abacus::hex(rec->burst_addr).c_str(), static_cast<unsigned long long>(cycle), ns(cycle));
    } else {
      cycle = sim->marks().done.value_or(cycle);
      label = "DONE (the wrong byte was never stored)";
      std::fprintf(stderr, "trace-on-fail: the first wrong byte (output byte %ld, device address %s) was never written "
                   "by a store; tracing up to DONE in cycle %llu (%.0f ns)\n", out.first_bad,
                   abacus::hex(*wrong_addr).c_str(), static_cast<unsigned long long>(cycle), ns(cycle));
    }
  } else {
    cycle = sim->marks().error.value_or(cycle);
    std::fprintf(stderr, "trace-on-fail: the job failed in cycle %llu (%.0f ns in the trace)\n",
                 static_cast<unsigned long long>(cycle), ns(cycle));
  }
  dev.reset();

  SimFlags f2 = f1;
  f2.trace = f.trace_on_fail;
  f2.trace_on_fail.clear();
  f2.trace_start = cycle > f.trace_window ? cycle - f.trace_window : 0;
  f2.trace_end = cycle + 300;
  auto dev2 = open_device(f2);
  abacus::Session session2(*dev2, f.mem_latency);
  try {
    job(session2, false);
  } catch (const std::exception&) {  // the same failure again, now traced
  }
  auto* sim2 = dynamic_cast<abacus::SimDevice*>(dev2.get());
  if (stored) {  // deterministic: the same store, in the same cycle
    const auto rec = sim2->last_store(*wrong_addr);
    if (!rec || rec->cycle != cycle) {
      std::fprintf(stderr, "abacus: warning: the rerun wrote the first wrong byte in another cycle (%s): the trace "
                   "may not show the failure\n", rec ? std::to_string(rec->cycle).c_str() : "never");
    }
  }
  const std::uint64_t traced_end = std::min<std::uint64_t>(f2.trace_end, sim2->cycles());
  const std::string gtkw = layout_path(f.trace_on_fail);
  sim2->write_trace_layout(gtkw, cycle, label);
  std::fprintf(stderr, "trace-on-fail: cycles %llu to %llu traced into %s\n  open it: gtkwave %s %s\n",
               static_cast<unsigned long long>(f2.trace_start), static_cast<unsigned long long>(traced_end),
               f.trace_on_fail.c_str(), f.trace_on_fail.c_str(), gtkw.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Abacus: an open INT8 neural-network accelerator"};
  app.require_subcommand(1);
  SimFlags f;

  auto* info = app.add_subcommand("info", "print the device's ID and configuration registers");
  add_device_flags(info, f);

  int m = 64, n = 64, k = 64;
  bool json = false;
  auto* gemm = app.add_subcommand("gemm", "run one int8 GEMM and check it against the golden kernel");
  gemm->add_option("--m", m, "rows of A and C")->check(CLI::Range(1, 65535));
  gemm->add_option("--n", n, "columns of B and C")->check(CLI::Range(1, 65535));
  gemm->add_option("--k", k, "columns of A, rows of B")->check(CLI::Range(1, 65535));
  gemm->add_flag("--json", json, "print one JSON object instead of the table");
  add_device_flags(gemm, f);

  auto* demo = app.add_subcommand("demo", "run the demonstration GEMMs (make sim)");
  add_device_flags(demo, f);

  abacus::ref::ConvGeometry cg;
  int stride = 1, pad = -1, dilation = 1, expand_c = 0;
  std::string fuse_mode = "auto";
  auto* convc = app.add_subcommand("conv", "run one int8 conv2d (NHWC) and check it against the golden kernel");
  convc->add_option("--h", cg.in_h, "input height")->check(CLI::Range(1, 4096));
  convc->add_option("--w", cg.in_w, "input width")->check(CLI::Range(1, 4096));
  convc->add_option("--c", cg.in_c, "input channels")->check(CLI::Range(1, 8192));
  convc->add_option("--k", cg.out_c, "output channels")->check(CLI::Range(1, 8192));
  convc->add_option("--r", cg.kernel_h, "kernel height")->check(CLI::Range(1, 64));
  convc->add_option("--s", cg.kernel_w, "kernel width")->check(CLI::Range(1, 64));
  convc->add_option("--stride", stride, "stride (both axes)")->check(CLI::Range(1, 64));
  convc->add_option("--pad", pad, "padding on every side (default: kernel/2)")->check(CLI::Range(0, 255));
  convc->add_option("--dilation", dilation, "dilation (both axes)")->check(CLI::Range(1, 64));
  convc->add_option("--groups", cg.groups, "groups (channels for depthwise)")->check(CLI::Range(1, 8192));
  convc->add_option("--batch", cg.batch, "batch")->check(CLI::Range(1, 64));
  convc->add_option("--expand", expand_c,
                    "put a 1x1 expansion from this many channels in front of the layer (an inverted-residual "
                    "block: fused with a depthwise 3x3 layer where the runtime chooses; ISA 1.5)")
      ->check(CLI::Range(1, 8192));
  convc->add_option("--fuse", fuse_mode,
                    "with --expand: auto (the runtime's choice, by the cycle model's estimates), on (fused), off "
                    "(the two layers apart)")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  convc->add_flag("--json", json, "print one JSON object instead of the table");
  add_device_flags(convc, f);

  bool quick = false;
  std::string bench_json, bench_csv, bench_plot;
  auto* benchc = app.add_subcommand("bench", "run the benchmark suite (GEMMs, ResNet-18 and MobileNetV2 conv layers)");
  benchc->add_flag("--quick", quick, "the scaled-down subset used by the tests");
  benchc->add_option("--json", bench_json, "write the results as JSON to this file");
  benchc->add_option("--csv", bench_csv, "write the results as CSV to this file");
  benchc->add_option("--plot", bench_plot, "write a utilization plot (PNG, gnuplot) to this file");
  benchc->add_option("--max-error", f.max_error, "fail if any estimate is further than this fraction from the measurement")
      ->check(CLI::Range(0.0, 10.0));
  abacus::tools::NetworkBenchOptions nbo;
  bool networks_only = false;
  benchc->add_option("--networks", nbo.dir,
                     "also run ResNet-18 and MobileNetV2 from ONNX, whole, at batch 1 and 8 (a directory written by "
                     "scripts/make_models.py zoo)")
      ->check(CLI::ExistingDirectory);
  benchc->add_flag("--networks-only", networks_only, "skip the layer suite (with --networks)");
  benchc->add_option("--networks-json", nbo.json, "write the networks' results as JSON to this file");
  add_device_flags(benchc, f);

  abacus::tools::RunOptions ro;
  auto* runc = app.add_subcommand("run", "run a quantized ONNX model (QDQ or operator form) on the device");
  runc->add_option("model", ro.model, "the .onnx file")->required()->check(CLI::ExistingFile);
  auto* in_opt = runc->add_option("--input", ro.input, "inputs: a .npy (or an ONNX TensorProto .pb) of [N, ...the model's input shape], float32 (or int8/uint8 for a model taking them)")
                     ->check(CLI::ExistingFile);
  auto* ds_opt = runc->add_option("--dataset", ro.dataset, "inputs from a dataset: fashion-mnist[:N] (the test set's first N, default 100)");
  in_opt->excludes(ds_opt);
  runc->add_option("--output", ro.output, "write the graph's output (dtype and shape as the model declares it) to this .npy");
  runc->add_option("--batch", ro.batch, "inputs per device run (default 1)")->check(CLI::Range(1, 4096));
  runc->add_option("--top", ro.top_k, "classes listed per input (default 3)")->check(CLI::Range(1, 1000));
  runc->add_flag("--json", ro.json, "print one JSON object instead of the table");
  runc->add_flag("--check", ro.check, "also run every layer on the golden kernels and name the first tensor that differs");
  add_device_flags(runc, f);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "abacus: error: %s (see abacus --help)\n", e.what());
    return 2;
  }

  // A new seed each run unless one is given (printed with the results, so any run replays).
  bool seed_given = false;
  for (CLI::App* sub : app.get_subcommands()) seed_given |= sub->count("--seed") > 0;
  if (!seed_given) f.seed = std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32);
  try {
    if (!(*gemm || *convc) && (!f.trace_on_fail.empty() || f.plant_wrong_byte >= 0)) {
      throw abacus::DeviceError("--trace-on-fail and --plant-wrong-byte apply to gemm and conv only");
    }
    if (*convc) {
      if (pad < 0) pad = cg.kernel_h / 2;
      cg.stride_h = cg.stride_w = stride;
      cg.dilation_h = cg.dilation_w = dilation;
      cg.pad_top = cg.pad_bottom = cg.pad_left = cg.pad_right = pad;
      cg.validate();  // impossible geometry: one line, exit 1
      return run_job(f, [&](abacus::Session& s, bool print) {
        abacus::bench::Layer l;
        l.net = "conv";
        l.name = "conv";
        l.g = cg;
        if (fuse_mode != "auto" && expand_c == 0) throw std::invalid_argument("conv: --fuse needs --expand");
        if (expand_c > 0) {
          l.is_pair = true;
          l.fuse = fuse_mode == "on" ? 1 : fuse_mode == "off" ? -1 : 0;
          l.pw = cg;
          l.pw.in_c = expand_c;
          l.pw.out_c = cg.in_c;  // (the expansion makes the layer's input)
          l.pw.kernel_h = l.pw.kernel_w = l.pw.stride_h = l.pw.stride_w = l.pw.dilation_h = l.pw.dilation_w = 1;
          l.pw.groups = 1;
          l.pw.pad_top = l.pw.pad_bottom = l.pw.pad_left = l.pw.pad_right = 0;
          if (l.fuse >= 0 && !abacus::expand_dwconv_applies(l.pw, cg, s.config())) {
            throw std::invalid_argument(
                "conv --expand: the fused path takes a depthwise 3x3 layer (--groups = --c = --k, dilation 1, "
                "stride <= 3) whose rows fit the buffers beside the expansion's, on an ISA 1.5 device");
          }
        }
        const abacus::bench::Row r = abacus::bench::run_layer(s, l, f.seed, f.plant_wrong_byte);
        if (!print) return Outcome{r.pass, r.first_mismatch};
        const abacus::HwConfig& hw = s.config();
        const auto& pc = r.stats.perf;
        const double cyc = double(std::max<std::uint64_t>(pc.cycles, 1));
        if (json) {
          std::printf("{\"shape\": \"%s\", \"seed\": %llu, \"result\": \"%s\", \"mismatches\": %ld, \"macs\": %llu, \"cycles\": %llu, "
                      "\"estimate\": %llu, \"utilization\": %.4f, \"roofline_bound\": %.4f, \"bytes_read\": %llu, "
                      "\"bytes_written\": %llu, \"fused_band\": %d, \"fused_store_rows\": %d}\n", l.shape().c_str(),
                      (unsigned long long)f.seed, r.pass ? "PASS" : "FAIL", r.mismatches,
                      (unsigned long long)l.macs(), (unsigned long long)pc.cycles, (unsigned long long)r.stats.estimated_cycles,
                      r.util, r.bound, (unsigned long long)pc.bytes_read, (unsigned long long)pc.bytes_written,
                      r.ran_fused ? r.stats.fused_band : 0, r.ran_fused ? r.stats.fused_store_rows : 0);
        } else {
          std::printf("abacus conv %s on %s (%ux%u array, memory latency %u, seed %llu)\n", l.shape().c_str(),
                      f.device.c_str(), hw.rows, hw.cols, f.mem_latency, (unsigned long long)f.seed);
          std::printf("  result         %s: %ld differing bytes against the golden conv2d\n", r.pass ? "PASS" : "FAIL", r.mismatches);
          if (l.is_pair) {
            std::printf("  path           %s%s\n",
                        r.ran_fused ? "expansion and depthwise fused (the expanded tensor stays on chip)"
                                    : "the two layers apart",
                        l.fuse ? " (--fuse)" : r.ran_fused ? " (the runtime's choice)" : " (the fused estimate is not lower)");
            if (r.ran_fused) {
              std::printf("  fused shape    %d image row(s) made at once, %d output row(s) a STORE\n", r.stats.fused_band,
                          r.stats.fused_store_rows);
            }
          }
          std::printf("  cycles         %llu (model estimate %llu, %+.1f%%)\n", (unsigned long long)pc.cycles,
                      (unsigned long long)r.stats.estimated_cycles, 100.0 * r.est_error);
          std::printf("  MACs           %llu\n", (unsigned long long)l.macs());
          std::printf("  utilization    %.1f%% (roofline bound %.1f%%, limited by %s)\n", 100.0 * r.util, 100.0 * r.bound, r.limit);
          std::printf("  DRAM bytes     read %llu, written %llu\n", (unsigned long long)pc.bytes_read, (unsigned long long)pc.bytes_written);
          std::printf("  load engine    busy %5.1f%%  waiting for tokens %5.1f%%\n", 100.0 * pc.load_busy / cyc, 100.0 * pc.load_stall / cyc);
          std::printf("  compute engine busy %5.1f%%  starved by tokens %5.1f%%\n", 100.0 * pc.compute_busy / cyc, 100.0 * pc.compute_stall / cyc);
          std::printf("  store engine   busy %5.1f%%  waiting for tokens %5.1f%%\n", 100.0 * pc.store_busy / cyc, 100.0 * pc.store_stall / cyc);
          std::printf("  program        %zu instructions in %d program(s)\n", r.stats.instructions, r.stats.programs);
          std::printf("  sim speed      %.0f cycles/s\n", r.sim_seconds > 0 ? double(r.sim_cycles) / r.sim_seconds : 0.0);
        }
        return Outcome{r.pass, r.first_mismatch};
      });
    }
    if (*gemm) {
      return run_job(f, [&](abacus::Session& s, bool print) {
        const GemmRun r = run_gemm(s, m, n, k, f.seed, f.plant_wrong_byte);
        if (print) print_run(r, s.config(), f, json);
        return Outcome{r.pass, r.first_mismatch};
      });
    }
    if (*runc && ro.input.empty() && ro.dataset.empty()) {
      throw std::invalid_argument("run: give the inputs with --input FILE.npy or --dataset fashion-mnist[:N]");
    }
    auto dev = open_device(f);
    abacus::Session session(*dev, f.mem_latency);  // the configuration, read once, and the cycle model
    const abacus::HwConfig& hw = session.config();
    if (*runc) {
      const int rc = abacus::tools::run_model(session, ro);
      finish_trace(*dev, f.trace);
      return rc;
    }
    if (*benchc && networks_only) {
      if (nbo.dir.empty()) throw std::invalid_argument("bench: --networks-only needs --networks DIR");
      const int rc = abacus::tools::bench_networks(session, nbo);
      finish_trace(*dev, f.trace);
      return rc;
    }
    if (*benchc) {
      const auto layers = abacus::bench::suite(quick);
      const bool tty = isatty(fileno(stderr));
      std::vector<abacus::bench::Row> rows;
      const auto t0 = std::chrono::steady_clock::now();
      std::uint64_t done_macs = 0, all_macs = 0;
      std::fprintf(stderr, "bench: seed %llu (layer i uses seed + i; --seed replays)\n", (unsigned long long)f.seed);
      for (const auto& l : layers) all_macs += l.macs();
      for (std::size_t i = 0; i < layers.size(); ++i) {
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double rem = done_macs ? el * double(all_macs - done_macs) / double(done_macs) : 0.0;
        if (tty) std::fprintf(stderr, "\r\033[K[%zu/%zu] %s %s  elapsed %.0fs  remaining ~%.0fs", i + 1, layers.size(),
                              layers[i].net.c_str(), layers[i].name.c_str(), el, rem);
        else std::fprintf(stderr, "bench: layer %zu of %zu: %s %s (elapsed %.0fs)\n", i + 1, layers.size(),
                          layers[i].net.c_str(), layers[i].name.c_str(), el);
        rows.push_back(abacus::bench::run_layer(session, layers[i], f.seed + i));
        done_macs += layers[i].macs();
      }
      if (tty) std::fprintf(stderr, "\r\033[K");
      print_bench(rows, hw, bench_json, bench_csv, bench_plot, f.mem_latency);
      bool ok = true;
      for (const auto& r : rows) {
        if (!r.pass) ok = false;
        if (std::fabs(r.est_error) > f.max_error) {
          std::fprintf(stderr, "abacus: bench: %s %s: estimate off by %.1f%% (limit %.1f%%)\n", r.layer.net.c_str(),
                       r.layer.name.c_str(), 100.0 * r.est_error, 100.0 * f.max_error);
          ok = false;
        }
      }
      if (!nbo.dir.empty()) {
        ok = abacus::tools::bench_networks(session, nbo) == 0 && ok;
      }
      finish_trace(*dev, f.trace);
      return ok ? 0 : 1;
    }
    if (*info) {
      std::printf("device         %s\n", dev->name().c_str());
      std::printf("ID_MAGIC       0x%08x\n", dev->read32(abacus::isa::reg::ID_MAGIC));
      std::printf("ID_VERSION     %u.%u\n", hw.version >> 16, hw.version & 0xffff);
      std::printf("BUILD_ID       0x%08x\n", hw.build_id);
      std::printf("array          %u x %u int8 MACs\n", hw.rows, hw.cols);
      std::printf("bus            %u bits, %u-byte instructions\n", hw.bus_bits, hw.insn_bytes);
      std::printf("ibuf           %u rows (%u KiB)\n", hw.ibuf_rows, hw.ibuf_rows * hw.rows / 1024);
      std::printf("wbuf           %u rows (%u KiB), scratchpad base 0x%x\n", hw.wbuf_rows, hw.wbuf_rows * hw.cols / 1024, hw.wbuf_sp_base);
      std::printf("accumulators   %u rows of %u int32\n", hw.acc_rows, hw.cols);
      std::printf("obuf           %u rows\n", hw.obuf_rows);
      std::printf("parameters     %u slots, scratchpad base 0x%x\n", hw.pbuf_slots, hw.pbuf_sp_base);
      return 0;
    }
    // demo
    const int shapes[][3] = {{1, 1, 1}, {17, 33, 65}, {64, 64, 64}, {100, 7, 300}, {256, 256, 256}};
    std::printf("abacus demo: int8 GEMMs on the %s %ux%u accelerator, each checked byte for byte\n"
                "against the golden kernel (memory latency %u cycles, seed %llu: --seed replays it)\n\n",
                f.device == "sim" ? "verilated" : f.device.c_str(), hw.rows, hw.cols, f.mem_latency,
                (unsigned long long)f.seed);
    std::printf("%6s %6s %6s  %-6s %10s %12s %8s %12s %12s %12s\n", "M", "N", "K", "result", "cycles", "MACs",
                "util", "DRAM read", "DRAM write", "sim cyc/s");
    bool all = true;
    for (const auto& s : shapes) {
      const GemmRun r = run_gemm(session, s[0], s[1], s[2], f.seed);
      const double cyc = double(std::max<std::uint64_t>(r.stats.perf.cycles, 1));
      std::printf("%6d %6d %6d  %-6s %10llu %12lld %7.1f%% %12llu %12llu %12.0f\n", s[0], s[1], s[2],
                  r.pass ? "PASS" : "FAIL", (unsigned long long)r.stats.perf.cycles, (long long)s[0] * s[1] * s[2],
                  100.0 * double(s[0]) * s[1] * s[2] / (double(hw.rows) * hw.cols * cyc),
                  (unsigned long long)r.stats.perf.bytes_read, (unsigned long long)r.stats.perf.bytes_written,
                  r.sim_seconds > 0 ? r.sim_cycles / r.sim_seconds : 0.0);
      all &= r.pass;
    }
    std::printf("\n%s\n", all ? "all PASS" : "FAILURES above");
    finish_trace(*dev, f.trace);
    return all ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "abacus: error: %s\n", e.what());
    return 1;
  }
}
