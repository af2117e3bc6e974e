// The command line on NIR models: hrsnn run MODEL.nir, hrsnn energy MODEL.nir,
// hrsnn run SPEC --export-nir, and the clear refusals of quantize / verify.
#include "nir/nir.hpp"
#include "tests/nir/nir_test_util.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

using hrsnn::test::expected_raster;
using hrsnn::test::nir_data;
using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;

namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("hrsnn run MODEL.nir writes the raster of the independent NumPy simulation") {
  ScratchDir dir("nir_cli_run");
  const auto r = run_cli("run " + nir_data("cuba_recurrent.nir") + " --dt-ms 1 --input " +
                         nir_data("cuba_recurrent.input.npy") + " --spikes npy --quiet --out " + dir.string());
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("hidden") && Catch::Contains("readout"));
  const hrsnn::nir::NpyArray s = hrsnn::nir::read_npy_2d(dir / "spikes.npy");
  const auto expected = expected_raster("cuba_recurrent.expected.npy");
  REQUIRE(s.rows == expected.size());
  for (uint64_t k = 0; k < s.rows; ++k) {
    CHECK(static_cast<uint64_t>(s.values[2 * k]) == expected[k].first);
    CHECK(static_cast<uint64_t>(s.values[2 * k + 1]) == expected[k].second);
  }
  const auto summary = read_json(dir / "summary.json");
  CHECK(summary["steps"] == 400);
  CHECK(summary["nir"]["inputs"][0]["name"] == "input");
  CHECK(summary["nir"]["outputs"][0]["from"][0] == "readout");
}

TEST_CASE("hrsnn run MODEL.nir refuses a missing step, a wrong input width and the paper convention") {
  const std::string model = nir_data("cuba_recurrent.nir");
  auto r = run_cli("run " + model + " --steps 10 --quiet --out /tmp/hrsnn_nir_never");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("--dt-ms D"));
  r = run_cli("run " + model + " --dt-ms 1 --input " + nir_data("old_lif_no_reset.input.npy") +
              " --quiet --out /tmp/hrsnn_nir_never");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("2 columns") && Catch::Contains("input x 3"));
  r = run_cli("run " + model + " --dt-ms 1 --steps 10 --nir-convention paper --quiet --out /tmp/hrsnn_nir_never");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("subtraction"));
  r = run_cli("run " + nir_data("bad_unknown_type.nir") + " --dt-ms 1 --steps 10 --quiet --out /tmp/hrsnn_nir_never");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("Conv2d"));
}

TEST_CASE("hrsnn quantize and verify say NIR models are not supported yet") {
  const std::string model = nir_data("delay_recurrent.nir");
  auto r = run_cli("quantize " + model + " --config /dev/null");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("not supported for NIR models yet") && Catch::Contains("--arith fixed"));
  r = run_cli("verify " + model);
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("not supported for NIR models yet"));
}

TEST_CASE("hrsnn energy MODEL.nir prices the NIR run's events") {
  const auto r = run_cli("energy " + nir_data("delay_recurrent.nir") + " --dt-ms 1 --steps 200 --quiet");
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("ran ") && Catch::Contains("(NIR, dt = 1 ms") && Catch::Contains("8 neurons"));
  CHECK_THAT(r.out, Catch::Contains("loihi_davies2018"));
}

TEST_CASE("hrsnn run SPEC --export-nir, then hrsnn run FILE.nir, gives the same raster hash") {
  ScratchDir dir("nir_cli_export");
  const std::string spec = nir_data("static_net.toml");
  auto r = run_cli("run " + spec + " --export-nir " + (dir / "net.nir") + " --quiet --out " + (dir / "a"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  r = run_cli("run " + (dir / "net.nir") + " --dt-ms 0.5 --steps 400 --quiet --out " + (dir / "b"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  const auto a = read_json(dir / "a/summary.json");
  const auto b = read_json(dir / "b/summary.json");
  REQUIRE(a["counts"]["spikes"].get<uint64_t>() > 100);
  CHECK(b["raster_hash"] == a["raster_hash"]);
  CHECK(b["synapses"] == a["synapses"]);

  // The register image has no NIR form.
  r = run_cli("run " + spec + " --arith fixed --export-nir " + (dir / "f.nir") + " --quiet --out " + (dir / "c"));
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("register image has no NIR form"));
}
