// The command line on NIR models: hrsnn run MODEL.nir, hrsnn energy MODEL.nir,
// hrsnn run SPEC --export-nir, hrsnn quantize MODEL.nir and hrsnn verify MODEL.nir.
#include "nir/nir.hpp"
#include "tests/nir/nir_test_util.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
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

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
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

TEST_CASE("hrsnn quantize MODEL.nir sweeps the imported network from the format hrsnn run --arith fixed uses") {
  ScratchDir dir("nir_cli_quantize");
  write_text(dir / "sweep.toml",
             "[run]\nseeds = [1, 2]\nfidelity_steps = 300\nprobes = 4\n[tasks]\nmemory = false\n"
             "prediction = \"none\"\n[[axis]]\nfield = \"decay_bits\"\nvalues = [8]\n");
  std::filesystem::copy_file(nir_data("delay_recurrent.nir"), dir / "m.nir");
  const std::string sweep = " --config " + (dir / "sweep.toml");
  auto r = run_cli("quantize " + (dir / "m.nir") + " --dt-ms 1" + sweep + " --out " + (dir / "q"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  // The base point is `hrsnn run MODEL.nir --arith fixed`, the reference `--arith float64`.
  const auto fixed_run =
      run_cli("run " + (dir / "m.nir") + " --dt-ms 1 --steps 300 --arith fixed --quiet --out " + (dir / "fx"));
  const auto float_run = run_cli("run " + (dir / "m.nir") + " --dt-ms 1 --steps 300 --quiet --out " + (dir / "fl"));
  REQUIRE(fixed_run.status == 0);
  REQUIRE(float_run.status == 0);
  const auto q = read_json(dir / "q/quant.json");
  CHECK(q["spec"] == dir / "m.nir");
  const auto& base = q["points"][0];
  REQUIRE(base["id"] == "base");
  CHECK(base["errors"].empty());
  CHECK(base["metrics"]["activity.spikes"]["mean"].get<double>() ==
        read_json(dir / "fx/summary.json")["counts"]["spikes"].get<double>());
  CHECK(q["reference"]["metrics"]["activity.spikes"]["mean"].get<double>() ==
        read_json(dir / "fl/summary.json")["counts"]["spikes"].get<double>());
  CHECK(base["metrics"]["fidelity.coincidence"]["n"] == 2);
  CHECK(q["points"][1]["id"] == "decay_bits=8");
  CHECK(q["points"][1]["metrics"].contains("footprint.total_bits_per_neuron"));

  // The checkpoint covers the step, the time unit and the file's bytes.
  r = run_cli("quantize " + (dir / "m.nir") + " --dt-ms 1" + sweep + " --out " + (dir / "q") + " --resume");
  INFO(r.out);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("(6 resumed, 0 run)"));
  r = run_cli("quantize " + (dir / "m.nir") + " --dt-ms 0.5" + sweep + " --out " + (dir / "q") + " --resume");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("belongs to a different sweep (differs in: model)"));
  // (the same network: the delay of 3 time units and the tau are read in s at D = 1 s)
  r = run_cli("quantize " + (dir / "m.nir") + " --dt-ms 1000 --nir-time-unit s" + sweep + " --out " + (dir / "q") +
              " --resume");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("belongs to a different sweep (differs in: model)"));
  std::filesystem::copy_file(nir_data("cuba_recurrent.nir"), dir / "m.nir",
                             std::filesystem::copy_options::overwrite_existing);
  r = run_cli("quantize " + (dir / "m.nir") + " --dt-ms 1" + sweep + " --out " + (dir / "q") + " --resume");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("differs in: model, spec_digest"));
}

TEST_CASE("hrsnn quantize MODEL.nir refuses a missing step, tasks and a baseline spec") {
  ScratchDir dir("nir_cli_quantize_refusals");
  const std::string model = nir_data("delay_recurrent.nir");
  write_text(dir / "tasks.toml", "[run]\nfidelity_steps = 100\n");
  write_text(dir / "baseline.toml", "[run]\nfidelity_steps = 100\nbaseline_spec = \"" + nir_data("static_net.toml") +
                                        "\"\n[tasks]\nmemory = false\nprediction = \"none\"\n");
  auto r = run_cli("quantize " + model + " --config " + (dir / "tasks.toml") + " --out " + (dir / "a"));
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("--dt-ms D"));
  r = run_cli("quantize " + model + " --dt-ms 1 --config " + (dir / "tasks.toml") + " --out " + (dir / "a"));
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("task scores") && Catch::Contains("--no-tasks"));
  r = run_cli("quantize " + model + " --dt-ms 1 --config " + (dir / "baseline.toml") + " --out " + (dir / "a"));
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("baseline_spec") && Catch::Contains("a NIR model has none"));
  r = run_cli("quantize " + nir_data("static_net.toml") + " --dt-ms 1 --config " + (dir / "tasks.toml") + " --out " +
              (dir / "a"));
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("apply to a NIR model"));
  // --no-tasks runs it.
  r = run_cli("quantize " + model + " --dt-ms 1 --no-tasks --config " + (dir / "tasks.toml") + " --out " + (dir / "a"));
  INFO(r.out);
  CHECK(r.status == 0);
}

#ifdef HRSNN_HAVE_RTL

TEST_CASE("hrsnn verify MODEL.nir runs the RTL core in lockstep with the fixed core on the imported model") {
  ScratchDir dir("nir_cli_verify");
  const std::string model = std::string(HRSNN_SOURCE_DIR) + "/examples/nir/recurrent_cuba.nir";
  const std::string input =
      " --dt-ms 1 --input " + std::string(HRSNN_SOURCE_DIR) + "/examples/nir/recurrent_cuba.input.npy";
  const auto r = run_cli("verify " + model + input + " --quiet");
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("64 neurons, 607 synapses (0 plastic), 1000 steps, RTL profile loihi"));
  // The RTL core spikes as `hrsnn run MODEL.nir --arith fixed` (the same register image).
  const auto fx = run_cli("run " + model + input + " --arith fixed --quiet --out " + dir.string());
  REQUIRE(fx.status == 0);
  const auto spikes = read_json(dir / "summary.json")["counts"]["spikes"].get<uint64_t>();
  CHECK(spikes > 1000);
  CHECK_THAT(r.out, Catch::Contains(fmt::format("identical for 1000 steps: {} spikes", spikes)));
}

TEST_CASE("hrsnn verify MODEL.nir refuses what does not fit the RTL core, naming the limit") {
  ScratchDir dir("nir_cli_verify_refusals");
  // A 4-step delay: the core's ring holds delays of 1 to 3 steps.
  auto r = run_cli("verify " + nir_data("delay_recurrent.nir") + " --dt-ms 1 --steps 50 --quiet");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("does not fit the RTL core") &&
                        Catch::Contains("'ring->ring+3': delay 4 steps: the core's delay ring allows 1 to 3"));
  // v_reset != 0: the fixed core (Loihi) resets to 0.
  r = run_cli("verify " + nir_data("cuba_recurrent.nir") + " --dt-ms 1 --steps 50 --quiet");
  CHECK(r.status != 0);
  CHECK_THAT(r.out,
             Catch::Contains("cuba_recurrent.nir: the fixed-point core (loihi format") && Catch::Contains("v_reset"));
  // 300 neurons: the core holds 256.
  write_text(dir / "big.toml",
             "[simulation]\ndt_ms = 1.0\nsteps = 10\n[[populations]]\nname = \"A\"\nsize = 300\n"
             "tau_mem_ms = 20.0\n[[projections]]\nname = \"AA\"\npre = \"A\"\npost = \"A\"\np = 0.01\n"
             "weight = 0.1\n");
  r = run_cli("run " + (dir / "big.toml") + " --export-nir " + (dir / "big.nir") + " --quiet --out " + (dir / "o"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  r = run_cli("verify " + (dir / "big.nir") + " --dt-ms 1 --steps 10 --quiet");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("300 neurons: the core holds 1 to 256"));
  // The step is required; the NIR options do not apply to a spec.
  r = run_cli("verify " + nir_data("old_lif_no_reset.nir") + " --steps 10 --quiet");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("--dt-ms D"));
  r = run_cli("verify " + (dir / "big.toml") + " --dt-ms 1 --steps 10 --quiet");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("apply to a NIR model"));
}

#else

TEST_CASE("hrsnn verify MODEL.nir in a build without the RTL says so") {
  const auto r = run_cli("verify " + nir_data("old_lif_no_reset.nir") + " --dt-ms 1000 --nir-time-unit s --steps 10");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("THIS BUILD HAS NO RTL"));
}

#endif

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
