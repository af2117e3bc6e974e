// Energy from counted events (docs/energy.md), one include for all of it:
//   models.hpp       the models file (data/energy/models.toml): its types and its reader
//   estimate.hpp     the model arithmetic: joules of counted events under a model
//   report.hpp       the text report (and report.cpp the JSON one)
//   run_summary.hpp  counts and workload read back from `hrsnn run`'s summary.json
#pragma once

#include "hw_model/energy/estimate.hpp"
#include "hw_model/energy/models.hpp"
#include "hw_model/energy/report.hpp"
#include "hw_model/energy/run_summary.hpp"
