#include "tools/cli_util.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace hrsnn::cli {

namespace {
std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

template <typename V, typename Parse>
std::vector<std::pair<uint64_t, V>> parse_pairs(const std::string& option, const std::string& text, Parse parse) {
  std::vector<std::pair<uint64_t, V>> out;
  if (trim(text).empty()) return out;
  for (const std::string& raw : split(text, ',')) {
    const std::string item = trim(raw);
    const size_t colon = item.find(':');
    if (colon == std::string::npos)
      throw std::invalid_argument(fmt::format("{}: item '{}' is not STEP:VALUE", option, item));
    const int64_t step = parse_int(option, trim(item.substr(0, colon)));
    if (step < 0) throw std::invalid_argument(fmt::format("{}: step {} in '{}' is negative", option, step, item));
    out.emplace_back(static_cast<uint64_t>(step), parse(option, trim(item.substr(colon + 1))));
  }
  return out;
}
}  // namespace

double parse_double(const std::string& option, const std::string& text) {
  double v = 0.0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw std::invalid_argument(fmt::format("{}: '{}' is not a number", option, text));
  return v;
}

int64_t parse_int(const std::string& option, const std::string& text) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw std::invalid_argument(fmt::format("{}: '{}' is not an integer", option, text));
  return v;
}

std::vector<std::pair<uint64_t, double>> parse_step_values(const std::string& option, const std::string& text) {
  return parse_pairs<double>(option, text, parse_double);
}

std::vector<std::pair<uint64_t, int64_t>> parse_step_ints(const std::string& option, const std::string& text) {
  return parse_pairs<int64_t>(option, text, parse_int);
}

void print_progress(const char* label, uint64_t done, uint64_t total) {
  fmt::print(stderr, "\r{}: {}/{} ({:.0f}%)", label, done, total,
             total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0);
  if (done >= total) fmt::print(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace hrsnn::cli
