// The quantization sweep on a tiny network (60 neurons, 200 steps): sweep-file parsing with
// located errors, point generation (axes, grids, deduplication, the num_weight_bits rule),
// every point evaluated, resume after an interruption (with a torn last line) equal to an
// uninterrupted run, K = N profiles reproducing per-neuron registers and K = 1 a homogeneous
// network (the CLI end to end is tests/tools/test_quantize_cli.cpp).
#include "core/fixed/quantize.hpp"
#include "core/io.hpp"
#include "core/network.hpp"
#include "study/quant_sweep.hpp"
#include "study/quant_tasks.hpp"
#include "tests/support/scratch_dir.hpp"
#include "tests/support/tiny_specs.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <set>

using namespace hrsnn;
using namespace hrsnn::study;
using hrsnn::test::ScratchDir;

namespace {

constexpr const char* kTinySweep = R"(
[run]
seeds = [1]
fidelity_steps = 200
probes = 4

[energy]
models = ["loihi_davies2018", "generic_45nm"]

[[axis]]
field = "weight_bits"
values = [4, 8]

[[axis]]
field = "tau_profiles"
values = [60, 1]
)";

NetworkSpec tiny_spec() { return parse_spec(test::kSweepSpec, "tiny.toml"); }

QuantSweepConfig tiny_sweep(const NetworkSpec& spec, const std::string& text = kTinySweep) {
  QuantSweepConfig c = parse_quant_sweep(text, "sweep.toml");
  make_points(c, spec.hardware);
  return c;
}

// A stand-in for the reservoir tasks: a deterministic score of the hardware, so the summary's
// paired ratios can be checked without simulating a task.
TaskOutcome fake_tasks(const NetworkSpec& spec, Arith arith) {
  TaskOutcome t;
  t.metrics["memory.mc"] = arith == Arith::Fixed ? 10.0 - 8.0 / spec.hardware.format.weight_bits : 10.0;
  return t;
}

std::string error_of(const std::string& sweep) {
  try {
    tiny_sweep(tiny_spec(), sweep);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

const QuantRecord& record(const QuantResult& r, const std::string& job) {
  for (const auto& x : r.records)
    if (x.job == job) return x;
  FAIL("no record " << job);
  return r.records.front();
}

}  // namespace

TEST_CASE("sweep points: base first, axes one field at a time, grids as products, duplicates merged",
          "[study][quant]") {
  const NetworkSpec spec = tiny_spec();
  const QuantSweepConfig c = tiny_sweep(spec, std::string(kTinySweep) + R"(
[[grid]]
weight_bits = [3, 4]
weight_rounding = ["nearest", "stochastic"]
)");
  std::vector<std::string> ids;
  for (const auto& p : c.points) ids.push_back(p.id);
  // weight_bits = 8 is the base; weight_bits=4 with stochastic (the base's rounding) is the axis point.
  CHECK(ids == std::vector<std::string>{"base", "weight_bits=4", "tau_profiles=60", "tau_profiles=1",
                                        "weight_bits=3 weight_rounding=nearest",
                                        "weight_bits=3 weight_rounding=stochastic",
                                        "weight_bits=4 weight_rounding=nearest"});
  REQUIRE(c.axes.size() == 2);
  CHECK(c.axes[0].point_ids == std::vector<std::string>{"weight_bits=4", "base"});
  REQUIRE(c.grids.size() == 1);
  CHECK(c.grids[0].point_ids.back() == "weight_bits=4");
  // weight_bits below the base's num_weight_bits lowers it; the base keeps the spec's table.
  CHECK(c.points[1].hardware.format.weight_bits == 4);
  CHECK(c.points[1].hardware.format.num_weight_bits == 4);
  CHECK(c.points[0].hardware.format.lr_mant_bits == 8);
  CHECK(c.points[0].hardware.trace_scale == 16.0);
  CHECK(c.points[3].hardware.tau_profiles == 1);
}

TEST_CASE("sweep file errors name the file, the line, the key and the allowed values", "[study][quant]") {
  CHECK_THAT(error_of("[run]\nseedz = [1]\n"), Catch::Contains("sweep.toml:2: run.seedz: unknown key"));
  CHECK_THAT(error_of("[[axis]]\nfield = \"weight_bits\"\nvalues = [4, 99]\n"),
             Catch::Contains("sweep.toml:3: axis[0].values: value 99 out of range (allowed: [1, 15])"));
  CHECK_THAT(error_of("[[axis]]\nfield = \"decay_rounding\"\nvalues = [\"up\"]\n"),
             Catch::Contains("'up' is not allowed (expected one of toward_zero, floor, nearest, stochastic)"));
  CHECK_THAT(error_of("[[axis]]\nfield = \"colour\"\nvalues = [1]\n"),
             Catch::Contains("not a sweepable [hardware] key"));
  // An explicit num_weight_bits above weight_bits is an invalid register format, at its line.
  CHECK_THAT(
      error_of("[[grid]]\nweight_bits = [4]\nnum_weight_bits = [6]\n"),
      Catch::Contains("sweep.toml:3: grid[0]: the point 'weight_bits=4 num_weight_bits=6' has an invalid register "
                      "format: hardware.num_weight_bits = 6 exceeds hardware.weight_bits = 4"));
  CHECK_THAT(error_of("[tasks]\nprediction = \"weather\"\n"), Catch::Contains("sweep.toml:2: tasks.prediction"));
  CHECK_THAT(error_of("[[grid]]\nweight_bits = [4]\n"), Catch::Contains("a grid needs at least two keys"));
}

TEST_CASE("a tiny sweep evaluates every point and resumes after an interruption as if uninterrupted",
          "[study][quant]") {
  const NetworkSpec spec = tiny_spec();
  const QuantSweepConfig config = tiny_sweep(spec);
  REQUIRE(config.points.size() == 4);  // base, weight_bits=4, tau_profiles=60, tau_profiles=1
  ScratchDir whole("quant_whole"), broken("quant_broken");

  QuantRunOptions opt;
  opt.threads = 2;
  opt.tasks = fake_tasks;
  opt.out_dir = whole.path();
  const QuantResult full = run_quant_sweep(spec, config, opt);
  REQUIRE(full.complete);
  CHECK(full.records.size() == 5);  // the float reference and 4 points
  for (const auto& r : full.records) CHECK(r.error.empty());
  CHECK(std::filesystem::exists(whole.path() / "quant.json"));
  CHECK(std::filesystem::exists(whole.path() / "quant.csv"));

  // Interrupt after two jobs, then tear the last line as a kill during a write would.
  opt.out_dir = broken.path();
  opt.max_jobs = 2;
  const QuantResult part = run_quant_sweep(spec, config, opt);
  CHECK_FALSE(part.complete);
  CHECK(part.computed == 2);
  CHECK_FALSE(std::filesystem::exists(broken.path() / "quant.json"));
  {
    std::ofstream out(broken.path() / "quant.jsonl", std::ios::app);
    out << R"({"type":"record","job":"point/tau)";
  }
  CHECK_THROWS_WITH(run_quant_sweep(spec, config, opt), Catch::Contains("pass --resume"));
  opt.resume = true;
  opt.max_jobs = 0;
  const QuantResult resumed = run_quant_sweep(spec, config, opt);
  REQUIRE(resumed.complete);
  CHECK(resumed.resumed == 2);
  CHECK(resumed.computed == 3);
  REQUIRE(resumed.records.size() == full.records.size());
  for (size_t k = 0; k < full.records.size(); ++k) {
    INFO(full.records[k].job);
    CHECK(resumed.records[k].job == full.records[k].job);
    auto a = to_json(full.records[k]), b = to_json(resumed.records[k]);
    a.erase("wall_time_s");
    b.erase("wall_time_s");
    CHECK(a == b);
  }
  // A resume with everything done only rewrites the outputs.
  const QuantResult again = run_quant_sweep(spec, config, opt);
  CHECK(again.computed == 0);
  CHECK(again.summary == resumed.summary);

  // A checkpoint of another sweep is refused.
  QuantSweepConfig other = config;
  other.fidelity_steps = 100;
  CHECK_THROWS_WITH(run_quant_sweep(spec, other, opt), Catch::Contains("different sweep (differs in: fidelity_steps)"));
}

TEST_CASE("the sweep's K = N point reproduces per-neuron registers and its K = 1 point is homogeneous",
          "[study][quant]") {
  const NetworkSpec spec = tiny_spec();
  const QuantSweepConfig config = tiny_sweep(spec);
  const Network net = build_network(spec);
  const fixed::RegisterImage per_neuron = fixed::quantize(net, config.points[0].hardware);
  const fixed::RegisterImage k_all = fixed::quantize(net, config.points[2].hardware);
  const fixed::RegisterImage k_one = fixed::quantize(net, config.points[3].hardware);
  std::set<std::pair<uint32_t, uint32_t>> base_pairs, one_pairs;
  for (uint32_t i = 0; i < net.size(); ++i) {
    REQUIRE(k_all.lif[i].du == per_neuron.lif[i].du);
    REQUIRE(k_all.lif[i].dv == per_neuron.lif[i].dv);
    base_pairs.insert({per_neuron.lif[i].du, per_neuron.lif[i].dv});
    one_pairs.insert({k_one.lif[i].du, k_one.lif[i].dv});
  }
  CHECK(base_pairs.size() > 10);
  CHECK(one_pairs.size() == 1);

  ScratchDir dir("quant_k");
  QuantRunOptions opt;
  opt.out_dir = dir.path();
  opt.threads = 1;
  const QuantResult r = run_quant_sweep(spec, config, opt);
  REQUIRE(r.complete);
  const QuantRecord& base = record(r, "point/base/seed=1");
  const QuantRecord& all = record(r, "point/tau_profiles=60/seed=1");
  const QuantRecord& one = record(r, "point/tau_profiles=1/seed=1");
  // The same registers give the same simulation: every fidelity and activity number is equal.
  for (const auto& [k, v] : base.metrics) {
    if (k.rfind("fidelity.", 0) != 0 && k.rfind("activity.", 0) != 0) continue;
    INFO(k);
    CHECK((v == all.metrics.at(k) || (std::isnan(v) && std::isnan(all.metrics.at(k)))));
  }
  // Profiles cost an index per neuron instead of two decay registers, plus the shared table.
  CHECK(base.metrics.at("footprint.decay_profiles") == static_cast<double>(base_pairs.size()));
  CHECK(all.metrics.at("footprint.decay_profiles") == base.metrics.at("footprint.decay_profiles"));
  CHECK(one.metrics.at("footprint.decay_profiles") == 1.0);
  CHECK(one.metrics.at("footprint.neuron_param_bits") < base.metrics.at("footprint.neuron_param_bits"));
  CHECK(one.metrics.at("fidelity.coincidence") < base.metrics.at("fidelity.coincidence"));
}

TEST_CASE("the summary pairs task scores with the float reference and lists axes for plotting", "[study][quant]") {
  const NetworkSpec spec = tiny_spec();
  const QuantSweepConfig config = tiny_sweep(spec);
  ScratchDir dir("quant_summary");
  QuantRunOptions opt;
  opt.out_dir = dir.path();
  opt.tasks = fake_tasks;
  const QuantResult r = run_quant_sweep(spec, config, opt);
  const nlohmann::json& s = r.summary;
  CHECK(s["format"] == "hrsnn-quant/1");
  CHECK(s["axes"][0]["key"] == "weight_bits");
  CHECK(s["axes"][0]["numeric"] == nlohmann::json::array({4.0, 8.0}));
  const auto& p4 = s["points"][1];
  CHECK(p4["id"] == "weight_bits=4");
  CHECK(p4["metrics"]["relative.memory.mc"]["mean"].get<double>() == Approx(0.8));
  CHECK(s["points"][0]["metrics"]["relative.memory.mc"]["mean"].get<double>() == Approx(0.9));
  CHECK(p4["metrics"]["footprint.synapse_bits"]["mean"].get<double>() <
        s["points"][0]["metrics"]["footprint.synapse_bits"]["mean"].get<double>());
  CHECK(p4["metrics"].contains("energy.loihi_davies2018.total_j"));
  // No point keeps the fake MC within 2% of float (0.9 at best).
  CHECK(s["findings"]["smallest"].is_null());
  const std::string csv = read_text_file(dir.path() / "quant.csv");
  CHECK_THAT(csv, Catch::StartsWith("job,kind,point,seed,metric,value\n"));
  CHECK_THAT(csv, Catch::Contains("point/weight_bits=4/seed=1,point,weight_bits=4,1,tasks.memory.mc,8\n"));
}

TEST_CASE("the study task evaluator scores memory capacity of a sweep point on the fixed core", "[study][quant]") {
  NetworkSpec spec = tiny_spec();
  QuantTaskConfig tasks;
  tasks.prediction = "none";
  tasks.samples = 150;
  tasks.max_delay = 10;
  tasks.washout_samples = 20;
  const TaskEvaluator evaluate = make_study_task_evaluator(tasks);
  const TaskOutcome fixed = evaluate(spec, Arith::Fixed);
  INFO(fixed.error);
  CHECK(fixed.error.empty());
  REQUIRE(fixed.metrics.count("memory.mc"));
  CHECK(fixed.metrics.at("memory.mc") >= 0.0);
  CHECK(fixed.metrics.at("memory.mc") <= 10.0);
  CHECK(fixed.metrics.count("memory.S"));
  // The same call is deterministic (the sweep's resume relies on it).
  CHECK(evaluate(spec, Arith::Fixed).metrics.at("memory.mc") == fixed.metrics.at("memory.mc"));
}

TEST_CASE("a checkpoint record of the wrong shape, or a duplicated one, is refused at its line", "[study][quant]") {
  const NetworkSpec spec = tiny_spec();
  const QuantSweepConfig config = tiny_sweep(spec);
  ScratchDir dir("quant_bad_checkpoint");
  QuantRunOptions opt;
  opt.threads = 1;
  opt.tasks = fake_tasks;
  opt.out_dir = dir.path();
  opt.max_jobs = 2;
  REQUIRE(run_quant_sweep(spec, config, opt).computed == 2);
  const std::filesystem::path ckpt = dir.path() / "quant.jsonl";
  const std::string good = read_text_file(ckpt);  // the header and two records
  const std::string first_record =
      good.substr(good.find('\n') + 1, good.find('\n', good.find('\n') + 1) - good.find('\n'));
  opt.resume = true;
  opt.max_jobs = 0;

  // Valid JSON, but a seed that is not a number.
  write_text_atomic(
      ckpt, good +
                R"({"type":"record","job":"point/base/seed=2","kind":"point","point":"base","seed":"two","metrics":{}})"
                "\n");
  CHECK_THROWS_WITH(run_quant_sweep(spec, config, opt),
                    Catch::Contains("quant.jsonl:4: malformed quantization checkpoint record: \"seed\" must be a "
                                    "non-negative integer, got \"two\""));
  // A record without its metrics.
  write_text_atomic(ckpt, good + R"({"type":"record","job":"point/base/seed=2","kind":"point","point":"base","seed":2})"
                                 "\n");
  CHECK_THROWS_WITH(run_quant_sweep(spec, config, opt),
                    Catch::Contains("quant.jsonl:4: malformed quantization checkpoint record: no \"metrics\" field"));
  // The first record again.
  write_text_atomic(ckpt, good + first_record);
  CHECK_THROWS_WITH(run_quant_sweep(spec, config, opt),
                    Catch::Contains("quant.jsonl:4: duplicate quantization checkpoint record 'reference/seed=1'"));
  // Restored, it resumes.
  write_text_atomic(ckpt, good);
  const QuantResult resumed = run_quant_sweep(spec, config, opt);
  CHECK(resumed.complete);
  CHECK(resumed.resumed == 2);
}
