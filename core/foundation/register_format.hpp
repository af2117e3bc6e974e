// Twin: the Verilog parameters of hw_model/rtl/*.v (U_BITS, DECAY_ROUNDING, ...). The register
// format of the fixed-point core: every width, shift, offset, rounding mode and overflow rule of
// docs/arithmetic.md is one field here, with its default = the `loihi` profile. The
// RTL gets its parameters from this struct only: hw_model/verilated/gen_rtl_params.cpp prints them
// at configure time (see format_fields()), so C++ and Verilog widths never have two copies.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hrsnn::fixed {

// How a right shift by n bits (a division by 2^n) rounds. Codes are the Verilog parameter
// values (DECAY_ROUNDING, TRACE_ROUNDING, WEIGHT_ROUNDING).
enum class Rounding : uint8_t {
  toward_zero = 0,  // sign-magnitude truncation: Loihi's decay (tzr)
  floor = 1,        // arithmetic shift right (asr)
  nearest = 2,      // to nearest, ties away from zero (sign-magnitude, symmetric in sign)
  stochastic = 3,   // magnitude rounded up iff its dropped fraction > r (n random bits)
};

// What a register does with a value outside its range. Codes are the Verilog parameter values.
enum class Overflow : uint8_t {
  wrap = 0,      // two's complement: keep the low bits
  saturate = 1,  // clamp to the symmetric range [-(2^(b-1) - 1), 2^(b-1) - 1] (Loihi's v)
};

// How the core's random draws are generated (docs/arithmetic.md §5). Codes are the Verilog
// parameter values (PRNG_FORM).
enum class PrngForm : uint8_t {
  serial = 0,   // three xorshift32 streams, each consumed in the step's serial order
  counter = 1,  // a draw is a hash of (stream key, step, index): no order, so threads share a step
};

// Sign mode of a projection's weights (Lava's SignMode). Codes are the Verilog port values.
enum class SignMode : uint8_t {
  excitatory = 0,  // mantissa in [0, 2^weight_bits - 1]
  inhibitory = 1,  // mantissa in [-(2^weight_bits - 1), 0]
  mixed = 2,       // mantissa in [-2^weight_bits, 2^weight_bits - 1], LSB dropped (even values)
};

struct HardwareFormat {
  // ---- neuron (compartment) registers ----
  int u_bits = 24;                                  // current u: signed register width (Lava uv_bitwidth)
  Overflow u_overflow = Overflow::wrap;             // Loihi wraps u (nengo-loihi overflow_signed, chip-validated)
  int v_bits = 24;                                  // voltage v: signed register width
  Overflow v_overflow = Overflow::saturate;         // Lava clamps v to +-(2^23 - 1)
  int decay_bits = 12;                              // du, dv, dx, dy registers and the decay shift (4096 = unity)
  int du_offset = 1;                                // effective u decay = du + 1 (Lava ds_offset: du = 4095 zeroes u)
  int dv_offset = 0;                                // effective v decay = dv + 0 (Lava dm_offset)
  Rounding decay_rounding = Rounding::toward_zero;  // u and v decay products (Lava tzr)
  int act_shift = 6;                                // the dendritic input a enters u as a << act_shift
  int a_bits = 16;                                  // dendritic input a (after weight_exp): signed width
  Overflow a_overflow = Overflow::wrap;             // a wraps (nengo q0: 22-bit wrap = 16 bits + act_shift)
  int dendrite_acc_bits = 24;                       // raw per-neuron weight sum before weight_exp; always wraps
  int vth_bits = 17;                                // threshold mantissa vth: unsigned width
  int vth_shift = 6;                                // threshold is vth << vth_shift, compared strictly (v > thr)
  int bias_mant_bits = 13;                          // bias mantissa: signed width
  int bias_exp_bits = 3;                            // bias exponent: unsigned width (0..7), bias = mant << exp
  int ref_bits = 6;                                 // refractory counter and t_ref: unsigned width (0..63)

  // ---- synapses ----
  int weight_bits = 8;      // weight mantissa magnitude bits (register holds weight_bits + 1 signed)
  int num_weight_bits = 8;  // default per-projection mantissa precision (<= weight_bits; drops LSBs)
  int weight_exp_max = 7;   // per-projection weight_exp in [-weight_exp_max, weight_exp_max]

  // ---- STDP traces x (pre) and y (post) ----
  int trace_bits = 7;                              // unsigned, saturating at 2^trace_bits - 1
  int trace_frac_bits = 8;                         // impulse fraction width (1/256 units)
  Rounding trace_rounding = Rounding::stochastic;  // trace decay and impulse fraction

  // ---- weight update (learning engine) ----
  int learn_frac_bits = 7;  // accumulator fraction: acc = w << learn_frac_bits
  int learn_acc_bits = 16;  // signed learning accumulator, saturating (full two's-complement range)
  int lr_mant_bits = 4;     // per-synapse learning-rate mantissas eta_plus_mant, eta_minus_mant (unsigned)
  int lr_exp_max = 8;       // per-projection learning-rate exponents in [-learn_frac_bits, lr_exp_max]
  Rounding weight_rounding = Rounding::stochastic;  // accumulator back to the weight grid

  // ---- randomness ----
  PrngForm prng = PrngForm::serial;  // serial xorshift streams (Loihi-like) or counter-based draws

  // Every problem (field out of range, inconsistent fields), each a sentence naming the field,
  // its value and the allowed range. Empty when the format is valid.
  std::vector<std::string> problems() const;
  // Throws std::invalid_argument listing every problem.
  void validate() const;

  // Derived constants (valid formats only).
  int64_t decay_unity() const { return (int64_t{1} << decay_bits); }
  int64_t weight_magnitude_max() const { return (int64_t{1} << weight_bits) - 1; }

  friend bool operator==(const HardwareFormat&, const HardwareFormat&) = default;
};

// ---- the field table: TOML keys, Verilog parameter names, ranges ----

enum class FieldKind : uint8_t { integer, rounding, overflow, prng };

struct FormatField {
  std::string_view name;       // key in the [hardware] TOML table, and the C++ member name
  std::string_view rtl_param;  // Verilog parameter name
  FieldKind kind;
  int64_t min;  // inclusive range of the value (enums: of their codes)
  int64_t max;
  std::string_view doc;  // one line: what the field is
  int HardwareFormat::*integer = nullptr;
  Rounding HardwareFormat::*rounding = nullptr;
  Overflow HardwareFormat::*overflow = nullptr;
  PrngForm HardwareFormat::*prng = nullptr;
};

// All fields, in declaration order.
std::span<const FormatField> format_fields();
// The field called `name`, or nullptr.
const FormatField* find_format_field(std::string_view name);
// The field's value as an integer (enums: their code).
int64_t field_value(const HardwareFormat& format, const FormatField& field);
// Set the field from an integer (enums: their code). No range check: call problems() after.
void set_field_value(HardwareFormat& format, const FormatField& field, int64_t value);
// "[2, 32]" or "one of toward_zero, floor, nearest, stochastic".
std::string field_range_text(const FormatField& field);

std::string_view to_string(Rounding mode);
std::string_view to_string(Overflow rule);
std::string_view to_string(SignMode mode);
std::string_view to_string(PrngForm form);
// The code of an enum field's value name ("stochastic", "saturate", "counter"), or nothing.
std::optional<int64_t> parse_field_code(const FormatField& field, std::string_view text);
// The name of an enum field's code ("stochastic"), or the number for integer fields.
std::string field_value_text(const FormatField& field, int64_t value);
std::optional<Rounding> parse_rounding(std::string_view text);
std::optional<Overflow> parse_overflow(std::string_view text);
std::optional<SignMode> parse_sign_mode(std::string_view text);

// ---- named profiles ----

struct HardwareProfile {
  std::string_view name;
  std::string_view summary;
  HardwareFormat format;
};

// Loihi 1 as modelled by Lava / nengo-loihi: the defaults of HardwareFormat.
HardwareFormat loihi_format();
// A narrow ODIN / tinyODIN-like core: 12-bit saturating state, 8-bit decays, 4-bit weights.
HardwareFormat narrow_format();
// loihi_format() with counter-based random draws (prng = counter, docs/arithmetic.md §5.1).
HardwareFormat loihi_counter_format();
// All named profiles ("loihi", "narrow", "loihi_counter").
std::span<const HardwareProfile> hardware_profiles();
// The profile called `name`, or nullptr.
const HardwareProfile* find_hardware_profile(std::string_view name);

}  // namespace hrsnn::fixed
