// The checkpoint of the BO loop (optimize/bo.cpp): a durable journal (core/foundation/journal.hpp)
// of the run's rounds and finished evaluations, in the format optimize/bo.hpp describes, and the
// JSON forms of its lines, which the history output (optimize/history.cpp) reuses.
#pragma once

#include "core/foundation/journal.hpp"
#include "optimize/bo.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace hrsnn::opt {

// One line of JSON: doubles in their shortest round-tripping form, invalid UTF-8 replaced.
std::string dump_line(const nlohmann::json& j);
// JSON has no NaN or infinity: they are written as null and read back as NaN.
nlohmann::json number_or_null(double v);
double number_from(const nlohmann::json& j);

nlohmann::json record_to_json(const Record& r);
Record record_from_json(const nlohmann::json& j);
nlohmann::json round_to_json(const RoundInfo& info);
RoundInfo round_from_json(const nlohmann::json& j);

// The checkpoint's header: the options that fix which points a run evaluates (everything but
// the budget, threads and the checkpoint itself), normalized through a dump so that it compares
// equal to its copy read back.
nlohmann::json checkpoint_header(std::size_t dims, uint64_t n_initial, const Options& o);

// Where the rounds of a run start and how many points each proposes: a round read back must fit.
struct RoundLayout {
  std::size_t dims = 0;
  uint64_t round0_size = 0;  // initial points + design points
  uint64_t batch_size = 1;

  uint64_t first_index(uint64_t round) const { return round == 0 ? 0 : round0_size + (round - 1) * batch_size; }
  uint64_t round_size(uint64_t round) const { return round == 0 ? round0_size : batch_size; }
};

class Checkpoint {
 public:
  // Creates `path` with `header`, or, when it exists and `resume` is set, reads it back: its
  // header must equal `header`, every round must fit `layout`, every evaluation belong to a
  // round planned before it, and no evaluation index or round may appear twice (each error
  // names the file and line). A torn last line is cut off. Refuses an existing file without
  // `resume`.
  Checkpoint(const std::filesystem::path& path, const nlohmann::json& header, bool resume, const RoundLayout& layout);

  // What was read back (empty for a new file).
  std::map<uint64_t, RoundInfo> rounds;
  std::map<uint64_t, Record> records;

  // One durable line each (write + fsync).
  void append(const RoundInfo& info) { journal_.append(round_to_json(info)); }
  void append(const Record& record) { journal_.append(record_to_json(record)); }

 private:
  Journal journal_;
};

}  // namespace hrsnn::opt
