// Hostile input (issue 18) for the energy-models reader: mutated models files are read or
// refused at file:line, never a crash; a non-finite value is refused. Deterministic.
#include "core/foundation/config_error.hpp"
#include "core/foundation/random.hpp"
#include "hw_model/energy/models.hpp"
#include "tests/support/mutation.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace hrsnn;
using namespace hrsnn::test;

TEST_CASE("mutated energy-models files are read or refused at file:line (issue 18)", "[fuzz]") {
  std::ifstream in(std::string(HRSNN_SOURCE_DIR) + "/data/energy/models.toml", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  REQUIRE(!text.empty());
  Rng rng(18, "fuzz/energy_models");
  std::map<std::string, int> outcomes;
  for (const Case& c : mutants(text, rng, 100)) {
    INFO(c.what);
    classify_mutant(
        c, [&] { (void)energy::parse_models(c.text, "models.toml"); }, outcomes);
  }
  WARN("100 mutated energy-models files:\n" + outcome_summary(outcomes));
}
