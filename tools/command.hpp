// The hrsnn CLI's subcommand registry: each tools/cmd_*.cpp adds its subcommand with a
// static RegisterCommand, so adding a command never touches main.cpp.
#pragma once

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hrsnn::cli {

using CommandSetup = std::function<void(CLI::App& app)>;

std::vector<CommandSetup>& command_registry();

struct RegisterCommand {
  explicit RegisterCommand(CommandSetup setup) { command_registry().push_back(std::move(setup)); }
};

// One spelling per concept on every subcommand: the network spec is the positional SPEC,
// worker threads --threads, the command's configuration file --config, an output directory
// --out DIR, probed neurons --probe. An older spelling keeps working as a hidden alias that
// writes the same variable and prints one note on stderr.
inline void note_alias(const std::string& old_name, const std::string& new_name) {
  fmt::print(stderr, "hrsnn: note: {} is now spelled {}\n", old_name, new_name);
}

template <typename T>
CLI::Option* add_alias(CLI::App* sub, const std::string& old_name, const std::string& new_name, T& variable) {
  CLI::Option* opt = sub->add_option(old_name, variable, "alias of " + new_name)->group("");
  opt->each([old_name, new_name](const std::string&) { note_alias(old_name, new_name); });
  return opt;
}

inline CLI::Option* add_flag_alias(CLI::App* sub, const std::string& old_name, const std::string& new_name,
                                   bool& variable) {
  return sub
      ->add_flag_callback(old_name,
                          [old_name, new_name, &variable] {
                            note_alias(old_name, new_name);
                            variable = true;
                          })
      ->group("");
}

// The positional SPEC, with --spec kept as a hidden alias: neither is marked required (either
// may carry it), so the subcommand's callback calls require_spec().
inline void add_spec(CLI::App* sub, std::string& spec, const std::string& help = "Network spec (TOML)") {
  sub->add_option("spec", spec, help)->check(CLI::ExistingFile);
  add_alias(sub, "--spec", "the positional SPEC", spec)->check(CLI::ExistingFile);
}

inline void require_spec(const std::string& spec) {
  if (spec.empty()) throw CLI::RequiredError("SPEC (the network spec, a TOML file)");
}

}  // namespace hrsnn::cli
