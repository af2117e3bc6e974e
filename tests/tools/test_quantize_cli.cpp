// hrsnn quantize as a user runs it: a one-axis sweep of the sweep tests' tiny network
// (tests/study/test_quant_sweep.cpp) end to end, quant.json written with every point.
#include "core/io.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"
#include "tests/support/tiny_specs.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using hrsnn::read_text_file;
using hrsnn::write_text_atomic;
using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;

TEST_CASE("hrsnn quantize runs a sweep end to end", "[study][quant][cli]") {
  ScratchDir dir("quant_cli");
  write_text_atomic(dir.path() / "tiny.toml", hrsnn::test::kSweepSpec);
  write_text_atomic(dir.path() / "sweep.toml",
                    "[run]\nfidelity_steps = 100\n[[axis]]\nfield = \"trace_bits\"\nvalues = [6]\n");
  const std::string out = (dir.path() / "out").string();
  const auto r = run_cli("quantize " + (dir.path() / "tiny.toml").string() + " --config " +
                         (dir.path() / "sweep.toml").string() + " --out " + out + " --no-tasks --threads 1");
  INFO(r.out);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(read_text_file(dir.path() / "out" / "quant.json"));
  CHECK(j["points"].size() == 2);
  CHECK(j["points"][1]["id"] == "trace_bits=6");
}
