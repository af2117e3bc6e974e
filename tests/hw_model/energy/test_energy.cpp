// Tests of hw_model/energy: the shipped models price a hand-counted run exactly as computed
// by hand from the figures in data/energy/models.toml; the loader rejects malformed tables
// with file, line, key and allowed values; run summaries are read strictly.
#include "hw_model/energy/energy_model.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include "core/foundation/config_error.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

namespace en = hrsnn::energy;

namespace {

// A tiny run, counted by hand: 3 neurons, 4 synapses, 4 steps of 1 ms, 2 input samples.
// 12 neuron updates (8 active, 4 idle), each reading and writing its state once; 3 spikes
// delivered over 5 synapses in total; 6 trace updates; 2 plastic updates, each reading and
// writing its weight; 5 + 2 = 7 weight reads.
hrsnn::EventCounts tiny_counts() {
  hrsnn::EventCounts c;
  c.neuron_updates_active = 8;
  c.neuron_updates_idle = 4;
  c.spikes = 3;
  c.synaptic_events = 5;
  c.trace_updates = 6;
  c.plastic_updates = 2;
  c.weight_reads = 7;
  c.weight_writes = 2;
  c.state_reads = 12;
  c.state_writes = 12;
  return c;
}

en::Workload tiny_workload() {
  en::Workload w;
  w.neurons = 3;
  w.synapses = 4;
  w.steps = 4;
  w.dt_ms = 1.0;
  w.input_samples = 2;
  return w;
}

const en::ModelLibrary& shipped() {
  static const en::ModelLibrary lib = en::load_models(en::default_models_file());
  return lib;
}

const en::ModelEnergy& find_model(const std::vector<en::ModelEnergy>& v, const std::string& name) {
  for (const auto& m : v)
    if (m.model == name) return m;
  FAIL("model " << name << " missing from the report");
  throw std::logic_error("unreachable");
}

const en::EventEnergy& find_event(const en::ModelEnergy& m, const std::string& ev) {
  for (const auto& e : m.by_event)
    if (e.event == ev) return e;
  FAIL("event " << ev << " missing from " << m.model);
  throw std::logic_error("unreachable");
}

constexpr double pJ = 1e-12;

Approx joules(double picojoules) { return Approx(picojoules * pJ).epsilon(1e-12); }

// A valid one-model file; the loader tests break it in one place each.
const std::string kMinimal = R"(format = "hrsnn-energy-models/1"

[models.tiny]
description = "a test model"

[[models.tiny.terms]]
event = "synaptic_events"
what = "test op"
energy_pj = 10.0
chip = "test chip"
node = "1 nm"
voltage = "1 V"
scope = "per_op"
evidence = "S"
obtained_by = "measured"
citation = "Nobody, Test Journal 2024"
charged_because = "one op per delivered event"

[models.tiny.uncharged]
neuron_updates_active = { status = "not_priced", reason = "r" }
neuron_updates_idle = { status = "not_priced", reason = "r" }
spikes = { status = "not_priced", reason = "r" }
trace_updates = { status = "not_priced", reason = "r" }
plastic_updates = { status = "not_priced", reason = "r" }
weight_reads = { status = "included", reason = "r" }
weight_writes = { status = "not_priced", reason = "r" }
state_reads = { status = "not_priced", reason = "r" }
state_writes = { status = "not_priced", reason = "r" }
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  return text;
}

// 1-based line of the first occurrence of `needle` in `text` (to check error locations).
int line_in(const std::string& text, const std::string& needle) {
  const auto pos = text.find(needle);
  REQUIRE(pos != std::string::npos);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

// Parses `text` expecting an EnergyError; returns it.
en::EnergyError load_error(const std::string& text) {
  try {
    en::parse_models(text, "bad.toml");
  } catch (const en::EnergyError& e) {
    return e;
  }
  FAIL("the loader accepted a malformed models file");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("the shipped models file loads and has every required chip", "[energy]") {
  const auto& lib = shipped();
  for (const char* name : {"loihi_davies2018", "loihi_sanafe", "truenorth", "truenorth_peak", "odin", "odin_global",
                           "spinnaker2", "generic_45nm"}) {
    CAPTURE(name);
    CHECK_NOTHROW(lib.model(name));
  }
  REQUIRE(lib.baselines.size() == 2);
  CHECK(lib.baselines[0].name == "dense_int8_45nm");
  CHECK(lib.baselines[1].name == "dense_fp32_45nm");
  CHECK(lib.model("truenorth").all_in());
  CHECK(lib.model("odin_global").all_in());
  CHECK_FALSE(lib.model("loihi_davies2018").all_in());
  CHECK(lib.crossovers.size() == 2);
}

TEST_CASE("Loihi (Davies 2018 Table 2) prices the tiny run as computed by hand", "[energy]") {
  const auto m = en::model_energy(shipped(), shipped().model("loihi_davies2018"), tiny_counts(), tiny_workload());
  // 5 synops x 23.6 + 8 active x 81 + 4 idle x 52 + 3 spikes x 1.7 + 2 STDP updates x 120
  //   = 118 + 648 + 208 + 5.1 + 240 = 1219.1 pJ
  CHECK(m.total_j == joules(1219.1));
  CHECK(find_event(m, "synaptic_events").energy_j == joules(118.0));
  CHECK(find_event(m, "neuron_updates_active").energy_j == joules(648.0));
  CHECK(find_event(m, "neuron_updates_idle").energy_j == joules(208.0));
  CHECK(find_event(m, "spikes").energy_j == joules(5.1));
  CHECK(find_event(m, "plastic_updates").energy_j == joules(240.0));
  CHECK(find_event(m, "state_reads").status == en::EventStatus::Included);
  CHECK(find_event(m, "trace_updates").status == en::EventStatus::NotPriced);
  // per inference: 2 samples; per simulated second: 4 ms
  REQUIRE(m.per_inference_j);
  CHECK(*m.per_inference_j == joules(609.55));
  CHECK(m.per_simulated_second_j == Approx(1219.1e-12 / 0.004).epsilon(1e-12));
  // traces, weight reads and writes were counted but Table 2 has no figure: a lower bound
  CHECK(m.lower_bound);
  CHECK(m.scope == en::Scope::PerOp);
}

TEST_CASE("Loihi as fitted by SANA-FE prices the tiny run as computed by hand", "[energy]") {
  const auto m = en::model_energy(shipped(), shipped().model("loihi_sanafe"), tiny_counts(), tiny_workload());
  // 5 x 33.6 (synapse) + 12 x 51.2 (soma access, every update) + 8 x 21.6 (soma update, active)
  //   + 3 x 69.3 (spike out) + 3 x 111 (axon message out)
  //   = 168 + 614.4 + 172.8 + 207.9 + 333 = 1496.1 pJ
  CHECK(m.total_j == joules(1496.1));
  CHECK(find_event(m, "spikes").energy_j == joules(540.9));
  CHECK(find_event(m, "state_reads").energy_j == joules(614.4));
  CHECK(find_event(m, "neuron_updates_idle").status == en::EventStatus::Included);
}

TEST_CASE("TrueNorth's all-in figure is charged to synaptic events alone", "[energy]") {
  const auto m = en::model_energy(shipped(), shipped().model("truenorth"), tiny_counts(), tiny_workload());
  // 5 x 26 pJ, nothing else, whatever else was counted
  CHECK(m.total_j == joules(130.0));
  CHECK(m.scope == en::Scope::AllIn);
  CHECK(m.terms.size() == 1);
  // the operating point is stated next to this run's: 3 spikes / 3 neurons / 4 ms = 250 Hz
  bool op_warning = false;
  for (const auto& w : m.warnings)
    if (w.find("operating point") != std::string::npos && w.find("this run: 250 Hz") != std::string::npos &&
        w.find("[20 Hz mean rate, 128 synapses/neuron]") != std::string::npos)
      op_warning = true;
  CHECK(op_warning);

  const auto peak = en::model_energy(shipped(), shipped().model("truenorth_peak"), tiny_counts(), tiny_workload());
  CHECK(peak.total_j == joules(12.5));  // 5 x 2.5 pJ
}

TEST_CASE("ODIN's incremental and global figures price the tiny run as computed by hand", "[energy]") {
  const auto inc = en::model_energy(shipped(), shipped().model("odin"), tiny_counts(), tiny_workload());
  CHECK(inc.total_j == joules(42.15));  // 5 x 8.43 pJ
  CHECK(inc.scope == en::Scope::PerOp);
  const auto global = en::model_energy(shipped(), shipped().model("odin_global"), tiny_counts(), tiny_workload());
  CHECK(global.total_j == joules(63.5));  // 5 x 12.7 pJ
  CHECK(global.scope == en::Scope::AllIn);
}

TEST_CASE("SpiNNaker 2 prices every neuron update, active or idle, as computed by hand", "[energy]") {
  const auto m = en::model_energy(shipped(), shipped().model("spinnaker2"), tiny_counts(), tiny_workload());
  // 5 x 450 + (8 + 4) x 2190 = 2250 + 26280 = 28530 pJ
  CHECK(m.total_j == joules(28530.0));
}

TEST_CASE("the generic 45 nm model prices ops and SRAM by size as computed by hand", "[energy]") {
  const auto m = en::model_energy(shipped(), shipped().model("generic_45nm"), tiny_counts(), tiny_workload());
  // synaptic: 5 x 0.1 = 0.5
  // neuron updates (active and idle alike): 12 x (2 x 3.1 + 4 x 0.1) = 12 x 6.6 = 79.2
  // traces: 6 x (3.1 + 0.03) = 18.78; plastic: 2 x (0.2 + 0.05) = 0.5
  // weights: 4 synapses x 1 B fits 8 KB: 10 pJ per 64 bits, 8-bit word = 1.25 pJ; (7 + 2) x 1.25 = 11.25
  // state: 3 neurons x 8 B fits 8 KB: 10 pJ per 64-bit record; (12 + 12) x 10 = 240
  // total = 0.5 + 79.2 + 18.78 + 0.5 + 11.25 + 240 = 350.23 pJ
  CHECK(m.total_j == joules(350.23));
  CHECK(m.sram_j == joules(251.25));
  CHECK(find_event(m, "neuron_updates_idle").energy_j == joules(26.4));
  CHECK(find_event(m, "trace_updates").energy_j == joules(18.78));
  CHECK(find_event(m, "spikes").status == en::EventStatus::NotPriced);
  for (const auto& t : m.terms)
    if (t.sram_level.size()) CHECK(t.sram_level == "8 KiB");
}

TEST_CASE("the dense RNN baselines cost N*N MACs and N state updates per step as computed by hand", "[energy]") {
  const auto rep = en::estimate_energy(shipped(), {}, tiny_counts(), tiny_workload());
  // N = 3, 4 steps: 36 MACs, 12 state updates, 36 weight reads, 12 state reads, 12 writes
  REQUIRE(rep.dense_counts.size() == 5);
  CHECK(rep.dense_counts[0].event == "macs");
  CHECK(rep.dense_counts[0].count == 36);
  CHECK(rep.dense_counts[1].count == 12);
  CHECK(rep.dense_counts[2].count == 36);

  const auto& i8 = find_model(rep.dense_baselines, "dense_int8_45nm");
  // MACs 36 x (0.2 + 0.1) = 10.8; updates 12 x (0.2 + 2 x 0.1) = 4.8;
  // SRAM (arrays of 9 B and 3 B, 8 KB level, 8-bit words = 1.25 pJ): (36 + 12 + 12) x 1.25 = 75
  CHECK(i8.total_j == joules(90.6));
  CHECK(i8.sram_j == joules(75.0));
  CHECK_FALSE(i8.lower_bound);

  const auto& f32 = find_model(rep.dense_baselines, "dense_fp32_45nm");
  // MACs 36 x (3.7 + 0.9) = 165.6; updates 12 x (3.7 + 2 x 0.9) = 66;
  // SRAM (36 B and 12 B arrays, 8 KB level, 32-bit words = 5 pJ): (36 + 12 + 12) x 5 = 300
  CHECK(f32.total_j == joules(531.6));
  CHECK(f32.sram_j == joules(300.0));
}

TEST_CASE("spikes per synapse per inference is delivered events over synapses over samples", "[energy]") {
  const auto rep = en::estimate_energy(shipped(), {}, tiny_counts(), tiny_workload());
  REQUIRE(rep.spikes_per_synapse_per_inference);
  CHECK(*rep.spikes_per_synapse_per_inference == Approx(5.0 / 4.0 / 2.0));
  CHECK(rep.models.size() == shipped().models.size());

  auto w = tiny_workload();
  w.input_samples = 0;
  const auto none = en::estimate_energy(shipped(), {"odin"}, tiny_counts(), w);
  CHECK_FALSE(none.spikes_per_synapse_per_inference);
  CHECK_FALSE(none.models.at(0).per_inference_j);
}

TEST_CASE("SRAM is priced at the smallest tabulated level that holds the array", "[energy]") {
  const auto& model = shipped().model("generic_45nm");
  hrsnn::EventCounts c;
  c.weight_reads = 1;
  c.state_reads = 1;
  auto w = tiny_workload();
  w.synapses = 10000;  // 10000 B of 8-bit weights: 32 KB level, 20 pJ / 64 bits -> 2.5 pJ
  w.neurons = 5000;    // 40000 B of 64-bit records: 1 MB level -> 100 pJ
  auto m = en::model_energy(shipped(), model, c, w);
  CHECK(find_event(m, "weight_reads").energy_j == joules(2.5));
  CHECK(find_event(m, "state_reads").energy_j == joules(100.0));

  w.synapses = 2'000'000;  // 2 MB: above the largest level, priced as a 1 MB bank, and said so
  m = en::model_energy(shipped(), model, c, w);
  CHECK(find_event(m, "weight_reads").energy_j == joules(12.5));
  bool said = false;
  for (const auto& msg : m.warnings) said = said || msg.find("bank") != std::string::npos;
  CHECK(said);
}

TEST_CASE("an SRAM table that does not price large arrays makes the total a lower bound", "[energy]") {
  std::string text =
      replaced(kMinimal, R"(energy_pj = 10.0)", R"(sram = { table = "small", array = "weights", word_bits = 64 })");
  text = replaced(text, "obtained_by = \"measured\"", "obtained_by = \"derived\"");
  text += R"(
[sram_tables.small]
what = "a small SRAM"
levels = [ { size_bytes = 64, read_pj_per_64b = 2 } ]
larger_arrays = "not_priced"
chip = "test chip"
node = "1 nm"
voltage = "1 V"
scope = "per_op"
evidence = "S"
obtained_by = "measured"
citation = "Nobody 2024"
)";
  const auto lib = en::parse_models(text, "sram.toml");
  auto w = tiny_workload();
  w.synapses = 8;  // 64 B: fits, 2 pJ per event
  auto m = en::model_energy(lib, lib.model("tiny"), tiny_counts(), w);
  CHECK(m.total_j == joules(10.0));
  w.synapses = 9;  // 72 B: does not fit, not priced
  m = en::model_energy(lib, lib.model("tiny"), tiny_counts(), w);
  CHECK(m.total_j == 0.0);
  CHECK(m.lower_bound);
  REQUIRE(m.terms.size() == 1);
  CHECK_FALSE(m.terms[0].energy_pj_per_op);
}

TEST_CASE("not-priced counts are listed as warnings, included ones are not", "[energy]") {
  const auto lib = en::parse_models(kMinimal, "ok.toml");
  hrsnn::EventCounts c;
  c.synaptic_events = 3;
  c.weight_reads = 3;  // included
  auto m = en::model_energy(lib, lib.model("tiny"), c, tiny_workload());
  CHECK(m.total_j == joules(30.0));
  CHECK_FALSE(m.lower_bound);
  CHECK(m.warnings.empty());
  c.trace_updates = 4;  // not priced
  m = en::model_energy(lib, lib.model("tiny"), c, tiny_workload());
  CHECK(m.lower_bound);
  REQUIRE(m.warnings.size() == 1);
  CHECK(m.warnings[0] == "4 trace_updates not priced: r");
}

TEST_CASE("an unverified figure is flagged in every report that uses it", "[energy]") {
  const auto lib = en::parse_models(replaced(kMinimal, "evidence = \"S\"", "evidence = \"U\""), "u.toml");
  const auto m = en::model_energy(lib, lib.model("tiny"), tiny_counts(), tiny_workload());
  bool flagged = false;
  for (const auto& msg : m.warnings) flagged = flagged || msg.find("UNVERIFIED") != std::string::npos;
  CHECK(flagged);
}

TEST_CASE("the loader rejects a figure without a citation", "[energy][loader]") {
  const std::string text = replaced(kMinimal, "citation = \"Nobody, Test Journal 2024\"\n", "");
  const auto e = load_error(text);
  CHECK(e.file() == "bad.toml");
  CHECK(e.key_path() == "models.tiny.terms[0].citation");
  CHECK(e.line() == line_in(text, "[[models.tiny.terms]]"));
  CHECK_THAT(e.what(), Catch::Contains("missing required key 'citation'") && Catch::Contains("where it comes from"));
}

TEST_CASE("the loader rejects a model mixing an all-in figure with per-operation terms", "[energy][loader]") {
  std::string text =
      replaced(kMinimal, "scope = \"per_op\"", "scope = \"all_in\"\noperating_point = { description = \"somewhere\" }");
  text = replaced(text, "spikes = { status = \"not_priced\", reason = \"r\" }\n", "");
  text = replaced(text, "[models.tiny.uncharged]", R"([[models.tiny.terms]]
event = "spikes"
what = "a spike"
energy_pj = 1.0
chip = "test chip"
node = "1 nm"
voltage = "1 V"
scope = "per_op"
evidence = "S"
obtained_by = "measured"
citation = "Nobody 2024"
charged_because = "one per spike"

[models.tiny.uncharged])");
  const auto e = load_error(text);
  CHECK(e.key_path() == "models.tiny");
  CHECK(e.line() == line_in(text, "[[models.tiny.terms]]"));
  CHECK_THAT(e.what(), Catch::Contains("mixes an all-in figure") && Catch::Contains("terms[1] (spikes, per_op") &&
                           Catch::Contains("only term"));

  // the same all-in figure alone is a valid model
  const std::string alone =
      replaced(kMinimal, "scope = \"per_op\"", "scope = \"all_in\"\noperating_point = { description = \"somewhere\" }");
  CHECK(en::parse_models(alone, "ok.toml").model("tiny").all_in());
}

TEST_CASE("the loader rejects an all-in figure without its operating point", "[energy][loader]") {
  const auto e = load_error(replaced(kMinimal, "scope = \"per_op\"", "scope = \"all_in\""));
  CHECK(e.key_path() == "models.tiny.terms[0].operating_point");
  CHECK_THAT(e.what(), Catch::Contains("operating point"));
}

TEST_CASE("the loader rejects a negative or zero energy", "[energy][loader]") {
  const std::string text = replaced(kMinimal, "energy_pj = 10.0", "energy_pj = -3.5");
  auto e = load_error(text);
  CHECK(e.key_path() == "models.tiny.terms[0].energy_pj");
  CHECK(e.line() == line_in(text, "energy_pj = -3.5"));
  CHECK_THAT(e.what(), Catch::Contains("must be > 0 pJ, got -3.5"));
  e = load_error(replaced(kMinimal, "energy_pj = 10.0", "energy_pj = 0"));
  CHECK_THAT(e.what(), Catch::Contains("uncharged"));
}

TEST_CASE("the loader rejects an unknown key and lists the allowed keys", "[energy][loader]") {
  const std::string text = replaced(kMinimal, "energy_pj = 10.0", "energy_pj = 10.0\nenergy_nj = 1.0");
  const auto e = load_error(text);
  CHECK(e.key_path() == "models.tiny.terms[0].energy_nj");
  CHECK(e.line() == line_in(text, "energy_nj"));
  CHECK_THAT(e.what(), Catch::Contains("unknown key") && Catch::Contains("allowed keys here: event, what, energy_pj"));

  const auto top = load_error(kMinimal + "\n[modles.x]\n");
  CHECK(top.key_path() == "modles");
  CHECK_THAT(top.what(), Catch::Contains("allowed keys here: format, models, baselines, sram_tables, crossovers"));
}

TEST_CASE("the loader rejects a value of the wrong type", "[energy][loader]") {
  const std::string text = replaced(kMinimal, "energy_pj = 10.0", "energy_pj = \"10 pJ\"");
  const auto e = load_error(text);
  CHECK(e.key_path() == "models.tiny.terms[0].energy_pj");
  CHECK(e.line() == line_in(text, "energy_pj"));
  CHECK_THAT(e.what(), Catch::Contains("expected a number, got a string"));

  const auto ops = load_error(replaced(kMinimal, "energy_pj = 10.0", "energy_pj = 10.0\nops_per_event = 1.5"));
  CHECK_THAT(ops.what(), Catch::Contains("ops_per_event: expected an integer, got a floating-point number"));
}

TEST_CASE("the loader rejects a value outside its allowed set and lists the set", "[energy][loader]") {
  auto e = load_error(replaced(kMinimal, "scope = \"per_op\"", "scope = \"allin\""));
  CHECK(e.key_path() == "models.tiny.terms[0].scope");
  CHECK_THAT(e.what(), Catch::Contains("'allin' is not one of: per_op, all_in"));

  e = load_error(replaced(kMinimal, "event = \"synaptic_events\"", "event = \"synops\""));
  CHECK(e.key_path() == "models.tiny.terms[0].event");
  CHECK_THAT(e.what(), Catch::Contains("'synops' is not one of the event types") &&
                           Catch::Contains("synaptic_events") && Catch::Contains("state_writes"));

  e = load_error(replaced(kMinimal, "evidence = \"S\"", "evidence = \"A\""));
  CHECK_THAT(e.what(), Catch::Contains("is not one of: P, S, S+, U"));
}

TEST_CASE("the loader rejects a model that leaves an event type unaccounted for", "[energy][loader]") {
  const std::string text = replaced(kMinimal, "spikes = { status = \"not_priced\", reason = \"r\" }\n", "");
  const auto e = load_error(text);
  CHECK(e.key_path() == "models.tiny");
  CHECK(e.line() == line_in(text, "[models.tiny]"));
  CHECK_THAT(e.what(), Catch::Contains("spikes neither priced by a term nor listed"));

  const auto twice = load_error(
      replaced(kMinimal, "spikes = {", "synaptic_events = { status = \"included\", reason = \"r\" }\nspikes = {"));
  CHECK(twice.key_path() == "models.tiny.uncharged.synaptic_events");
  CHECK_THAT(twice.what(), Catch::Contains("priced by a term"));
}

TEST_CASE("the loader rejects invalid TOML and an unknown format, with the line", "[energy][loader]") {
  auto e = load_error("format = \"hrsnn-energy-models/1\"\n[models.x\n");
  CHECK(e.line() == 2);
  CHECK_THAT(e.what(), Catch::StartsWith("bad.toml:2: <syntax>: "));
  e = load_error(replaced(kMinimal, "hrsnn-energy-models/1", "hrsnn-energy-models/9"));
  CHECK(e.key_path() == "format");
  CHECK_THAT(e.what(), Catch::Contains("is not one of: hrsnn-energy-models/1"));
  CHECK_THROWS_WITH(en::load_models("/nonexistent/models.toml"), Catch::Contains("/nonexistent/models.toml"));
}

TEST_CASE("a bad models file on disk is a file:line:key ConfigError from the shared reader", "[energy][loader]") {
  const auto path =
      std::filesystem::temp_directory_path() / ("hrsnn_energy_shared_reader_" + std::to_string(::getpid()) + ".toml");
  const std::string text = replaced(replaced(kMinimal, "energy_pj = 10.0", "energy_pj = 10.0\nops_per_event = \"two\""),
                                    "description = \"a test model\"", "description = \"a test model\"\nchips = 2");
  std::ofstream(path) << text;

  // The first bad key in reading order: [models.tiny]'s unknown key, in the shared wording.
  try {
    en::load_models(path);
    FAIL("the loader accepted a malformed models file");
  } catch (const hrsnn::ConfigError& e) {
    CHECK(e.file() == path.string());
    CHECK(e.line() == line_in(text, "chips = 2"));
    CHECK(e.key_path() == "models.tiny.chips");
    CHECK(e.message() == "unknown key; allowed keys here: description, terms, uncharged");
    CHECK_THAT(e.what(), Catch::StartsWith(fmt::format("{}:{}: models.tiny.chips: ", path.string(), e.line())));
  }

  // With that fixed, the wrong type of ops_per_event, with the allowed range.
  const std::string typed = replaced(text, "\nchips = 2", "");
  std::ofstream(path) << typed;
  try {
    en::load_models(path);
    FAIL("the loader accepted a malformed models file");
  } catch (const hrsnn::ConfigError& e) {
    CHECK(e.file() == path.string());
    CHECK(e.line() == line_in(typed, "ops_per_event"));
    CHECK(e.key_path() == "models.tiny.terms[0].ops_per_event");
    CHECK_THAT(e.message(), Catch::StartsWith("expected an integer, got a string (allowed: integer in [1, "));
  }
  std::filesystem::remove(path);

  // A file that cannot be read: line 0, the shared "<file>" key.
  try {
    en::load_models(path);
    FAIL("the loader read a missing file");
  } catch (const hrsnn::ConfigError& e) {
    CHECK(e.file() == path.string());
    CHECK(e.line() == 0);
    CHECK(e.key_path() == "<file>");
  }
}

TEST_CASE("an unknown model name is an error listing the known models", "[energy]") {
  CHECK_THROWS_WITH(shipped().model("loihi2"), Catch::Contains("unknown energy model 'loihi2'") &&
                                                   Catch::Contains("loihi_davies2018") &&
                                                   Catch::Contains("generic_45nm"));
  CHECK_THROWS_AS(en::estimate_energy(shipped(), {"odin", "nope"}, tiny_counts(), tiny_workload()), en::EnergyError);
}

TEST_CASE("a run summary is read strictly", "[energy][summary]") {
  nlohmann::json s = {{"format", "hrsnn-run/1"},
                      {"arith", "float64"},
                      {"steps", 4},
                      {"dt_ms", 1.0},
                      {"neurons", 3},
                      {"synapses", 4},
                      {"plastic_synapses", 1},
                      {"input_samples", 2},
                      {"populations", nlohmann::json::array()}};
  nlohmann::json counts = nlohmann::json::object();
  hrsnn::for_each_count(tiny_counts(), [&](std::string_view name, uint64_t n) { counts[std::string(name)] = n; });
  s["counts"] = counts;
  const auto facts = en::run_facts_from_summary(s, "summary.json");
  CHECK(facts.counts == tiny_counts());
  CHECK(facts.workload.neurons == 3);
  CHECK(facts.workload.synapses == 4);
  CHECK(facts.workload.steps == 4);
  CHECK(facts.workload.input_samples == 2);
  CHECK(facts.workload.simulated_seconds() == Approx(0.004));

  auto missing = s;
  missing["counts"].erase("spikes");
  CHECK_THROWS_WITH(en::run_facts_from_summary(missing, "summary.json"),
                    Catch::Contains("summary.json:0: counts.spikes: missing required key 'spikes'"));
  auto unknown = s;
  unknown["counts"]["hops"] = 1;
  CHECK_THROWS_WITH(en::run_facts_from_summary(unknown, "summary.json"),
                    Catch::Contains("counts.hops: not an event counter"));
  auto negative = s;
  negative["steps"] = -1;
  CHECK_THROWS_WITH(en::run_facts_from_summary(negative, "summary.json"),
                    Catch::Contains("steps: expected a non-negative integer"));
  auto format = s;
  format["format"] = "hrsnn-run/2";
  CHECK_THROWS_WITH(en::run_facts_from_summary(format, "summary.json"), Catch::Contains("hrsnn-run/1"));
}

TEST_CASE("the JSON report carries the model name on every figure", "[energy][output]") {
  const auto rep = en::estimate_energy(shipped(), {"loihi_davies2018", "truenorth"}, tiny_counts(), tiny_workload());
  const auto j = rep.to_json();
  CHECK(j["format"] == "hrsnn-energy/1");
  CHECK(j["workload"]["neurons"] == 3);
  CHECK(j["counts"]["synaptic_events"] == 5);
  REQUIRE(j["models"].size() == 2);
  for (const auto& m : j["models"]) {
    for (const auto& t : m["terms"]) {
      CHECK(t["model"] == m["model"]);
      CHECK_FALSE(t["citation"].get<std::string>().empty());
    }
    for (const auto& e : m["by_event"]) CHECK(e["model"] == m["model"]);
  }
  CHECK(j["models"][0]["total_j"].get<double>() == joules(1219.1));
  CHECK(j["models"][1]["scope"] == "all_in");
  CHECK(j["spread"]["highest_model"] == "loihi_davies2018");
  CHECK(j["spread"]["highest_over_lowest"].get<double>() == Approx(1219.1 / 130.0));
  CHECK(j["dense_baseline"]["models"].size() == 2);
  CHECK(j["spikes_per_synapse_per_inference"].get<double>() == Approx(0.625));

  const std::string text = en::format_report(rep);
  CHECK_THAT(text, Catch::Contains("loihi_davies2018") && Catch::Contains("1.22 nJ") &&
                       Catch::Contains("dense_fp32_45nm") && Catch::Contains("never averaged") &&
                       Catch::Contains("[1] Davies et al., IEEE Micro"));
}

TEST_CASE("`hrsnn energy RUN_DIR` prints the report and writes the JSON", "[energy][cli]") {
  const hrsnn::test::ScratchDir scratch("energy_run_dir");
  const std::filesystem::path& dir = scratch.path();
  nlohmann::json s = {
      {"format", "hrsnn-run/1"}, {"arith", "float64"},    {"steps", 4},        {"dt_ms", 1.0}, {"neurons", 3},
      {"synapses", 4},           {"plastic_synapses", 1}, {"input_samples", 2}};
  nlohmann::json counts = nlohmann::json::object();
  hrsnn::for_each_count(tiny_counts(), [&](std::string_view name, uint64_t n) { counts[std::string(name)] = n; });
  s["counts"] = counts;
  std::ofstream(dir / "summary.json") << s.dump();

  const auto out_json = dir / "out" / "energy.json";
  const hrsnn::test::CliResult printed = hrsnn::test::run_cli(
      "energy " + dir.string() + " --model loihi_davies2018 --model odin --out " + (dir / "out").string());
  INFO(printed.out);
  REQUIRE(printed.status == 0);
  std::ifstream in(out_json);
  const auto j = nlohmann::json::parse(in);
  REQUIRE(j["models"].size() == 2);
  CHECK(j["models"][0]["total_j"].get<double>() == joules(1219.1));
  CHECK(j["models"][1]["total_j"].get<double>() == joules(42.15));
  CHECK_THAT(printed.out, Catch::Contains("Spiking models, side by side"));

  const hrsnn::test::CliResult err = hrsnn::test::run_cli("energy " + dir.string() + " --model loihi9");
  CHECK(err.status != 0);
  CHECK_THAT(err.out, Catch::Contains("unknown energy model 'loihi9'") && Catch::Contains("known models"));
}
