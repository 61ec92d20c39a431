// AXI4 verification IP: the signals of one cycle, a slave memory model, and
// a protocol monitor. Reused by every test that puts an AXI master on a bus.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace abacus::sim {

enum class AxiResp : unsigned { Okay = 0, ExOkay = 1, SlvErr = 2, DecErr = 3 };
enum class AxiDir { Read, Write };

constexpr unsigned kAxiMaxBytes = 64;  // up to 512-bit data
using AxiData = std::array<std::uint8_t, kAxiMaxBytes>;

// What the master drives in one cycle.
struct AxiMasterSignals {
  bool awvalid = false;
  std::uint64_t awaddr = 0;
  unsigned awlen = 0, awsize = 0, awburst = 0, awid = 0;
  bool wvalid = false;
  AxiData wdata{};
  std::uint64_t wstrb = 0;  // bit i: byte i
  bool wlast = false;
  bool bready = false;
  bool arvalid = false;
  std::uint64_t araddr = 0;
  unsigned arlen = 0, arsize = 0, arburst = 0, arid = 0;
  bool rready = false;
};

// What the slave drives in one cycle.
struct AxiSlaveSignals {
  bool awready = false, wready = false;
  bool bvalid = false;
  unsigned bresp = 0, bid = 0;
  bool arready = false;
  bool rvalid = false;
  AxiData rdata{};
  unsigned rresp = 0, rid = 0;
  bool rlast = false;
};

enum class AxiChannel { AW, W, B, AR, R };
const char* to_string(AxiChannel c);

struct AxiMemConfig {
  std::uint64_t base = 0;        // first byte address served
  std::size_t size = 1 << 20;    // bytes; addresses outside answer DECERR
  unsigned data_bytes = 16;      // bus width in bytes
  unsigned read_latency = 0;     // cycles from AR handshake to the first R beat
  unsigned write_latency = 0;    // cycles from the last W beat to B
  double bytes_per_cycle = 0.0;  // shared read+write bandwidth; 0 = one beat per cycle each way
  double stall_prob = 0.0;       // chance per cycle that a channel starts a stall
  unsigned stall_channels = 0x1f;  // the channels that stall: bit i for AxiChannel i
  unsigned max_stall = 100;      // a stall lasts 1..max_stall cycles
  bool reorder = false;          // answer reads of different IDs out of order
  unsigned max_reads = 64;       // read bursts the slave queues
  unsigned max_writes = 64;      // write bursts the slave queues
  std::uint64_t seed = 1;
};

// Dense byte memory behind an AXI4 slave port, with latency, bandwidth,
// random stalls and error injection. Slave outputs depend only on state
// (they are computed at the end of the previous step), so a master may
// decide combinationally on them.
class AxiMem {
 public:
  explicit AxiMem(const AxiMemConfig& cfg);

  const AxiMemConfig& config() const { return cfg_; }
  std::uint8_t* data() { return mem_.data(); }
  const std::vector<std::uint8_t>& bytes() const { return mem_; }
  bool contains(std::uint64_t addr, std::uint64_t n) const;

  // Error injection: every beat touching [lo, hi) of the given direction
  // answers `resp` (a write beat there is not stored).
  void add_error_range(std::uint64_t lo, std::uint64_t hi, AxiResp resp, AxiDir dir);
  // The n-th beat (0-based, counted from now on, per direction) answers resp.
  void fail_beat(AxiDir dir, std::uint64_t n, AxiResp resp);
  void clear_errors();
  // Holds READY (AW, W, AR) or VALID (R, B) low for the next `cycles` cycles
  // (a VALID already shown is completed first).
  void hold(AxiChannel ch, std::uint64_t cycles);

  const AxiSlaveSignals& outputs() const { return out_; }
  // Clock edge: takes the handshakes of this cycle, advances, and computes
  // the next cycle's outputs.
  void step(const AxiMasterSignals& m);

  // Where the first error response since forget_error() went: the beat's
  // address for a read, the burst's AW address for a write.
  std::optional<std::uint64_t> first_error_addr() const { return first_err_addr_; }
  // Every error response since forget_error() (the first 256): the bytes it
  // covered, [lo, hi): the beat for a read, the whole burst for a write.
  const std::vector<std::pair<std::uint64_t, std::uint64_t>>& error_ranges() const { return answered_errs_; }
  void forget_error() {
    first_err_addr_.reset();
    answered_errs_.clear();
  }

  // A system reset: every transaction in flight is dropped (the memory keeps
  // what was stored so far).
  void abort_transactions() {
    reads_.clear();
    writes_.clear();
    bq_.clear();
    r_sel_.reset();
    out_ = {};
    compute_outputs();
  }

  // Called for every write beat stored: the beat's bus-aligned address, the
  // burst's AW address and the byte strobes (bit i: byte i of the beat).
  std::function<void(std::uint64_t beat_addr, std::uint64_t burst_addr, std::uint64_t strobes)> on_write;
  // Called for every AR and AW handshake: the burst's address, beats and size (log2 bytes).
  std::function<void(AxiDir dir, std::uint64_t addr, unsigned beats, unsigned size)> on_request;

  std::uint64_t read_beats() const { return read_beats_; }
  std::uint64_t write_beats() const { return write_beats_; }

 private:
  struct ReadBurst {
    std::uint64_t addr;
    unsigned beats, size, id, next = 0;
    std::uint64_t ready_at;
  };
  struct WriteBurst {
    std::uint64_t addr;
    unsigned beats, size, id, got = 0;
    bool err_slv = false, err_dec = false;
  };
  struct PendingB {
    unsigned id, resp;
    std::uint64_t due;
  };
  AxiResp beat_resp(AxiDir dir, std::uint64_t addr, unsigned nbytes);
  bool stalled(AxiChannel ch);
  bool take_bandwidth();
  void compute_outputs();

  AxiMemConfig cfg_;
  std::vector<std::uint8_t> mem_;
  std::mt19937_64 rng_;
  std::uint64_t cycle_ = 0;
  double tokens_ = 0.0;
  std::array<std::uint64_t, 5> stall_until_{};
  std::deque<ReadBurst> reads_;
  std::deque<WriteBurst> writes_;
  std::deque<PendingB> bq_;
  std::optional<std::size_t> r_sel_;  // read burst presenting the current R beat
  struct ErrRange { std::uint64_t lo, hi; AxiResp resp; AxiDir dir; };
  std::vector<ErrRange> err_ranges_;
  std::map<std::uint64_t, AxiResp> fail_r_, fail_w_;
  std::uint64_t read_beats_ = 0, write_beats_ = 0;
  std::optional<std::uint64_t> first_err_addr_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> answered_errs_;
  void note_error(std::uint64_t addr, std::uint64_t lo, std::uint64_t hi) {
    if (!first_err_addr_) first_err_addr_ = addr;
    if (answered_errs_.size() < 256) answered_errs_.emplace_back(lo, hi);
  }
  std::uint64_t r_beat_addr_ = 0;  // address of the R beat on show
  AxiSlaveSignals out_;
};

struct AxiMonitorConfig {
  unsigned data_bytes = 16;
  unsigned max_outstanding_reads = 8;
  unsigned max_outstanding_writes = 8;
};

// Checks the AXI4 rules on every cycle; a broken rule is recorded with its
// cycle, channel and rule text. Also counts traffic.
class AxiMonitor {
 public:
  explicit AxiMonitor(const AxiMonitorConfig& cfg) : cfg_(cfg) {}
  // the limits, once the master has told them (before any traffic)
  void set_max_outstanding(unsigned reads, unsigned writes) {
    cfg_.max_outstanding_reads = reads;
    cfg_.max_outstanding_writes = writes;
  }

  // Call every cycle, in reset too.
  void check(std::uint64_t cycle, bool in_reset, const AxiMasterSignals& m, const AxiSlaveSignals& s);

  const std::vector<std::string>& violations() const { return violations_; }
  std::string report() const;  // the first violations, one per line

  std::uint64_t ar_count() const { return ar_count_; }
  std::uint64_t aw_count() const { return aw_count_; }
  std::uint64_t r_beats() const { return r_beats_; }
  std::uint64_t w_beats() const { return w_beats_; }
  std::uint64_t b_count() const { return b_count_; }
  std::uint64_t outstanding_reads() const { return out_reads_; }
  std::uint64_t outstanding_writes() const { return out_writes_; }
  std::uint64_t max_seen_reads() const { return max_reads_seen_; }
  std::uint64_t max_seen_writes() const { return max_writes_seen_; }
  // Requests (AR or AW) first presented after an error response was taken.
  std::uint64_t requests_after_error() const { return req_after_err_; }
  bool error_seen() const { return err_cycle_.has_value(); }
  void forget_error() {
    err_cycle_.reset();
    req_after_err_ = 0;
  }
  // A system reset: nothing is outstanding any more (violations are kept).
  void reset_state() {
    have_prev_ = false;
    after_reset_ = true;
    reads_.clear();
    r_beat_ = 0;
    aw_lens_.clear();
    w_done_early_.clear();
    w_beat_ = 0;
    b_pending_.clear();
    aw_ids_.clear();
    out_reads_ = out_writes_ = 0;
    forget_error();
  }

 private:
  void fail(std::uint64_t cycle, AxiChannel ch, const std::string& rule);
  void check_burst(std::uint64_t cycle, AxiChannel ch, std::uint64_t addr, unsigned len, unsigned size,
                   unsigned burst);

  AxiMonitorConfig cfg_;
  std::vector<std::string> violations_;
  bool have_prev_ = false;
  AxiMasterSignals pm_;
  AxiSlaveSignals ps_;
  bool after_reset_ = true;  // the first cycle after reset
  // reads: per ID, beats expected per outstanding burst
  std::map<unsigned, std::deque<unsigned>> reads_;
  unsigned r_beat_ = 0;
  // writes: AW lengths not yet matched with W data; W bursts counted before their AW
  std::deque<unsigned> aw_lens_;
  std::deque<unsigned> w_done_early_;
  unsigned w_beat_ = 0;
  std::map<unsigned, unsigned> b_pending_;  // per ID: bursts with all data, awaiting B
  std::deque<unsigned> aw_ids_;
  std::uint64_t ar_count_ = 0, aw_count_ = 0, r_beats_ = 0, w_beats_ = 0, b_count_ = 0;
  std::uint64_t out_reads_ = 0, out_writes_ = 0, max_reads_seen_ = 0, max_writes_seen_ = 0;
  std::optional<std::uint64_t> err_cycle_;
  std::uint64_t req_after_err_ = 0;
};

}  // namespace abacus::sim
