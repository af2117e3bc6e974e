// The energy report for people: a fixed-width text (EnergyReport::to_json is its JSON twin,
// also in report.cpp).
#pragma once

#include "hw_model/energy/estimate.hpp"

#include <string>

namespace hrsnn::energy {

// A fixed-width text report: workload, side-by-side totals, per-model breakdowns, baselines.
std::string format_report(const EnergyReport& report);

}  // namespace hrsnn::energy
