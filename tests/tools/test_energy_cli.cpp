// `hrsnn energy SPEC` as a user runs it: a spec is run and costed, and the result is the one
// `hrsnn run SPEC --out DIR` followed by `hrsnn energy DIR` gives for the same run.
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace {

using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;
using Result = hrsnn::test::CliResult;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

const std::string kSpec = std::string(HRSNN_SOURCE_DIR) + "/examples/hrsnn.toml";

}  // namespace

TEST_CASE("energy of a spec run equals the energy of the same run read back from its run directory", "[energy][cli]") {
  for (const std::string arith : {"float64", "fixed"}) {
    SECTION(arith) {
      ScratchDir dir("same_" + arith);
      const std::string opts = " --steps 40 --seed 3 --arith " + arith;
      const Result ran = run_cli("run " + kSpec + opts + " --quiet --out " + (dir / "run"));
      REQUIRE(ran.status == 0);
      const Result from_dir = run_cli("energy " + (dir / "run") + " --out " + (dir / "from_dir"));
      REQUIRE(from_dir.status == 0);
      const Result from_spec = run_cli("energy " + kSpec + opts + " --quiet --out " + (dir / "from_spec"));
      INFO(from_spec.out);
      REQUIRE(from_spec.status == 0);
      CHECK_THAT(from_spec.out, Catch::Contains("Spiking models, side by side") && Catch::Contains("ran ") &&
                                    Catch::Contains("(" + arith + ", 40 steps, seed 3)"));

      const nlohmann::json a = read_json(dir / "from_dir/energy.json");
      const nlohmann::json b = read_json(dir / "from_spec/energy.json");
      CHECK(a["counts"] == b["counts"]);
      CHECK(a["workload"] == b["workload"]);
      REQUIRE(a["models"].size() == b["models"].size());
      for (size_t m = 0; m < a["models"].size(); ++m) {
        INFO(a["models"][m]["model"]);
        CHECK(a["models"][m]["total_j"].get<double>() == b["models"][m]["total_j"].get<double>());
      }
      CHECK(a == b);  // the whole report, every term and warning
      // The spec path printed the same report as the directory path, after its one-line run header.
      CHECK_THAT(from_spec.out, Catch::Contains(from_dir.out.substr(from_dir.out.find("workload:"))));
    }
  }
}

TEST_CASE("`hrsnn energy` refuses run options on a run directory and names a missing spec", "[energy][cli]") {
  ScratchDir dir("errors");
  REQUIRE(run_cli("run " + kSpec + " --steps 5 --quiet --out " + (dir / "run")).status == 0);
  const Result r = run_cli("energy " + (dir / "run") + " --arith fixed");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("apply to a spec"));
  const Result missing = run_cli("energy " + (dir / "nope.toml"));
  CHECK(missing.status != 0);
  CHECK_THAT(missing.out, Catch::Contains("nope.toml"));
}
