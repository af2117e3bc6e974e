// A durable append-only journal of JSON records, one per line: the checkpoint of every long job
// (the BO loop, the quantization sweep, the study). A kill can tear only the last line, which
// opening the journal cuts off; anything else that is wrong with the file is refused with
// file:line, never skipped.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace hrsnn {

// "file:line: message".
class JournalError : public std::runtime_error {
 public:
  JournalError(const std::filesystem::path& file, size_t line, const std::string& message);
  size_t line() const { return line_; }

 private:
  size_t line_;
};

struct JournalSchema {
  // What the file is, for messages ("quantization checkpoint").
  std::string kind = "journal";
  // The first line's "format" value; the header is {"type": "header", "format": ..., ...}.
  std::string format;
  // Checks a record (every line after the header); throws any std::exception with a message,
  // which is reported at the record's line. Empty: any JSON object.
  std::function<void(const nlohmann::json&)> validate;
  // A record's identity: two records with the same key are a duplicate, refused at the second.
  // Empty: no identity (records may repeat).
  std::function<std::string(const nlohmann::json&)> key;
};

class Journal {
 public:
  // Opens `path`: a missing or empty file gets `header` (format and type added) as its first
  // line; an existing one must start with a header of the schema's format, which is returned by
  // header() for the caller to compare with its own. A torn last line (no newline) is cut off
  // the file. Every complete line must be a JSON object that passes the schema; a duplicate key
  // is refused.
  Journal(std::filesystem::path path, JournalSchema schema, const nlohmann::json& header);

  const nlohmann::json& header() const { return header_; }
  const std::vector<nlohmann::json>& records() const { return records_; }
  bool recovered_torn_line() const { return torn_; }
  const std::filesystem::path& path() const { return path_; }

  // Validates, refuses a duplicate key, then appends with one write() and an fsync.
  void append(const nlohmann::json& record);
  // Has a record with this key been read or appended?
  bool contains(const std::string& key) const { return keys_.count(key) > 0; }

 private:
  std::filesystem::path path_;
  JournalSchema schema_;
  nlohmann::json header_;
  std::vector<nlohmann::json> records_;
  std::set<std::string> keys_;
  size_t lines_ = 0;
  bool torn_ = false;
};

}  // namespace hrsnn
