// Small HTML helpers of the report (report/page.hpp): escaping, base64 for embedded
// figures, number formatting, and tables rendered from JSON or CSV the report did not define
// itself (the study's and the quantization sweep's results), so the page shows whatever
// columns those files carry, in the files' own key order (ordered_json).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hrsnn::report::html {

std::string escape(std::string_view text);
std::string base64(std::string_view bytes);

// "1.23 µJ": three significant digits in the unit that keeps the mantissa below 1000.
std::string joules(double j);
// Integers as integers, other numbers with 4 significant digits; "–" for null/NaN.
std::string number(const nlohmann::ordered_json& value);
// A JSON value as one table cell's text (escaped): numbers formatted, short arrays joined,
// objects and long arrays summarized.
std::string cell(const nlohmann::ordered_json& value);

// A table from rows of objects: columns are the union of keys in first-seen order.
// `max_rows` rows at most (a note says how many were left out).
std::string table_from_objects(const std::vector<nlohmann::ordered_json>& rows, size_t max_rows = 200);
// Renders a JSON document of unknown shape: arrays of objects become tables, objects whose
// values are all objects become one table (first column: the key), scalars a key/value
// table, anything else a collapsible block. Keys in `skip` are left out at the top level.
std::string render_json(const nlohmann::ordered_json& doc, const std::vector<std::string>& skip = {});

// Parses CSV (RFC 4180 quotes; first line is the header) into header and rows.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
Csv parse_csv(std::string_view text);
std::string table_from_csv(const Csv& csv, size_t max_rows = 200);

}  // namespace hrsnn::report::html
