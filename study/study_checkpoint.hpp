// The study's checkpoint (DIR/study.checkpoint.jsonl, written by `hrsnn study`): a Journal
// (core/foundation/journal.hpp) whose header holds the fingerprint of the study it belongs to, and
// one line per finished job, {"job": label, "records": [to_json(Record), ...]}. run_study
// (study/study.hpp) appends each job as it finishes and, on a resume, reads the finished jobs back
// instead of running them, so a kill loses only the jobs in flight. A job with a failed record is
// not written (a resume runs it again).
#pragma once

#include "core/foundation/journal.hpp"
#include "study/study_config.hpp"
#include "study/study_results.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hrsnn::study {

// What decides a study's numbers: to_json(config) without the keys that do not (threads, the
// configuration's source name), plus an FNV-1a digest of each spec file's text.
nlohmann::json study_fingerprint(const StudyConfig& config);

// A job's records as one text (its checkpoint line's "records" array), and back: what a process
// of an MPI launch sends rank 0, read back exactly as a resume would read the checkpoint.
std::string records_payload(const std::vector<Record>& records);
std::vector<Record> records_from_payload(const std::string& payload);

class StudyCheckpoint {
 public:
  // Opens or starts the checkpoint at `path`. An existing non-empty file is refused unless
  // `resume` ("... exists: pass --resume ..."), and refused when it belongs to a study with a
  // different fingerprint (the message names the keys that differ). A torn last line is cut off.
  StudyCheckpoint(const std::filesystem::path& path, const StudyConfig& config, bool resume);

  // The records of a job read back from the file, or nullptr.
  const std::vector<Record>* find(const std::string& job) const;
  // Appends a finished job durably and returns its records as a resume would read them back.
  std::vector<Record> append(const std::string& job, const std::vector<Record>& records);

  std::size_t jobs() const { return done_.size(); }
  // Every finished job read back or appended, by label.
  const std::map<std::string, std::vector<Record>>& entries() const { return done_; }
  bool recovered_torn_line() const { return journal_.recovered_torn_line(); }
  const std::filesystem::path& path() const { return journal_.path(); }

 private:
  Journal journal_;
  std::map<std::string, std::vector<Record>> done_;
};

}  // namespace hrsnn::study
