// The report's page, index.html (out/report/ by default): one self-contained HTML file, figures embedded as
// data URIs. page() lays out the nine sections; each section is written by its own file
// (report/sections.hpp).
#pragma once

#include "report/fidelity.hpp"
#include "report/html.hpp"
#include "report/inputs.hpp"
#include "report/runs.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hrsnn::report {

struct ChipMapping;  // report/chip_map.hpp

// What the page names: the command line, the seed, and the result files it shows (as given,
// or where the report wrote them).
struct PageSources {
  std::string command_line;
  uint64_t seed = 1;
  std::string study_json, study_csv, bo_dir, quant_json;
  std::string results_dir;  // where the committed protocol runs were read from
};

struct PageInputs {
  const PageSources& args;
  uint64_t steps;
  const std::vector<ExampleRun>& runs;
  const std::vector<Fidelity>& fidelity;
  const std::map<std::string, std::string>& figs;  // figure id -> <img> src (report/figures.hpp)
  const ojson* study = nullptr;
  const html::Csv* study_csv = nullptr;
  const std::vector<BoHistory>& bo;
  size_t bo_ignored = 0;
  const QuantInput& quant;
  const std::map<std::string, RtlTrace>& rtl;
  std::string generated_utc;
  const std::vector<ProtocolRun>* protocol_runs = nullptr;  // committed runs under a protocol (results/)
  const ChipMapping* chip_map = nullptr;                    // the examples on Loihi 1 (report/chip_map.hpp)
};

std::string page(const PageInputs& in);

// A figure with its caption, or a note that it was not drawn.
std::string figure(const std::map<std::string, std::string>& figs, const std::string& id, const std::string& alt,
                   const std::string& caption);
// The "No data yet." box of a section whose input was not given.
std::string nodata(const std::string& text);

}  // namespace hrsnn::report
