// The deterministic mutation driver's helpers (issue 18), shared by the suites that mutate
// their own inputs: hostile numbers, the numeric literals of a TOML text, mutants of a text
// (value substitutions, byte flips, truncations, dropped and duplicated lines), and what counts
// as a clear error message.
#pragma once

#include "core/foundation/config_error.hpp"
#include "core/foundation/random.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace hrsnn::test {

// Values that broke or could break the readers and the fixed core.
inline const std::vector<std::string> kHostileNumbers = {"inf",
                                                         "-inf",
                                                         "nan",
                                                         "+nan",
                                                         "1e308",
                                                         "-1e308",
                                                         "1e-308",
                                                         "5e-324",
                                                         "0",
                                                         "-1",
                                                         "-0.0",
                                                         "1e9",
                                                         "4294967296",
                                                         "18446744073709551616",
                                                         "9223372036854775807",
                                                         "-9223372036854775808",
                                                         "1e23",
                                                         "0.5"};

// The numeric literals of a TOML text: (offset, length) of each.
inline std::vector<std::pair<size_t, size_t>> numbers_in(const std::string& text) {
  static const std::regex number(R"((^|[=\[,{ ])([-+]?[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?)(?=[ ,}\]\n]|$))");
  std::vector<std::pair<size_t, size_t>> out;
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    std::string line = text.substr(line_start, line_end - line_start);
    // Strings and comments hold numbers too: mask them.
    bool in_string = false;
    for (size_t k = 0; k < line.size(); ++k) {
      const char ch = line[k];
      if (in_string) {
        if (ch == '\\' && k + 1 < line.size()) {
          line[k] = line[k + 1] = 'x';
          ++k;
        } else if (ch == '"') {
          in_string = false;
        } else {
          line[k] = 'x';
        }
      } else if (ch == '"') {
        in_string = true;
      } else if (ch == '#') {
        line.resize(k);
        break;
      }
    }
    for (std::sregex_iterator it(line.begin(), line.end(), number), end; it != end; ++it)
      out.emplace_back(line_start + static_cast<size_t>(it->position(2)), static_cast<size_t>(it->length(2)));
    line_start = line_end + 1;
  }
  return out;
}

enum class Mutation { Number, NonFinite, ByteFlip, Truncate, DropLine, DuplicateLine };

struct Case {
  std::string text;
  Mutation kind;
  std::string what;
};

// `count` mutants of `text`, deterministic in `rng`.
inline std::vector<Case> mutants(const std::string& text, Rng& rng, int count) {
  const auto numbers = numbers_in(text);
  std::vector<Case> out;
  for (int i = 0; i < count; ++i) {
    Case c{text, Mutation::Number, ""};
    const uint64_t pick = rng.below(10);
    if (pick < 5 && !numbers.empty()) {
      const auto [at, len] = numbers[rng.below(numbers.size())];
      const std::string& v = kHostileNumbers[rng.below(kHostileNumbers.size())];
      c.kind = (v.find("inf") != std::string::npos || v.find("nan") != std::string::npos) ? Mutation::NonFinite
                                                                                          : Mutation::Number;
      c.what = fmt::format("'{}' -> {}", text.substr(at, len), v);
      c.text.replace(at, len, v);
    } else if (pick < 7) {
      const size_t at = rng.below(text.size());
      c.kind = Mutation::ByteFlip;
      c.text[at] = static_cast<char>(c.text[at] ^ (1 << rng.below(8)));
      c.what = fmt::format("flip at {}", at);
    } else if (pick < 8) {
      const size_t at = rng.below(text.size());
      c.kind = Mutation::Truncate;
      c.text.resize(at);
      c.what = fmt::format("truncate at {}", at);
    } else {
      std::vector<size_t> starts = {0};
      for (size_t k = 0; k < text.size(); ++k)
        if (text[k] == '\n' && k + 1 < text.size()) starts.push_back(k + 1);
      const size_t s = starts[rng.below(starts.size())];
      const size_t e = text.find('\n', s);
      const std::string line = text.substr(s, e == std::string::npos ? std::string::npos : e - s + 1);
      if (pick < 9) {
        c.kind = Mutation::DropLine;
        c.text.erase(s, line.size());
        c.what = "drop: " + line.substr(0, 40);
      } else {
        c.kind = Mutation::DuplicateLine;
        c.text.insert(s, line);
        c.what = "duplicate: " + line.substr(0, 40);
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

// A message says what is wrong: not empty, not a bare allocation failure, not a raw library
// exception without a location.
inline bool clear_message(const std::string& m) {
  return !m.empty() && m != "std::bad_alloc" && m.find("[json.exception") == std::string::npos &&
         m.find("basic_string") == std::string::npos && m.find("vector::") == std::string::npos;
}

// One mutant through `read`: counted as "accepted", "refused (ConfigError)" (which must carry a
// line) or "refused (other)" (which must have a clear message); a mutant with a non-finite value
// must never be accepted.
template <typename Read>
void classify_mutant(const Case& c, Read&& read, std::map<std::string, int>& outcomes) {
  try {
    read();
    if (c.kind == Mutation::NonFinite) FAIL_CHECK("a mutant with a non-finite value was accepted: " << c.what);
    ++outcomes["accepted"];
  } catch (const ConfigError& e) {
    CHECK(e.line() >= 0);
    ++outcomes["refused (ConfigError)"];
  } catch (const std::exception& e) {
    INFO(e.what());
    CHECK(clear_message(e.what()));
    ++outcomes["refused (other)"];
  }
}

// The outcome counts, one "  outcome: n" line each.
inline std::string outcome_summary(const std::map<std::string, int>& outcomes) {
  std::string s;
  for (const auto& [k, v] : outcomes) s += fmt::format("  {}: {}\n", k, v);
  return s;
}

}  // namespace hrsnn::test
