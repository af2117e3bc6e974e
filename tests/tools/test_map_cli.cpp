// `hrsnn map` as a user runs it: the report, its JSON, the placement written out and given back.
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace {

using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

const std::string kSpec = std::string(HRSNN_SOURCE_DIR) + "/examples/hrsnn_small.toml";

}  // namespace

TEST_CASE("map: hrsnn map reports fit, traffic and step cost, and a written placement maps back the same") {
  ScratchDir dir("map_cli");
  const auto first = run_cli("map " + kSpec + " --chip loihi1 --steps 100 --quiet --out " + (dir / "a"));
  INFO(first.out);
  REQUIRE(first.status == 0);
  CHECK_THAT(first.out, Catch::Contains("FITS on one chip") && Catch::Contains("energy per step") &&
                            Catch::Contains("latency per step") && Catch::Contains("<- binding"));
  const nlohmann::json a = read_json(dir / "a/map.json");
  CHECK(a["format"] == "hrsnn-map/1");
  CHECK(a["neurons"] == 256);
  CHECK(a["fits_one_chip"] == true);
  CHECK(a["step"]["energy_pj_per_step"].get<double>() > 0);
  CHECK(a["traffic"]["steps"] == 100);

  const auto again = run_cli("map " + kSpec + " --chip loihi1 --steps 100 --quiet --placement " +
                             (dir / "a/placement.json") + " --out " + (dir / "b"));
  INFO(again.out);
  REQUIRE(again.status == 0);
  const nlohmann::json b = read_json(dir / "b/map.json");
  CHECK(b["placement"] == "file");
  CHECK(b["cores"] == a["cores"]);
  CHECK(b["traffic"] == a["traffic"]);
}

TEST_CASE("map: hrsnn map refuses an unknown chip and a bad chip file with its file, line and key") {
  ScratchDir dir("map_cli_bad");
  const auto unknown = run_cli("map " + kSpec + " --chip loihi9 --no-run");
  CHECK(unknown.status != 0);
  CHECK_THAT(unknown.out, Catch::Contains("no chip called 'loihi9'") && Catch::Contains("truenorth"));
  {
    std::ofstream o(dir / "chip.toml");
    o << "format = \"hrsnn-chip/1\"\nname = \"x\"\n[mesh]\ntiles_x = 3\n";
  }
  const auto bad = run_cli("map " + kSpec + " --chip " + (dir / "chip.toml") + " --no-run");
  CHECK(bad.status != 0);
  CHECK_THAT(bad.out, Catch::Contains("chip.toml:4") && Catch::Contains("mesh.tiles_x"));
}
