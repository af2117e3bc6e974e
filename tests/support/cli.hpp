// Runs the hrsnn command line as a user does (the binary the build made, HRSNN_CLI_PATH), with
// stderr merged into stdout, for the tests of tests/tools/ and the end-to-end cases elsewhere.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <string>

namespace hrsnn::test {

struct CliResult {
  int status = 0;   // pclose()'s status: 0 only when the command exited with 0
  std::string out;  // stdout and stderr, interleaved as written
};

// `args` is appended to the binary's path as one shell word list (callers quote nothing: the
// paths the tests pass contain no spaces).
inline CliResult run_cli(const std::string& args) {
  const std::string cmd = std::string(HRSNN_CLI_PATH) + " " + args + " 2>&1";
  CliResult r;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(pipe);
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) r.out.append(buf, n);
  r.status = pclose(pipe.release());
  return r;
}

}  // namespace hrsnn::test
