// The outputs of a quantization sweep, computed from its records in memory: quant.json (per
// point the mean, sd and n of every metric over seeds, the paired ratios to the float reference,
// the axes and grids for plotting, and the findings) and quant.csv (one row per record and
// metric). Both formats are described in docs/quantization.md.
#pragma once

#include "core/spec.hpp"
#include "study/quant_config.hpp"
#include "study/quant_evaluator.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace hrsnn::study {

// The quant.json document and the quant.csv text from records.
nlohmann::json quant_summary(const NetworkSpec& spec, const QuantSweepConfig& config,
                             const std::vector<QuantRecord>& records);
std::string quant_csv(const std::vector<QuantRecord>& records);

}  // namespace hrsnn::study
