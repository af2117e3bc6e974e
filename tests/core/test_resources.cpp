// The resource estimate (issue 18 F2): networks and runs beyond the memory limit, and
// projections beyond 2^32 - 1 synapses, are refused before anything is allocated, with the
// estimate and the key that causes it.
#include "core/network.hpp"
#include "core/resources.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

using namespace hrsnn;

namespace {

// Sets HRSNN_MEMORY_LIMIT for one scope and restores what was there.
class LimitGuard {
 public:
  explicit LimitGuard(const char* value) {
    if (const char* old = std::getenv("HRSNN_MEMORY_LIMIT")) old_ = old;
    if (value)
      setenv("HRSNN_MEMORY_LIMIT", value, 1);
    else
      unsetenv("HRSNN_MEMORY_LIMIT");
  }
  ~LimitGuard() {
    if (old_)
      setenv("HRSNN_MEMORY_LIMIT", old_->c_str(), 1);
    else
      unsetenv("HRSNN_MEMORY_LIMIT");
  }
  LimitGuard(const LimitGuard&) = delete;
  LimitGuard& operator=(const LimitGuard&) = delete;

 private:
  std::optional<std::string> old_;
};

std::string one_projection(uint64_t size, const std::string& connect) {
  return fmt::format(
      "[simulation]\nsteps = 10\n[[populations]]\nname = \"E\"\nsize = {}\n\n[[projections]]\npre = \"E\"\npost = "
      "\"E\"\n{}\n",
      size, connect);
}

std::string error_of_build(const std::string& text) {
  const NetworkSpec spec = parse_spec(text, "big.toml");
  const auto t0 = std::chrono::steady_clock::now();
  try {
    (void)build_network(spec);
  } catch (const ConfigError& e) {
    // Refused up front: nothing was built.
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 1.0);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a projection beyond 2^32 - 1 synapses is refused before it is built", "[resources]") {
  const LimitGuard none("none");
  // The cases: 70,000 neurons at p = 1, 5e7 at p = 0.1, in_degree = 1e8 - 1.
  CHECK_THAT(error_of_build(one_projection(70000, "p = 1.0")),
             Catch::Contains("big.toml:7: projections[0]: expected 4.9e+09 synapses, above the 2^32 - 1"));
  CHECK_THAT(error_of_build(one_projection(50000000, "p = 0.1")), Catch::Contains("projections[0]: expected"));
  CHECK_THAT(error_of_build(one_projection(100000000, "connect = \"in_degree\"\nin_degree = 99999999")),
             Catch::Contains("projections[0]: expected 1e+16 synapses"));
}

TEST_CASE("a network beyond the memory limit is refused with the estimate and the key", "[resources]") {
  const LimitGuard small("64M");
  // 10,000 neurons at p = 0.5: 5e7 synapses, about 1.1 GiB.
  const std::string msg = error_of_build(one_projection(10000, "p = 0.5"));
  CHECK_THAT(msg, Catch::Contains("big.toml:7: projections[0]: 5e+07 expected synapses"));
  CHECK_THAT(msg, Catch::Contains("the limit is 64 MiB (HRSNN_MEMORY_LIMIT)"));
  // Neurons alone: the largest population is named.
  const std::string neurons =
      error_of_build("[[populations]]\nname = \"A\"\nsize = 10\n[[populations]]\nname = \"B\"\nsize = 10000000\n");
  CHECK_THAT(neurons, Catch::Contains("big.toml:4: populations[1].size: the network needs about"));
  // Under the limit, the same kind of network builds.
  CHECK(error_of_build(one_projection(100, "p = 0.5")).empty());
}

TEST_CASE("a run whose recordings exceed the memory limit is refused at simulation.steps", "[resources]") {
  const LimitGuard small("1M");
  NetworkSpec spec = parse_spec(
      "[simulation]\nsteps = 10\n[[populations]]\nname = \"E\"\nsize = 2\n[input]\nsignal = \"uniform\"\n", "run.toml");
  RunOptions opt;
  opt.steps = 1'000'000'000'000ULL;
  CHECK_THROWS_WITH(run_spec(spec, opt), Catch::Contains("run.toml:1: simulation.steps: 1000000000000 steps record "
                                                         "about"));
  SimOptions probes;
  probes.probes = {0, 1};
  CHECK(estimate_run_bytes(spec, 1000, probes) == 1000 * 8.0 + 1000 * (8.0 + 2 * 2 * 8.0));
  CHECK_THROWS_WITH(check_run_resources(spec, 100000, probes, memory_limit()), Catch::Contains("simulation.steps"));
  opt.steps = 10;
  CHECK(run_spec(spec, opt).steps == 10);
}

TEST_CASE("HRSNN_MEMORY_LIMIT sizes and the default limit", "[resources]") {
  CHECK(parse_memory_size("1073741824") == 1073741824ULL);
  CHECK(parse_memory_size("8G") == 8ULL << 30);
  CHECK(parse_memory_size("512MiB") == 512ULL << 20);
  CHECK(parse_memory_size("2t") == 2ULL << 40);
  CHECK(parse_memory_size("none") == 0);
  for (const char* bad : {"", "-1", "1.5G", "8X", "G", "99999999999999999999"})
    CHECK_THROWS_WITH(parse_memory_size(bad), Catch::Contains("HRSNN_MEMORY_LIMIT"));
  const LimitGuard unset(nullptr);
  const MemoryLimit m = memory_limit();
  CHECK(m.bytes > 0);
  CHECK_THAT(m.source, Catch::Contains("half of the"));
}
