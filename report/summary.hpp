// What the report says besides the page: summary.json (runs, energy, float vs fixed, which
// sections have data) and the short text summary on stdout.
#pragma once

#include "report/fidelity.hpp"
#include "report/runs.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hrsnn::report {

// Which of the page's optional sections were shown.
struct SectionsShown {
  bool study = false, bayesian_optimization = false, quantization = false, rtl = false;
};

// summary.json, format hrsnn-report/1; chip_mapping: report/chip_map.hpp chip_map_to_json() (null: left out).
nlohmann::json summary_json(const std::vector<ExampleRun>& runs, uint64_t steps, uint64_t seed,
                            const std::vector<Fidelity>& fidelity, const SectionsShown& sections,
                            const std::string& generated_utc, const nlohmann::json& chip_mapping = nullptr);

// The runs' activity, energy per inference and float vs fixed, as a text table on stdout.
void print_summary(const std::vector<ExampleRun>& runs, uint64_t steps, uint64_t seed,
                   const std::vector<Fidelity>& fidelity);

}  // namespace hrsnn::report
