// hrsnn: one command-line program with a subcommand per capability (see README.md).
#include "core/foundation/distribute.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <exception>
#include <string>

namespace hrsnn::cli {
std::vector<CommandSetup>& command_registry() {
  static std::vector<CommandSetup> commands;
  return commands;
}
}  // namespace hrsnn::cli

int main(int argc, char** argv) {
  const hrsnn::MpiSession mpi(&argc, &argv);  // under mpirun: every rank runs the command
  // Only the sweeps share their work between ranks; any other command would run once per rank,
  // every copy writing the same files.
  if (hrsnn::world_size() > 1) {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command != "study" && command != "quantize" && command != "optimize") {
      if (hrsnn::is_root_rank())
        fmt::print(stderr,
                   "hrsnn: error: under mpirun ({} ranks) only `study`, `quantize` and `optimize` run (got '{}'); "
                   "run other commands as one process\n",
                   hrsnn::world_size(), command);
      hrsnn::abort_world_on_error(2);
      return 2;
    }
  }
  CLI::App app{"hrsnn: heterogeneous recurrent spiking networks on float, fixed-point and RTL models"};
  app.require_subcommand(1);
  for (auto& setup : hrsnn::cli::command_registry()) setup(app);
  hrsnn::cli::make_numbers_strict(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "hrsnn: error: {}\n", e.what());
    hrsnn::abort_world_on_error(1);
    return 1;
  }
  return 0;
}
