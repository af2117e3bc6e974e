#include "tools/cli_util.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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
  if (!std::isfinite(v)) throw std::invalid_argument(fmt::format("{}: '{}' is not a finite number", option, text));
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

namespace {
constexpr double kMaxSteps = 1e12;

// The text of one integer option value, checked and made canonical; "" when it is fine.
std::string strict_integer(std::string& text, bool is_signed) {
  const std::string t = trim(text);
  const bool negative = !t.empty() && t[0] == '-';
  const size_t digits = negative ? 1 : 0;
  if (t.size() == digits || t.find_first_not_of("0123456789", digits) != std::string::npos) {
    if (negative && !is_signed) return fmt::format("'{}' is negative; expected a non-negative integer", text);
    return fmt::format("'{}' is not an integer (decimal digits only)", text);
  }
  if (negative && !is_signed) return fmt::format("'{}' is negative; expected a non-negative integer", text);
  const char* end = t.data() + t.size();
  if (is_signed) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), end, v);
    if (ec != std::errc() || ptr != end) return fmt::format("'{}' is out of the 64-bit integer range", text);
    text = std::to_string(v);
  } else {
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), end, v);
    if (ec != std::errc() || ptr != end) return fmt::format("'{}' is out of the 64-bit unsigned range", text);
    text = std::to_string(v);
  }
  return "";
}

std::string strict_float(std::string& text) {
  try {
    (void)parse_double("", trim(text));
  } catch (const std::invalid_argument&) {
    return fmt::format("'{}' is not a finite number", text);
  }
  text = trim(text);
  return "";
}

void strict_options(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    const std::string type = opt->get_type_name();
    const std::string base = type.substr(0, type.find(':'));
    if (base == "UINT" || base == "INT") {
      const bool is_signed = base == "INT";
      // Every --steps is bounded like simulation.steps in a spec: 2^64 - 1 steps ran forever
      // (and overflowed the input-sample count); what fits in memory is checked later.
      if (opt->check_lname("steps"))
        opt->check(
            [](const std::string& text) {
              const double v = std::strtod(text.c_str(), nullptr);
              return v >= 1.0 && v <= kMaxSteps ? std::string()
                                                : fmt::format("{} is outside the allowed range [1, 1e12]", text);
            },
            "", "step range");
      opt->transform(CLI::Validator([is_signed](std::string& text) { return strict_integer(text, is_signed); }, "",
                                    "strict integer"),
                     "strict integer");
    } else if (base == "FLOAT") {
      opt->transform(CLI::Validator(strict_float, "", "finite number"), "finite number");
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) strict_options(*sub);
}
}  // namespace

void make_numbers_strict(CLI::App& app) { strict_options(app); }

void print_progress(const char* label, uint64_t done, uint64_t total) {
  fmt::print(stderr, "\r{}: {}/{} ({:.0f}%)", label, done, total,
             total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0);
  if (done >= total) fmt::print(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace hrsnn::cli
