// Small parsing and output helpers shared by the hrsnn subcommands.
#pragma once

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

// Strict number parsing: the whole string must be the number.
double parse_double(const std::string& option, const std::string& text);
int64_t parse_int(const std::string& option, const std::string& text);

// Prints progress "label: done/total (pct%)" on stderr, rate-limited.
void print_progress(const char* label, uint64_t done, uint64_t total);

}  // namespace hrsnn::cli
