// Twin: the Verilog parameters of hw_model/rtl/*.v. Field table, validation and named profiles
// of HardwareFormat (see format.hpp and docs/arithmetic.md §1, §7).
//
// This file depends on the standard library only: hw_model/verilated/gen_rtl_params.cpp compiles
// it at configure time to hand the profiles' parameters to Verilator.
#include "core/foundation/register_format.hpp"

#include <array>
#include <stdexcept>

namespace hrsnn::fixed {

namespace {

using F = HardwareFormat;

constexpr FormatField int_field(std::string_view name, std::string_view rtl, int64_t lo, int64_t hi,
                                std::string_view doc, int F::*member) {
  return FormatField{name, rtl, FieldKind::integer, lo, hi, doc, member, nullptr, nullptr, nullptr};
}
constexpr FormatField rounding_field(std::string_view name, std::string_view rtl, std::string_view doc,
                                     Rounding F::*member) {
  return FormatField{name, rtl, FieldKind::rounding, 0, 3, doc, nullptr, member, nullptr, nullptr};
}
constexpr FormatField overflow_field(std::string_view name, std::string_view rtl, std::string_view doc,
                                     Overflow F::*member) {
  return FormatField{name, rtl, FieldKind::overflow, 0, 1, doc, nullptr, nullptr, member, nullptr};
}
constexpr FormatField prng_field(std::string_view name, std::string_view rtl, std::string_view doc,
                                 PrngForm F::*member) {
  return FormatField{name, rtl, FieldKind::prng, 0, 1, doc, nullptr, nullptr, nullptr, member};
}

// The ranges keep every intermediate of docs/arithmetic.md inside int64_t and every random
// slice inside one 32-bit draw (2 * decay_bits <= 32, decay_bits + trace_frac_bits <= 32,
// learn_frac_bits + weight_bits + 1 <= 32); the cross-field rules are in problems().
constexpr std::array kFields{
    int_field("u_bits", "U_BITS", 2, 32, "current u register width (signed)", &F::u_bits),
    overflow_field("u_overflow", "U_OVERFLOW", "current u overflow rule", &F::u_overflow),
    int_field("v_bits", "V_BITS", 2, 32, "voltage v register width (signed)", &F::v_bits),
    overflow_field("v_overflow", "V_OVERFLOW", "voltage v overflow rule", &F::v_overflow),
    int_field("decay_bits", "DECAY_BITS", 1, 16, "du, dv, dx, dy register width and decay shift", &F::decay_bits),
    int_field("du_offset", "DU_OFFSET", 0, 1, "added to du before the u decay (Loihi: 1)", &F::du_offset),
    int_field("dv_offset", "DV_OFFSET", 0, 1, "added to dv before the v decay (Loihi: 0)", &F::dv_offset),
    rounding_field("decay_rounding", "DECAY_ROUNDING", "rounding of the u and v decay products", &F::decay_rounding),
    int_field("act_shift", "ACT_SHIFT", 0, 16, "input a enters u as a << act_shift", &F::act_shift),
    int_field("a_bits", "A_BITS", 2, 32, "dendritic input a register width (signed, after weight_exp)", &F::a_bits),
    overflow_field("a_overflow", "A_OVERFLOW", "dendritic input a overflow rule", &F::a_overflow),
    int_field("dendrite_acc_bits", "DENDRITE_ACC_BITS", 2, 32,
              "raw dendritic weight-sum register width (signed, wraps)", &F::dendrite_acc_bits),
    int_field("vth_bits", "VTH_BITS", 1, 31, "threshold mantissa width (unsigned)", &F::vth_bits),
    int_field("vth_shift", "VTH_SHIFT", 0, 16, "threshold = vth << vth_shift", &F::vth_shift),
    int_field("bias_mant_bits", "BIAS_MANT_BITS", 2, 24, "bias mantissa width (signed)", &F::bias_mant_bits),
    int_field("bias_exp_bits", "BIAS_EXP_BITS", 1, 4, "bias exponent width (unsigned)", &F::bias_exp_bits),
    int_field("ref_bits", "REF_BITS", 1, 16, "refractory counter and t_ref width (unsigned)", &F::ref_bits),
    int_field("weight_bits", "WEIGHT_BITS", 1, 15, "weight mantissa magnitude bits", &F::weight_bits),
    int_field("num_weight_bits", "NUM_WEIGHT_BITS", 1, 15,
              "default per-projection weight precision (drops low mantissa bits)", &F::num_weight_bits),
    int_field("weight_exp_max", "WEIGHT_EXP_MAX", 0, 15, "weight_exp range is [-weight_exp_max, weight_exp_max]",
              &F::weight_exp_max),
    int_field("trace_bits", "TRACE_BITS", 1, 16, "STDP trace width (unsigned, saturating)", &F::trace_bits),
    int_field("trace_frac_bits", "TRACE_FRAC_BITS", 1, 16, "trace impulse fraction width", &F::trace_frac_bits),
    rounding_field("trace_rounding", "TRACE_ROUNDING", "rounding of trace decay and impulse fraction",
                   &F::trace_rounding),
    int_field("learn_frac_bits", "LEARN_FRAC_BITS", 0, 16, "learning accumulator fraction bits (acc = w << n)",
              &F::learn_frac_bits),
    int_field("learn_acc_bits", "LEARN_ACC_BITS", 2, 32, "learning accumulator width (signed, saturating)",
              &F::learn_acc_bits),
    int_field("lr_mant_bits", "LR_MANT_BITS", 1, 16, "per-synapse learning-rate mantissa width (unsigned)",
              &F::lr_mant_bits),
    int_field("lr_exp_max", "LR_EXP_MAX", 0, 16, "learning-rate exponent range is [-learn_frac_bits, lr_exp_max]",
              &F::lr_exp_max),
    rounding_field("weight_rounding", "WEIGHT_ROUNDING", "rounding of the learning accumulator to the weight grid",
                   &F::weight_rounding),
    prng_field("prng", "PRNG_FORM", "random draws: serial xorshift streams or counter-based (per step and index)",
               &F::prng),
};

constexpr std::array<std::string_view, 4> kRoundingNames{"toward_zero", "floor", "nearest", "stochastic"};
constexpr std::array<std::string_view, 2> kOverflowNames{"wrap", "saturate"};
constexpr std::array<std::string_view, 3> kSignModeNames{"excitatory", "inhibitory", "mixed"};
constexpr std::array<std::string_view, 2> kPrngNames{"serial", "counter"};

std::string join_names(std::span<const std::string_view> names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out;
}

std::string value_text(const FormatField& field, int64_t value) {
  if (field.kind == FieldKind::rounding && value >= 0 && value < 4) {
    return std::string(kRoundingNames[static_cast<size_t>(value)]);
  }
  if (field.kind == FieldKind::overflow && value >= 0 && value < 2) {
    return std::string(kOverflowNames[static_cast<size_t>(value)]);
  }
  if (field.kind == FieldKind::prng && value >= 0 && value < 2) {
    return std::string(kPrngNames[static_cast<size_t>(value)]);
  }
  return std::to_string(value);
}

}  // namespace

std::span<const FormatField> format_fields() { return kFields; }

const FormatField* find_format_field(std::string_view name) {
  for (const FormatField& field : kFields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

int64_t field_value(const HardwareFormat& format, const FormatField& field) {
  switch (field.kind) {
    case FieldKind::integer: return format.*field.integer;
    case FieldKind::rounding: return static_cast<int64_t>(format.*field.rounding);
    case FieldKind::overflow: return static_cast<int64_t>(format.*field.overflow);
    case FieldKind::prng: return static_cast<int64_t>(format.*field.prng);
  }
  return 0;
}

void set_field_value(HardwareFormat& format, const FormatField& field, int64_t value) {
  switch (field.kind) {
    case FieldKind::integer: format.*field.integer = static_cast<int>(value); break;
    case FieldKind::rounding: format.*field.rounding = static_cast<Rounding>(value); break;
    case FieldKind::overflow: format.*field.overflow = static_cast<Overflow>(value); break;
    case FieldKind::prng: format.*field.prng = static_cast<PrngForm>(value); break;
  }
}

std::string field_range_text(const FormatField& field) {
  switch (field.kind) {
    case FieldKind::rounding: return "one of " + join_names(kRoundingNames);
    case FieldKind::overflow: return "one of " + join_names(kOverflowNames);
    case FieldKind::prng: return "one of " + join_names(kPrngNames);
    case FieldKind::integer: break;
  }
  return "[" + std::to_string(field.min) + ", " + std::to_string(field.max) + "]";
}

std::string_view to_string(Rounding mode) {
  const auto code = static_cast<size_t>(mode);
  return code < kRoundingNames.size() ? kRoundingNames[code] : "invalid";
}
std::string_view to_string(Overflow rule) {
  const auto code = static_cast<size_t>(rule);
  return code < kOverflowNames.size() ? kOverflowNames[code] : "invalid";
}
std::string_view to_string(SignMode mode) {
  const auto code = static_cast<size_t>(mode);
  return code < kSignModeNames.size() ? kSignModeNames[code] : "invalid";
}
std::string_view to_string(PrngForm form) {
  const auto code = static_cast<size_t>(form);
  return code < kPrngNames.size() ? kPrngNames[code] : "invalid";
}

std::optional<int64_t> parse_field_code(const FormatField& field, std::string_view text) {
  std::span<const std::string_view> names;
  switch (field.kind) {
    case FieldKind::rounding: names = kRoundingNames; break;
    case FieldKind::overflow: names = kOverflowNames; break;
    case FieldKind::prng: names = kPrngNames; break;
    case FieldKind::integer: return std::nullopt;
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == text) return static_cast<int64_t>(i);
  return std::nullopt;
}

std::string field_value_text(const FormatField& field, int64_t value) { return value_text(field, value); }

std::optional<Rounding> parse_rounding(std::string_view text) {
  for (size_t i = 0; i < kRoundingNames.size(); ++i) {
    if (kRoundingNames[i] == text) return static_cast<Rounding>(i);
  }
  return std::nullopt;
}
std::optional<Overflow> parse_overflow(std::string_view text) {
  for (size_t i = 0; i < kOverflowNames.size(); ++i) {
    if (kOverflowNames[i] == text) return static_cast<Overflow>(i);
  }
  return std::nullopt;
}
std::optional<SignMode> parse_sign_mode(std::string_view text) {
  for (size_t i = 0; i < kSignModeNames.size(); ++i) {
    if (kSignModeNames[i] == text) return static_cast<SignMode>(i);
  }
  return std::nullopt;
}

std::vector<std::string> HardwareFormat::problems() const {
  std::vector<std::string> out;
  bool ranges_ok = true;
  for (const FormatField& field : kFields) {
    const int64_t value = field_value(*this, field);
    if (value < field.min || value > field.max) {
      ranges_ok = false;
      out.push_back("hardware." + std::string(field.name) + " = " + value_text(field, value) +
                    " is out of range: expected " + field_range_text(field) + " (" + std::string(field.doc) + ")");
    }
  }
  if (!ranges_ok) return out;  // cross-field rules assume every field is in range

  auto require = [&](bool ok, const std::string& text) {
    if (!ok) out.push_back(text);
  };
  require(num_weight_bits <= weight_bits, "hardware.num_weight_bits = " + std::to_string(num_weight_bits) +
                                              " exceeds hardware.weight_bits = " + std::to_string(weight_bits) +
                                              " (a projection cannot keep more mantissa bits than the register has)");
  require(learn_acc_bits >= weight_bits + 1 + learn_frac_bits,
          "hardware.learn_acc_bits = " + std::to_string(learn_acc_bits) + " is too narrow: expected at least " +
              "weight_bits + 1 + learn_frac_bits = " + std::to_string(weight_bits + 1 + learn_frac_bits) +
              " so that every weight fits the accumulator as w << learn_frac_bits");
  require(dendrite_acc_bits >= weight_bits + 1,
          "hardware.dendrite_acc_bits = " + std::to_string(dendrite_acc_bits) +
              " is too narrow: expected at least weight_bits + 1 = " + std::to_string(weight_bits + 1) +
              " so that one weight fits the dendritic accumulator");
  require(lr_mant_bits + trace_bits + lr_exp_max + learn_frac_bits <= 48,
          "hardware.lr_mant_bits + trace_bits + lr_exp_max + learn_frac_bits = " +
              std::to_string(lr_mant_bits + trace_bits + lr_exp_max + learn_frac_bits) +
              " exceeds 48 (the widest learning product the datapath supports)");
  return out;
}

void HardwareFormat::validate() const {
  const std::vector<std::string> list = problems();
  if (list.empty()) return;
  std::string text = "invalid hardware format:";
  for (const std::string& line : list) text += "\n  " + line;
  throw std::invalid_argument(text);
}

HardwareFormat loihi_format() { return HardwareFormat{}; }

HardwareFormat narrow_format() {
  // Widths after ODIN / tinyODIN / ReckOn (their published RTL): tinyODIN's 12-bit
  // signed saturating membrane, ODIN's 3-bit magnitude + per-neuron sign / tinyODIN's 4-bit
  // weights, 8-bit leak-class decays, ODIN's 8-bit threshold, ReckOn's LFSR stochastic rounding
  // of the leak (with 8-bit decays, toward-zero rounding would bias every time constant).
  HardwareFormat f;
  f.u_bits = 12;
  f.u_overflow = Overflow::saturate;
  f.v_bits = 12;
  f.v_overflow = Overflow::saturate;
  f.decay_bits = 8;
  f.du_offset = 0;
  f.dv_offset = 0;
  f.decay_rounding = Rounding::stochastic;
  f.act_shift = 3;
  f.a_bits = 9;
  f.a_overflow = Overflow::saturate;
  f.dendrite_acc_bits = 12;
  f.vth_bits = 8;
  f.vth_shift = 3;
  f.bias_mant_bits = 6;
  f.bias_exp_bits = 2;
  f.ref_bits = 4;
  f.weight_bits = 4;
  f.num_weight_bits = 4;
  f.weight_exp_max = 3;
  f.trace_bits = 5;
  f.trace_frac_bits = 4;
  f.trace_rounding = Rounding::stochastic;
  f.learn_frac_bits = 4;
  f.learn_acc_bits = 10;
  f.lr_mant_bits = 2;
  f.lr_exp_max = 3;
  f.weight_rounding = Rounding::stochastic;
  return f;
}

HardwareFormat loihi_counter_format() {
  HardwareFormat f = loihi_format();
  f.prng = PrngForm::counter;
  return f;
}

namespace {
const std::array<HardwareProfile, 3>& profile_table() {
  static const std::array<HardwareProfile, 3> table{
      HardwareProfile{"loihi", "Intel Loihi 1 as modelled by Lava PyLifModelBitAcc and nengo-loihi", loihi_format()},
      HardwareProfile{"narrow", "ODIN / tinyODIN-like: 12-bit saturating state, 8-bit decays, 4-bit weights",
                      narrow_format()},
      HardwareProfile{"loihi_counter",
                      "the loihi arithmetic with counter-based random draws (a step shared by threads)",
                      loihi_counter_format()},
  };
  return table;
}
}  // namespace

std::span<const HardwareProfile> hardware_profiles() { return profile_table(); }

const HardwareProfile* find_hardware_profile(std::string_view name) {
  for (const HardwareProfile& profile : profile_table()) {
    if (profile.name == name) return &profile;
  }
  return nullptr;
}

}  // namespace hrsnn::fixed
