// Hostile input (issue 18) for the search-space reader: mutated SPACE.toml files are read or
// refused with a clear error, never a crash; a non-finite bound is refused. Deterministic.
#include "core/foundation/random.hpp"
#include "optimize/space.hpp"
#include "tests/support/mutation.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace hrsnn;
using namespace hrsnn::test;

TEST_CASE("mutated search spaces are read or refused with a clear error (issue 18)", "[fuzz]") {
  std::ifstream in(std::string(HRSNN_SOURCE_DIR) + "/examples/space_hrsnn.toml", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  REQUIRE(!text.empty());
  Rng rng(18, "fuzz/space");
  std::map<std::string, int> outcomes;
  for (const Case& c : mutants(text, rng, 100)) {
    INFO(c.what);
    try {
      (void)opt::SearchSpace::from_string(c.text, "space.toml");
      if (c.kind == Mutation::NonFinite) FAIL_CHECK("a space with a non-finite value was accepted");
      ++outcomes["accepted"];
    } catch (const std::exception& e) {
      INFO(e.what());
      CHECK(clear_message(e.what()));
      CHECK_THAT(e.what(), Catch::Contains("space.toml"));
      ++outcomes["refused"];
    }
  }
  std::string s;
  for (const auto& [k, v] : outcomes) s += fmt::format("  {}: {}\n", k, v);
  WARN("100 mutated search spaces:\n" + s);
}
