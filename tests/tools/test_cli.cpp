// The hrsnn command line as a user runs it: outputs written, CSV formats, clear errors.
#include "core/io.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

using hrsnn::test::CliResult;
using hrsnn::test::run_cli;

TEST_CASE("hrsnn run writes summary.json, spikes and probes, and exports the network", "[cli]") {
  const hrsnn::test::ScratchDir scratch("run");
  const std::filesystem::path& dir = scratch.path();
  const std::string spec = std::string(HRSNN_SOURCE_DIR) + "/examples/hrsnn.toml";
  const CliResult r = run_cli("run " + spec + " --steps 200 --quiet --probe 0,5 --out " + dir.string() +
                              " --export-network " + (dir / "net.json").string());
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("synaptic events"));
  const auto summary = nlohmann::json::parse(hrsnn::read_text_file(dir / "summary.json"));
  CHECK(summary["format"] == "hrsnn-run/1");
  CHECK(summary["steps"] == 200);
  CHECK(summary["neurons"] == 1000);
  CHECK(summary["populations"].size() == 2);
  CHECK(summary["counts"]["neuron_updates_active"].get<uint64_t>() +
            summary["counts"]["neuron_updates_idle"].get<uint64_t>() ==
        200000u);
  const std::string spikes = hrsnn::read_text_file(dir / "spikes.csv");
  CHECK(spikes.rfind("step,neuron\n", 0) == 0);
  const std::string probes = hrsnn::read_text_file(dir / "probes.csv");
  CHECK(probes.rfind("step,neuron,u,v\n", 0) == 0);
  const auto net = nlohmann::json::parse(hrsnn::read_text_file(dir / "net.json"));
  CHECK(net["format"] == "hrsnn-network/1");
  CHECK(net["neurons"]["dv"].size() == 1000);
  const size_t synapses = net["synapses"]["pre"].size();
  CHECK(synapses == summary["synapses"].get<size_t>());
  for (const char* key : {"post", "weight", "delay_steps", "plastic", "eta_plus", "eta_minus", "w_min", "w_max"})
    CHECK(net["synapses"][key].size() == synapses);
}

TEST_CASE("hrsnn run --spikes npy writes a NumPy array", "[cli]") {
  const hrsnn::test::ScratchDir scratch("npy");
  const std::filesystem::path& dir = scratch.path();
  const CliResult r = run_cli("run " + std::string(HRSNN_SOURCE_DIR) +
                              "/examples/mrsnn.toml --steps 50 --quiet --spikes npy --out " + dir.string());
  REQUIRE(r.status == 0);
  const std::string npy = hrsnn::read_text_file(dir / "spikes.npy");
  REQUIRE(npy.size() > 64);
  CHECK(npy.substr(0, 6) == "\x93NUMPY");
  CHECK_THAT(npy.substr(10, 60), Catch::Contains("'descr': '<u8'"));
}

TEST_CASE("hrsnn neuron --arith float prints step,u,v,spike from step 0", "[cli]") {
  const CliResult r =
      run_cli("neuron --arith float --tau-syn-ms 1e-9 --tau-mem-ms 1e9 --v-thresh 1.5 --steps 4 --input \"0:1,1:1\"");
  INFO(r.out);
  REQUIRE(r.status == 0);
  // tau_syn -> 0 replaces u by the input each step; tau_mem -> inf integrates v.
  CHECK(r.out == "step,u,v,spike\n0,1,1,0\n1,1,0,1\n2,0,0,0\n3,0,0,0\n");
}

TEST_CASE("bad command-line input gives a clear error and a non-zero status", "[cli]") {
  const CliResult bad_input = run_cli("neuron --steps 3 --input \"0:abc\"");
  CHECK(bad_input.status != 0);
  CHECK_THAT(bad_input.out, Catch::Contains("--input: 'abc' is not a number"));
  const CliResult bad_item = run_cli("neuron --steps 3 --input \"5\"");
  CHECK_THAT(bad_item.out, Catch::Contains("--input: item '5' is not STEP:VALUE"));
  const hrsnn::test::ScratchDir scratch("badspec");
  const std::filesystem::path& dir = scratch.path();
  {
    FILE* f = std::fopen((dir / "bad.toml").c_str(), "w");
    std::fputs("[[populations]]\nname = \"E\"\nsize = 0\n", f);
    std::fclose(f);
  }
  const CliResult bad_spec = run_cli("run " + (dir / "bad.toml").string() + " --quiet --out " + dir.string());
  CHECK(bad_spec.status != 0);
  CHECK_THAT(bad_spec.out, Catch::Contains("bad.toml:3: populations[0].size: value 0 out of range"));
  CHECK_FALSE(std::filesystem::exists(dir / "summary.json"));
}

TEST_CASE("command-line numbers are strict: no wrap, no saturation, no NaN (issue 18 F4)", "[cli]") {
  const std::string spec = std::string(HRSNN_SOURCE_DIR) + "/examples/hrsnn_small.toml";
  const hrsnn::test::ScratchDir scratch("strict_numbers");
  const std::string out = " --quiet --out " + scratch.path().string();
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"run " + spec + " --seed -1" + out, "--seed: '-1' is negative"},
      {"run " + spec + " --seed 18446744073709551616" + out, "out of the 64-bit unsigned range"},
      {"run " + spec + " --seed 1e23" + out, "--seed: '1e23' is not an integer"},
      {"run " + spec + " --steps 18446744073709551616" + out, "out of the 64-bit unsigned range"},
      {"run " + spec + " --steps 1e12" + out, "--steps: '1e12' is not an integer"},
      {"run " + spec + " --steps 1000000000001" + out, "outside the allowed range [1, 1e12]"},
      {"run " + spec + " --steps 0" + out, "outside the allowed range [1, 1e12]"},
      {"run " + spec + " --probe 0,-3" + out, "'-3' is negative"},
      {"neuron --steps 3 --input 0:nan", "--input: 'nan' is not a finite number"},
      {"neuron --steps 3 --input 0:inf", "--input: 'inf' is not a finite number"},
      {"neuron --steps 3 --dt-ms nan", "--dt-ms: 'nan' is not a finite number"},
      {"neuron --steps 3 --bias 1e400", "--bias: '1e400' is not a finite number"},
      {"synapse --steps 3 --weight-exp 99999999999999999999", "out of the 64-bit integer range"},
  };
  for (const Case& c : cases) {
    const CliResult r = run_cli(c.args);
    INFO(c.args);
    CHECK(r.status != 0);
    CHECK_THAT(r.out, Catch::Contains(c.message));
  }
  // Plain decimal integers still work, leading zeros read as decimal (not octal).
  const CliResult ok = run_cli("neuron --steps 010 --arith float");
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Catch::Contains("\n9,"));
}
