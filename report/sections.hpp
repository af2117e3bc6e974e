// The page's sections, one file each, and the figure data each section's figures draw from
// (assembled by report/figures.cpp). Every section returns its HTML, heading included.
#pragma once

#include "report/page.hpp"

#include <string>
#include <vector>

namespace hrsnn::report {

// 1. The example runs side by side (report/examples_section.cpp).
std::string examples_section(const PageInputs& in);

// Float vs fixed (report/fidelity_section.cpp): the table closing section 1, and section 3
// (membrane traces, float vs fixed vs RTL).
std::string float_fixed_table(const std::vector<Fidelity>& fidelity);
std::string membrane_section(const PageInputs& in);

// 4. Energy from counted events (report/energy_section.cpp).
std::string energy_section(const PageInputs& in);
ojson energy_figure_data(const std::vector<ExampleRun>& runs);

// 5. Chip mapping on Loihi 1 (report/chip_map_section.cpp; the mapping itself: report/chip_map.hpp).
std::string chip_map_section(const PageInputs& in);

// 6. The study (report/study_section.cpp). is_study_v1: the output of `hrsnn study`
// (hrsnn-study/1), which the section reads by its structure; any other JSON is shown as tables.
std::string study_section(const PageInputs& in);
bool is_study_v1(const ojson& doc);
// {"table": [{model, arith, metrics: {name: {mean, sd}}}], "metrics": [names to draw],
// "mc_curves": [{model, arith, curve}]} (curves averaged over seeds).
ojson study_figure_data(const ojson& doc);

// 7. Bayesian optimization (report/bo_section.cpp).
std::string bo_section(const PageInputs& in);
ojson bo_figure_data(const std::vector<BoHistory>& bo);

// 8. Quantization sweeps (report/quant_section.cpp).
std::string quant_section(const PageInputs& in);
ojson quant_figure_data(const QuantInput& quant);

}  // namespace hrsnn::report
