// Equivalence harness: the Verilated datapath modules (hw_model/rtl/*.v, wrapped by
// rtl_tests/datapath_top.v) against their C++ twins (core/fixed/datapath.hpp, prng.hpp), exact,
// for one register profile (HRSNN_RTL_PROFILE, one executable per profile).
//
// Phases: directed corners of every module (saturation, wrap, zero, extreme decays, maximum
// impulses, every sign mode and weight precision, forced random words), then random vectors
// with edge values mixed in; each random vector drives all seven modules through one eval().
// The first divergence is printed with every input and both outputs, and the run fails.
//
// Usage: rtl_datapath_<profile> [--vectors N] [--seed S] [--mutate field=value]
// --mutate changes one HardwareFormat field of the C++ reference only (the Verilated model keeps
// its parameters): a self-test that the harness does report a divergence.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "Vdatapath_top.h"
#include "core/fixed/datapath.hpp"
#include "core/fixed/prng.hpp"
#include "hw_model/verilated/rtl_profiles.hpp"
#include "verilated.h"

#ifndef HRSNN_RTL_PROFILE
#error "HRSNN_RTL_PROFILE must name the register profile this executable was verilated for"
#endif

namespace {

using namespace hrsnn::fixed;

// ---- test-side random numbers (SplitMix64; the harness only, not the hardware PRNG) ----

class TestRng {
 public:
  explicit TestRng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return prng_mix64(state_);
  }
  uint32_t word() { return static_cast<uint32_t>(next() >> 32); }
  bool coin() { return (next() >> 63) != 0; }
  // Uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    const auto span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(span == 0 ? next() : next() % span);
  }
  // Uniform in [lo, hi], but one time in four an edge of the range (lo, lo + 1, -1, 0, 1, hi - 1, hi).
  int64_t edgy(int64_t lo, int64_t hi) {
    if (next() % 4 != 0) return range(lo, hi);
    const int64_t edges[] = {lo, lo + 1, -1, 0, 1, hi - 1, hi};
    return saturate(edges[next() % 7], lo, hi);
  }
  int64_t edgy_signed(int bits) { return edgy(-pow2(bits - 1), pow2(bits - 1) - 1); }
  int64_t edgy_unsigned(int bits) { return edgy(0, low_mask(bits)); }
  // A random word, forced to all-zeros or all-ones one time in four (r = 0 rounds up, r = max truncates).
  uint32_t rand_word() {
    const uint64_t pick = next() % 8;
    if (pick == 0) return 0;
    if (pick == 1) return 0xFFFFFFFFU;
    return word();
  }

 private:
  uint64_t state_;
};

// ---- Verilator port access (ports hold the low `bits` of the two's-complement value) ----

template <typename Port>
void put(Port& port, int64_t value, int bits) {
  port = static_cast<Port>(static_cast<uint64_t>(value) & static_cast<uint64_t>(low_mask(bits)));
}
template <typename Port>
int64_t get_signed(const Port& port, int bits) {
  return wrap_bits(static_cast<int64_t>(static_cast<uint64_t>(port)), bits);
}
template <typename Port>
int64_t get_unsigned(const Port& port, int bits) {
  return static_cast<int64_t>(static_cast<uint64_t>(port) & static_cast<uint64_t>(low_mask(bits)));
}

// Sets of corner values.
std::vector<int64_t> signed_corners(int bits) {
  const int64_t lo = -pow2(bits - 1), hi = pow2(bits - 1) - 1;
  return {lo, lo + 1, -1, 0, 1, hi - 1, hi};
}
std::vector<int64_t> unsigned_corners(int bits) { return {0, 1, low_mask(bits) - 1, low_mask(bits)}; }
std::vector<int64_t> decay_corners(int bits) {
  // 0 and max are the extreme decays (no decay / full decay), 2^(d-1) - 1 with du_offset = 1 halves.
  return {0, 1, pow2(bits - 1) - 1, pow2(bits - 1), low_mask(bits) - 1, low_mask(bits)};
}
const uint32_t kRandCorners[] = {0U, 0xFFFFFFFFU, 0x5A5A5A5AU};

// ---- the checker ----

class Harness {
 public:
  Harness(const hrsnn::rtl::RtlProfile& profile, const HardwareFormat& reference, uint64_t seed)
      : profile_(profile), f_(reference), rng_(seed) {
    top_ = new Vdatapath_top{&context_};
  }
  ~Harness() {
    top_->final();
    delete top_;
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // How often the checked vectors reached the behaviours the corners are about.
  struct Coverage {
    uint64_t lif_spikes = 0, lif_refractory = 0, lif_v_at_limit = 0, trace_at_max = 0, weight_at_bound = 0;
  };
  const Coverage& coverage() const { return coverage_; }
  void reset_coverage() { coverage_ = {}; }

  bool failed() const { return failed_; }
  uint64_t evals() const { return evals_; }
  uint64_t checks() const { return checks_; }

  // ---------------- lif_update ----------------
  struct LifIn {
    LifState state;
    LifParams param;
    int32_t a = 0;
    uint32_t rand_word = 0;
  };
  LifIn random_lif() {
    LifIn in;
    in.state.u = static_cast<int32_t>(rng_.edgy_signed(f_.u_bits));
    in.state.v = static_cast<int32_t>(rng_.edgy_signed(f_.v_bits));
    in.state.ref_count = static_cast<uint32_t>(rng_.next() % 4 == 0 ? rng_.edgy_unsigned(f_.ref_bits) : 0);
    in.param.du = static_cast<uint32_t>(rng_.edgy_unsigned(f_.decay_bits));
    in.param.dv = static_cast<uint32_t>(rng_.edgy_unsigned(f_.decay_bits));
    in.param.vth = static_cast<uint32_t>(rng_.edgy_unsigned(f_.vth_bits));
    in.param.bias_mant = static_cast<int32_t>(rng_.edgy_signed(f_.bias_mant_bits));
    in.param.bias_exp = static_cast<uint32_t>(rng_.edgy_unsigned(f_.bias_exp_bits));
    in.param.t_ref = static_cast<uint32_t>(rng_.edgy_unsigned(f_.ref_bits));
    in.a = static_cast<int32_t>(rng_.edgy_signed(f_.a_bits));
    in.rand_word = rng_.rand_word();
    return in;
  }
  void drive(const LifIn& in) {
    put(top_->lif_state_u, in.state.u, f_.u_bits);
    put(top_->lif_state_v, in.state.v, f_.v_bits);
    put(top_->lif_state_ref_count, in.state.ref_count, f_.ref_bits);
    put(top_->lif_param_du, in.param.du, f_.decay_bits);
    put(top_->lif_param_dv, in.param.dv, f_.decay_bits);
    put(top_->lif_param_vth, in.param.vth, f_.vth_bits);
    put(top_->lif_param_bias_mant, in.param.bias_mant, f_.bias_mant_bits);
    put(top_->lif_param_bias_exp, in.param.bias_exp, f_.bias_exp_bits);
    put(top_->lif_param_t_ref, in.param.t_ref, f_.ref_bits);
    put(top_->lif_a, in.a, f_.a_bits);
    put(top_->lif_rand_word, in.rand_word, 32);
  }
  void check(const LifIn& in, uint64_t index) {
    ++checks_;
    const LifOutput want = lif_update(in.state, in.param, in.a, in.rand_word, f_);
    coverage_.lif_spikes += want.spike ? 1U : 0U;
    coverage_.lif_refractory += in.state.ref_count > 0 ? 1U : 0U;
    coverage_.lif_v_at_limit += std::abs(int64_t{want.v_next}) >= pow2(f_.v_bits - 1) - 1 ? 1U : 0U;
    const int64_t u = get_signed(top_->lif_u_next, f_.u_bits);
    const int64_t v = get_signed(top_->lif_v_next, f_.v_bits);
    const int64_t ref = get_unsigned(top_->lif_ref_count_next, f_.ref_bits);
    const bool spike = top_->lif_spike != 0;
    if (u == want.u_next && v == want.v_next && ref == want.ref_count_next && spike == want.spike) return;
    fail("lif_update", index);
    std::printf(
        "  inputs: state.u=%d state.v=%d state.ref_count=%u param.du=%u param.dv=%u param.vth=%u "
        "param.bias_mant=%d param.bias_exp=%u param.t_ref=%u a=%d rand_word=0x%08x\n",
        in.state.u, in.state.v, in.state.ref_count, in.param.du, in.param.dv, in.param.vth, in.param.bias_mant,
        in.param.bias_exp, in.param.t_ref, in.a, in.rand_word);
    std::printf("  C++ : u_next=%d v_next=%d ref_count_next=%u spike=%d\n", want.u_next, want.v_next,
                want.ref_count_next, want.spike ? 1 : 0);
    std::printf("  RTL : u_next=%" PRId64 " v_next=%" PRId64 " ref_count_next=%" PRId64 " spike=%d\n", u, v, ref,
                spike ? 1 : 0);
  }

  // ---------------- trace_update ----------------
  struct TraceIn {
    TraceState state;
    TraceParams param;
    bool spike = false;
    uint32_t rand_word = 0;
  };
  TraceIn random_trace() {
    TraceIn in;
    in.state.x = static_cast<uint32_t>(rng_.edgy_unsigned(f_.trace_bits));
    in.param.dx = static_cast<uint32_t>(rng_.edgy_unsigned(f_.decay_bits));
    in.param.impulse_int = static_cast<uint32_t>(rng_.edgy_unsigned(f_.trace_bits));
    in.param.impulse_frac = static_cast<uint32_t>(rng_.edgy_unsigned(f_.trace_frac_bits));
    in.spike = rng_.coin();
    in.rand_word = rng_.rand_word();
    return in;
  }
  void drive(const TraceIn& in) {
    put(top_->trace_state_x, in.state.x, f_.trace_bits);
    put(top_->trace_param_dx, in.param.dx, f_.decay_bits);
    put(top_->trace_param_impulse_int, in.param.impulse_int, f_.trace_bits);
    put(top_->trace_param_impulse_frac, in.param.impulse_frac, f_.trace_frac_bits);
    top_->trace_spike = in.spike ? 1 : 0;
    put(top_->trace_rand_word, in.rand_word, 32);
  }
  void check(const TraceIn& in, uint64_t index) {
    ++checks_;
    const TraceOutput want = trace_update(in.state, in.param, in.spike, in.rand_word, f_);
    coverage_.trace_at_max += want.x_next == low_mask(f_.trace_bits) ? 1U : 0U;
    const int64_t x = get_unsigned(top_->trace_x_next, f_.trace_bits);
    if (x == want.x_next) return;
    fail("trace_update", index);
    std::printf(
        "  inputs: state.x=%u param.dx=%u param.impulse_int=%u param.impulse_frac=%u spike=%d "
        "rand_word=0x%08x\n",
        in.state.x, in.param.dx, in.param.impulse_int, in.param.impulse_frac, in.spike ? 1 : 0, in.rand_word);
    std::printf("  C++ : x_next=%u\n  RTL : x_next=%" PRId64 "\n", want.x_next, x);
  }

  // ---------------- weight_update ----------------
  struct WeightIn {
    WeightState state;
    SynapseLearnParams param;
    ProjectionParams proj;
    bool pre_spike = false;
    bool post_spike = false;
    uint32_t x_pre = 0;
    uint32_t y_post = 0;
    uint32_t rand_word = 0;
  };
  WeightIn random_weight() {
    WeightIn in;
    in.proj.sign_mode = static_cast<SignMode>(rng_.range(0, 2));
    in.proj.num_weight_bits =
        static_cast<uint32_t>(rng_.next() % 2 == 0 ? f_.weight_bits : rng_.range(1, f_.weight_bits));
    in.proj.eta_plus_exp = static_cast<int32_t>(rng_.edgy(-f_.learn_frac_bits, f_.lr_exp_max));
    in.proj.eta_minus_exp = static_cast<int32_t>(rng_.edgy(-f_.learn_frac_bits, f_.lr_exp_max));
    // Half the time a weight on the projection's grid (what the core stores), else any register value.
    if (rng_.coin()) {
      in.state.w = clip_weight_mantissa(static_cast<int32_t>(rng_.edgy_signed(f_.weight_bits + 1)), in.proj.sign_mode,
                                        in.proj.num_weight_bits, f_);
    } else {
      in.state.w = static_cast<int32_t>(rng_.edgy_signed(f_.weight_bits + 1));
    }
    in.param.eta_plus_mant = static_cast<uint32_t>(rng_.edgy_unsigned(f_.lr_mant_bits));
    in.param.eta_minus_mant = static_cast<uint32_t>(rng_.edgy_unsigned(f_.lr_mant_bits));
    in.pre_spike = rng_.coin();
    in.post_spike = rng_.coin();
    in.x_pre = static_cast<uint32_t>(rng_.edgy_unsigned(f_.trace_bits));
    in.y_post = static_cast<uint32_t>(rng_.edgy_unsigned(f_.trace_bits));
    in.rand_word = rng_.rand_word();
    return in;
  }
  void drive(const WeightIn& in) {
    put(top_->weight_state_w, in.state.w, f_.weight_bits + 1);
    put(top_->weight_param_eta_plus_mant, in.param.eta_plus_mant, f_.lr_mant_bits);
    put(top_->weight_param_eta_minus_mant, in.param.eta_minus_mant, f_.lr_mant_bits);
    put(top_->weight_proj_sign_mode, static_cast<int64_t>(in.proj.sign_mode), 2);
    put(top_->weight_proj_num_weight_bits, in.proj.num_weight_bits, 5);
    put(top_->weight_proj_eta_plus_exp, in.proj.eta_plus_exp, 6);
    put(top_->weight_proj_eta_minus_exp, in.proj.eta_minus_exp, 6);
    top_->weight_pre_spike = in.pre_spike ? 1 : 0;
    top_->weight_post_spike = in.post_spike ? 1 : 0;
    put(top_->weight_x_pre, in.x_pre, f_.trace_bits);
    put(top_->weight_y_post, in.y_post, f_.trace_bits);
    put(top_->weight_rand_word, in.rand_word, 32);
  }
  void check(const WeightIn& in, uint64_t index) {
    ++checks_;
    const WeightOutput want =
        weight_update(in.state, in.param, in.proj, in.pre_spike, in.post_spike, in.x_pre, in.y_post, in.rand_word, f_);
    const int64_t w = get_signed(top_->weight_w_next, f_.weight_bits + 1);
    coverage_.weight_at_bound += (want.w_next == weight_min(in.proj.sign_mode, in.proj.num_weight_bits, f_) ||
                                  want.w_next == weight_max(in.proj.sign_mode, in.proj.num_weight_bits, f_))
                                     ? 1U
                                     : 0U;
    if (w == want.w_next) return;
    fail("weight_update", index);
    std::printf(
        "  inputs: state.w=%d param.eta_plus_mant=%u param.eta_minus_mant=%u proj.sign_mode=%d "
        "proj.num_weight_bits=%u proj.eta_plus_exp=%d proj.eta_minus_exp=%d pre_spike=%d post_spike=%d "
        "x_pre=%u y_post=%u rand_word=0x%08x\n",
        in.state.w, in.param.eta_plus_mant, in.param.eta_minus_mant, static_cast<int>(in.proj.sign_mode),
        in.proj.num_weight_bits, in.proj.eta_plus_exp, in.proj.eta_minus_exp, in.pre_spike ? 1 : 0,
        in.post_spike ? 1 : 0, in.x_pre, in.y_post, in.rand_word);
    std::printf("  C++ : w_next=%d\n  RTL : w_next=%" PRId64 "\n", want.w_next, w);
  }

  // ---------------- clip_weight_mantissa ----------------
  struct ClipIn {
    int32_t w = 0;
    SignMode sign_mode = SignMode::excitatory;
    uint32_t num_weight_bits = 1;
  };
  ClipIn random_clip() {
    ClipIn in;
    in.sign_mode = static_cast<SignMode>(rng_.range(0, 2));
    in.num_weight_bits = static_cast<uint32_t>(rng_.range(1, f_.weight_bits));
    const int64_t span = pow2(f_.weight_bits + 1);
    in.w = static_cast<int32_t>(rng_.coin() ? rng_.edgy(-span, span) : rng_.edgy_signed(32));
    return in;
  }
  void drive(const ClipIn& in) {
    put(top_->clip_w, in.w, 32);
    put(top_->clip_sign_mode, static_cast<int64_t>(in.sign_mode), 2);
    put(top_->clip_num_weight_bits, in.num_weight_bits, 5);
  }
  void check(const ClipIn& in, uint64_t index) {
    ++checks_;
    const int32_t want = clip_weight_mantissa(in.w, in.sign_mode, in.num_weight_bits, f_);
    const int64_t got = get_signed(top_->clip_w_clipped, f_.weight_bits + 1);
    if (got == want) return;
    fail("clip_weight_mantissa", index);
    std::printf("  inputs: w=%d sign_mode=%d num_weight_bits=%u\n  C++ : w_clipped=%d\n  RTL : w_clipped=%" PRId64 "\n",
                in.w, static_cast<int>(in.sign_mode), in.num_weight_bits, want, got);
  }

  // ---------------- apply_weight_exp ----------------
  struct WexpIn {
    int32_t acc = 0;
    int32_t weight_exp = 0;
  };
  WexpIn random_wexp() {
    WexpIn in;
    in.acc = static_cast<int32_t>(rng_.edgy_signed(f_.dendrite_acc_bits));
    in.weight_exp = static_cast<int32_t>(rng_.edgy(-f_.weight_exp_max, f_.weight_exp_max));
    return in;
  }
  void drive(const WexpIn& in) {
    put(top_->wexp_acc, in.acc, f_.dendrite_acc_bits);
    put(top_->wexp_weight_exp, in.weight_exp, 5);
  }
  void check(const WexpIn& in, uint64_t index) {
    ++checks_;
    const int32_t want = apply_weight_exp(in.acc, in.weight_exp, f_);
    const int64_t got = get_signed(top_->wexp_a, f_.a_bits);
    if (got == want) return;
    fail("apply_weight_exp", index);
    std::printf("  inputs: acc=%d weight_exp=%d\n  C++ : a=%d\n  RTL : a=%" PRId64 "\n", in.acc, in.weight_exp, want,
                got);
  }

  // ---------------- accumulate_dendrite ----------------
  struct DaccIn {
    int32_t acc = 0;
    int32_t w = 0;
  };
  DaccIn random_dacc() {
    DaccIn in;
    in.acc = static_cast<int32_t>(rng_.edgy_signed(f_.dendrite_acc_bits));
    in.w = static_cast<int32_t>(rng_.coin() ? rng_.edgy_signed(f_.weight_bits + 1)
                                            : rng_.edgy_signed(f_.dendrite_acc_bits));
    return in;
  }
  void drive(const DaccIn& in) {
    put(top_->dacc_acc, in.acc, f_.dendrite_acc_bits);
    put(top_->dacc_w, in.w, f_.dendrite_acc_bits);
  }
  void check(const DaccIn& in, uint64_t index) {
    ++checks_;
    const int32_t want = accumulate_dendrite(in.acc, in.w, f_);
    const int64_t got = get_signed(top_->dacc_acc_next, f_.dendrite_acc_bits);
    if (got == want) return;
    fail("accumulate_dendrite", index);
    std::printf("  inputs: acc=%d w=%d\n  C++ : acc_next=%d\n  RTL : acc_next=%" PRId64 "\n", in.acc, in.w, want, got);
  }

  // ---------------- prng_next ----------------
  void drive_prng(uint32_t state) { put(top_->prng_state, state, 32); }
  void check_prng(uint32_t state, uint64_t index) {
    ++checks_;
    const uint32_t want = prng_next(state);
    const auto got = static_cast<uint32_t>(top_->prng_state_next);
    if (got == want) return;
    fail("prng_next", index);
    std::printf("  inputs: state=0x%08x\n  C++ : state_next=0x%08x\n  RTL : state_next=0x%08x\n", state, want, got);
  }

  void eval() {
    top_->eval();
    ++evals_;
  }

  // One random vector for every module, one eval.
  void random_round(uint64_t index) {
    const LifIn lif = random_lif();
    const TraceIn trace = random_trace();
    const WeightIn weight = random_weight();
    const ClipIn clip = random_clip();
    const WexpIn wexp = random_wexp();
    const DaccIn dacc = random_dacc();
    const uint32_t prng_state = rng_.word();
    drive(lif);
    drive(trace);
    drive(weight);
    drive(clip);
    drive(wexp);
    drive(dacc);
    drive_prng(prng_state);
    eval();
    check(lif, index);
    check(trace, index);
    check(weight, index);
    check(clip, index);
    check(wexp, index);
    check(dacc, index);
    check_prng(prng_state, index);
  }

  template <typename In>
  void directed(const In& in) {
    if (failed_) return;
    drive(in);
    eval();
    check(in, directed_index_++);
  }

  void directed_lif() {
    for (int64_t u : signed_corners(f_.u_bits)) {
      for (int64_t v : signed_corners(f_.v_bits)) {
        for (int64_t du : decay_corners(f_.decay_bits)) {
          for (int64_t dv : decay_corners(f_.decay_bits)) {
            for (int64_t a : signed_corners(f_.a_bits)) {
              for (int64_t ref : {int64_t{0}, int64_t{1}, low_mask(f_.ref_bits)}) {
                for (uint32_t r : kRandCorners) {
                  LifIn in = random_lif();
                  in.state.u = static_cast<int32_t>(u);
                  in.state.v = static_cast<int32_t>(v);
                  in.state.ref_count = static_cast<uint32_t>(ref);
                  in.param.du = static_cast<uint32_t>(du);
                  in.param.dv = static_cast<uint32_t>(dv);
                  in.a = static_cast<int32_t>(a);
                  in.rand_word = r;
                  directed(in);
                }
              }
            }
          }
        }
      }
    }
    // Threshold and bias extremes: v right at, below and above the threshold, maximal biases.
    for (int64_t vth : unsigned_corners(f_.vth_bits)) {
      for (int64_t bias : signed_corners(f_.bias_mant_bits)) {
        for (int64_t bias_exp : unsigned_corners(f_.bias_exp_bits)) {
          for (int64_t dv : decay_corners(f_.decay_bits)) {
            LifIn in = random_lif();
            in.state.ref_count = 0;
            in.param.vth = static_cast<uint32_t>(vth);
            in.param.bias_mant = static_cast<int32_t>(bias);
            in.param.bias_exp = static_cast<uint32_t>(bias_exp);
            in.param.dv = static_cast<uint32_t>(dv);
            const int64_t thr = shift_left(vth, f_.vth_shift);
            for (int64_t delta : {-1, 0, 1}) {
              in.state.v = static_cast<int32_t>(saturate(thr + delta, -pow2(f_.v_bits - 1), pow2(f_.v_bits - 1) - 1));
              directed(in);
            }
          }
        }
      }
    }
  }

  void directed_trace() {
    const int64_t half_frac = pow2(f_.trace_frac_bits - 1);
    for (int64_t x : unsigned_corners(f_.trace_bits)) {
      for (int64_t dx : decay_corners(f_.decay_bits)) {
        for (int64_t imp : unsigned_corners(f_.trace_bits)) {
          for (int64_t frac : {int64_t{0}, int64_t{1}, half_frac, low_mask(f_.trace_frac_bits)}) {
            for (bool spike : {false, true}) {
              for (uint32_t r : kRandCorners) {
                TraceIn in;
                in.state.x = static_cast<uint32_t>(x);
                in.param.dx = static_cast<uint32_t>(dx);
                in.param.impulse_int = static_cast<uint32_t>(imp);
                in.param.impulse_frac = static_cast<uint32_t>(frac);
                in.spike = spike;
                in.rand_word = r;
                directed(in);
              }
            }
          }
        }
      }
    }
  }

  void directed_weight() {
    for (int repeat = 0; repeat < 4; ++repeat) {
      for (int64_t w : signed_corners(f_.weight_bits + 1)) {
        for (int mode = 0; mode < 3; ++mode) {
          for (int nwb = 1; nwb <= f_.weight_bits; ++nwb) {
            for (int spikes = 0; spikes < 4; ++spikes) {
              for (uint32_t r : kRandCorners) {
                WeightIn in = random_weight();
                in.state.w = static_cast<int32_t>(w);
                in.proj.sign_mode = static_cast<SignMode>(mode);
                in.proj.num_weight_bits = static_cast<uint32_t>(nwb);
                in.pre_spike = (spikes & 1) != 0;
                in.post_spike = (spikes & 2) != 0;
                in.rand_word = r;
                if (repeat == 0) {  // the largest possible learning steps: accumulator saturation
                  in.param.eta_plus_mant = in.param.eta_minus_mant = static_cast<uint32_t>(low_mask(f_.lr_mant_bits));
                  in.x_pre = in.y_post = static_cast<uint32_t>(low_mask(f_.trace_bits));
                  in.proj.eta_plus_exp = in.proj.eta_minus_exp = f_.lr_exp_max;
                } else if (repeat == 1) {  // the smallest: one accumulator LSB
                  in.param.eta_plus_mant = in.param.eta_minus_mant = 1;
                  in.x_pre = in.y_post = 1;
                  in.proj.eta_plus_exp = in.proj.eta_minus_exp = -f_.learn_frac_bits;
                }
                directed(in);
              }
            }
          }
        }
      }
    }
  }

  void directed_clip() {
    const int64_t top = pow2(f_.weight_bits);
    const int64_t values[] = {
        INT32_MIN, INT32_MIN + 1, -top - 1, -top, -top + 1, -top + 2,      -3,       -2, -1, 0, 1, 2,
        3,         top - 2,       top - 1,  top,  top + 1,  INT32_MAX - 1, INT32_MAX};
    for (int64_t w : values) {
      for (int mode = 0; mode < 3; ++mode) {
        for (int nwb = 1; nwb <= f_.weight_bits; ++nwb) {
          ClipIn in;
          in.w = static_cast<int32_t>(w);
          in.sign_mode = static_cast<SignMode>(mode);
          in.num_weight_bits = static_cast<uint32_t>(nwb);
          directed(in);
        }
      }
    }
  }

  void directed_wexp() {
    for (int64_t acc : signed_corners(f_.dendrite_acc_bits)) {
      for (int e = -f_.weight_exp_max; e <= f_.weight_exp_max; ++e) {
        WexpIn in;
        in.acc = static_cast<int32_t>(acc);
        in.weight_exp = e;
        directed(in);
      }
    }
  }

  void directed_dacc() {
    for (int64_t acc : signed_corners(f_.dendrite_acc_bits)) {
      for (int64_t w : signed_corners(f_.dendrite_acc_bits)) {
        DaccIn in;
        in.acc = static_cast<int32_t>(acc);
        in.w = static_cast<int32_t>(w);
        directed(in);
      }
    }
  }

  void directed_prng() {
    for (uint32_t s : {0U, 1U, 0x80000000U, 0xFFFFFFFFU, 0x6A09E667U}) {
      if (failed_) return;
      drive_prng(s);
      eval();
      check_prng(s, directed_index_++);
    }
    // Follow one stream for a while: every state feeds the next draw.
    uint32_t s = prng_seed(1, PrngStream::synapse);
    for (int i = 0; i < 10000 && !failed_; ++i) {
      drive_prng(s);
      eval();
      check_prng(s, directed_index_++);
      s = prng_next(s);
    }
  }

 private:
  void fail(const char* module, uint64_t index) {
    failed_ = true;
    std::printf("MISMATCH [%.*s] %s at vector %" PRIu64 " (%s phase)\n", static_cast<int>(profile_.name.size()),
                profile_.name.data(), module, index, phase_);
  }

 public:
  const char* phase_ = "directed";

 private:
  const hrsnn::rtl::RtlProfile& profile_;
  const HardwareFormat f_;
  TestRng rng_;
  VerilatedContext context_;
  Vdatapath_top* top_ = nullptr;
  Coverage coverage_;
  bool failed_ = false;
  uint64_t evals_ = 0;
  uint64_t checks_ = 0;
  uint64_t directed_index_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string_view profile_name = HRSNN_RTL_PROFILE;
  uint64_t vectors = 0;
  uint64_t seed = 20240601;
  std::string_view mutation;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--vectors" && i + 1 < argc) {
      vectors = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--mutate" && i + 1 < argc) {
      mutation = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--vectors N] [--seed S] [--mutate field=value]\n", argv[0]);
      return 2;
    }
  }

  const auto profiles = hrsnn::rtl::rtl_profiles();
  const hrsnn::rtl::RtlProfile* profile = nullptr;
  for (const auto& p : profiles) {
    if (p.name == profile_name) profile = &p;
  }
  if (profile == nullptr) {
    std::fprintf(stderr, "unknown profile %s\n", HRSNN_RTL_PROFILE);
    return 2;
  }
  if (vectors == 0) vectors = profile->random_vectors;

  HardwareFormat reference = profile->format;
  if (!mutation.empty()) {
    const size_t eq = mutation.find('=');
    const FormatField* field = eq == std::string_view::npos ? nullptr : find_format_field(mutation.substr(0, eq));
    if (field == nullptr) {
      std::fprintf(stderr, "--mutate expects field=value with a HardwareFormat field name\n");
      return 2;
    }
    set_field_value(reference, *field, std::strtoll(std::string(mutation.substr(eq + 1)).c_str(), nullptr, 10));
    std::printf("[%s] self-test: C++ reference mutated (%.*s); a divergence must be reported\n", HRSNN_RTL_PROFILE,
                static_cast<int>(mutation.size()), mutation.data());
  }

  Harness h(*profile, reference, seed);
  const auto t0 = std::chrono::steady_clock::now();
  h.directed_lif();
  h.directed_trace();
  h.directed_weight();
  h.directed_clip();
  h.directed_wexp();
  h.directed_dacc();
  h.directed_prng();
  const uint64_t directed_checks = h.checks();
  const auto t1 = std::chrono::steady_clock::now();
  h.reset_coverage();
  h.phase_ = "random";
  for (uint64_t i = 0; i < vectors && !h.failed(); ++i) h.random_round(i);
  const auto t2 = std::chrono::steady_clock::now();

  const double directed_s = std::chrono::duration<double>(t1 - t0).count();
  const double random_s = std::chrono::duration<double>(t2 - t1).count();
  const uint64_t random_checks = h.checks() - directed_checks;
  std::printf("[%s] directed: %" PRIu64 " vectors in %.2f s; random: %" PRIu64 " rounds x 7 modules = %" PRIu64
              " vectors in %.2f s (%.3g vectors/s, %.3g evals/s)\n",
              HRSNN_RTL_PROFILE, directed_checks, directed_s, vectors, random_checks, random_s,
              random_s > 0 ? static_cast<double>(random_checks) / random_s : 0.0,
              random_s > 0 ? static_cast<double>(vectors) / random_s : 0.0);
  const auto& cov = h.coverage();
  const double n = vectors > 0 ? static_cast<double>(vectors) : 1.0;
  std::printf(
      "[%s] random coverage: lif spikes %.1f%%, refractory %.1f%%, v at +-limit %.1f%%; "
      "trace at max %.1f%%; weight at a sign-mode bound %.1f%%\n",
      HRSNN_RTL_PROFILE, 100.0 * static_cast<double>(cov.lif_spikes) / n,
      100.0 * static_cast<double>(cov.lif_refractory) / n, 100.0 * static_cast<double>(cov.lif_v_at_limit) / n,
      100.0 * static_cast<double>(cov.trace_at_max) / n, 100.0 * static_cast<double>(cov.weight_at_bound) / n);
  if (h.failed()) {
    std::printf("[%s] FAILED: RTL and C++ diverge (first divergence above)\n", HRSNN_RTL_PROFILE);
    return 1;
  }
  std::printf("[%s] PASS: every datapath module equals its C++ twin on every vector\n", HRSNN_RTL_PROFILE);
  return 0;
}
