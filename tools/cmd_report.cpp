// hrsnn report: the project's main job. Simulates the two example networks (MRSNN and HRSNN)
// on the float64 reference and on the fixed-point core, costs every run under every energy
// model, and writes report/index.html, one self-contained page (figures embedded as base64
// PNG, drawn by tools/report_figures.py with Debian's matplotlib), plus report/summary.json
// and a short text summary on stdout. It runs the study (study/study.hpp) on `hrsnn study`'s
// defaults (report_study_config(); about 7 minutes of the main job's 10 on 2 cores) unless
// --study-json gives a finished one or --no-study skips it. BO convergence and quantization
// sweeps join the page when their result files are given (--bo-dir, --quant-json); until then
// the page says plainly that those sections have no data yet. The RTL trace of the membrane
// figure comes from a file of `hrsnn verify --probe-out` (--rtl-probes).
#include "core/foundation/source_dir.hpp"
#include "core/io.hpp"
#include "core/run.hpp"
#include "hw_model/energy/energy_model.hpp"
#include "study/study.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"
#include "tools/report_html.hpp"
#include "tools/report_inputs.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace hrsnn::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
// Inputs written by other tools and the figures' data keep their key order (column order).
using report::ojson;
using report::BoHistory;
using report::QuantInput;
using report::RtlTrace;

// Embedded defaults: 10 s of simulated time per run (1,000 inferences of 10 steps). Measured on
// 2 shared cores: 9 s of CPU for the four runs and the figures, 23-83 s wall depending on the
// load; the main job's budget is 10 minutes.
constexpr uint64_t kDefaultSteps = 10000;
constexpr uint64_t kQuickSteps = 200;        // --quick: a smoke test of the whole page
constexpr uint64_t kRasterWindowSteps = 1000;
constexpr uint64_t kMembraneWindowSteps = 300;
constexpr uint64_t kRateBins = 200;          // population-rate bins over the whole run

// The study the main job runs: `hrsnn study`'s defaults (examples/study.toml: both example
// specs, all four variants in float64 and fixed, every task, ESN and linear baselines, paired
// claims over 5 seeds; 6.7 min wall, 13 min CPU on 2 cores). --quick: the study's quick
// configuration made smaller still (2 seeds, 60-neuron networks; seconds, for tests).
study::StudyConfig report_study_config(bool quick) {
  study::StudyConfig c = quick ? study::quick_study_config() : study::default_study_config();
  if (!quick) return c;
  c.source = "<report --quick>";
  c.seeds = 2;
  c.size_scale = 0.06;
  c.memory.samples = 300;
  c.memory.max_delay = 10;
  c.prediction.samples = 300;
  c.fsdd.fit_per_group = 1;
  c.fsdd.warmup_utterances = 1;
  return c;
}

struct ReportArgs {
  std::string examples_dir = source_dir() + "/examples";
  std::string out = "report";
  std::optional<uint64_t> steps;
  uint64_t seed = 1;
  bool quick = false;
  std::optional<uint32_t> probe_neuron;
  std::string python = "/usr/bin/python3";
  std::string models_file;
  std::string study_json, study_csv, bo_dir, quant_json;
  std::string study_config;  // TOML over the report's study configuration
  bool no_study = false;
  std::vector<std::string> rtl_probes;  // NAME:FILE
  std::string command_line;
};

struct ExampleRun {
  std::string network;  // "mrsnn" | "hrsnn"
  std::string label;    // "MRSNN" | "HRSNN"
  Arith arith = Arith::Float64;
  std::shared_ptr<const Network> net;
  uint32_t probe = 0;
  RunResult result;
  json summary;
  energy::EnergyReport energy;
  std::string key() const { return network + "_" + to_string(arith); }
  std::string title() const { return label + " " + to_string(arith); }
};

// Float vs fixed for one network.
struct Fidelity {
  std::string network;
  std::optional<uint64_t> first_raster_difference;  // first step whose spike sets differ
  std::optional<uint64_t> first_probe_spike_difference;
  // Over the membrane window's steps before the probed neuron's spikes first differ.
  double max_abs_dv_window = 0.0, rms_dv_window = 0.0;
  uint64_t compared_steps = 0;
  double max_abs_dv_before_divergence = 0.0;            // over the steps before the rasters differ
  double spike_ratio = 0.0;                             // fixed spikes / float spikes
};

// --- Processes and scratch space ----------------------------------------------------------

// A directory under $TMPDIR removed when the report is done (or fails).
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "hrsnn-report-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("report: cannot create a temporary directory");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Runs argv[0] (looked up on PATH when it has no slash) with stdout and stderr to `log`;
// returns the exit status, 127 when the program cannot be started.
int run_process(const std::vector<std::string>& argv, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return 127;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string tail_of(const fs::path& file, size_t max_chars = 1500) {
  std::string text;
  try {
    text = read_text_file(file);
  } catch (const std::exception&) {
    return {};
  }
  return text.size() > max_chars ? "..." + text.substr(text.size() - max_chars) : text;
}

// The figures need Debian's matplotlib; say which package before simulating anything.
void check_matplotlib(const std::string& python, const fs::path& scratch) {
  const fs::path log = scratch / "python-check.log";
  const int rc = run_process({python, "-c", "import matplotlib, numpy"}, log);
  if (rc == 0) return;
  if (rc == 127)
    throw std::runtime_error(fmt::format(
        "report: cannot run {} for the figures; install the Debian packages python3 and python3-matplotlib "
        "(tools/setup.sh installs them), or pass --python PATH",
        python));
  throw std::runtime_error(fmt::format(
      "report: {} cannot import matplotlib, which draws the report's figures; install the Debian package "
      "python3-matplotlib (tools/setup.sh installs it), or pass --python PATH to a Python that has it.{}",
      python, [&] {
        const std::string t = tail_of(log, 600);
        return t.empty() ? t : "\n" + t;
      }()));
}

// --- Simulation ---------------------------------------------------------------------------

// The probed neuron: the first excitatory neuron the input drives, so its trace moves.
uint32_t default_probe(const Network& net) {
  for (uint32_t i = 0; i < net.size(); ++i)
    if (net.input.offset.size() > i + 1 && net.input.offset[i + 1] > net.input.offset[i]) return i;
  return 0;
}

std::vector<std::pair<uint64_t, uint32_t>> sorted_spikes(const Raster& r) {
  std::vector<std::pair<uint64_t, uint32_t>> s(r.size());
  for (size_t k = 0; k < r.size(); ++k) s[k] = {r.step[k], r.neuron[k]};
  std::sort(s.begin(), s.end());
  return s;
}

// The first step at which the two rasters' spike sets differ (nullopt: identical).
std::optional<uint64_t> first_difference(const Raster& a, const Raster& b, std::optional<uint32_t> only = {}) {
  auto sa = sorted_spikes(a), sb = sorted_spikes(b);
  if (only) {
    auto other = [&](const auto& p) { return p.second != *only; };
    sa.erase(std::remove_if(sa.begin(), sa.end(), other), sa.end());
    sb.erase(std::remove_if(sb.begin(), sb.end(), other), sb.end());
  }
  const size_t n = std::min(sa.size(), sb.size());
  for (size_t k = 0; k < n; ++k)
    if (sa[k] != sb[k]) return std::min(sa[k].first, sb[k].first);
  if (sa.size() > n) return sa[n].first;
  if (sb.size() > n) return sb[n].first;
  return std::nullopt;
}

Fidelity compare(const ExampleRun& ref, const ExampleRun& fix) {
  Fidelity f;
  f.network = ref.network;
  f.first_raster_difference = first_difference(ref.result.raster, fix.result.raster);
  f.first_probe_spike_difference = first_difference(ref.result.raster, fix.result.raster, ref.probe);
  const auto& a = ref.result.probes;
  const auto& b = fix.result.probes;
  const size_t n = std::min(a.step.size(), b.step.size());
  double sum2 = 0.0;
  size_t in_window = 0;
  f.compared_steps = std::min({ref.result.steps, kMembraneWindowSteps,
                               f.first_probe_spike_difference.value_or(ref.result.steps)});
  for (size_t k = 0; k < n; ++k) {
    const double dv = b.v[k] / fix.result.voltage_scale - a.v[k] / ref.result.voltage_scale;
    if (a.step[k] < f.compared_steps) {
      f.max_abs_dv_window = std::max(f.max_abs_dv_window, std::abs(dv));
      sum2 += dv * dv;
      ++in_window;
    }
    if (!f.first_raster_difference || a.step[k] < *f.first_raster_difference)
      f.max_abs_dv_before_divergence = std::max(f.max_abs_dv_before_divergence, std::abs(dv));
  }
  f.rms_dv_window = in_window ? std::sqrt(sum2 / static_cast<double>(in_window)) : 0.0;
  f.spike_ratio = ref.result.counts.total.spikes
                      ? static_cast<double>(fix.result.counts.total.spikes) /
                            static_cast<double>(ref.result.counts.total.spikes)
                      : 0.0;
  return f;
}

std::vector<ExampleRun> simulate(const ReportArgs& a, uint64_t steps, const energy::ModelLibrary& lib) {
  std::vector<ExampleRun> runs;
  for (const char* name : {"mrsnn", "hrsnn"}) {
    RunOptions base;
    base.steps = steps;
    base.seed = a.seed;
    const NetworkSpec spec = with_overrides(load_spec(a.examples_dir + "/" + name + ".toml"), base);
    auto net = std::make_shared<const Network>(build_network(spec));
    const InputSignal signal = make_spec_signal(spec, spec.simulation.steps);
    const uint32_t probe = a.probe_neuron.value_or(default_probe(*net));
    if (probe >= net->size())
      throw std::invalid_argument(
          fmt::format("--probe-neuron: neuron {} out of range ({} has {} neurons)", probe, name, net->size()));
    for (Arith arith : {Arith::Float64, Arith::Fixed}) {
      ExampleRun run;
      run.network = name;
      run.label = name == std::string("mrsnn") ? "MRSNN" : "HRSNN";
      run.arith = arith;
      run.net = net;
      run.probe = probe;
      RunOptions opt = base;
      opt.arith = arith;
      opt.hardware = spec.hardware;
      opt.sim.probes = {probe};
      const std::string label = run.key();
      opt.progress = [&label](uint64_t d, uint64_t t) { print_progress(label.c_str(), d, t); };
      opt.progress_every = std::max<uint64_t>(500, steps / 20);
      run.result = run_network(*net, signal, spec.simulation.steps, opt);
      run.summary = run_summary(spec, *net, run.result);
      const energy::Workload w{net->size(), net->synapse_count(), run.result.steps, net->dt_ms,
                               run.result.input_samples};
      run.energy = energy::estimate_energy(lib, {}, run.result.counts.total, w);
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

// --- Data for the figures -------------------------------------------------------------------

ojson figure_data(const std::vector<ExampleRun>& runs, uint64_t steps, const ojson* study,
                  const std::vector<BoHistory>& bo, const QuantInput& quant,
                  const std::map<std::string, RtlTrace>& rtl) {
  const Network& net0 = *runs.front().net;
  const uint64_t window = std::min(steps, kRasterWindowSteps);
  const uint64_t bin = std::max<uint64_t>(1, (steps + kRateBins - 1) / kRateBins);
  ojson d;
  d["format"] = "hrsnn-report-data/1";
  d["dt_ms"] = net0.dt_ms;
  d["window_steps"] = window;
  d["bin_steps"] = bin;
  d["steps_per_sample"] = net0.input.steps_per_sample;
  d["probe_neuron"] = ojson::object();
  ojson jruns = ojson::array();
  for (const auto& r : runs) {
    const Network& net = *r.net;
    d["probe_neuron"][r.network] = r.probe;
    ojson j;
    j["network"] = r.network;
    j["label"] = r.label;
    j["arith"] = to_string(r.arith);
    j["steps"] = r.result.steps;
    j["neurons"] = net.size();
    j["populations"] = ojson::array();
    for (const auto& p : net.populations) j["populations"].push_back({{"name", p.name}, {"first", p.first}, {"size", p.size}});
    std::vector<uint64_t> rs;
    std::vector<uint32_t> rn;
    const uint64_t nbins = (r.result.steps + bin - 1) / bin;
    std::vector<std::vector<double>> counts(net.populations.size(), std::vector<double>(nbins, 0.0));
    for (size_t k = 0; k < r.result.raster.size(); ++k) {
      const uint64_t s = r.result.raster.step[k];
      const uint32_t n = r.result.raster.neuron[k];
      if (s < window) {
        rs.push_back(s);
        rn.push_back(n);
      }
      counts[net.population_of[n]][s / bin] += 1.0;
    }
    j["raster"] = {{"step", rs}, {"neuron", rn}};
    j["rate_hz"] = ojson::object();
    for (size_t p = 0; p < net.populations.size(); ++p) {
      for (uint64_t b = 0; b < nbins; ++b) {
        const uint64_t width = std::min(bin, r.result.steps - b * bin);
        counts[p][b] /= static_cast<double>(net.populations[p].size) * static_cast<double>(width) * net.dt_ms * 1e-3;
      }
      j["rate_hz"][net.populations[p].name] = counts[p];
    }
    std::vector<uint64_t> ps;
    std::vector<double> pu, pv;
    for (size_t k = 0; k < r.result.probes.step.size() && r.result.probes.step[k] < kMembraneWindowSteps; ++k) {
      ps.push_back(r.result.probes.step[k]);
      pu.push_back(r.result.probes.u[k] / r.result.voltage_scale);
      pv.push_back(r.result.probes.v[k] / r.result.voltage_scale);
    }
    j["probe"] = {{"step", ps}, {"u", pu}, {"v", pv}};
    j["probe_v_thresh"] = net.v_thresh[r.probe];
    jruns.push_back(std::move(j));
  }
  d["runs"] = jruns;

  ojson e;
  e["models"] = ojson::array();
  for (const auto& m : runs.front().energy.models) e["models"].push_back(m.model);
  e["events"] = energy::spiking_event_names();
  e["runs"] = ojson::array();
  for (const auto& r : runs) {
    const double samples = static_cast<double>(r.result.input_samples);
    ojson jr = {{"network", r.network}, {"arith", to_string(r.arith)}, {"label", r.title()},
               {"short_label", r.label + (r.arith == Arith::Fixed ? "\nfixed" : "\nfloat")}};
    jr["per_inference_j"] = ojson::object();
    jr["lower_bound"] = ojson::object();
    jr["by_event_per_inference_j"] = ojson::object();
    for (const auto& m : r.energy.models) {
      jr["per_inference_j"][m.model] = m.per_inference_j ? ojson(*m.per_inference_j) : ojson(nullptr);
      jr["lower_bound"][m.model] = m.lower_bound;
      ojson ev = ojson::object();
      for (const auto& b : m.by_event)
        if (b.status == energy::EventStatus::Priced && samples > 0) ev[b.event] = b.energy_j / samples;
      jr["by_event_per_inference_j"][m.model] = ev;
    }
    e["runs"].push_back(std::move(jr));
  }
  e["dense"] = ojson::object();
  for (const auto& m : runs.front().energy.dense_baselines)
    e["dense"][m.model] = m.per_inference_j ? ojson(*m.per_inference_j) : ojson(nullptr);
  d["energy"] = e;

  d["bo"] = ojson::array();
  for (const auto& h : bo) {
    ojson values = ojson::array();
    if (h.doc.contains("evaluations") && h.doc["evaluations"].is_array())
      for (const auto& ev : h.doc["evaluations"]) {
        const bool ok = ev.value("ok", true) && ev.contains("value") && ev["value"].is_number();
        values.push_back(ok ? ev["value"] : ojson(nullptr));
      }
    d["bo"].push_back(
        {{"label", h.label}, {"group", h.group}, {"convergence", h.doc["convergence"]}, {"values", values}});
  }
  d["study"] = study && report::is_study_v1(*study) ? report::study_figure_data(*study) : ojson(nullptr);
  d["quant"] = ojson::array();
  for (const auto& q : quant.sweeps)
    d["quant"].push_back({{"name", q.name}, {"x_key", q.x_key}, {"metrics", q.metrics}, {"points", q.points},
                          {"reference", q.reference}});
  d["rtl"] = ojson::object();
  for (const auto& [name, t] : rtl) d["rtl"][name] = {{"step", t.step}, {"u", t.u}, {"v", t.v}};
  return d;
}

// Runs tools/report_figures.py; returns {figure id: <img> data URI}.
std::map<std::string, std::string> draw_figures(const std::string& python, const ojson& data, const fs::path& scratch) {
  const fs::path data_file = scratch / "report_data.json";
  const fs::path fig_dir = scratch / "figures";
  fs::create_directories(fig_dir);
  write_text_atomic(data_file, data.dump());
  const fs::path log = scratch / "figures.log";
  const std::string script = source_dir() + "/tools/report_figures.py";
  const int rc = run_process({python, script, data_file.string(), fig_dir.string()}, log);
  if (rc != 0)
    throw std::runtime_error(
        fmt::format("report: {} {} failed (exit {}):\n{}", python, script, rc, tail_of(log)));
  const json manifest = json::parse(read_text_file(fig_dir / "figures.json"));
  std::map<std::string, std::string> out;
  for (auto it = manifest.begin(); it != manifest.end(); ++it)
    out[it.key()] = "data:image/png;base64," + html::base64(read_text_file(fig_dir / it.value().get<std::string>()));
  return out;
}

// --- The page -------------------------------------------------------------------------------

std::string figure(const std::map<std::string, std::string>& figs, const std::string& id, const std::string& alt,
                   const std::string& caption) {
  const auto it = figs.find(id);
  if (it == figs.end()) return "<p class=\"nodata\">Figure '" + html::escape(id) + "' was not drawn.</p>\n";
  return "<figure><img alt=\"" + html::escape(alt) + "\" src=\"" + it->second + "\"><figcaption>" + caption +
         "</figcaption></figure>\n";
}

std::string nodata(const std::string& text) { return "<p class=\"nodata\"><b>No data yet.</b> " + text + "</p>\n"; }

std::string opt_step(const std::optional<uint64_t>& s) { return s ? fmt::format("{}", *s) : "none (identical)"; }

const char* kStyle = R"(
body { font-family: "DejaVu Sans", system-ui, sans-serif; color: #222; max-width: 1280px; margin: 1.5em auto;
       padding: 0 1.2em; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #1f5fa8; padding-bottom: 0.2em; margin-top: 2.2em; }
h4 { margin-bottom: 0.3em; }
.meta { color: #666; font-size: 0.9em; }
nav { background: #f5f7fa; padding: 0.6em 1em; border-radius: 4px; }
nav a { margin-right: 1.2em; text-decoration: none; color: #1f5fa8; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #d5d9de; padding: 3px 8px; }
th { background: #eef1f5; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group td { background: #f7f7f7; font-weight: bold; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #e3e3e3; }
figcaption { color: #555; font-size: 0.9em; margin-top: 0.3em; }
.nodata { background: #fff8e1; border-left: 4px solid #f0ad4e; padding: 0.6em 0.9em; }
.hook { background: #eef6ff; border-left: 4px solid #1f5fa8; padding: 0.6em 0.9em; }
.note { color: #555; font-size: 0.9em; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
code { background: #f3f3f3; padding: 0 3px; }
.verdict { font-weight: bold; padding: 0 4px; border-radius: 3px; }
.v-holds { background: #d9f2d9; color: #1e6b1e; }
.v-fails { background: #f8d7d7; color: #8a1f1f; }
.v-inconclusive { background: #eeeeee; color: #555555; }
ul.parts { margin: 0.2em 0; padding-left: 1.2em; }
.scroll { overflow-x: auto; max-width: 100%; }
.sd { color: #777; font-size: 0.9em; }
td.key { white-space: nowrap; }
)";

struct PageInputs {
  const ReportArgs& args;
  uint64_t steps;
  const std::vector<ExampleRun>& runs;
  const std::vector<Fidelity>& fidelity;
  const std::map<std::string, std::string>& figs;
  const ojson* study = nullptr;
  const html::Csv* study_csv = nullptr;
  const std::vector<BoHistory>& bo;
  size_t bo_ignored = 0;
  const QuantInput& quant;
  const std::map<std::string, RtlTrace>& rtl;
  std::string generated_utc;
};

std::string examples_section(const PageInputs& in) {
  const auto& runs = in.runs;
  const Network& net = *runs.front().net;
  std::string h = "<h2 id=\"examples\">1. Examples: MRSNN and HRSNN side by side</h2>\n";
  h += fmt::format(
      "<p>The two example specs (<code>examples/mrsnn.toml</code>, <code>examples/hrsnn.toml</code>): {} current-based "
      "LIF neurons ({}), random projections with p = 0.1, STDP on E&rarr;E. MRSNN is homogeneous; HRSNN draws "
      "each neuron's <code>tau_mem</code> from a gamma distribution and each synapse's STDP rates and each neuron's "
      "trace time constants from distributions. Both are driven by the same i.i.d. uniform input "
      "(one sample every {} steps: one <em>inference</em>). Each ran {} steps of {:g} ms (seed {}) on the float64 "
      "reference and on the bit-accurate fixed-point core (<code>[hardware]</code> table of each spec, profile "
      "<code>loihi</code>).</p>\n",
      net.size(),
      [&] {
        std::string s;
        for (const auto& p : net.populations) s += (s.empty() ? "" : " + ") + fmt::format("{} {}", p.size, p.name);
        return s;
      }(),
      net.input.steps_per_sample, in.steps, net.dt_ms, in.args.seed);

  h += "<table><thead><tr><th></th>";
  for (const auto& r : runs) h += "<th>" + html::escape(r.title()) + "</th>";
  h += "</tr></thead><tbody>\n";
  auto row = [&](const std::string& name, auto&& value) {
    h += "<tr><td>" + name + "</td>";
    for (const auto& r : runs) h += "<td class=\"num\">" + value(r) + "</td>";
    h += "</tr>\n";
  };
  auto group = [&](const std::string& name) {
    h += fmt::format("<tr class=\"group\"><td colspan=\"{}\">{}</td></tr>\n", runs.size() + 1, name);
  };
  group("Activity");
  for (size_t p = 0; p < net.populations.size(); ++p)
    row(fmt::format("rate {} (Hz)", html::escape(net.populations[p].name)),
        [p](const ExampleRun& r) { return fmt::format("{:.2f}", r.summary["populations"][p]["rate_hz"].get<double>()); });
  const auto c = [](const ExampleRun& r) -> const EventCounts& { return r.result.counts.total; };
  row("spikes", [&](const ExampleRun& r) { return fmt::format("{}", c(r).spikes); });
  row("spikes per neuron per step (S)", [&](const ExampleRun& r) {
    return fmt::format("{:.4f}", static_cast<double>(c(r).spikes) / r.net->size() / static_cast<double>(r.result.steps));
  });
  row("synaptic events", [&](const ExampleRun& r) { return fmt::format("{}", c(r).synaptic_events); });
  row("plastic updates", [&](const ExampleRun& r) { return fmt::format("{}", c(r).plastic_updates); });
  row("trace updates", [&](const ExampleRun& r) { return fmt::format("{}", c(r).trace_updates); });
  row("neuron updates active / idle", [&](const ExampleRun& r) {
    return fmt::format("{} / {}", c(r).neuron_updates_active, c(r).neuron_updates_idle);
  });
  row("spikes per synapse per inference", [](const ExampleRun& r) {
    return r.energy.spikes_per_synapse_per_inference ? fmt::format("{:.3f}", *r.energy.spikes_per_synapse_per_inference)
                                                     : std::string("–");
  });
  row("raster hash", [](const ExampleRun& r) { return "<code>" + r.summary["raster_hash"].get<std::string>() + "</code>"; });
  row("wall time (s) / synaptic events per s", [](const ExampleRun& r) {
    return fmt::format("{:.2f} / {:.3g}", r.result.wall_time_s, r.summary["synaptic_events_per_s"].get<double>());
  });
  group(fmt::format("Energy per inference ({} steps); &ge; marks a lower bound (some counted events not priced)",
                    net.input.steps_per_sample));
  for (size_t m = 0; m < runs.front().energy.models.size(); ++m)
    row("<code>" + html::escape(runs.front().energy.models[m].model) + "</code>", [m](const ExampleRun& r) {
      const auto& me = r.energy.models[m];
      return (me.lower_bound ? "&ge; " : "") + (me.per_inference_j ? html::joules(*me.per_inference_j) : "–");
    });
  for (size_t m = 0; m < runs.front().energy.dense_baselines.size(); ++m)
    row("<code>" + html::escape(runs.front().energy.dense_baselines[m].model) + "</code> (dense RNN, same N and steps)",
        [m](const ExampleRun& r) {
          const auto& me = r.energy.dense_baselines[m];
          return me.per_inference_j ? html::joules(*me.per_inference_j) : std::string("–");
        });
  h += "</tbody></table>\n";

  // What the examples say, and what they do not.
  const auto& mf = runs[0].result.counts.total;
  const auto& hf = runs[2].result.counts.total;
  if (mf.spikes > 0)
    h += fmt::format(
        "<p class=\"note\">In these examples HRSNN fires {:.2f}&times; as many spikes as MRSNN (float64). The example "
        "specs are demonstrations of the pipeline with hand-set parameters, not the paper's networks: the paper's "
        "claims concern heterogeneity <em>tuned by Bayesian optimization</em> and are tested by the study "
        "(<a href=\"#study\">section 5</a>), not by this table.</p>\n",
        static_cast<double>(hf.spikes) / static_cast<double>(mf.spikes));

  h += "<h3>Float64 reference vs fixed-point core</h3>\n<table class=\"data\"><thead><tr><th>network</th>"
       "<th>first step whose spikes differ (whole network)</th><th>first step whose spikes differ (probe neuron)</th>"
       "<th>max |&Delta;v| before the rasters differ</th><th>fixed / float spikes</th></tr></thead><tbody>\n";
  for (const auto& f : in.fidelity)
    h += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3g}</td>"
                     "<td class=\"num\">{:.4f}</td></tr>\n",
                     f.network, opt_step(f.first_raster_difference), opt_step(f.first_probe_spike_difference),
                     f.max_abs_dv_before_divergence, f.spike_ratio);
  h += "</tbody></table>\n<p class=\"note\">A recurrent network is chaotic: once one spike differs the rasters part, "
       "so agreement is judged by the step of the first difference and by the rates, not spike for spike over the "
       "whole run. &Delta;v in threshold units (fixed register / voltage_scale minus float).</p>\n";
  return h;
}

std::string membrane_section(const PageInputs& in) {
  std::string h = "<h2 id=\"membrane\">3. Membrane potential: float vs fixed (vs RTL)</h2>\n";
  h += figure(in.figs, "membrane", "membrane traces",
              fmt::format("v and u of one neuron (the first excitatory neuron the input drives; "
                          "<code>--probe-neuron</code> changes it) over the first {} steps: float64 solid, fixed-point "
                          "dashed (register value divided by <code>voltage_scale</code>); below, fixed minus float.",
                          std::min(in.steps, kMembraneWindowSteps)));
  h += "<table class=\"data\"><thead><tr><th>network</th><th>neuron</th><th>max |&Delta;v|</th><th>RMS &Delta;v</th>"
       "<th>over steps (before the neuron's spikes first differ)</th></tr></thead><tbody>\n";
  for (const auto& f : in.fidelity) {
    const auto& r = *std::find_if(in.runs.begin(), in.runs.end(), [&](const ExampleRun& x) { return x.network == f.network; });
    h += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3g}</td><td class=\"num\">{:.3g}</td>"
                     "<td class=\"num\">{}</td></tr>\n",
                     f.network, r.probe, f.max_abs_dv_window, f.rms_dv_window,
                     fmt::format("0&ndash;{}", f.compared_steps ? f.compared_steps - 1 : 0));
  }
  h += "</tbody></table>\n";
  if (in.rtl.empty()) {
    h += "<p class=\"hook\"><b>RTL trace: not available yet.</b> The Verilated neuron core holds at most 256 "
         "neurons and 16,384 synapses, fewer than these examples have. For a network that fits (e.g. "
         "<code>examples/mrsnn_small.toml</code>), <code>hrsnn verify SPEC --probe IDS --probe-out FILE</code> runs "
         "the Verilog core in lockstep with the fixed-point core and records its u and v; pass such a file as "
         "<code>--rtl-probes mrsnn:FILE</code> / <code>--rtl-probes hrsnn:FILE</code> together with "
         "<code>--examples DIR</code> holding that network (FILE: <code>step,neuron,u,v</code> in threshold units, "
         "same spec, seed and steps) and it is drawn here as a third trace, with RTL "
         "minus fixed, which must be 0.</p>\n";
  } else {
    for (const auto& [name, t] : in.rtl)
      h += fmt::format("<p class=\"hook\">RTL trace of {} from <code>{}</code>: {} samples.</p>\n", name,
                       html::escape(t.source), t.step.size());
  }
  return h;
}

std::string energy_section(const PageInputs& in) {
  const auto& runs = in.runs;
  std::string h = "<h2 id=\"energy\">4. Energy from counted events</h2>\n";
  h += "<p>Each run's integer event counts (neuron updates, spikes, synaptic events, trace and plastic updates, "
       "memory accesses) priced under each chip model of <code>data/energy/models.toml</code>, exactly as "
       "<code>hrsnn energy</code> does (<code>docs/energy.md</code> gives every figure's source and why it is charged "
       "where it is). The models are shown side by side and never averaged: their spread is part of the answer.</p>\n";
  h += figure(in.figs, "energy_totals", "energy per inference per model",
              "Energy per inference (log scale) for the four runs under every spiking-chip model, and the dense "
              "non-spiking RNN of the same size (45 nm, Horowitz 2014). &ge;: lower bound.");
  h += figure(in.figs, "energy_breakdown", "energy breakdown by event type",
              "Breakdown by event type per model (linear scale within each panel). Event types a model does not "
              "price are absent, and the total is then a lower bound (&ge;).");
  const auto& e0 = runs.front().energy;
  std::string cross;
  for (const auto& c : e0.crossovers)
    cross += (cross.empty() ? "" : "; ") +
             (c.low == c.high ? fmt::format("{} {:g}", html::escape(c.name), c.low)
                              : fmt::format("{} {:g}&ndash;{:g}", html::escape(c.name), c.low, c.high));
  h += "<p>Spikes per synapse per inference: ";
  for (const auto& r : runs)
    h += fmt::format("{} {}; ", html::escape(r.title()),
                     r.energy.spikes_per_synapse_per_inference
                         ? fmt::format("{:.3f}", *r.energy.spikes_per_synapse_per_inference)
                         : std::string("n/a"));
  h += "published break-even points (spiking wins below, under each paper's assumptions): " + cross + ".</p>\n";
  h += "<details><summary>Full energy reports (every figure, citation and warning), one per run</summary>\n";
  for (const auto& r : runs)
    h += "<h4>" + html::escape(r.title()) + "</h4><pre>" + html::escape(energy::format_report(r.energy)) + "</pre>\n";
  h += "</details>\n";
  return h;
}

// The paper's claims (Chakraborty & Mukhopadhyay, ICLR 2023; DESIGN.md §1).
const char* const kClaims[] = {
    "Heterogeneity in the neurons' integration/relaxation dynamics (per-neuron membrane time constants) raises the "
    "memory capacity of a recurrent spiking network over a homogeneous one (MRSNN) of the same size.",
    "Heterogeneous STDP dynamics (per-synapse LTP/LTD) reduce spiking activity while preserving memory capacity.",
    "Heterogeneity tuned by Bayesian optimization improves E = spiking activity / memory capacity, and the optimized "
    "HRSNN beats the MRSNN on time-series classification and prediction with fewer spikes.",
};

std::string study_section(const PageInputs& in) {
  std::string h = "<h2 id=\"study\">5. Study: the paper's claims</h2>\n";
  const bool v1 = in.study && report::is_study_v1(*in.study);
  const auto verdicts = v1 ? report::study_claim_verdicts(*in.study) : std::map<int, std::string>{};
  h += "<table class=\"data\"><thead><tr><th>#</th><th>claim (Chakraborty &amp; Mukhopadhyay, ICLR 2023)</th>"
       "<th>verdict of the study</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < std::size(kClaims); ++i) {
    const auto it = verdicts.find(static_cast<int>(i + 1));
    const std::string verdict =
        it != verdicts.end() ? it->second
        : in.study           ? std::string("not in the study file (see its tables below)")
                             : std::string("not tested yet: needs the study's results");
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", i + 1, kClaims[i], verdict);
  }
  h += "</tbody></table>\n";
  if (!in.study && !in.study_csv) {
    h += nodata("The study (memory capacity, prediction, spoken digits; MRSNN, neuron-only and STDP-only "
                "heterogeneity, HRSNN, ESN and linear baselines over several seeds) is run by <code>hrsnn study</code>, "
                "which writes <code>study.json</code> and <code>study.csv</code>. Pass them with "
                "<code>--study-json study.json</code> and/or <code>--study-csv study.csv</code>.");
    return h;
  }
  if (v1) {
    const ojson& doc = *in.study;
    h += fmt::format("<p>From <code>{}</code>", html::escape(in.args.study_json));
    if (doc.contains("config") && doc["config"].is_object()) {
      const ojson& c = doc["config"];
      if (c.contains("seeds")) h += ", " + html::number(c["seeds"]) + " seeds";
      if (c.contains("size_scale")) h += ", network size scale " + html::number(c["size_scale"]);
      if (c.contains("tasks")) h += ", tasks " + html::cell(c["tasks"]);
    }
    if (doc.contains("wall_time_s")) h += ", " + html::number(doc["wall_time_s"]) + " s";
    h += ".</p>\n<h3>The claims as tested</h3>\n" + report::study_claims_html(doc);
    h += figure(in.figs, "study_metrics", "study metrics",
                "Key metrics per model (mean over seeds, bars: &plusmn; sd), float64 and fixed side by side.");
    h += figure(in.figs, "mc_curves", "memory curves",
                "Memory curve r&sup2;(k) of the linear readout reconstructing the input k samples back, averaged "
                "over seeds; memory capacity is the area under it.");
    h += "<h3>Study table</h3>\n" + report::study_table_html(doc);
    if (doc.contains("config")) {
      std::string cfg = doc["config"].dump(2);
      h += "<details><summary>Study configuration</summary><pre>" + html::escape(cfg) + "</pre></details>\n";
    }
    const size_t records = doc.contains("records") && doc["records"].is_array() ? doc["records"].size() : 0;
    if (records) h += fmt::format("<p class=\"note\">{} per-seed records are in the file, not shown.</p>\n", records);
  } else if (in.study) {
    h += "<h3>Study results (<code>" + html::escape(in.args.study_json) + "</code>)</h3>\n";
    h += html::render_json(*in.study);
  }
  if (in.study_csv) {
    h += "<details" + std::string(v1 ? "" : " open") + "><summary>Study table as CSV (<code>" +
         html::escape(in.args.study_csv) + "</code>)</summary>\n" + html::table_from_csv(*in.study_csv) +
         "</details>\n";
  }
  return h;
}

std::string bo_section(const PageInputs& in) {
  std::string h = "<h2 id=\"bo\">6. Bayesian optimization</h2>\n";
  if (in.bo.empty()) {
    h += nodata(in.args.bo_dir.empty()
                    ? "<code>hrsnn optimize --out DIR</code> writes <code>DIR/history.json</code> "
                      "(<code>hrsnn-bo-history/1</code>); <code>tools/bo_vs_random.sh</code> runs Bayesian optimization "
                      "and random search at the same budget, one directory per strategy and seed. Pass the directory "
                      "with <code>--bo-dir DIR</code> (searched recursively)."
                    : "<code>" + html::escape(in.args.bo_dir) +
                          "</code> holds no <code>hrsnn-bo-history/1</code> file.");
  } else {
    h += figure(in.figs, "bo", "BO convergence",
                "Best feasible objective so far per evaluation (thin lines, one per history; thick: the median of a "
                "strategy's histories) and every evaluation's value (dots); one colour per strategy.");
    h += "<table class=\"data\"><thead><tr><th>history</th><th>evaluations</th><th>best value</th><th>best index</th>"
         "<th>best point</th><th>wall (s)</th></tr></thead><tbody>\n";
    for (const auto& b : in.bo) {
      const ojson best = b.doc.contains("best") ? b.doc["best"] : ojson(nullptr);
      const ojson point = best.is_object() ? best.value("values", best.value("x", ojson(nullptr))) : ojson(nullptr);
      h += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td>{}</td><td class=\"num\">{}</td></tr>\n",
                       html::escape(b.label), html::number(b.doc.value("evaluations_count", ojson(nullptr))),
                       best.is_object() ? html::number(best.value("value", ojson(nullptr))) : "–",
                       best.is_object() ? html::number(best.value("index", ojson(nullptr))) : "–", html::cell(point),
                       b.doc.contains("timing") ? html::number(b.doc["timing"].value("wall_seconds", ojson(nullptr)))
                                                : "–");
    }
    h += "</tbody></table>\n";
  }
  if (in.bo_ignored > 0)
    h += fmt::format("<p class=\"note\">{} other JSON file(s) under <code>{}</code> are not optimizer histories "
                     "and were ignored.</p>\n",
                     in.bo_ignored, html::escape(in.args.bo_dir));
  return h;
}

std::string quant_section(const PageInputs& in) {
  std::string h = "<h2 id=\"quantization\">7. Quantization sweeps</h2>\n";
  if (in.quant.sweeps.empty()) {
    h += nodata("A quantization sweep over the register format (weight, decay and trace widths, K shared decay "
                "profiles), each point reporting fidelity to the float reference, memory capacity, task scores, "
                "spikes and energy, is run by <code>hrsnn quantize</code>, which writes <code>quant.json</code>. "
                "Pass it with <code>--quant-json quant.json</code>.");
    return h;
  }
  h += "<p>From <code>" + html::escape(in.args.quant_json) + "</code>" +
       (in.quant.format.empty() ? "" : " (" + html::escape(in.quant.format) + "; values are means over seeds)") +
       ".</p>\n";
  for (size_t k = 0; k < in.quant.sweeps.size(); ++k) {
    const auto& q = in.quant.sweeps[k];
    h += "<h3>" + html::escape(q.name) + "</h3>\n";
    h += figure(in.figs, fmt::format("quant_{}", k), "quantization sweep " + q.name,
                "Each metric against <code>" + html::escape(q.x_key) +
                    "</code>; dashed: the float64 reference where the file gives one.");
    h += html::table_from_objects(q.points);
  }
  if (!in.quant.note.empty()) h += "<p class=\"note\">" + html::escape(in.quant.note) + "</p>\n";
  if (!in.quant.findings.is_null()) h += "<h3>Findings of the sweep</h3>\n" + html::render_json(in.quant.findings);
  return h;
}

std::string page(const PageInputs& in) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>hrsnn report</title>\n<style>";
  h += kStyle;
  h += "</style></head><body>\n<h1>hrsnn report</h1>\n";
  h += fmt::format("<p class=\"meta\">Generated {} by <code>{}</code>. Heterogeneous recurrent spiking networks "
                   "(Chakraborty &amp; Mukhopadhyay, ICLR 2023) on the float64 reference and the bit-accurate "
                   "fixed-point core, with energy from counted events.</p>\n",
                   in.generated_utc, html::escape(in.args.command_line));
  h += "<nav><a href=\"#examples\">1 Examples</a><a href=\"#rasters\">2 Spike rasters</a>"
       "<a href=\"#membrane\">3 Membrane float vs fixed</a><a href=\"#energy\">4 Energy</a>"
       "<a href=\"#study\">5 Study</a><a href=\"#bo\">6 Bayesian optimization</a>"
       "<a href=\"#quantization\">7 Quantization</a><a href=\"#left-out\">8 Left out</a></nav>\n";
  h += examples_section(in);
  h += "<h2 id=\"rasters\">2. Spike rasters</h2>\n";
  h += figure(in.figs, "rasters", "spike rasters",
              fmt::format("Spikes of every neuron over the first {} steps (excitatory and inhibitory populations in "
                          "two colours), float64 left, fixed-point right; below each, the population rates over the "
                          "whole run ({} steps), the raster's window shaded.",
                          std::min(in.steps, kRasterWindowSteps), in.steps));
  h += membrane_section(in);
  h += energy_section(in);
  h += study_section(in);
  h += bo_section(in);
  h += quant_section(in);
  h += "<h2 id=\"left-out\">8. What this report does not show</h2>\n<ul>\n";
  if (in.rtl.empty())
    h += "<li>RTL traces of the example networks: the Verilated neuron core holds at most 256 neurons and 16,384 "
         "synapses (<code>HRSNN_RTL_CORE_*</code>), the examples have 1,000 and about 100,000. <code>hrsnn verify "
         "SPEC --probe IDS --probe-out FILE</code> records them for networks that fit (e.g. "
         "<code>examples/mrsnn_small.toml</code>), and <code>--rtl-probes NAME:FILE</code> draws such a file.</li>\n";
  if (!in.study && !in.study_csv)
    h += "<li>Memory capacity, task scores and the paper's baselines: they come with the study's results.</li>\n";
  if (in.bo.empty()) h += "<li>Bayesian-optimization convergence: it comes with the optimizer's histories.</li>\n";
  if (in.quant.sweeps.empty()) h += "<li>Quantization curves: they come with a sweep's results.</li>\n";
  h += "<li>Energy: no static power, placement, hops or host I/O; most chip models leave some counted events "
       "unpriced (lower bounds). See <code>docs/energy.md</code>.</li>\n"
       "<li>The float32 backend (<code>hrsnn run --arith float32</code>) and register-level probes "
       "(<code>hrsnn neuron</code>).</li>\n</ul>\n";
  h += "</body></html>\n";
  return h;
}

// --- The command ------------------------------------------------------------------------------

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string text_joules(double j) {
  std::string s = html::joules(j);
  const auto mu = s.find("µ");
  if (mu != std::string::npos) s.replace(mu, std::string("µ").size(), "u");
  return s;
}

void print_summary(const std::vector<ExampleRun>& runs, uint64_t steps, uint64_t seed,
                   const std::vector<Fidelity>& fidelity) {
  fmt::print("hrsnn report: example networks, {} steps of {:g} ms, seed {}, float64 reference and fixed-point core\n\n",
             steps, runs.front().net->dt_ms, seed);
  fmt::print("{:<8} {:<8} {:>9} {:>9} {:>9} {:>12} {:>14} {:>10} {:>9}\n", "network", "arith", "E (Hz)", "I (Hz)",
             "spikes", "syn. events", "plastic upd.", "events/s", "wall (s)");
  for (const auto& r : runs)
    fmt::print("{:<8} {:<8} {:>9.2f} {:>9.2f} {:>9} {:>12} {:>14} {:>10.3g} {:>9.3f}\n", r.network, to_string(r.arith),
               r.summary["populations"][0]["rate_hz"].get<double>(), r.summary["populations"][1]["rate_hz"].get<double>(),
               r.result.counts.total.spikes, r.result.counts.total.synaptic_events,
               r.result.counts.total.plastic_updates, r.summary["synaptic_events_per_s"].get<double>(),
               r.result.wall_time_s);
  fmt::print("\nenergy per inference ({} steps), models side by side, never averaged (>= lower bound):\n",
             runs.front().net->input.steps_per_sample);
  fmt::print("{:<18}", "model");
  for (const auto& r : runs) fmt::print(" {:>16}", r.key());
  fmt::print("\n");
  for (size_t m = 0; m < runs.front().energy.models.size(); ++m) {
    fmt::print("{:<18}", runs.front().energy.models[m].model);
    for (const auto& r : runs) {
      const auto& me = r.energy.models[m];
      fmt::print(" {:>16}", (me.lower_bound ? ">= " : "") + (me.per_inference_j ? text_joules(*me.per_inference_j) : "-"));
    }
    fmt::print("\n");
  }
  for (size_t m = 0; m < runs.front().energy.dense_baselines.size(); ++m) {
    const auto& me = runs.front().energy.dense_baselines[m];
    fmt::print("{:<18} {:>16}  (dense RNN of the same N and steps, every run)\n", me.model,
               me.per_inference_j ? text_joules(*me.per_inference_j) : "-");
  }
  fmt::print("\nfloat64 vs fixed:");
  for (const auto& f : fidelity)
    fmt::print(" {} spikes first differ at step {}, fixed/float spikes {:.3f};", f.network,
               opt_step(f.first_raster_difference), f.spike_ratio);
  fmt::print("\n");
}

void report(const ReportArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t steps = a.steps.value_or(a.quick ? kQuickSteps : kDefaultSteps);
  ScratchDir scratch;
  check_matplotlib(a.python, scratch.path());

  // Read the optional inputs before simulating, so a bad file fails fast.
  std::optional<ojson> study;
  if (!a.study_json.empty()) study = report::read_json_file("--study-json", a.study_json);
  std::optional<html::Csv> study_csv;
  if (!a.study_csv.empty()) study_csv = html::parse_csv(read_text_file(a.study_csv));
  std::optional<study::StudyConfig> study_config;
  if (!study && !study_csv && !a.no_study) {
    study_config = report_study_config(a.quick);
    if (!a.study_config.empty()) study_config = study::load_study_config(a.study_config, *study_config);
  }
  size_t bo_ignored = 0;
  std::vector<BoHistory> bo;
  if (!a.bo_dir.empty()) bo = report::read_bo(a.bo_dir, bo_ignored);
  QuantInput quant;
  if (!a.quant_json.empty()) quant = report::read_quant(a.quant_json);

  const energy::ModelLibrary lib =
      energy::load_models(a.models_file.empty() ? energy::default_models_file() : fs::path(a.models_file));
  const std::vector<ExampleRun> runs = simulate(a, steps, lib);

  // The study, written beside the page as `hrsnn study` writes it, then read back like --study-json.
  ReportArgs shown = a;
  std::optional<study::StudyResult> study_result;
  if (study_config) {
    const study::StudyConfig& c = *study_config;
    fmt::print(stderr, "study: {} models x {} arithmetics x {} seeds on {} tasks, {} threads ({})\n", c.models.size(),
               c.arithmetics.size(), c.seeds, c.tasks.size(), c.threads, c.source);
    study_result = study::run_study(c, [](const std::string& line) { fmt::print(stderr, "study {}\n", line); });
    const fs::path dir = fs::path(a.out) / "study";
    write_text_atomic(dir / "study.json", study::to_json(*study_result).dump(2) + "\n");
    write_text_atomic(dir / "study.csv", study::to_csv(*study_result));
    shown.study_json = (dir / "study.json").string();
    shown.study_csv = (dir / "study.csv").string();
    study = report::read_json_file("study", shown.study_json);
  }
  const std::vector<Fidelity> fidelity = {compare(runs[0], runs[1]), compare(runs[2], runs[3])};
  std::map<std::string, uint32_t> probes;
  for (const auto& r : runs) probes[r.network] = r.probe;
  const auto rtl = report::read_rtl(a.rtl_probes, probes, kMembraneWindowSteps);

  fmt::print(stderr, "drawing the figures ({})\n", a.python);
  const auto figs = draw_figures(a.python, figure_data(runs, steps, study ? &*study : nullptr, bo, quant, rtl), scratch.path());

  const PageInputs in{shown,    steps, runs,       fidelity, figs, study ? &*study : nullptr,
                      study_csv ? &*study_csv : nullptr, bo, bo_ignored, quant, rtl, utc_now()};
  const std::string html_text = page(in);
  const fs::path out(a.out);
  write_text_atomic(out / "index.html", html_text);

  json summary;
  summary["format"] = "hrsnn-report/1";
  summary["generated"] = in.generated_utc;
  summary["steps"] = steps;
  summary["seed"] = a.seed;
  summary["runs"] = json::array();
  for (const auto& r : runs)
    summary["runs"].push_back({{"network", r.network}, {"arith", to_string(r.arith)}, {"probe_neuron", r.probe},
                               {"summary", r.summary}, {"energy", r.energy.to_json()}});
  summary["float_vs_fixed"] = json::array();
  for (const auto& f : fidelity)
    summary["float_vs_fixed"].push_back(
        {{"network", f.network},
         {"first_raster_difference", f.first_raster_difference ? json(*f.first_raster_difference) : json(nullptr)},
         {"first_probe_spike_difference",
          f.first_probe_spike_difference ? json(*f.first_probe_spike_difference) : json(nullptr)},
         {"membrane_compared_steps", f.compared_steps},
         {"max_abs_dv_window", f.max_abs_dv_window},
         {"rms_dv_window", f.rms_dv_window},
         {"max_abs_dv_before_divergence", f.max_abs_dv_before_divergence},
         {"fixed_over_float_spikes", f.spike_ratio}});
  summary["sections"] = {{"study", study.has_value() || study_csv.has_value()},
                         {"bayesian_optimization", !bo.empty()},
                         {"quantization", !quant.sweeps.empty()},
                         {"rtl", !rtl.empty()}};
  write_text_atomic(out / "summary.json", summary.dump(2) + "\n");

  print_summary(runs, steps, a.seed, fidelity);
  if (study_result) {
    fmt::print("\nstudy ({}, {} seeds, {:.0f} s, as `hrsnn study`):\n{}\n{}",
               study_result->config.source, study_result->config.seeds, study_result->wall_time_s,
               study::format_table(*study_result), study::format_claims(*study_result));
  }
  auto state = [](bool has, const char* flag) { return has ? std::string("shown") : fmt::format("no data yet ({})", flag); };
  fmt::print("sections: study {}; Bayesian optimization {}; quantization {}; RTL trace {}\n",
             study_result ? "shown (" + shown.study_json + ")" : state(study || study_csv, "--study-json"),
             state(!bo.empty(), "--bo-dir"),
             state(!quant.sweeps.empty(), "--quant-json"), state(!rtl.empty(), "--rtl-probes"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("wrote {} ({:.0f} KiB, {} figures) and {} in {:.1f} s\n", (out / "index.html").string(),
             static_cast<double>(html_text.size()) / 1024.0, figs.size(), (out / "summary.json").string(), seconds);
}

const RegisterCommand reg{[](CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand(
      "report", "The main job: the example MRSNN and HRSNN (float and fixed) with their energy, the study, report/index.html");
  sub->add_option("--out", a->out, "Output directory (index.html, summary.json)");
  sub->add_option("--steps", a->steps, fmt::format("Steps per run (default {}; --quick: {})", kDefaultSteps, kQuickSteps))
      ->check(CLI::PositiveNumber);
  sub->add_flag("--quick", a->quick, "A tiny configuration (for tests): few steps, same page");
  sub->add_option("--seed", a->seed, "Seed of both networks");
  sub->add_option("--examples", a->examples_dir, "Directory holding mrsnn.toml and hrsnn.toml")
      ->check(CLI::ExistingDirectory);
  sub->add_option("--probe-neuron", a->probe_neuron,
                  "Neuron whose membrane is traced (default: the first excitatory neuron the input drives)");
  CLI::Option* study_json =
      sub->add_option("--study-json", a->study_json, "Results of `hrsnn study` (JSON): shown instead of running the study")
          ->check(CLI::ExistingFile);
  CLI::Option* study_csv =
      sub->add_option("--study-csv", a->study_csv, "The study's table (CSV): shown instead of running the study")
          ->check(CLI::ExistingFile);
  CLI::Option* no_study =
      sub->add_flag("--no-study", a->no_study, "Do not run the study (its section then says no data yet)");
  sub->add_option("--study-config", a->study_config,
                  "Study TOML (keys of examples/study.toml) over the report's study configuration")
      ->check(CLI::ExistingFile)
      ->excludes(study_json)
      ->excludes(study_csv)
      ->excludes(no_study);
  no_study->excludes(study_json)->excludes(study_csv);
  sub->add_option("--bo-dir", a->bo_dir, "Directory of hrsnn-bo-history/1 JSON files (or one such file)");
  sub->add_option("--quant-json", a->quant_json, "Quantization sweep results (JSON)")->check(CLI::ExistingFile);
  sub->add_option("--rtl-probes", a->rtl_probes,
                  "NAME:FILE (NAME mrsnn|hrsnn; FILE step,neuron,u,v from the RTL) drawn beside float and fixed");
  sub->add_option("--models-file", a->models_file, "Energy models TOML (default: data/energy/models.toml)");
  sub->add_option("--python", a->python, "Python 3 with matplotlib for the figures");
  sub->callback([a, sub] {
    a->command_line = "hrsnn report";
    for (const auto* o : sub->get_options())
      if (o->count() > 0 && !o->get_lnames().empty()) {
        a->command_line += " --" + o->get_lnames().front();
        if (o->get_expected_min() > 0)
          for (const auto& r : o->results()) a->command_line += " " + r;
      }
    report(*a);
  });
}};

}  // namespace
}  // namespace hrsnn::cli
