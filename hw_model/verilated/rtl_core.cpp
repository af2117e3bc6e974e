// Driver of the Verilated neuron core; see rtl_core.hpp. The load layout written here is the one
// neuron_core.v's header describes (synapses of all projections back to back, row and column
// pointer tables with a base per projection, one dendrite bank per projection).
#include "hw_model/verilated/rtl_core.hpp"

#include "Vneuron_core_loihi.h"
#include "Vneuron_core_loihi___024root.h"
#include "Vneuron_core_loihi_counter.h"
#include "Vneuron_core_loihi_counter___024root.h"
#include "Vneuron_core_narrow.h"
#include "Vneuron_core_narrow___024root.h"
#include "core/fixed/prng.hpp"
#include "core/foundation/register_format.hpp"
#include "verilated.h"
#include "verilated_vcd_c.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#if !defined(HRSNN_RTL_CORE_NEURONS_LOG2) || !defined(HRSNN_RTL_CORE_SYNAPSES_LOG2) || \
    !defined(HRSNN_RTL_CORE_PROJECTIONS) || !defined(HRSNN_RTL_CORE_RING_LOG2)
#error "hw_model/verilated/CMakeLists.txt passes the core's memory sizes (HRSNN_RTL_CORE_*)"
#endif

namespace hrsnn::rtl {

namespace {

using fixed::HardwareFormat;

constexpr uint32_t kNeuronBits = HRSNN_RTL_CORE_NEURONS_LOG2;
constexpr uint32_t kSynapseBits = HRSNN_RTL_CORE_SYNAPSES_LOG2;
constexpr uint32_t kProjections = HRSNN_RTL_CORE_PROJECTIONS;
constexpr uint32_t kRingBits = HRSNN_RTL_CORE_RING_LOG2;

// neuron_core.v: PA = max(1, clog2(P)); pointer tables have 2^(NA + PA + 1) entries.
constexpr uint32_t projection_bits() {
  uint32_t bits = 0;
  while ((uint32_t{1} << bits) < kProjections) ++bits;
  return bits > 0 ? bits : 1;
}
constexpr uint32_t kPointerBits = kNeuronBits + projection_bits() + 1;

// neuron_core.v: SEL_PROJ fields (load_addr = p * 16 + field) and SEL_GLOBAL registers.
enum ProjField : uint32_t {
  pf_pre_first = 0,
  pf_pre_size = 1,
  pf_post_first = 2,
  pf_post_size = 3,
  pf_row_base = 4,
  pf_col_base = 5,
  pf_delay = 6,
  pf_plastic = 7,
  pf_sign_mode = 8,
  pf_num_weight_bits = 9,
  pf_weight_exp = 10,
  pf_eta_plus_exp = 11,
  pf_eta_minus_exp = 12,
};
enum GlobalReg : uint32_t {
  gr_n_neurons = 0,
  gr_n_projections = 1,
  gr_x_impulse_int = 2,
  gr_x_impulse_frac = 3,
  gr_y_impulse_int = 4,
  gr_y_impulse_frac = 5,
  gr_prng_soma = 6,
  gr_prng_trace = 7,
  gr_prng_synapse = 8,
  gr_slot_now = 9,
  gr_step = 10,
};

uint64_t low_bits(int64_t value, int bits) {
  return static_cast<uint64_t>(value) & static_cast<uint64_t>(fixed::low_mask(bits));
}

struct VerilatedProfile {
  const char* name;
  HardwareFormat format;
};

std::vector<VerilatedProfile> verilated_profiles() {
  std::vector<VerilatedProfile> out;
  for (const char* name : {"loihi", "narrow", "loihi_counter"}) {
    const fixed::HardwareProfile* p = fixed::find_hardware_profile(name);
    if (p == nullptr) throw std::logic_error(fmt::format("RTL core profile '{}' is not a hardware profile", name));
    out.push_back({name, p->format});
  }
  return out;
}

// The fields in which `want` differs from `have`, e.g. "lr_mant_bits (8 here, 4 in the RTL)".
std::vector<std::string> format_differences(const HardwareFormat& want, const HardwareFormat& have) {
  std::vector<std::string> diffs;
  for (const fixed::FormatField& f : fixed::format_fields()) {
    const int64_t a = fixed::field_value(want, f), b = fixed::field_value(have, f);
    if (a != b) diffs.push_back(fmt::format("{} ({} here, {} in the RTL)", f.name, a, b));
  }
  return diffs;
}

}  // namespace

// ---- the Verilated model behind a profile-independent interface ------------------------------

enum class Memory { u, v, ref_count, x, y, w };

class RtlCore::Model {
 public:
  virtual ~Model() = default;
  virtual void load(LoadSel sel, uint32_t addr, uint64_t data) = 0;
  // start, then clock until idle; the spikes seen on the spike port are appended to `spikes`.
  virtual void run_step(std::vector<uint32_t>& spikes) = 0;
  virtual uint64_t read(Memory memory, uint64_t addr) const = 0;
  virtual EventCounts counts() const = 0;
  virtual uint32_t prng(fixed::PrngStream stream) const = 0;
  virtual uint64_t cycles() const = 0;
  virtual void open_vcd(const std::string& path) = 0;
  virtual void close_vcd() = 0;
};

namespace {

template <typename V>
class VerilatedCore final : public RtlCore::Model {
 public:
  VerilatedCore() : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->traceEverOn(true);
    top_ = std::make_unique<V>(ctx_.get(), "neuron_core");
    top_->clk = 0;
    top_->rst = 1;
    top_->start = 0;
    top_->load_we = 0;
    top_->eval();
    cycle();
    top_->rst = 0;
  }
  ~VerilatedCore() override {
    close_vcd();
    top_->final();
  }

  void load(LoadSel sel, uint32_t addr, uint64_t data) override {
    top_->load_we = 1;
    top_->load_sel = static_cast<uint8_t>(sel);
    top_->load_addr = addr;
    top_->load_data = data;
    cycle();
    top_->load_we = 0;
  }

  void run_step(std::vector<uint32_t>& spikes) override {
    top_->start = 1;
    cycle();
    top_->start = 0;
    while (top_->busy) {
      cycle();
      if (top_->spike_valid) spikes.push_back(top_->spike_id);
    }
  }

  uint64_t read(Memory memory, uint64_t addr) const override {
    const auto* r = top_->rootp;
    switch (memory) {
      case Memory::u: return r->neuron_core__DOT__u_ram__DOT__mem[addr];
      case Memory::v: return r->neuron_core__DOT__v_ram__DOT__mem[addr];
      case Memory::ref_count: return r->neuron_core__DOT__ref_ram__DOT__mem[addr];
      case Memory::x: return r->neuron_core__DOT__x_ram__DOT__mem[addr];
      case Memory::y: return r->neuron_core__DOT__y_ram__DOT__mem[addr];
      case Memory::w: return r->neuron_core__DOT__syn_w_ram__DOT__mem[addr];
    }
    return 0;
  }

  EventCounts counts() const override {
    EventCounts c;
    c.neuron_updates_active = top_->count_neuron_updates_active;
    c.neuron_updates_idle = top_->count_neuron_updates_idle;
    c.spikes = top_->count_spikes;
    c.synaptic_events = top_->count_synaptic_events;
    c.trace_updates = top_->count_trace_updates;
    c.plastic_updates = top_->count_plastic_updates;
    c.weight_reads = top_->count_weight_reads;
    c.weight_writes = top_->count_weight_writes;
    c.state_reads = top_->count_state_reads;
    c.state_writes = top_->count_state_writes;
    return c;
  }

  uint32_t prng(fixed::PrngStream stream) const override {
    switch (stream) {
      case fixed::PrngStream::soma: return top_->prng_soma_state;
      case fixed::PrngStream::trace: return top_->prng_trace_state;
      case fixed::PrngStream::synapse: return top_->prng_synapse_state;
    }
    return 0;
  }

  uint64_t cycles() const override { return cycles_; }

  void open_vcd(const std::string& path) override {
    close_vcd();
    vcd_ = std::make_unique<VerilatedVcdC>();
    top_->trace(vcd_.get(), 99);
    vcd_->open(path.c_str());
    if (!vcd_->isOpen()) {
      vcd_.reset();
      throw std::runtime_error(fmt::format("cannot open VCD file {}", path));
    }
    vcd_->dump(2 * cycles_);
  }

  void close_vcd() override {
    if (vcd_) vcd_->close();
    vcd_.reset();
  }

 private:
  // One clock cycle: rising edge (registers and memories update), then falling edge.
  void cycle() {
    top_->clk = 1;
    top_->eval();
    if (vcd_) vcd_->dump(2 * cycles_ + 1);
    top_->clk = 0;
    top_->eval();
    ++cycles_;
    if (vcd_) vcd_->dump(2 * cycles_);
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<V> top_;
  std::unique_ptr<VerilatedVcdC> vcd_;
  uint64_t cycles_ = 0;
};

}  // namespace

// ---- capacity and fit -----------------------------------------------------------------------

CoreCapacity core_capacity() {
  CoreCapacity c;
  c.neurons = uint32_t{1} << kNeuronBits;
  c.synapses = uint64_t{1} << kSynapseBits;
  c.projections = kProjections;
  c.ring_slots = uint32_t{1} << kRingBits;
  c.pointer_entries = uint64_t{1} << kPointerBits;
  return c;
}

std::vector<std::string> core_profiles() {
  std::vector<std::string> out;
  for (const auto& p : verilated_profiles()) out.emplace_back(p.name);
  return out;
}

std::string core_profile_for(const HardwareFormat& format) {
  for (const auto& p : verilated_profiles())
    if (p.format == format) return p.name;
  return "";
}

std::vector<std::string> core_fit_problems(const Network& net, const fixed::RegisterImage& image) {
  std::vector<std::string> problems;
  if (core_profile_for(image.format).empty()) {
    // Name the nearest Verilated profile and what differs from it.
    std::string nearest;
    std::vector<std::string> fewest;
    for (const auto& p : verilated_profiles()) {
      std::vector<std::string> d = format_differences(image.format, p.format);
      if (nearest.empty() || d.size() < fewest.size()) {
        nearest = p.name;
        fewest = std::move(d);
      }
    }
    problems.push_back(
        fmt::format("the register format matches no profile the RTL core was Verilated for ({}); "
                    "the nearest, '{}', differs in {}",
                    fmt::join(core_profiles(), ", "), nearest, fmt::join(fewest, ", ")));
  }
  const CoreCapacity cap = core_capacity();
  if (net.size() == 0 || net.size() > cap.neurons)
    problems.push_back(fmt::format("{} neurons: the core holds 1 to {}", net.size(), cap.neurons));
  if (net.projections.size() > cap.projections)
    problems.push_back(
        fmt::format("{} projections: the core has {} projection registers", net.projections.size(), cap.projections));
  uint64_t synapses = 0, plastic = 0, rows = 0, cols = 0;
  for (const Projection& p : net.projections) {
    synapses += p.synapse_count();
    rows += uint64_t{p.pre_size} + 1;
    if (p.plastic) {
      plastic += p.synapse_count();
      cols += uint64_t{p.post_size} + 1;
    }
    if (p.delay_steps < 1 || p.delay_steps >= cap.ring_slots)
      problems.push_back(fmt::format("projection '{}': delay {} steps: the core's delay ring allows 1 to {}", p.name,
                                     p.delay_steps, cap.ring_slots - 1));
  }
  if (synapses > cap.synapses)
    problems.push_back(fmt::format("{} synapses: the core's synapse memory holds {}", synapses, cap.synapses));
  if (plastic > cap.synapses)
    problems.push_back(fmt::format("{} plastic synapses: the core's column memory holds {}", plastic, cap.synapses));
  if (rows > cap.pointer_entries || cols > cap.pointer_entries)
    problems.push_back(fmt::format("row / column pointer tables need {} / {} entries: the core has {}", rows, cols,
                                   cap.pointer_entries));
  if (image.lif.size() != net.size() || image.projections.size() != net.projections.size())
    problems.push_back("register image does not match the network (quantize it from this network)");
  return problems;
}

// ---- RtlCore ----------------------------------------------------------------------------------

RtlCore::RtlCore(const Network& net, const fixed::RegisterImage& image, const InputSignal* signal)
    : net_(net), img_(image), fmt_(image.format), encoder_(net.input, signal, net.seed) {
  fixed::check_input_port(net, image, signal);
  const std::vector<std::string> problems = core_fit_problems(net, image);
  if (!problems.empty())
    throw std::invalid_argument(
        fmt::format("the network does not fit the RTL core:\n  {}", fmt::join(problems, "\n  ")));
  profile_ = core_profile_for(fmt_);
  if (profile_ == "loihi") {
    model_ = std::make_unique<VerilatedCore<Vneuron_core_loihi>>();
  } else if (profile_ == "loihi_counter") {
    model_ = std::make_unique<VerilatedCore<Vneuron_core_loihi_counter>>();
  } else {
    model_ = std::make_unique<VerilatedCore<Vneuron_core_narrow>>();
  }
  const uint32_t n = net.size();
  external_.assign(n, 0);
  input_sum_.assign(n, 0);
  input_events_.assign(n, 0);
  spiked_.reserve(n);
  load_network();
}

RtlCore::~RtlCore() = default;

void RtlCore::load(LoadSel sel, uint32_t addr, uint64_t data) { model_->load(sel, addr, data); }

void RtlCore::load_network() {
  const uint32_t n = net_.size();
  const CoreCapacity cap = core_capacity();
  auto put = [this](LoadSel sel, uint64_t addr, uint64_t data) { load(sel, static_cast<uint32_t>(addr), data); };

  // Per neuron: parameters, zero state, zero traces, no input.
  for (uint32_t i = 0; i < n; ++i) {
    const fixed::LifParams& lp = img_.lif[i];
    put(LoadSel::du, i, lp.du);
    put(LoadSel::dv, i, lp.dv);
    put(LoadSel::vth, i, lp.vth);
    put(LoadSel::bias_mant, i, low_bits(lp.bias_mant, fmt_.bias_mant_bits));
    put(LoadSel::bias_exp, i, lp.bias_exp);
    put(LoadSel::t_ref, i, lp.t_ref);
    put(LoadSel::u, i, 0);
    put(LoadSel::v, i, 0);
    put(LoadSel::ref_count, i, 0);
    put(LoadSel::x, i, 0);
    put(LoadSel::y, i, 0);
    put(LoadSel::dx, i, img_.dx[i]);
    put(LoadSel::dy, i, img_.dy[i]);
    put(LoadSel::has_trace, i, (img_.has_x[i] ? 1u : 0u) | (img_.has_y[i] ? 2u : 0u));
    put(LoadSel::ext, i, 0);
  }

  // Synapses of all projections back to back; the row and column pointer tables.
  const int w_bits = fmt_.weight_bits + 1;
  uint64_t syn_cursor = 0, row_cursor = 0, col_cursor = 0, entry_cursor = 0;
  syn_base_.assign(net_.projections.size(), 0);
  for (size_t p = 0; p < net_.projections.size(); ++p) {
    const Projection& pr = net_.projections[p];
    const fixed::ProjectionImage& pi = img_.projections[p];
    const uint64_t base = syn_cursor;
    syn_base_[p] = base;
    for (uint64_t s = 0; s < pr.synapse_count(); ++s) {
      put(LoadSel::syn_post, base + s, pr.post[s]);
      put(LoadSel::syn_w, base + s, low_bits(pi.w[s], w_bits));
      const uint64_t lr =
          pr.plastic ? (uint64_t{pi.lr[s].eta_minus_mant} << fmt_.lr_mant_bits) | pi.lr[s].eta_plus_mant : 0;
      put(LoadSel::syn_lr, base + s, lr);
    }
    syn_cursor += pr.synapse_count();

    const uint64_t row_base = row_cursor;
    for (uint32_t lj = 0; lj <= pr.pre_size; ++lj) put(LoadSel::row_ptr, row_base + lj, base + pr.row_offset[lj]);
    row_cursor += uint64_t{pr.pre_size} + 1;

    uint64_t col_base = 0;
    if (pr.plastic) {
      col_base = col_cursor;
      for (uint32_t li = 0; li <= pr.post_size; ++li)
        put(LoadSel::col_ptr, col_base + li, entry_cursor + pr.col_offset[li]);
      for (size_t c = 0; c < pr.col_synapse.size(); ++c) {
        put(LoadSel::col_syn, entry_cursor + c, base + pr.col_synapse[c]);
        put(LoadSel::col_pre, entry_cursor + c, pr.col_pre[c]);
      }
      col_cursor += uint64_t{pr.post_size} + 1;
      entry_cursor += pr.col_synapse.size();
    }

    const uint32_t a = static_cast<uint32_t>(p) * 16;
    put(LoadSel::projection, a + pf_pre_first, pr.pre_first);
    put(LoadSel::projection, a + pf_pre_size, pr.pre_size);
    put(LoadSel::projection, a + pf_post_first, pr.post_first);
    put(LoadSel::projection, a + pf_post_size, pr.post_size);
    put(LoadSel::projection, a + pf_row_base, row_base);
    put(LoadSel::projection, a + pf_col_base, col_base);
    put(LoadSel::projection, a + pf_delay, pr.delay_steps);
    put(LoadSel::projection, a + pf_plastic, pr.plastic && !pi.lr.empty() ? 1 : 0);
    put(LoadSel::projection, a + pf_sign_mode, static_cast<uint64_t>(pi.params.sign_mode));
    put(LoadSel::projection, a + pf_num_weight_bits, pi.params.num_weight_bits);
    put(LoadSel::projection, a + pf_weight_exp, low_bits(pi.params.weight_exp, 5));
    put(LoadSel::projection, a + pf_eta_plus_exp, low_bits(pi.params.eta_plus_exp, 6));
    put(LoadSel::projection, a + pf_eta_minus_exp, low_bits(pi.params.eta_minus_exp, 6));
  }

  // Every dendrite bank slot starts at 0 (banks of unused projections included: they are summed).
  const uint64_t bank_words = uint64_t{1} << (kRingBits + kNeuronBits);
  for (uint32_t bank = 0; bank < cap.projections; ++bank)
    for (uint64_t w = 0; w < bank_words; ++w)
      put(LoadSel::dendrite, (uint64_t{bank} << (kRingBits + kNeuronBits)) | w, 0);

  put(LoadSel::global, gr_n_neurons, n);
  put(LoadSel::global, gr_n_projections, net_.projections.size());
  put(LoadSel::global, gr_x_impulse_int, img_.x_impulse.impulse_int);
  put(LoadSel::global, gr_x_impulse_frac, img_.x_impulse.impulse_frac);
  put(LoadSel::global, gr_y_impulse_int, img_.y_impulse.impulse_int);
  put(LoadSel::global, gr_y_impulse_frac, img_.y_impulse.impulse_frac);
  put(LoadSel::global, gr_prng_soma, fixed::prng_seed(net_.seed, fixed::PrngStream::soma));
  put(LoadSel::global, gr_prng_trace, fixed::prng_seed(net_.seed, fixed::PrngStream::trace));
  put(LoadSel::global, gr_prng_synapse, fixed::prng_seed(net_.seed, fixed::PrngStream::synapse));
  put(LoadSel::global, gr_slot_now, 0);
  put(LoadSel::global, gr_step, 0);
}

// The step's external input per neuron, as FixedSimulator::step computes it (its step 1, before
// the projection sums): the input port's encoder drive through the integer input weights, rounded
// and shifted by the input exponent, plus the probe input. The core adds the projection sums.
void RtlCore::load_input() {
  const uint32_t n = net_.size();
  std::fill(input_sum_.begin(), input_sum_.end(), 0);
  std::fill(input_events_.begin(), input_events_.end(), 0);
  if (encoder_.drive(t_, drive_)) {
    const InputWiring& iw = net_.input;
    const bool spiking_input = iw.encoder != EncoderKind::Current;
    for (uint32_t i = 0; i < n; ++i) {
      double sum = 0.0;
      for (uint64_t e = iw.offset[i]; e < iw.offset[i + 1]; ++e) {
        const double d = drive_[iw.channel[e]];
        if (d != 0.0) {
          sum += img_.input_w[e] * d;
          if (spiking_input) ++input_events_[i];
        }
      }
      const int64_t in = std::llround(sum);
      input_sum_[i] = img_.input_weight_exp >= 0 ? fixed::shift_left(in, img_.input_weight_exp)
                                                 : fixed::shift_right_floor(in, -img_.input_weight_exp);
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    input_sum_[i] += external_[i];
    external_[i] = 0;
    if (input_sum_[i] == 0 && input_events_[i] == 0) continue;
    if (input_sum_[i] < std::numeric_limits<int32_t>::min() || input_sum_[i] > std::numeric_limits<int32_t>::max())
      throw std::runtime_error(
          fmt::format("step {}: neuron {}: external input {} does not fit the core's 32-bit "
                      "input word",
                      t_, i, input_sum_[i]));
    load(LoadSel::ext, i, (uint64_t{input_events_[i]} << 32) | low_bits(input_sum_[i], 32));
  }
}

void RtlCore::step() {
  load_input();
  spiked_.clear();
  const uint64_t before = model_->cycles();
  model_->run_step(spiked_);
  step_cycles_ += model_->cycles() - before;
  ++t_;
}

void RtlCore::run(uint64_t steps) {
  for (uint64_t k = 0; k < steps; ++k) step();
}

void RtlCore::open_vcd(const std::string& path) { model_->open_vcd(path); }
void RtlCore::close_vcd() { model_->close_vcd(); }

uint64_t RtlCore::cycles() const { return model_->cycles(); }

fixed::LifState RtlCore::lif_state(uint32_t neuron) const {
  fixed::LifState s;
  s.u = static_cast<int32_t>(fixed::wrap_bits(static_cast<int64_t>(model_->read(Memory::u, neuron)), fmt_.u_bits));
  s.v = static_cast<int32_t>(fixed::wrap_bits(static_cast<int64_t>(model_->read(Memory::v, neuron)), fmt_.v_bits));
  s.ref_count = static_cast<uint32_t>(model_->read(Memory::ref_count, neuron));
  return s;
}

uint32_t RtlCore::x(uint32_t neuron) const { return static_cast<uint32_t>(model_->read(Memory::x, neuron)); }
uint32_t RtlCore::y(uint32_t neuron) const { return static_cast<uint32_t>(model_->read(Memory::y, neuron)); }

int32_t RtlCore::weight(size_t projection, uint64_t synapse) const {
  const auto word = static_cast<int64_t>(model_->read(Memory::w, synapse_address(projection, synapse)));
  return static_cast<int32_t>(fixed::wrap_bits(word, fmt_.weight_bits + 1));
}

EventCounts RtlCore::counts() const { return model_->counts(); }
uint32_t RtlCore::soma_prng() const { return model_->prng(fixed::PrngStream::soma); }
uint32_t RtlCore::trace_prng() const { return model_->prng(fixed::PrngStream::trace); }
uint32_t RtlCore::synapse_prng() const { return model_->prng(fixed::PrngStream::synapse); }

}  // namespace hrsnn::rtl
