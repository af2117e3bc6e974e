// The report's figures: the data they are drawn from (one JSON document, format
// hrsnn-report-data/1) and the drawing, by report/figures.py under Debian's matplotlib, into
// PNGs the page embeds.
#pragma once

#include "report/inputs.hpp"
#include "report/runs.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hrsnn::report {

struct ChipMapping;  // report/chip_map.hpp

// The figures need Debian's matplotlib; says which package (throws) before anything is simulated.
void check_matplotlib(const std::string& python, const std::filesystem::path& scratch);

// Rasters, population rates and membrane traces of the runs, and each section's figure data
// (report/sections.hpp). `study` and `chip_map` may be null.
ojson figure_data(const std::vector<ExampleRun>& runs, uint64_t steps, const ojson* study,
                  const std::vector<BoHistory>& bo, const QuantInput& quant, const std::map<std::string, RtlTrace>& rtl,
                  const ChipMapping* chip_map = nullptr);

// Runs report/figures.py on `data` in `scratch`; returns {figure id: <img> data URI}.
std::map<std::string, std::string> draw_figures(const std::string& python, const ojson& data,
                                                const std::filesystem::path& scratch);

}  // namespace hrsnn::report
