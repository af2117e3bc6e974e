// Tests of core/foundation/register_format.hpp: the loihi defaults (docs/fixed-point.md), the named profiles, the field
// table a [hardware] TOML parser reuses, and validation messages.
#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>
#include <string>

#include "core/fixed/datapath.hpp"
#include "core/foundation/register_format.hpp"

using namespace hrsnn::fixed;

TEST_CASE("the default HardwareFormat is the loihi profile", "[fixed][format]") {
  const HardwareFormat f;
  CHECK(f == loihi_format());
  CHECK(f.u_bits == 24);
  CHECK(f.u_overflow == Overflow::wrap);
  CHECK(f.v_bits == 24);
  CHECK(f.v_overflow == Overflow::saturate);
  CHECK(f.decay_bits == 12);
  CHECK(f.du_offset == 1);
  CHECK(f.dv_offset == 0);
  CHECK(f.decay_rounding == Rounding::toward_zero);
  CHECK(f.act_shift == 6);
  CHECK(f.vth_bits == 17);
  CHECK(f.vth_shift == 6);
  CHECK(f.bias_mant_bits == 13);
  CHECK(f.bias_exp_bits == 3);
  CHECK(f.weight_bits == 8);
  CHECK(f.weight_exp_max == 7);
  CHECK(f.trace_bits == 7);
  CHECK(f.trace_rounding == Rounding::stochastic);
  CHECK(f.learn_frac_bits == 7);
  CHECK(f.learn_acc_bits == 16);
  CHECK(f.weight_rounding == Rounding::stochastic);
  CHECK(f.problems().empty());
}

TEST_CASE("every named profile is valid and can be found by name", "[fixed][format]") {
  REQUIRE(hardware_profiles().size() >= 2);
  for (const HardwareProfile& p : hardware_profiles()) {
    INFO(p.name);
    CHECK(p.format.problems().empty());
    REQUIRE(find_hardware_profile(p.name) != nullptr);
    CHECK(find_hardware_profile(p.name)->format == p.format);
  }
  REQUIRE(find_hardware_profile("narrow") != nullptr);
  CHECK(find_hardware_profile("narrow")->format == narrow_format());
  CHECK(narrow_format().v_bits == 12);
  CHECK(find_hardware_profile("truenorth") == nullptr);
}

TEST_CASE("the field table covers every field once, with unique TOML and Verilog names", "[fixed][format]") {
  std::set<std::string> names, params;
  for (const FormatField& field : format_fields()) {
    CHECK(names.insert(std::string(field.name)).second);
    CHECK(params.insert(std::string(field.rtl_param)).second);
    CHECK(find_format_field(field.name) == &field);
    CHECK(field.min <= field.max);
    // The loihi value of every field lies in its range.
    const int64_t value = field_value(loihi_format(), field);
    CHECK(value >= field.min);
    CHECK(value <= field.max);
  }
  CHECK(format_fields().size() == 29);
  CHECK(find_format_field("no_such_field") == nullptr);
}

TEST_CASE("set_field_value and field_value round-trip, enums as codes", "[fixed][format]") {
  HardwareFormat f;
  set_field_value(f, *find_format_field("v_bits"), 16);
  CHECK(f.v_bits == 16);
  set_field_value(f, *find_format_field("decay_rounding"), 3);
  CHECK(f.decay_rounding == Rounding::stochastic);
  set_field_value(f, *find_format_field("u_overflow"), 1);
  CHECK(f.u_overflow == Overflow::saturate);
  CHECK(field_value(f, *find_format_field("u_overflow")) == 1);
}

TEST_CASE("enum names parse and print", "[fixed][format]") {
  CHECK(parse_rounding("toward_zero") == Rounding::toward_zero);
  CHECK(parse_rounding("stochastic") == Rounding::stochastic);
  CHECK_FALSE(parse_rounding("up").has_value());
  CHECK(parse_overflow("wrap") == Overflow::wrap);
  CHECK(parse_sign_mode("mixed") == SignMode::mixed);
  CHECK(to_string(Rounding::nearest) == "nearest");
  CHECK(to_string(Overflow::saturate) == "saturate");
  CHECK(to_string(SignMode::inhibitory) == "inhibitory");
  CHECK(field_range_text(*find_format_field("decay_rounding")) == "one of toward_zero, floor, nearest, stochastic");
  CHECK(field_range_text(*find_format_field("v_bits")) == "[2, 32]");
}

TEST_CASE("an out-of-range field is reported with its name, value and range", "[fixed][format]") {
  HardwareFormat f;
  f.v_bits = 40;
  const auto problems = f.problems();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "hardware.v_bits = 40 is out of range: expected [2, 32] (voltage v register width (signed))");
  CHECK_THROWS_WITH(f.validate(), Catch::Contains("hardware.v_bits = 40"));
  CHECK_THROWS_AS(f.validate(), std::invalid_argument);
  f.v_bits = 24;
  f.decay_rounding = static_cast<Rounding>(7);
  REQUIRE(f.problems().size() == 1);
  CHECK_THAT(f.problems()[0], Catch::Contains("decay_rounding = 7") && Catch::Contains("one of toward_zero"));
}

TEST_CASE("inconsistent fields are reported with the rule they break", "[fixed][format]") {
  HardwareFormat f;
  f.num_weight_bits = 9;
  REQUIRE(f.problems().size() == 1);
  CHECK_THAT(f.problems()[0], Catch::Contains("num_weight_bits = 9 exceeds hardware.weight_bits = 8"));
  f = HardwareFormat{};
  f.learn_acc_bits = 15;
  REQUIRE(f.problems().size() == 1);
  CHECK_THAT(f.problems()[0], Catch::Contains("learn_acc_bits = 15 is too narrow"));
  f = HardwareFormat{};
  f.dendrite_acc_bits = 8;
  CHECK_THAT(f.problems().at(0), Catch::Contains("dendrite_acc_bits = 8"));
}

TEST_CASE("register-range checks name the offending datapath field", "[fixed][format]") {
  const HardwareFormat f;
  LifParams p;
  p.du = 4096;
  p.bias_exp = 8;
  const auto problems = lif_params_problems(p, f);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] == "du = 4096 is out of range: expected [0, 4095] (unsigned decay_bits)");
  CHECK_THAT(problems[1], Catch::Contains("bias_exp = 8"));
  CHECK(lif_params_problems(LifParams{}, f).empty());
  CHECK(lif_state_problems({8388608, 0, 0}, f).size() == 1);
  CHECK(trace_params_problems({0, 128, 0}, f).size() == 1);
  ProjectionParams proj;
  proj.weight_exp = -8;
  proj.eta_plus_exp = -8;
  CHECK(projection_params_problems(proj, f).size() == 2);
  CHECK(synapse_learn_params_problems({16, 0}, f).size() == 1);
}
