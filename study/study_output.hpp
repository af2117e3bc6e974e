// The study's output: the JSON document (format hrsnn-study/1: configuration, table, claims,
// records), the CSV of every metric, the text table and claim verdicts printed by `hrsnn study`,
// and the result files written durably.
#pragma once

#include "study/study_results.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace hrsnn::study {

nlohmann::json to_json(const StudyResult& result);
std::string to_csv(const StudyResult& result);  // model,arith,seed,task,metric,value
std::string format_table(const StudyResult& result);
std::string format_claims(const StudyResult& result);

// Writes `dir`/study.json and `dir`/study.csv (core/foundation/durable.hpp: each file whole or
// not at all), creating `dir` if needed.
void write_study_files(const StudyResult& result, const std::filesystem::path& dir);

}  // namespace hrsnn::study
