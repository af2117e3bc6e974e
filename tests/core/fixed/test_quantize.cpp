// quantize() and the network-level fixed core: exact representability, K shared profiles,
// float vs fixed within stated bounds, and golden hashes of fixed rasters and weights.
#include "core/fixed/fixed_sim.hpp"
#include "core/fixed/quantize.hpp"
#include "core/float_sim.hpp"
#include "core/foundation/random.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"
#include "tests/support/tiny_specs.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

using namespace hrsnn;

namespace {
// tau giving exactly d / 4096 as the per-step decay factor at dt = 1 ms.
double tau_for(int d) { return -1.0 / std::log1p(-d / 4096.0); }

std::string one_neuron_spec(int du_eff, int dv, double v_thresh) {
  test::OneNeuron n;
  n.tau_mem_ms = tau_for(dv);
  n.tau_syn_ms = tau_for(du_eff);
  n.v_thresh = v_thresh;
  n.seed = 4;
  return test::one_neuron_spec(n);
}

const fixed::FieldError& field(const fixed::RegisterImage& img, const std::string& name) {
  for (const auto& e : img.errors)
    if (e.field == name) return e;
  FAIL("no field " << name);
  return img.errors.front();
}

std::string examples(const char* name) { return std::string(HRSNN_SOURCE_DIR) + "/examples/" + name + ".toml"; }
}  // namespace

TEST_CASE("exactly representable parameters quantize without error", "[quantize]") {
  const NetworkSpec spec = parse_spec(one_neuron_spec(1024, 512, 1.0), "exact");
  const Network net = build_network(spec);
  const fixed::RegisterImage img = fixed::quantize(net, spec.hardware);
  REQUIRE(img.lif.size() == 1);
  CHECK(img.lif[0].du == 1023);  // Loihi's +1 offset: effective 1024
  CHECK(img.lif[0].dv == 512);
  CHECK(img.voltage_scale == std::ldexp(1.0, 20));  // 2^(24 - 1 - 3 headroom bits) / theta_max
  CHECK(img.lif[0].vth == (1u << 14));              // 2^20 >> 6
  CHECK(field(img, "du").max_abs_error < 1e-15);
  CHECK(field(img, "dv").max_abs_error < 1e-15);
  CHECK(field(img, "v_thresh").max_abs_error == 0.0);
}

TEST_CASE("the fixed membrane tracks the float one within the toward-zero rounding bound", "[quantize][cross-model]") {
  // u and v each lose < 1 LSB per step to toward-zero rounding, so |e_u| < 1/du and
  // |e_v| < (1 + 1/du) / dv in register units (du = 1/4, dv = 1/8: 40 LSB).
  const NetworkSpec spec = parse_spec(one_neuron_spec(1024, 512, 1e3), "track");
  const Network net = build_network(spec);
  const fixed::RegisterImage img = fixed::quantize(net, spec.hardware);
  const Network q = fixed::dequantize(net, img);
  FloatSimulator<double> fl(q, nullptr);
  fixed::FixedSimulator fx(net, img, nullptr);
  Rng rng(3, "input");
  const double bound = (1.0 + 4.0) * 8.0;
  double worst = 0.0;
  for (int t = 0; t < 10000; ++t) {
    const auto a = static_cast<int32_t>(rng.below(2001)) - 1000;  // dendritic input a in register units
    fx.external_input()[0] = a;
    fl.external_input()[0] = a * 64.0 / img.voltage_scale;  // a << 6 enters u
    fx.step();
    fl.step();
    REQUIRE(fx.spikes_this_step().empty());
    const double v_float = fl.v()[0] * img.voltage_scale;
    worst = std::max(worst, std::abs(fx.lif_state()[0].v - v_float));
    REQUIRE(std::abs(fx.lif_state()[0].u - fl.u()[0] * img.voltage_scale) < 4.0);
    REQUIRE(std::abs(fx.lif_state()[0].v - v_float) < bound);
  }
  INFO("worst |v_fixed - v_float| = " << worst << " LSB");
  CHECK(worst > 0.0);  // the rounding is real, and bounded
}

TEST_CASE("K = number of neurons reproduces per-neuron registers, and K = 1 makes them homogeneous", "[quantize]") {
  NetworkSpec spec = load_spec(examples("hrsnn"));
  const Network net = build_network(spec);
  const fixed::RegisterImage per_neuron = fixed::quantize(net, spec.hardware);
  spec.hardware.tau_profiles = net.size();
  for (auto method : {ProfileMethod::KMeans, ProfileMethod::Quantile}) {
    spec.hardware.profile_method = method;
    const fixed::RegisterImage k_all = fixed::quantize(net, spec.hardware);
    for (uint32_t i = 0; i < net.size(); ++i) {
      REQUIRE(k_all.lif[i].dv == per_neuron.lif[i].dv);
      REQUIRE(k_all.lif[i].du == per_neuron.lif[i].du);
    }
  }
  spec.hardware.tau_profiles = 1;
  const fixed::RegisterImage k1 = fixed::quantize(net, spec.hardware);
  std::set<uint32_t> dvs;
  for (const auto& p : k1.lif) dvs.insert(p.dv);
  CHECK(dvs.size() == 1);
  spec.hardware.tau_profiles = 4;
  const fixed::RegisterImage k4 = fixed::quantize(net, spec.hardware);
  dvs.clear();
  for (const auto& p : k4.lif) dvs.insert(p.dv);
  CHECK(dvs.size() <= 4);
  CHECK(dvs.size() >= 3);
}

TEST_CASE("unrepresentable parameters are rejected with the register range", "[quantize]") {
  NetworkSpec spec = parse_spec(one_neuron_spec(1024, 512, 1.0), "bad");
  spec.populations[0].lif.t_ref_steps = Distribution::constant(100.0);
  CHECK_THROWS_WITH(fixed::quantize(build_network(spec), spec.hardware),
                    Catch::Contains("t_ref_steps = 100 exceeds the refractory counter range [0, 63]"));
  spec.populations[0].lif.t_ref_steps = Distribution::constant(0.0);
  spec.populations[0].lif.v_reset = Distribution::constant(-0.5);
  CHECK_THROWS_WITH(fixed::quantize(build_network(spec), spec.hardware),
                    Catch::Contains("the fixed core resets v to 0"));
}

TEST_CASE("huge values are refused, never rounded through int64 into silence (issue 18 F1)", "[quantize]") {
  // bias = 1e308 once rounded to INT64_MIN, whose std::abs overflowed and passed the range check.
  for (double bias : {1e308, -1e308, 1e30, 1e19}) {
    NetworkSpec spec = parse_spec(one_neuron_spec(1024, 512, 1.0), "bad");
    spec.populations[0].lif.bias = Distribution::constant(bias);
    CHECK_THROWS_WITH(fixed::quantize(build_network(spec), spec.hardware), Catch::Contains("beyond the bias range"));
  }
  // A non-finite value built programmatically (the parser refuses them) is refused by name.
  NetworkSpec spec = parse_spec(one_neuron_spec(1024, 512, 1.0), "bad");
  Network net = build_network(spec);
  net.bias[0] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(fixed::quantize(net, spec.hardware), Catch::Contains("bias [0] = inf is not finite"));
}

TEST_CASE("an STDP bound that collapses the voltage scale is refused with its key (issue 18 F1)", "[quantize]") {
  auto pair = [](const std::string& extra) {
    std::string text = test::pair_spec(extra);
    for (size_t at; (at = text.find("t_ref_steps = 10000")) != std::string::npos;)
      text.replace(at, 19, "t_ref_steps = 0");
    return parse_spec(text, "pair");
  };
  const std::string stdp = "stdp = { w_min = 0.0, w_max = W }\n";
  for (const char* w : {"1e9", "1e300", "1e8"}) {
    std::string extra = stdp;
    extra.replace(extra.find('W'), 1, w);
    NetworkSpec spec = pair(extra);
    CHECK_THROWS_WITH(fixed::quantize(build_network(spec), spec.hardware),
                      Catch::Contains("projection 'PP': stdp w_min/w_max") && Catch::Contains("lower w_max"));
  }
  // A bound the grid can reach still quantizes, its threshold within one unit of error.
  NetworkSpec ok = pair("stdp = { w_min = 0.0, w_max = 1000.0 }\n");
  const auto img = fixed::quantize(build_network(ok), ok.hardware);
  CHECK(img.voltage_scale > 0.0);
  // A learning rate beyond the largest mantissa at the largest exponent is refused, not saturated.
  NetworkSpec eta = pair("stdp = { w_min = 0.0, w_max = 1.0, eta_plus = 1e300 }\n");
  CHECK_THROWS_WITH(fixed::quantize(build_network(eta), eta.hardware), Catch::Contains("eta_plus needs more"));
}

TEST_CASE("a hardware table selects a profile and overrides fields, with located errors", "[quantize][spec]") {
  const std::string base = one_neuron_spec(1024, 512, 1.0);
  const NetworkSpec narrow = parse_spec(base + "[hardware]\nprofile = \"narrow\"\n", "hw");
  CHECK(narrow.hardware.format == fixed::narrow_format());
  const NetworkSpec over =
      parse_spec(base + "[hardware]\nweight_bits = 6\nnum_weight_bits = 6\nweight_rounding = \"nearest\"\n", "hw");
  CHECK(over.hardware.format.weight_bits == 6);
  CHECK(over.hardware.format.weight_rounding == fixed::Rounding::nearest);
  auto error_of = [&](const std::string& extra) {
    try {
      parse_spec(base + "[hardware]\n" + extra, "hw.toml");
    } catch (const SpecError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(error_of("profile = \"truenorth\"\n"),
             Catch::Contains("unknown hardware profile 'truenorth' (allowed: loihi, narrow, loihi_counter)"));
  CHECK_THAT(error_of("u_bitz = 3\n"), Catch::Contains("hardware.u_bitz: unknown key"));
  CHECK_THAT(error_of("decay_rounding = \"up\"\n"), Catch::Contains("hardware.decay_rounding: expected one of"));
  CHECK_THAT(error_of("trace_bits = 99\n"), Catch::Contains("hardware.trace_bits: value 99 out of range"));
}

TEST_CASE("fixed and float rasters agree on the example networks until chaos separates them",
          "[quantize][cross-model]") {
  // Reported figures (seed 1, 5,000 steps): the step of the first raster difference, and the
  // per-population rates, which must agree within 5% (measured at 10,000 steps, seeds 1-3: within
  // 4.3%; README, "The fixed-point core").
  for (const char* name : {"mrsnn", "hrsnn"}) {
    const NetworkSpec spec = load_spec(examples(name));
    RunOptions fo, xo;
    fo.steps = xo.steps = 5000;
    xo.arith = Arith::Fixed;
    const RunResult f = run_spec(spec, fo), x = run_spec(spec, xo);
    uint64_t first_diff = 0;
    const size_t m = std::min(f.raster.size(), x.raster.size());
    size_t k = 0;
    while (k < m && f.raster.step[k] == x.raster.step[k] && f.raster.neuron[k] == x.raster.neuron[k]) ++k;
    first_diff = k < m ? std::min(f.raster.step[k], x.raster.step[k]) : f.steps;
    INFO(name << ": rasters identical for the first " << first_diff << " steps; spikes float " << f.raster.size()
              << " fixed " << x.raster.size());
    CHECK(first_diff >= 5);
    for (size_t p = 0; p < 2; ++p) {
      const double rf = static_cast<double>(f.counts.per_population[p].spikes);
      const double rx = static_cast<double>(x.counts.per_population[p].spikes);
      INFO(name << " population " << p << ": float " << rf << " fixed " << rx << " spikes");
      CHECK(std::abs(rx - rf) <= 0.05 * rf);
    }
  }
}

TEST_CASE("golden hashes of the fixed core's raster and final weights", "[quantize][golden]") {
  const NetworkSpec spec = load_spec(examples("hrsnn"));
  RunOptions o;
  o.steps = 600;
  o.arith = Arith::Fixed;
  const Network net = build_network(with_overrides(spec, o));
  const fixed::RegisterImage img = fixed::quantize(net, spec.hardware);
  const InputSignal signal = make_spec_signal(spec, 600);
  fixed::FixedSimulator sim(net, img, &signal);
  sim.run(600);
  uint64_t h = 0xCBF29CE484222325ULL;
  for (size_t p = 0; p < net.projections.size(); ++p)
    for (int32_t w : sim.weights(p)) {
      h ^= static_cast<uint32_t>(w);
      h *= 0x100000001B3ULL;
    }
  INFO("spikes " << sim.raster().size() << " raster " << std::hex << sim.raster().hash() << " weights " << h);
  CHECK(sim.raster().size() == 9660u);  // examples/hrsnn.toml with trace_scale = 8
  CHECK(sim.raster().hash() == 0x8ec1cf9bb4474a67ULL);
  CHECK(h == 0x797c5d1e9b2202d0ULL);
}

TEST_CASE("an input weight beyond the input register is refused, not saturated (issue 18 F1)", "[quantize]") {
  NetworkSpec spec = load_spec(std::string(HRSNN_SOURCE_DIR) + "/examples/mrsnn_small.toml");
  spec.input.weight = Distribution::uniform(-1e12, 1e12);
  CHECK_THROWS_WITH(fixed::quantize(build_network(spec), spec.hardware),
                    Catch::Contains("input: weight magnitude") && Catch::Contains("lower input.weight"));
  // Inside the register the exponent adapts and nothing is refused.
  spec.input.weight = Distribution::uniform(-1.0, 1.0);
  CHECK_NOTHROW(fixed::quantize(build_network(spec), spec.hardware));
}

namespace {

// The distribution of d x f (every parameter of a scale family, and its truncation bounds).
Distribution scaled(Distribution d, double f) {
  switch (d.kind) {
    case Distribution::Kind::Constant: d.a *= f; break;
    case Distribution::Kind::Uniform:
    case Distribution::Kind::Normal:
      d.a *= f;
      d.b *= f;
      break;
    case Distribution::Kind::LogNormal: d.a += std::log(f); break;
    case Distribution::Kind::Gamma: d.b *= f; break;
  }
  d.min *= f;
  d.max *= f;
  return d;
}

}  // namespace

TEST_CASE("over random valid variants of the small examples the fixed core's rate stays near float64",
          "[quantize][cross-model][property]") {
  // Property (docs/fixed-point.md): membrane time constants x U(0.6, 1.6), every projection's
  // weights x U(0.6, 1.6) and the input weights x U(0.5, 2) around examples/*_small.toml; each
  // variant run 3,000 steps in both arithmetics with the examples' register format. Measured on
  // these 12 variants: the fixed core's total spike count within 11.2% of float64's (median
  // 0.7%; the 11.2% is the slowest HRSNN variant); tolerances 15% per variant, 3% on the median.
  std::vector<double> deviations;
  for (const char* name : {"mrsnn_small", "hrsnn_small"}) {
    for (uint64_t k = 1; k <= 6; ++k) {
      Rng rng(1000 + k);
      NetworkSpec spec = load_spec(examples(name));
      for (auto& p : spec.populations) p.lif.tau_mem_ms = scaled(p.lif.tau_mem_ms, rng.uniform(0.6, 1.6));
      for (auto& pr : spec.projections) pr.weight = scaled(pr.weight, rng.uniform(0.6, 1.6));
      spec.input.weight = scaled(spec.input.weight, rng.uniform(0.5, 2.0));
      // The register format of the 1000-neuron examples (docs/fixed-point.md): 8-bit learning-rate
      // mantissas and a trace impulse of 8 units; with Loihi's 4-bit mantissas the STDP balance
      // itself moves and the small MRSNN fires 20% more in fixed (measured, unperturbed).
      spec.hardware.format.lr_mant_bits = 8;
      spec.hardware.trace_scale = 8.0;
      RunOptions fo, xo;
      fo.steps = xo.steps = 3000;
      xo.arith = Arith::Fixed;
      const RunResult f = run_spec(spec, fo), x = run_spec(spec, xo);
      const double sf = static_cast<double>(f.raster.size()), sx = static_cast<double>(x.raster.size());
      INFO(name << " variant " << k << ": float " << sf << " fixed " << sx << " spikes");
      REQUIRE(sf > 0.0);
      deviations.push_back(std::abs(sx / sf - 1.0));
      CHECK(std::abs(sx / sf - 1.0) <= 0.15);
    }
  }
  std::sort(deviations.begin(), deviations.end());
  CHECK(deviations[deviations.size() / 2] <= 0.03);
  WARN("fixed vs float64 spike-count deviation over 12 variants: median " << deviations[deviations.size() / 2]
                                                                          << ", max " << deviations.back());
}
