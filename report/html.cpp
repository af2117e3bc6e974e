#include "report/html.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace hrsnn::report::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8) |
                       uint32_t{static_cast<uint8_t>(bytes[i + 2])};
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = uint32_t{static_cast<uint8_t>(bytes[i])} << 16;
    if (rest == 2) n |= uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string joules(double j) {
  if (!std::isfinite(j)) return "–";
  if (j == 0.0) return "0 J";
  struct Unit {
    double scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{1e15, "fJ"}, {1e12, "pJ"}, {1e9, "nJ"}, {1e6, "µJ"}, {1e3, "mJ"}, {1.0, "J"}};
  for (const Unit& u : kUnits) {
    // The unit whose mantissa, once rounded to 3 significant digits, is below 1000.
    if (std::abs(j) * u.scale < 999.5 || u.scale == 1.0) return fmt::format("{:.3g} {}", j * u.scale, u.name);
  }
  return fmt::format("{:.3g} J", j);
}

std::string number(const nlohmann::ordered_json& value) {
  if (value.is_number_unsigned()) return fmt::format("{}", value.get<uint64_t>());
  if (value.is_number_integer()) return fmt::format("{}", value.get<int64_t>());
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (!std::isfinite(d)) return "–";
    return fmt::format("{:.4g}", d);
  }
  if (value.is_null()) return "–";
  return value.dump();
}

std::string cell(const nlohmann::ordered_json& value) {
  if (value.is_number() || value.is_null()) return number(value);
  if (value.is_string()) return escape(value.get<std::string>());
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_array()) {
    const bool scalars = std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_primitive(); });
    if (scalars && value.size() <= 6) {
      std::string out;
      for (const auto& v : value)
        out += (out.empty() ? "" : ", ") + (v.is_string() ? escape(v.get<std::string>()) : number(v));
      return "[" + out + "]";
    }
    return fmt::format("[{} values]", value.size());
  }
  std::string text = value.dump();
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return "<code>" + escape(text) + "</code>";
}

std::string table_from_objects(const std::vector<nlohmann::ordered_json>& rows, size_t max_rows) {
  std::vector<std::string> cols;
  for (const auto& r : rows) {
    if (!r.is_object()) continue;
    for (auto it = r.begin(); it != r.end(); ++it)
      if (std::find(cols.begin(), cols.end(), it.key()) == cols.end()) cols.push_back(it.key());
  }
  std::string out = "<div class=\"scroll\"><table class=\"data\"><thead><tr>";
  for (const auto& c : cols) out += "<th>" + escape(c) + "</th>";
  out += "</tr></thead><tbody>\n";
  const size_t shown = std::min(rows.size(), max_rows);
  for (size_t i = 0; i < shown; ++i) {
    out += "<tr>";
    for (const auto& c : cols) {
      const bool has = rows[i].is_object() && rows[i].contains(c);
      const bool numeric = has && rows[i].at(c).is_number();
      out += numeric ? "<td class=\"num\">" : "<td>";
      out += has ? cell(rows[i].at(c)) : "";
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  if (rows.size() > shown) out += fmt::format("<p class=\"note\">{} more rows not shown.</p>\n", rows.size() - shown);
  return out;
}

namespace {

bool is_array_of_objects(const nlohmann::ordered_json& j) {
  return j.is_array() && !j.empty() && std::all_of(j.begin(), j.end(), [](const auto& v) { return v.is_object(); });
}

bool is_object_of_objects(const nlohmann::ordered_json& j) {
  return j.is_object() && !j.empty() && std::all_of(j.begin(), j.end(), [](const auto& v) { return v.is_object(); });
}

std::vector<nlohmann::ordered_json> keyed_rows(const nlohmann::ordered_json& obj) {
  std::vector<nlohmann::ordered_json> rows;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    nlohmann::ordered_json row = nlohmann::ordered_json::object();
    row["name"] = it.key();
    for (auto f = it.value().begin(); f != it.value().end(); ++f) row[f.key()] = f.value();
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::string render_json(const nlohmann::ordered_json& doc, const std::vector<std::string>& skip) {
  if (is_array_of_objects(doc)) return table_from_objects({doc.begin(), doc.end()});
  if (!doc.is_object()) return "<pre>" + escape(doc.dump(2)) + "</pre>\n";
  std::string out;
  std::vector<nlohmann::ordered_json> scalars;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (std::find(skip.begin(), skip.end(), it.key()) != skip.end()) continue;
    if (it.value().is_primitive()) scalars.push_back({{"key", it.key()}, {"value", it.value()}});
  }
  if (!scalars.empty()) out += table_from_objects(scalars);
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (std::find(skip.begin(), skip.end(), it.key()) != skip.end() || it.value().is_primitive()) continue;
    const std::string title = "<h4>" + escape(it.key()) + "</h4>\n";
    if (is_array_of_objects(it.value())) {
      out += title + table_from_objects({it.value().begin(), it.value().end()});
    } else if (is_object_of_objects(it.value())) {
      out += title + table_from_objects(keyed_rows(it.value()));
    } else {
      std::string text = it.value().dump(2);
      if (text.size() > 20000) text = text.substr(0, 20000) + "\n... (truncated)";
      out += "<details><summary>" + escape(it.key()) + "</summary><pre>" + escape(text) + "</pre></details>\n";
    }
  }
  return out;
}

Csv parse_csv(std::string_view text) {
  Csv csv;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  auto end_row = [&] {
    row.push_back(field);
    field.clear();
    if (csv.header.empty()) {
      csv.header = std::move(row);
    } else {
      csv.rows.push_back(std::move(row));
    }
    row.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      any = true;
    } else if (c == '\n') {
      end_row();
    } else if (c != '\r') {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) end_row();
  return csv;
}

std::string table_from_csv(const Csv& csv, size_t max_rows) {
  std::string out = "<div class=\"scroll\"><table class=\"data\"><thead><tr>";
  for (const auto& h : csv.header) out += "<th>" + escape(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  const size_t shown = std::min(csv.rows.size(), max_rows);
  for (size_t i = 0; i < shown; ++i) {
    out += "<tr>";
    for (const auto& f : csv.rows[i]) {
      char* end = nullptr;
      const double d = std::strtod(f.c_str(), &end);
      const bool numeric = !f.empty() && end && *end == '\0';
      out += numeric
                 ? "<td class=\"num\">" +
                       (f.find_first_of(".eE") != std::string::npos ? fmt::format("{:.4g}", d) : escape(f)) + "</td>"
                 : "<td>" + escape(f) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  if (csv.rows.size() > shown)
    out += fmt::format("<p class=\"note\">{} more rows not shown.</p>\n", csv.rows.size() - shown);
  return out;
}

}  // namespace hrsnn::report::html
