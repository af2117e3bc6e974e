#include "report/figures.hpp"

#include "core/foundation/source_dir.hpp"
#include "core/io.hpp"
#include "report/chip_map.hpp"
#include "report/html.hpp"
#include "report/process.hpp"
#include "report/sections.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

namespace hrsnn::report {

namespace fs = std::filesystem;
using nlohmann::json;

void check_matplotlib(const std::string& python, const fs::path& scratch) {
  const fs::path log = scratch / "python-check.log";
  const int rc = run_process({python, "-c", "import matplotlib, numpy"}, log);
  if (rc == 0) return;
  if (rc == 127)
    throw std::runtime_error(
        fmt::format("report: cannot run {} for the figures; install the Debian packages python3 and python3-matplotlib "
                    "(tools/setup.sh installs them), or pass --python PATH",
                    python));
  throw std::runtime_error(
      fmt::format("report: {} cannot import matplotlib, which draws the report's figures; install the Debian package "
                  "python3-matplotlib (tools/setup.sh installs it), or pass --python PATH to a Python that has it.{}",
                  python, [&] {
                    const std::string t = tail_of(log, 600);
                    return t.empty() ? t : "\n" + t;
                  }()));
}

ojson figure_data(const std::vector<ExampleRun>& runs, uint64_t steps, const ojson* study,
                  const std::vector<BoHistory>& bo, const QuantInput& quant, const std::map<std::string, RtlTrace>& rtl,
                  const ChipMapping* chip_map) {
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
    for (const auto& p : net.populations)
      j["populations"].push_back({{"name", p.name}, {"first", p.first}, {"size", p.size}});
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

  d["energy"] = energy_figure_data(runs);
  d["bo"] = bo_figure_data(bo);
  d["study"] = study && is_study_v1(*study) ? study_figure_data(*study) : ojson(nullptr);
  d["quant"] = quant_figure_data(quant);
  d["chip_map"] = chip_map ? chip_map_figure_data(*chip_map) : ojson(nullptr);
  d["rtl"] = ojson::object();
  for (const auto& [name, t] : rtl) d["rtl"][name] = {{"step", t.step}, {"u", t.u}, {"v", t.v}};
  return d;
}

std::map<std::string, std::string> draw_figures(const std::string& python, const ojson& data, const fs::path& scratch) {
  const fs::path data_file = scratch / "report_data.json";
  const fs::path fig_dir = scratch / "figures";
  fs::create_directories(fig_dir);
  write_text_atomic(data_file, data.dump());
  const fs::path log = scratch / "figures.log";
  const std::string script = source_dir() + "/report/figures.py";
  const int rc = run_process({python, script, data_file.string(), fig_dir.string()}, log);
  if (rc != 0)
    throw std::runtime_error(fmt::format("report: {} {} failed (exit {}):\n{}", python, script, rc, tail_of(log)));
  const json manifest = json::parse(read_text_file(fig_dir / "figures.json"));
  std::map<std::string, std::string> out;
  for (auto it = manifest.begin(); it != manifest.end(); ++it)
    out[it.key()] = "data:image/png;base64," + html::base64(read_text_file(fig_dir / it.value().get<std::string>()));
  return out;
}

}  // namespace hrsnn::report
