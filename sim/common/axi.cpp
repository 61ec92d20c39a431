#include "common/axi.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace abacus::sim {

const char* to_string(AxiChannel c) {
  switch (c) {
    case AxiChannel::AW: return "AW";
    case AxiChannel::W: return "W";
    case AxiChannel::B: return "B";
    case AxiChannel::AR: return "AR";
    case AxiChannel::R: return "R";
  }
  return "?";
}

// ---------------------------------------------------------------- AxiMem

AxiMem::AxiMem(const AxiMemConfig& cfg) : cfg_(cfg), mem_(cfg.size, 0), rng_(cfg.seed) {
  if (cfg.data_bytes == 0 || cfg.data_bytes > kAxiMaxBytes || (cfg.data_bytes & (cfg.data_bytes - 1))) {
    throw std::invalid_argument("AxiMem: data_bytes must be a power of two up to 64");
  }
  compute_outputs();
}

bool AxiMem::contains(std::uint64_t addr, std::uint64_t n) const {
  return addr >= cfg_.base && n <= cfg_.size && addr - cfg_.base <= cfg_.size - n;
}

void AxiMem::add_error_range(std::uint64_t lo, std::uint64_t hi, AxiResp resp, AxiDir dir) {
  err_ranges_.push_back({lo, hi, resp, dir});
}

void AxiMem::fail_beat(AxiDir dir, std::uint64_t n, AxiResp resp) {
  if (dir == AxiDir::Read) fail_r_[read_beats_ + n] = resp;
  else fail_w_[write_beats_ + n] = resp;
}

void AxiMem::clear_errors() {
  err_ranges_.clear();
  fail_r_.clear();
  fail_w_.clear();
}

void AxiMem::hold(AxiChannel ch, std::uint64_t cycles) {
  auto& until = stall_until_[static_cast<std::size_t>(ch)];
  until = std::max(until, cycle_ + cycles);
  compute_outputs();
}

AxiResp AxiMem::beat_resp(AxiDir dir, std::uint64_t addr, unsigned nbytes) {
  const std::uint64_t index = dir == AxiDir::Read ? read_beats_ : write_beats_;
  auto& fails = dir == AxiDir::Read ? fail_r_ : fail_w_;
  if (auto it = fails.find(index); it != fails.end()) return it->second;
  if (!contains(addr, nbytes)) return AxiResp::DecErr;
  for (const auto& e : err_ranges_) {
    if (e.dir == dir && addr < e.hi && addr + nbytes > e.lo) return e.resp;
  }
  return AxiResp::Okay;
}

bool AxiMem::stalled(AxiChannel ch) {
  auto& until = stall_until_[static_cast<std::size_t>(ch)];
  if (cycle_ < until) return true;
  if (cfg_.stall_prob > 0 && (cfg_.stall_channels >> static_cast<unsigned>(ch) & 1u) &&
      std::bernoulli_distribution(cfg_.stall_prob)(rng_)) {
    until = cycle_ + std::uniform_int_distribution<unsigned>(1, std::max(1u, cfg_.max_stall))(rng_);
    return true;
  }
  return false;
}

bool AxiMem::take_bandwidth() {
  if (cfg_.bytes_per_cycle <= 0) return true;
  if (tokens_ < cfg_.data_bytes) return false;
  tokens_ -= cfg_.data_bytes;
  return true;
}

void AxiMem::step(const AxiMasterSignals& m) {
  const unsigned W = cfg_.data_bytes;
  // ---- handshakes of this cycle (against the outputs shown in it)
  if (m.arvalid && out_.arready) {
    reads_.push_back({m.araddr, m.arlen + 1, m.arsize, m.arid, 0, cycle_ + 1 + cfg_.read_latency});
    if (on_request) on_request(AxiDir::Read, m.araddr, m.arlen + 1, m.arsize);
  }
  if (out_.rvalid && m.rready) {
    ReadBurst& rb = reads_[*r_sel_];
    if (out_.rresp >= 2) note_error(r_beat_addr_, r_beat_addr_ & ~std::uint64_t(W - 1), (r_beat_addr_ & ~std::uint64_t(W - 1)) + W);
    ++read_beats_;
    if (++rb.next == rb.beats) reads_.erase(reads_.begin() + static_cast<long>(*r_sel_));
    r_sel_.reset();
    out_.rvalid = false;  // taken: the next beat is chosen below
  }
  if (m.awvalid && out_.awready) {
    writes_.push_back({m.awaddr, m.awlen + 1, m.awsize, m.awid});
    if (on_request) on_request(AxiDir::Write, m.awaddr, m.awlen + 1, m.awsize);
  }
  if (m.wvalid && out_.wready) {
    if (cfg_.bytes_per_cycle > 0) tokens_ -= W;
    WriteBurst& wb = writes_.front();
    const std::uint64_t beat_addr = (wb.addr & ~std::uint64_t(W - 1)) + std::uint64_t(wb.got) * W;
    const AxiResp resp = beat_resp(AxiDir::Write, beat_addr, W);
    if (resp == AxiResp::Okay) {
      for (unsigned i = 0; i < W; ++i) {
        if (m.wstrb >> i & 1) mem_[beat_addr - cfg_.base + i] = m.wdata[i];
      }
      if (on_write) on_write(beat_addr, wb.addr, m.wstrb);
    }
    wb.err_slv |= resp == AxiResp::SlvErr;
    wb.err_dec |= resp == AxiResp::DecErr;
    ++write_beats_;
    if (++wb.got == wb.beats) {
      const unsigned r = wb.err_dec ? 3u : wb.err_slv ? 2u : 0u;
      if (r) note_error(wb.addr, wb.addr, (wb.addr & ~std::uint64_t(W - 1)) + std::uint64_t(wb.beats) * W);
      bq_.push_back({wb.id, r, cycle_ + 1 + cfg_.write_latency});
      writes_.pop_front();
    }
  }
  if (out_.bvalid && m.bready) {
    bq_.pop_front();
    out_.bvalid = false;
  }

  ++cycle_;
  if (cfg_.bytes_per_cycle > 0) tokens_ = std::min(tokens_ + cfg_.bytes_per_cycle, 4.0 * W);
  compute_outputs();
}

void AxiMem::compute_outputs() {
  const unsigned W = cfg_.data_bytes;
  const bool r_held = out_.rvalid && r_sel_.has_value();
  const bool b_held = out_.bvalid;
  AxiSlaveSignals o = out_;
  o.arready = reads_.size() < cfg_.max_reads && !stalled(AxiChannel::AR);
  o.awready = writes_.size() < cfg_.max_writes && !stalled(AxiChannel::AW);
  o.wready = !writes_.empty() && !stalled(AxiChannel::W) &&
             (cfg_.bytes_per_cycle <= 0 || tokens_ >= W);

  // R: a beat once shown stays until taken.
  if (!r_held) {
    o.rvalid = false;
    std::optional<std::size_t> pick;
    if (cfg_.reorder) {
      std::vector<std::size_t> cand;
      std::vector<unsigned> seen;
      for (std::size_t i = 0; i < reads_.size(); ++i) {
        if (std::find(seen.begin(), seen.end(), reads_[i].id) != seen.end()) continue;
        seen.push_back(reads_[i].id);  // only the oldest burst of each ID may answer
        if (reads_[i].ready_at <= cycle_) cand.push_back(i);
      }
      if (!cand.empty()) pick = cand[std::uniform_int_distribution<std::size_t>(0, cand.size() - 1)(rng_)];
    } else if (!reads_.empty() && reads_.front().ready_at <= cycle_) {
      pick = 0;
    }
    // a burst already started finishes before another starts
    for (std::size_t i = 0; i < reads_.size(); ++i) {
      if (reads_[i].next > 0) pick = i;
    }
    if (pick && reads_[*pick].ready_at <= cycle_ && !stalled(AxiChannel::R) && take_bandwidth()) {
      const ReadBurst& rb = reads_[*pick];
      const std::uint64_t beat_addr = (rb.addr & ~std::uint64_t(W - 1)) + std::uint64_t(rb.next) * W;
      const AxiResp resp = beat_resp(AxiDir::Read, beat_addr, W);
      o.rvalid = true;
      o.rresp = static_cast<unsigned>(resp);
      o.rid = rb.id;
      o.rlast = rb.next + 1 == rb.beats;
      r_beat_addr_ = beat_addr;
      o.rdata.fill(0);
      if (contains(beat_addr, W)) {
        for (unsigned i = 0; i < W; ++i) o.rdata[i] = mem_[beat_addr - cfg_.base + i];
      }
      r_sel_ = pick;
    }
  }
  // B: likewise.
  if (!b_held) {
    o.bvalid = false;
    if (!bq_.empty() && bq_.front().due <= cycle_ && !stalled(AxiChannel::B)) {
      o.bvalid = true;
      o.bresp = bq_.front().resp;
      o.bid = bq_.front().id;
    }
  }
  out_ = o;
}

// ---------------------------------------------------------------- AxiMonitor

void AxiMonitor::fail(std::uint64_t cycle, AxiChannel ch, const std::string& rule) {
  std::ostringstream os;
  os << "cycle " << cycle << ": " << to_string(ch) << ": " << rule;
  violations_.push_back(os.str());
}

std::string AxiMonitor::report() const {
  std::ostringstream os;
  for (std::size_t i = 0; i < violations_.size() && i < 10; ++i) os << violations_[i] << "\n";
  if (violations_.size() > 10) os << "... " << violations_.size() - 10 << " more\n";
  return os.str();
}

void AxiMonitor::check_burst(std::uint64_t cycle, AxiChannel ch, std::uint64_t addr, unsigned len,
                             unsigned size, unsigned burst) {
  if (burst != 1) fail(cycle, ch, "burst type is not INCR (" + std::to_string(burst) + ")");
  if ((1u << size) > cfg_.data_bytes) fail(cycle, ch, "size wider than the bus");
  const std::uint64_t bytes = std::uint64_t(len + 1) << size;
  const std::uint64_t first = addr & ~((std::uint64_t(1) << size) - 1);
  const std::uint64_t last = first + bytes - 1;
  if ((first >> 12) != (last >> 12)) {
    std::ostringstream os;
    os << "burst at 0x" << std::hex << addr << std::dec << " of " << len + 1 << " beats crosses a 4 KiB boundary";
    fail(cycle, ch, os.str());
  }
}

void AxiMonitor::check(std::uint64_t cycle, bool in_reset, const AxiMasterSignals& m,
                       const AxiSlaveSignals& s) {
  if (in_reset || after_reset_) {
    if (m.awvalid || m.wvalid || m.arvalid) {
      fail(cycle, m.arvalid ? AxiChannel::AR : m.awvalid ? AxiChannel::AW : AxiChannel::W,
           "VALID asserted in reset or in the first cycle after reset");
    }
    after_reset_ = in_reset;
    have_prev_ = false;
    if (in_reset) return;
  }

  // ---- stability: VALID stays and the payload holds until READY
  if (have_prev_) {
    if (pm_.awvalid && !ps_.awready &&
        (!m.awvalid || m.awaddr != pm_.awaddr || m.awlen != pm_.awlen || m.awsize != pm_.awsize ||
         m.awburst != pm_.awburst || m.awid != pm_.awid)) {
      fail(cycle, AxiChannel::AW, "AWVALID dropped or payload changed before AWREADY");
    }
    if (pm_.wvalid && !ps_.wready &&
        (!m.wvalid || m.wdata != pm_.wdata || m.wstrb != pm_.wstrb || m.wlast != pm_.wlast)) {
      fail(cycle, AxiChannel::W, "WVALID dropped or payload changed before WREADY");
    }
    if (pm_.arvalid && !ps_.arready &&
        (!m.arvalid || m.araddr != pm_.araddr || m.arlen != pm_.arlen || m.arsize != pm_.arsize ||
         m.arburst != pm_.arburst || m.arid != pm_.arid)) {
      fail(cycle, AxiChannel::AR, "ARVALID dropped or payload changed before ARREADY");
    }
    if (ps_.rvalid && !pm_.rready &&
        (!s.rvalid || s.rdata != ps_.rdata || s.rresp != ps_.rresp || s.rid != ps_.rid || s.rlast != ps_.rlast)) {
      fail(cycle, AxiChannel::R, "RVALID dropped or payload changed before RREADY");
    }
    if (ps_.bvalid && !pm_.bready && (!s.bvalid || s.bresp != ps_.bresp || s.bid != ps_.bid)) {
      fail(cycle, AxiChannel::B, "BVALID dropped or payload changed before BREADY");
    }
  }

  // ---- requests first shown after an error response was taken
  if (err_cycle_ && cycle > *err_cycle_) {
    const bool new_ar = m.arvalid && !(have_prev_ && pm_.arvalid && !ps_.arready);
    const bool new_aw = m.awvalid && !(have_prev_ && pm_.awvalid && !ps_.awready);
    if (new_ar || new_aw) {
      ++req_after_err_;
      if (std::getenv("ABACUS_AXI_DEBUG")) std::fprintf(stderr, "new %s at cycle %llu, error at %llu\n", new_ar ? "AR" : "AW", (unsigned long long)cycle, (unsigned long long)*err_cycle_);
    }
  }

  // ---- AR
  if (m.arvalid && s.arready) {
    check_burst(cycle, AxiChannel::AR, m.araddr, m.arlen, m.arsize, m.arburst);
    reads_[m.arid].push_back(m.arlen + 1);
    ++ar_count_;
    if (++out_reads_ > cfg_.max_outstanding_reads) {
      fail(cycle, AxiChannel::AR, "more than " + std::to_string(cfg_.max_outstanding_reads) + " reads outstanding");
    }
    max_reads_seen_ = std::max(max_reads_seen_, out_reads_);
  }
  // ---- R
  if (s.rvalid && m.rready) {
    auto it = reads_.find(s.rid);
    if (it == reads_.end() || it->second.empty()) {
      fail(cycle, AxiChannel::R, "R beat for ID " + std::to_string(s.rid) + " with no read outstanding");
    } else {
      const unsigned beats = it->second.front();
      const bool last = (r_beat_ + 1 == beats);
      if (s.rlast != last) fail(cycle, AxiChannel::R, "RLAST not on beat ARLEN+1");
      if (++r_beat_ == beats || s.rlast) {
        it->second.pop_front();
        r_beat_ = 0;
        --out_reads_;
      }
    }
    ++r_beats_;
    if (s.rresp >= 2 && !err_cycle_) err_cycle_ = cycle;
  }
  // ---- AW
  if (m.awvalid && s.awready) {
    check_burst(cycle, AxiChannel::AW, m.awaddr, m.awlen, m.awsize, m.awburst);
    ++aw_count_;
    if (++out_writes_ > cfg_.max_outstanding_writes) {
      fail(cycle, AxiChannel::AW, "more than " + std::to_string(cfg_.max_outstanding_writes) + " writes outstanding");
    }
    max_writes_seen_ = std::max(max_writes_seen_, out_writes_);
    if (!w_done_early_.empty()) {  // its data already went by
      if (w_done_early_.front() != m.awlen + 1) {
        fail(cycle, AxiChannel::W, "W burst of " + std::to_string(w_done_early_.front()) +
                                       " beats for AWLEN+1 = " + std::to_string(m.awlen + 1));
      }
      w_done_early_.pop_front();
      ++b_pending_[m.awid];
    } else {
      aw_lens_.push_back(m.awlen + 1);
      aw_ids_.push_back(m.awid);
    }
  }
  // ---- W
  if (m.wvalid && s.wready) {
    ++w_beats_;
    if (!aw_lens_.empty()) {
      const unsigned beats = aw_lens_.front();
      const bool last = (w_beat_ + 1 == beats);
      if (m.wlast != last) fail(cycle, AxiChannel::W, "WLAST not on beat AWLEN+1");
      if (++w_beat_ == beats || m.wlast) {
        aw_lens_.pop_front();
        ++b_pending_[aw_ids_.front()];
        aw_ids_.pop_front();
        w_beat_ = 0;
      }
    } else if (m.wlast) {
      w_done_early_.push_back(w_beat_ + 1);
      w_beat_ = 0;
    } else {
      ++w_beat_;
    }
  }
  // ---- B
  if (s.bvalid && m.bready) {
    auto it = b_pending_.find(s.bid);
    if (it == b_pending_.end() || it->second == 0) {
      fail(cycle, AxiChannel::B, "B for ID " + std::to_string(s.bid) + " with no completed write burst");
    } else {
      --it->second;
      --out_writes_;
    }
    ++b_count_;
    if (s.bresp >= 2 && !err_cycle_) err_cycle_ = cycle;
  }

  pm_ = m;
  ps_ = s;
  have_prev_ = true;
}

}  // namespace abacus::sim
