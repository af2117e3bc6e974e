// Bad input to every kind of configuration file (network spec, study config, quantization
// sweep, search space, energy models) is refused through the one shared reader: the command
// exits non-zero and names file:line: key, never a crash or a silent default.
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;

namespace {

std::string write(const ScratchDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir / name;
  std::ofstream(path) << text;
  return path;
}

const std::string kSpec = std::string(HRSNN_SOURCE_DIR) + "/examples/hrsnn_small.toml";

// The command failed and said where: "<file>:<line>: <key>:".
void check_located(const hrsnn::test::CliResult& r, const std::string& file, int line, const std::string& key) {
  INFO(r.out);
  CHECK(r.status != 0);
  CHECK(r.out.find(file + ":" + std::to_string(line) + ": " + key + ":") != std::string::npos);
  CHECK(r.out.find("terminate") == std::string::npos);
}

}  // namespace

TEST_CASE("a network spec with a bad value names file, line and key") {
  const ScratchDir dir("cfg_spec");
  const std::string f = write(dir, "spec.toml", "[simulation]\nsteps = 10\ndt_ms = -1.0\n");
  check_located(run_cli("run " + f + " --quiet --out " + (dir / "out")), f, 3, "simulation.dt_ms");
}

TEST_CASE("a study config with a bad value names file, line and key") {
  const ScratchDir dir("cfg_study");
  const std::string f = write(dir, "study.toml", "[study]\n\nseeds = 0\n");
  check_located(run_cli("study --config " + f + " --out " + (dir / "out")), f, 3, "study.seeds");
}

TEST_CASE("a quantization sweep with a bad value names file, line and key") {
  const ScratchDir dir("cfg_quant");
  const std::string f = write(dir, "sweep.toml", "[run]\nseeds = [1]\nthreads = 0\n");
  check_located(run_cli("quantize " + kSpec + " --config " + f + " --out " + (dir / "out")), f, 3, "run.threads");
}

TEST_CASE("a search space with a bad value names file, line and key") {
  const ScratchDir dir("cfg_space");
  const std::string f = write(dir, "space.toml",
                              "[[dimension]]\nname = \"tau\"\npath = \"populations.E.tau_mem_ms.mean\"\n"
                              "low = 5.0\nhigh = \"eighty\"\n");
  check_located(run_cli("optimize " + kSpec + " --space " + f + " --budget 2 --out " + (dir / "out")), f, 5,
                "dimension[0].high");
}

TEST_CASE("an energy models file with a bad value names file, line and key") {
  const ScratchDir dir("cfg_energy");
  const std::string f = write(dir, "models.toml", "\nformat = 7\n");
  check_located(run_cli("energy " + kSpec + " --steps 10 --quiet --models-file " + f), f, 2, "format");
}
