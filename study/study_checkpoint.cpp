#include "study/study_checkpoint.hpp"

#include "core/foundation/durable.hpp"
#include "core/foundation/random.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <stdexcept>

namespace hrsnn::study {

namespace {

constexpr const char* kFormat = "hrsnn-study-checkpoint/1";

std::string spec_digest(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "";
  return fmt::format("{:016x}", hash_name(read_text_file(path)));
}

std::vector<Record> records_of(const nlohmann::json& line) {
  const nlohmann::json& recs = line.at("records");
  if (!recs.is_array() || recs.empty()) throw std::invalid_argument("\"records\" is not a non-empty array");
  std::vector<Record> out;
  for (const nlohmann::json& r : recs) out.push_back(record_from_json(r));
  return out;
}

JournalSchema checkpoint_schema() {
  JournalSchema s;
  s.kind = "study checkpoint";
  s.format = kFormat;
  s.validate = [](const nlohmann::json& j) {
    if (!j.contains("job") || !j.at("job").is_string()) throw std::invalid_argument("no \"job\" string");
    (void)records_of(j);
  };
  s.key = [](const nlohmann::json& j) { return j.at("job").get<std::string>(); };
  return s;
}

// The dotted paths of the keys where two fingerprints differ ("memory.samples").
void differences(const nlohmann::json& had, const nlohmann::json& want, const std::string& prefix,
                 std::vector<std::string>& out) {
  if (!had.is_object() || !want.is_object()) {
    if (had != want) out.push_back(prefix.empty() ? "(everything)" : prefix);
    return;
  }
  std::vector<std::string> keys;
  for (const auto& [k, v] : want.items()) keys.push_back(k);
  for (const auto& [k, v] : had.items())
    if (!want.contains(k)) keys.push_back(k);
  for (const std::string& k : keys) {
    const std::string name = prefix.empty() ? k : prefix + "." + k;
    if (!had.contains(k) || !want.contains(k))
      out.push_back(name);
    else
      differences(had.at(k), want.at(k), name, out);
  }
}

Journal open_journal(const std::filesystem::path& path, const StudyConfig& config, bool resume) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) > 0 && !resume)
    throw std::runtime_error(
        fmt::format("{} exists: pass --resume to continue that study, or choose another --out", path.string()));
  const nlohmann::json study = study_fingerprint(config);
  Journal journal(path, checkpoint_schema(), nlohmann::json{{"study", study}});
  const nlohmann::json had = journal.header().value("study", nlohmann::json());
  if (had != study) {
    std::vector<std::string> keys;
    differences(had, study, "", keys);
    throw std::runtime_error(fmt::format("{} belongs to a different study (differs in: {}); choose another --out",
                                         path.string(), fmt::join(keys, ", ")));
  }
  return journal;
}

}  // namespace

nlohmann::json study_fingerprint(const StudyConfig& config) {
  nlohmann::json j = to_json(config);
  // None changes a cell's records: the results do not depend on the thread count, the same
  // configuration may be named by another path, and the claims are computed from the records
  // after the cells (a resume may evaluate them with other settings; a protocol's settings stay
  // bound by its hash, which is part of the fingerprint).
  j.erase("threads");
  j.erase("source");
  j.erase("claims");
  j["homogeneous_spec_digest"] = spec_digest(config.homogeneous_spec);
  j["heterogeneous_spec_digest"] = spec_digest(config.heterogeneous_spec);
  // Through text and back, as the header is read on a resume (so the comparison is exact).
  return nlohmann::json::parse(j.dump());
}

std::string records_payload(const std::vector<Record>& records) {
  nlohmann::json line = {{"records", nlohmann::json::array()}};
  for (const Record& r : records) line["records"].push_back(to_json(r));
  return line.dump();
}

std::vector<Record> records_from_payload(const std::string& payload) {
  return records_of(nlohmann::json::parse(payload));
}

StudyCheckpoint::StudyCheckpoint(const std::filesystem::path& path, const StudyConfig& config, bool resume)
    : journal_(open_journal(path, config, resume)) {
  for (const nlohmann::json& line : journal_.records())
    done_.emplace(line.at("job").get<std::string>(), records_of(line));
}

const std::vector<Record>* StudyCheckpoint::find(const std::string& job) const {
  auto it = done_.find(job);
  return it == done_.end() ? nullptr : &it->second;
}

std::vector<Record> StudyCheckpoint::append(const std::string& job, const std::vector<Record>& records) {
  nlohmann::json line = {{"job", job}, {"records", nlohmann::json::array()}};
  for (const Record& r : records) line["records"].push_back(to_json(r));
  // Keep exactly what a resumed run reads back (a NaN inside a record's detail, say, becomes null).
  line = nlohmann::json::parse(line.dump());
  journal_.append(line);
  std::vector<Record> back = records_of(line);
  done_[job] = back;
  return back;
}

}  // namespace hrsnn::study
