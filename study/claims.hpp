// The paper's three claims, tested on paired seeds (the statistics are in study/paired_stats.hpp).
//
// Seeds pair the models: the same seed gives the same connectivity, input wiring and task data in
// every variant (core/network.cpp draws each population parameter and projection from its own
// named stream), so a claim is tested on the per-seed differences d_s = a_s - b_s. The exact
// one-sided sign test is reported beside the t-test; with 5 seeds it cannot go below
// p = 1/32 = 0.031, so it is not used for the verdict.
#pragma once

#include "study/paired_stats.hpp"
#include "study/study_config.hpp"
#include "study/study_results.hpp"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hrsnn::study {

// The claims, from the study's records (failed ones left out), at config.claims.alpha:
//   (a) heterogeneous membrane time constants raise the memory capacity (het-neurons vs mrsnn,
//       one-sided paired t on config.claims.mc_metric; secondary: hrsnn vs het-stdp);
//   (b) heterogeneous STDP lowers the spiking activity while preserving the memory capacity
//       (het-stdp vs mrsnn: S lower by a one-sided paired t AND the MC metric equivalent within
//       the margin by two one-sided tests; secondary: hrsnn vs het-neurons). The margin is
//       config.claims.mc_margin_abs when set (fixed in the protocol before the data), else
//       mc_margin times the baseline's mean MC (from the data; the JSON says so);
//   (c) HRSNN beats MRSNN on every task of the study with fewer spikes: one-sided paired t per
//       part, Holm-Bonferroni over all of the claim's parts (raw and adjusted p reported).
// One JSON object per claim {id, arith, statement, parts, secondary or per_task, verdict, ...},
// its verdict taken from config.claims.primary_arith (or, when the study did not run it, from the
// first arithmetic it ran, said in "primary_arith_note"); the other arithmetic's evaluation is in
// "second_measurement" (the same seeds measured again, not a replication). A claim holds when
// every part holds (or is "equivalent"), fails when one fails (or is "different"), is "not run"
// when a part lacks pairs or a record lacks the metric, and is inconclusive otherwise, with
// "seeds_for_power": the most pairs any undecided part needs for power config.claims.power.
nlohmann::json evaluate_claims(const std::vector<Record>& records, const StudyConfig& config);

}  // namespace hrsnn::study
