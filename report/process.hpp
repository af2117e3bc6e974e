// The report's child processes (the Python that draws its figures) and the scratch directory
// they write into.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace hrsnn::report {

// A directory under $TMPDIR removed when the report is done (or fails).
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs argv[0] (looked up on PATH when it has no slash) with stdout and stderr to `log`;
// returns the exit status, 127 when the program cannot be started.
int run_process(const std::vector<std::string>& argv, const std::filesystem::path& log);

// The last `max_chars` characters of a log file ("" when it cannot be read).
std::string tail_of(const std::filesystem::path& file, size_t max_chars = 1500);

}  // namespace hrsnn::report
