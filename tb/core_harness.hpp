// Drives abacus_core (any geometry): weight and activation streams, the
// parameter port, and accumulator read-out, with optional random stalls.
// Records the cycle of every handshake so tests can check exact timing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "abacus/ref/quant.hpp"
#include "common/ports.hpp"
#include "common/seed.hpp"
#include "common/sim.hpp"

namespace abacus::tb {

// the harnesses build on the simulation layer (sim/common)
using namespace abacus::sim;

// One tile: Rows x Cols weights (row-major, row r feeds array row r) and
// m activation rows of Rows bytes, written to accumulator rows
// [acc_base, acc_base + m), overwriting or accumulating.
struct CoreTile {
  std::vector<std::int8_t> weights;
  std::vector<std::int8_t> acts;
  int m = 0;
  std::uint32_t acc_base = 0;
  bool accumulate = false;
  std::vector<std::uint32_t> acc_rows;  // if set: row m's address, instead of acc_base + m
};

struct CoreRunStats {
  std::uint64_t start_cycle = 0;                // first cycle weights were offered
  std::vector<std::uint64_t> tile_start;        // cycle of each tile's first row handshake
  std::vector<std::uint64_t> a_fire_cycles;     // every activation handshake
  std::uint64_t last_acc_write = 0;             // last cycle an accumulator row was written
  std::uint64_t end_cycle = 0;                  // first cycle with nothing in flight
};

template <class Model>
class CoreHarness {
 public:
  CoreHarness(Sim<Model>& sim, int rows, int cols, std::uint64_t seed)
      : sim_(sim), dut_(sim.dut()), rows_(rows), cols_(cols), rng_(seed) {
    idle();
  }

  // Probability that a stream's valid (or the output's ready) is held low
  // in a cycle; 0 for full-rate streams.
  void set_stall(double p) { stall_ = p; }

  void idle() {
    dut_.w_valid_i = 0;
    dut_.a_valid_i = 0;
    dut_.dw_valid_i = 0;  // the depthwise port: not used by the core tests
    dut_.p_we_i = 0;
    dut_.r_valid_i = 0;
    dut_.o_ready_i = 0;
  }

  // Writes the per-channel parameters (Cols channels) and the shared ones.
  void load_params(const ref::OutputStage& os) {
    std::vector<std::uint32_t> words[3];
    for (std::size_t c = 0; c < os.bias.size(); ++c) {
      words[0].push_back(static_cast<std::uint32_t>(os.bias[c]));
      words[1].push_back(os.scale_word(static_cast<int>(c)));
      words[2].push_back(static_cast<std::uint32_t>(os.shift_word(static_cast<int>(c))));
    }
    for (int sel = 0; sel < 3; ++sel) {
      std::vector<std::uint32_t>& e = words[sel];
      e.resize(static_cast<std::size_t>(cols_), 0);
      dut_.p_we_i = 1;
      dut_.p_sel_i = static_cast<std::uint8_t>(sel);
      put_elems(dut_.p_data_i, e, 32);
      sim_.tick();
    }
    dut_.p_we_i = 0;
    dut_.zp_out_i = static_cast<std::uint8_t>(os.zp_out);
    dut_.clamp_min_i = static_cast<std::uint8_t>(os.act_min);
    dut_.clamp_max_i = static_cast<std::uint8_t>(os.act_max);
    dut_.float_i = os.mode == ref::RequantMode::kFloat32;
  }

  // Streams the tiles' weights and activations concurrently, then waits
  // until every row has reached the accumulator.
  CoreRunStats run_tiles(const std::vector<CoreTile>& tiles, std::uint64_t max_cycles = 1000000) {
    struct WRow { const std::int8_t* p; };
    struct ARow { const std::int8_t* p; bool last; std::uint32_t addr; bool accum; bool first; };
    std::deque<WRow> wq;
    std::deque<ARow> aq;
    for (const auto& t : tiles) {
      if (t.m <= 0 || t.weights.size() != static_cast<std::size_t>(rows_ * cols_) ||
          t.acts.size() != static_cast<std::size_t>(t.m * rows_)) {
        throw std::invalid_argument("CoreTile with inconsistent sizes");
      }
      for (int r = 0; r < rows_; ++r) wq.push_back({&t.weights[static_cast<std::size_t>(r * cols_)]});
      for (int m = 0; m < t.m; ++m) {
        aq.push_back({&t.acts[static_cast<std::size_t>(m * rows_)], m == t.m - 1,
                      t.acc_rows.empty() ? t.acc_base + static_cast<std::uint32_t>(m)
                                         : t.acc_rows.at(static_cast<std::size_t>(m)),
                      t.accumulate, m == 0});
      }
    }
    CoreRunStats st;
    st.start_cycle = sim_.cycle();
    bool w_hold = false, a_hold = false;  // a valid, once shown, stays until taken
    const std::uint64_t limit = sim_.cycle() + max_cycles;
    while (!wq.empty() || !aq.empty() || dut_.compute_busy_o) {
      if (sim_.cycle() >= limit) throw std::runtime_error("core run did not finish in time");
      const bool w_on = !wq.empty() && (w_hold || !stall());
      const bool a_on = !aq.empty() && (a_hold || !stall());
      dut_.w_valid_i = w_on;
      if (w_on) put_elems(dut_.w_data_i, bytes_to_elems(wq.front().p, static_cast<std::size_t>(cols_)), 8);
      dut_.a_valid_i = a_on;
      if (a_on) {
        const auto& a = aq.front();
        put_elems(dut_.a_data_i, bytes_to_elems(a.p, static_cast<std::size_t>(rows_)), 8);
        dut_.a_last_i = a.last;
        dut_.a_acc_addr_i = a.addr;
        dut_.a_accum_i = a.accum;
      }
      sim_.settle();
      const bool w_fire = w_on && dut_.w_ready_o;
      const bool a_fire = a_on && dut_.a_ready_o;
      w_hold = w_on && !w_fire;
      a_hold = a_on && !a_fire;
      if (a_fire) {
        st.a_fire_cycles.push_back(sim_.cycle());
        if (aq.front().first) st.tile_start.push_back(sim_.cycle());
        aq.pop_front();
      }
      if (w_fire) wq.pop_front();
      if (dut_.acc_we_o) st.last_acc_write = sim_.cycle();
      sim_.tick();
    }
    dut_.w_valid_i = 0;
    dut_.a_valid_i = 0;
    st.end_cycle = sim_.cycle();
    return st;
  }

  // Reads accumulator rows through post-processing: Cols int8 per row.
  std::vector<std::int8_t> read_rows(std::uint32_t base, int count, std::uint64_t max_cycles = 1000000) {
    std::vector<std::int8_t> out;
    out.reserve(static_cast<std::size_t>(count * cols_));
    int issued = 0;
    bool r_hold = false;
    const std::uint64_t limit = sim_.cycle() + max_cycles;
    while (static_cast<int>(out.size()) < count * cols_) {
      if (sim_.cycle() >= limit) throw std::runtime_error("core read-out did not finish in time");
      const bool r_on = issued < count && (r_hold || !stall());
      dut_.r_valid_i = r_on;
      dut_.r_addr_i = base + static_cast<std::uint32_t>(issued);
      dut_.o_ready_i = !stall();
      sim_.settle();
      const bool r_fire = r_on && dut_.r_ready_o;
      r_hold = r_on && !r_fire;
      if (dut_.o_valid_o && dut_.o_ready_i) {
        for (auto e : get_elems(dut_.o_data_o, static_cast<std::size_t>(cols_), 8)) {
          out.push_back(static_cast<std::int8_t>(e));
        }
      }
      if (r_fire) ++issued;
      sim_.tick();
    }
    dut_.r_valid_i = 0;
    dut_.o_ready_i = 0;
    return out;
  }

 private:
  bool stall() { return stall_ > 0 && std::bernoulli_distribution(stall_)(rng_); }

  Sim<Model>& sim_;
  Model& dut_;
  int rows_, cols_;
  std::mt19937_64 rng_;
  double stall_ = 0.0;
};

}  // namespace abacus::tb
