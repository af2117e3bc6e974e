// The three input encoders: current injection, Poisson/rate spikes and send-on-delta spikes.
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <cmath>

using namespace hrsnn;

namespace {
Network input_net(const std::string& encoder_lines) {
  return build_network(parse_spec(fmt::format(R"(
[simulation]
dt_ms = 1.0
seed = 9
[[populations]]
name = "E"
size = 10
[input]
channels = 2
fraction = 0.5
weight = 1.0
{}
)",
                                              encoder_lines),
                                  "input"));
}
}  // namespace

TEST_CASE("current injection drives each channel with the signal value of its sample", "[input]") {
  const Network net = input_net("encoder = \"current\"\nsteps_per_sample = 3");
  InputSignal sig;
  sig.channels = 2;
  sig.values = {0.25, -1.0, 0.5, 2.0};  // two samples
  InputEncoder enc(net.input, &sig, net.seed);
  std::vector<double> d;
  for (uint64_t t = 0; t < 6; ++t) {
    REQUIRE(enc.drive(t, d));
    CHECK(d[0] == sig.at(t / 3, 0));
    CHECK(d[1] == sig.at(t / 3, 1));
  }
  CHECK_FALSE(enc.drive(6, d));  // the signal has ended
  // Exactly fraction x size neurons are driven, each by every channel.
  uint32_t driven = 0;
  for (uint32_t i = 0; i < net.size(); ++i) driven += net.input.offset[i + 1] > net.input.offset[i];
  CHECK(driven == 5);
  CHECK(net.input.channel.size() == 10);
}

TEST_CASE("Poisson spikes fire with probability value x rate x dt", "[input]") {
  const Network net = input_net("encoder = \"poisson\"\nrate_max_hz = 200.0");
  InputSignal sig;
  sig.channels = 2;
  const uint64_t steps = 50000;
  for (uint64_t k = 0; k < steps; ++k) {
    sig.values.push_back(0.5);
    sig.values.push_back(1.0);
  }
  InputEncoder enc(net.input, &sig, net.seed);
  std::vector<double> d;
  double count[2] = {0, 0};
  for (uint64_t t = 0; t < steps; ++t)
    if (enc.drive(t, d))
      for (int c = 0; c < 2; ++c) count[c] += d[static_cast<size_t>(c)];
  // Expected 0.1 and 0.2 spikes per step; 5 binomial standard deviations.
  for (auto [c, p] : {std::pair{0, 0.1}, std::pair{1, 0.2}}) {
    const double sd = std::sqrt(steps * p * (1 - p));
    CHECK(std::abs(count[c] - steps * p) < 5 * sd);
  }
  CHECK(enc.input_spikes() == static_cast<uint64_t>(count[0] + count[1]));
}

TEST_CASE("send-on-delta emits one up or down event per threshold crossing and tracks the signal", "[input]") {
  const Network net = input_net("encoder = \"delta\"\ndelta_threshold = 0.25");
  InputSignal sig;
  sig.channels = 2;
  // Channel 0 ramps 0 -> 1 -> 0; channel 1 stays at 0.
  std::vector<double> ramp = {0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0};
  for (double x : ramp) {
    sig.values.push_back(x);
    sig.values.push_back(0.0);
  }
  InputEncoder enc(net.input, &sig, net.seed);
  std::vector<double> d;
  std::vector<double> events;
  for (uint64_t t = 0; t < ramp.size(); ++t) {
    const bool any = enc.drive(t, d);
    events.push_back(any ? d[0] : 0.0);
    CHECK(d[1] == 0.0);
  }
  CHECK(events == std::vector<double>{0, 1, 1, 1, 1, 0, -1, -1, -1, -1});
}
