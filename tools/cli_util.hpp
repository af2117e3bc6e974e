// Small parsing and output helpers shared by the hrsnn subcommands.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hrsnn::cli {

// Parses "STEP:VALUE,STEP:VALUE,..." (steps non-negative integers, values numbers). Throws
// std::invalid_argument naming the option and the offending item.
std::vector<std::pair<uint64_t, double>> parse_step_values(const std::string& option, const std::string& text);
// Same, with integer values.
std::vector<std::pair<uint64_t, int64_t>> parse_step_ints(const std::string& option, const std::string& text);

// Strict number parsing: the whole string must be the number; a double must be finite.
double parse_double(const std::string& option, const std::string& text);
int64_t parse_int(const std::string& option, const std::string& text);

// Makes every integer and floating-point option of `app` and its subcommands strict, before
// CLI11 converts it (CLI11 2.1 reads integers with strtoull base 0: "-1" wraps to 2^64 - 1,
// "18446744073709551616" saturates, "010" is octal). An integer must be plain decimal digits
// (a '-' only for signed options) within 64 bits; a number must be finite. The accepted text is
// passed on in canonical decimal form. Main calls it once after every subcommand is set up.
void make_numbers_strict(CLI::App& app);

// Prints progress "label: done/total (pct%)" on stderr, rate-limited.
void print_progress(const char* label, uint64_t done, uint64_t total);

}  // namespace hrsnn::cli
