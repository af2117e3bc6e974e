// The study's output: the JSON document (format hrsnn-study/1: configuration, table, claims,
// records), the CSV of every metric, and the text table and claim verdicts printed by
// `hrsnn study`.
#pragma once

#include "study/study_results.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace hrsnn::study {

nlohmann::json to_json(const StudyResult& result);
std::string to_csv(const StudyResult& result);  // model,arith,seed,task,metric,value
std::string format_table(const StudyResult& result);
std::string format_claims(const StudyResult& result);

}  // namespace hrsnn::study
