// The register formats the RTL is verified under, shared by the configure-time parameter
// generator (gen_rtl_params.cpp -> Verilator -G options) and the harness (C++ reference), so the
// Verilated model and its C++ twin always see the same HardwareFormat.
//
// The named profiles of core/foundation/register_format.cpp come first; the cover_* variants are test-only
// formats that exercise every rounding mode and overflow rule and odd or extreme widths, which
// the two named profiles alone leave out (a Verilog parameter is fixed per Verilated model).
// They live here, beside the generator, because the generator prints every profile's parameters
// in one configure-time run for every Verilated model (the core here, the harnesses of rtl_tests/).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/foundation/register_format.hpp"

namespace hrsnn::rtl {

struct RtlProfile {
  std::string_view name;
  fixed::HardwareFormat format;
  uint64_t random_vectors;  // random vectors per datapath module
};

inline std::vector<RtlProfile> rtl_profiles() {
  using fixed::Overflow;
  using fixed::Rounding;
  std::vector<RtlProfile> out;
  for (const fixed::HardwareProfile& profile : fixed::hardware_profiles()) {
    out.push_back({profile.name, profile.format, 1'000'000});
  }

  // Small odd widths; floor decay, nearest traces, floor weights; u saturates, v wraps.
  fixed::HardwareFormat a;
  a.u_bits = 20;
  a.u_overflow = Overflow::saturate;
  a.v_bits = 18;
  a.v_overflow = Overflow::wrap;
  a.decay_bits = 10;
  a.du_offset = 0;
  a.dv_offset = 1;
  a.decay_rounding = Rounding::floor;
  a.act_shift = 4;
  a.a_bits = 14;
  a.a_overflow = Overflow::saturate;
  a.dendrite_acc_bits = 13;
  a.vth_bits = 12;
  a.vth_shift = 5;
  a.bias_mant_bits = 9;
  a.bias_exp_bits = 2;
  a.ref_bits = 3;
  a.weight_bits = 6;
  a.num_weight_bits = 5;
  a.weight_exp_max = 5;
  a.trace_bits = 9;
  a.trace_frac_bits = 6;
  a.trace_rounding = Rounding::nearest;
  a.learn_frac_bits = 6;
  a.learn_acc_bits = 14;
  a.lr_mant_bits = 5;
  a.lr_exp_max = 6;
  a.weight_rounding = Rounding::floor;
  out.push_back({"cover_a", a, 1'000'000});

  // Wide registers; nearest decay, floor traces, nearest weights; a and u wrap, both offsets 1.
  fixed::HardwareFormat b;
  b.u_bits = 28;
  b.u_overflow = Overflow::wrap;
  b.v_bits = 30;
  b.v_overflow = Overflow::saturate;
  b.decay_bits = 16;
  b.du_offset = 1;
  b.dv_offset = 1;
  b.decay_rounding = Rounding::nearest;
  b.act_shift = 8;
  b.a_bits = 24;
  b.a_overflow = Overflow::wrap;
  b.dendrite_acc_bits = 32;
  b.vth_bits = 24;
  b.vth_shift = 4;
  b.bias_mant_bits = 16;
  b.bias_exp_bits = 4;
  b.ref_bits = 10;
  b.weight_bits = 12;
  b.num_weight_bits = 12;
  b.weight_exp_max = 15;
  b.trace_bits = 12;
  b.trace_frac_bits = 12;
  b.trace_rounding = Rounding::floor;
  b.learn_frac_bits = 10;
  b.learn_acc_bits = 24;
  b.lr_mant_bits = 8;
  b.lr_exp_max = 12;
  b.weight_rounding = Rounding::nearest;
  out.push_back({"cover_b", b, 1'000'000});

  // Extreme widths (32-bit state, 16-bit decays and traces, 1-bit refractory counter); stochastic
  // everywhere except toward-zero weights; no learning fraction at all.
  fixed::HardwareFormat c;
  c.u_bits = 32;
  c.u_overflow = Overflow::saturate;
  c.v_bits = 32;
  c.v_overflow = Overflow::wrap;
  c.decay_bits = 16;
  c.du_offset = 0;
  c.dv_offset = 0;
  c.decay_rounding = Rounding::stochastic;
  c.act_shift = 0;
  c.a_bits = 32;
  c.a_overflow = Overflow::saturate;
  c.dendrite_acc_bits = 24;
  c.vth_bits = 31;
  c.vth_shift = 0;
  c.bias_mant_bits = 24;
  c.bias_exp_bits = 1;
  c.ref_bits = 1;
  c.weight_bits = 15;
  c.num_weight_bits = 1;
  c.weight_exp_max = 0;
  c.trace_bits = 16;
  c.trace_frac_bits = 16;
  c.trace_rounding = Rounding::stochastic;
  c.learn_frac_bits = 0;
  c.learn_acc_bits = 32;
  c.lr_mant_bits = 16;
  c.lr_exp_max = 16;
  c.weight_rounding = Rounding::toward_zero;
  out.push_back({"cover_c", c, 1'000'000});
  return out;
}

}  // namespace hrsnn::rtl
