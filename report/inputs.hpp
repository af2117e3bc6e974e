// The optional inputs of the report (tools/cmd_report.cpp): results other commands wrote,
// read into what the page and its figures need. Known formats are read by their structure
// (hrsnn-study/1 from `hrsnn study`, read by report/study_section.cpp, hrsnn-bo-history/1 from `hrsnn optimize`,
// hrsnn-quant/1 from `hrsnn quantize`); a file of another shape is still shown, as generic tables.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hrsnn::report {

using ojson = nlohmann::ordered_json;

// Parses a JSON file, keeping its key order; errors name the option and the file.
ojson read_json_file(const std::string& option, const std::string& path);

// A number in a JSON value (a number, or {"mean": number}); NaN otherwise.
double number_of(const ojson& v);
// The number, or null when it is not finite (JSON has no NaN).
ojson finite_or_null(double d);
// The strings in first-seen order, each once.
std::vector<std::string> ordered_unique(const std::vector<std::string>& xs);

// --- Committed protocol runs ----------------------------------------------------------------

struct ProtocolRun {
  std::string label;  // the run's directory name under the results directory
  std::string file;   // its study.json
  ojson doc;          // hrsnn-study/1 with config.protocol set
};

// Every DIR/<run>/study.json whose configuration names a protocol (the repository's results/:
// runs made under a declared protocol and committed), by label. A missing DIR gives none; a
// study.json that is not valid JSON is an error naming the file.
std::vector<ProtocolRun> read_protocol_runs(const std::string& dir);

// --- Bayesian optimization ----------------------------------------------------------------

struct BoHistory {
  std::string label;  // path relative to --bo-dir, without "/history.json" or ".json"
  std::string group;  // the label without a trailing "-seedN" (bayesian-seed3 -> bayesian)
  std::string file;
  ojson doc;
};

// Every hrsnn-bo-history/1 file under `path` (searched recursively: `hrsnn optimize --out DIR`
// writes DIR/history.json, tools/bo_vs_random.sh one directory per strategy and seed), or the
// one file given. `ignored` counts the other JSON files met.
std::vector<BoHistory> read_bo(const std::string& path, size_t& ignored);

// --- Quantization sweeps ------------------------------------------------------------------

struct QuantSweep {
  std::string name;
  std::string x_key;
  std::vector<ojson> points;          // flat rows: x first, then (id,) the metrics
  std::vector<std::string> metrics;   // the numeric columns drawn against x
  ojson reference = ojson::object();  // metric -> float reference value, where known
};

struct QuantInput {
  std::string format;  // "hrsnn-quant/1" or "" (a generic shape)
  std::vector<QuantSweep> sweeps;
  ojson findings;    // hrsnn-quant/1: the sweep's findings (null otherwise)
  std::string note;  // what was not drawn (grids, ...)
};

// hrsnn-quant/1: one sweep per axis, x the axis value, the metrics' means across seeds.
// Otherwise {"sweeps": [{name|field, x?, points, reference?}]}, {"points": [...]} or an
// array of flat points, x the sweep's "x"/"field" key, else "value", "bits" or "k".
QuantInput read_quant(const std::string& path);

// --- RTL traces -----------------------------------------------------------------------------

struct RtlTrace {
  std::string source;
  std::vector<uint64_t> step;
  std::vector<double> u, v;
};

// Each spec is NAME:FILE, NAME a key of `probes`, FILE a CSV with columns step,neuron,u,v in
// physical units (as `hrsnn run --probe` writes); the rows of probes[NAME] below `max_step`.
std::map<std::string, RtlTrace> read_rtl(const std::vector<std::string>& specs,
                                         const std::map<std::string, uint32_t>& probes, uint64_t max_step);

}  // namespace hrsnn::report
