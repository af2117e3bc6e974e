// The float reference against closed forms: impulse responses, the firing period under
// constant drive, the refractory hold, and the STDP window for one pre/post pair.
#include "core/float_sim.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"
#include "tests/support/tiny_specs.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <cmath>

using namespace hrsnn;

namespace {
Network one_neuron(double tau_mem, double tau_syn, double v_thresh, double bias, uint32_t t_ref, double v_reset = 0.0) {
  test::OneNeuron n;
  n.tau_mem_ms = tau_mem;
  n.tau_syn_ms = tau_syn;
  n.v_thresh = v_thresh;
  n.v_reset = v_reset;
  n.bias = bias;
  n.t_ref_steps = t_ref;
  return build_network(parse_spec(test::one_neuron_spec(n), "one_neuron"));
}
}  // namespace

TEST_CASE("an impulse into u decays geometrically and v follows the two-exponential closed form", "[float][analytic]") {
  const Network net = one_neuron(20.0, 5.0, 1e9, 0.0, 0);
  FloatSimulator<double> sim(net, nullptr);
  const double A = 0.7;
  const double a = 1.0 - net.du[0], b = 1.0 - net.dv[0];
  sim.external_input()[0] = A;
  for (int t = 0; t < 200; ++t) {
    sim.step();
    const double u_expected = A * std::pow(a, t);
    const double v_expected = A * (std::pow(a, t + 1) - std::pow(b, t + 1)) / (a - b);
    REQUIRE(sim.u()[0] == Approx(u_expected).epsilon(1e-12).margin(1e-300));
    REQUIRE(sim.v()[0] == Approx(v_expected).epsilon(1e-12));
  }
}

TEST_CASE("the firing period under constant bias equals the discrete closed form", "[float][analytic]") {
  // After a reset to 0, v_n = bias (1 - q^n) / (1 - q) with q = 1 - dv; the first n with
  // v_n > theta, plus the refractory steps, is the period.
  for (auto [tau, bias, theta, tref] :
       {std::tuple{20.0, 0.08, 1.0, 0u}, std::tuple{10.0, 0.2, 1.0, 3u}, std::tuple{50.0, 0.03, 1.0, 2u}}) {
    const Network net = one_neuron(tau, 5.0, theta, bias, tref);
    const double q = 1.0 - net.dv[0];
    const double n_real = std::log(1.0 - theta * (1.0 - q) / bias) / std::log(q);
    const auto n_star = static_cast<uint64_t>(std::floor(n_real)) + 1;
    FloatSimulator<double> sim(net, nullptr);
    sim.run(2000);
    const Raster& r = sim.raster();
    REQUIRE(r.size() >= 3);
    CHECK(r.step[0] + 1 == n_star);  // the first spike counts from v = 0 at t = -1
    for (size_t k = 1; k < r.size(); ++k) REQUIRE(r.step[k] - r.step[k - 1] == n_star + tref);
  }
}

TEST_CASE("during the refractory period v is held at v_reset while u keeps integrating", "[float][analytic]") {
  const Network net = one_neuron(20.0, 5.0, 0.5, 0.0, 5, -0.2);
  FloatSimulator<double> sim(net, nullptr);
  sim.external_input()[0] = 10.0;  // spikes at once
  sim.step();
  REQUIRE(sim.spikes_this_step().size() == 1);
  double u_prev = sim.u()[0];
  for (int k = 0; k < 5; ++k) {
    sim.external_input()[0] = 1.0;
    sim.step();
    CHECK(sim.spikes_this_step().empty());
    CHECK(sim.v()[0] == -0.2);
    CHECK(sim.u()[0] == Approx((1.0 - net.du[0]) * u_prev + 1.0));
    u_prev = sim.u()[0];
  }
  sim.step();  // refractory over: the large current drives a spike
  CHECK(sim.spikes_this_step().size() == 1);
}

TEST_CASE("a threshold met exactly does not spike (strict >)", "[float][analytic]") {
  const Network net = one_neuron(20.0, 5.0, 0.5, 0.0, 0);
  FloatSimulator<double> sim(net, nullptr);
  // du = 1 - exp(-1/5); with u = 0 and v = 0, v after one step is exactly the input.
  sim.external_input()[0] = 0.5;
  sim.step();
  CHECK(sim.v()[0] == 0.5);
  CHECK(sim.spikes_this_step().empty());
}

TEST_CASE("the STDP weight change of one pre/post pair follows the trace window, both signs",
          "[float][stdp][analytic]") {
  const double eta_plus = 0.01, eta_minus = 0.012, tau_plus = 15.0, tau_minus = 25.0;
  const std::string stdp = fmt::format(
      "[projections.stdp]\neta_plus = {}\neta_minus = {}\ntau_plus_ms = {}\n"
      "tau_minus_ms = {}\nw_min = 0.0\nw_max = 1.0\n",
      eta_plus, eta_minus, tau_plus, tau_minus);
  const Network net = build_network(parse_spec(test::pair_spec(stdp), "pair"));
  REQUIRE(net.projections[0].plastic);
  const double qx = 1.0 - net.dx[0], qy = 1.0 - net.dy[1];
  for (int dt : {-20, -7, -1, 0, 1, 5, 20}) {
    FloatSimulator<double> sim(net, nullptr);
    const int t_pre = 30, t_post = 30 + dt;
    for (int t = 0; t < 80; ++t) {
      if (t == t_pre) sim.external_input()[0] = 1e4;
      if (t == t_post) sim.external_input()[1] = 1e4;
      sim.step();
    }
    REQUIRE(sim.raster().size() == 2);
    const double dw = sim.weights(0)[0] - 0.5;
    double expected = 0.0;
    if (dt > 0)
      expected = eta_plus * std::pow(qx, dt);  // post after pre: LTP by x(t_post)
    else if (dt < 0)
      expected = -eta_minus * std::pow(qy, -dt);  // pre after post: LTD by y(t_pre)
    else
      expected = eta_plus - eta_minus;  // same step: both traces include their impulse
    INFO("dt = " << dt);
    CHECK(dw == Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("weights are clipped to w_min..w_max by plasticity", "[float][stdp]") {
  const std::string stdp = "[projections.stdp]\neta_plus = 0.4\neta_minus = 0.0\nw_min = 0.0\nw_max = 0.6\n";
  const Network net = build_network(parse_spec(test::pair_spec(stdp), "clip"));
  FloatSimulator<double> sim(net, nullptr);
  sim.external_input()[0] = 1e4;
  sim.step();
  sim.external_input()[1] = 1e4;
  sim.step();
  CHECK(sim.weights(0)[0] == 0.6);
}

TEST_CASE("a spike reaches its target's input exactly delay_steps later, with its weight", "[float]") {
  for (uint32_t delay : {1u, 3u}) {
    const Network net = build_network(parse_spec(test::pair_spec(fmt::format("delay_steps = {}\n", delay)), "delay"));
    FloatSimulator<double> sim(net, nullptr);
    sim.external_input()[0] = 1e4;
    sim.step();  // step 0: pre spikes
    for (uint32_t k = 1; k < delay; ++k) {
      sim.step();
      CHECK(sim.u()[1] == 0.0);
    }
    sim.step();  // step delay: the post neuron receives the weight 0.5
    CHECK(sim.u()[1] == 0.5);
    CHECK(sim.counts().total.synaptic_events == 1);
  }
}
