#include "core/foundation/journal.hpp"

#include "core/foundation/durable.hpp"

#include <fmt/core.h>

namespace hrsnn {

JournalError::JournalError(const std::filesystem::path& file, size_t line, const std::string& message)
    : std::runtime_error(fmt::format("{}:{}: {}", file.string(), line, message)), line_(line) {}

namespace {
std::string dump_line(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}
}  // namespace

Journal::Journal(std::filesystem::path path, JournalSchema schema, const nlohmann::json& header)
    : path_(std::move(path)), schema_(std::move(schema)) {
  std::error_code ec;
  const bool present = std::filesystem::exists(path_, ec) && std::filesystem::file_size(path_, ec) > 0;
  if (!present) {
    header_ = header;
    header_["type"] = "header";
    header_["format"] = schema_.format;
    if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path());
    write_text_durable(path_, dump_line(header_) + "\n");
    lines_ = 1;
    return;
  }
  const std::string text = read_text_file(path_);
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {  // a kill during the last write: cut it off, it is redone
      torn_ = true;
      break;
    }
    ++lines_;
    const std::string_view line(text.data() + start, end - start);
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw JournalError(path_, lines_, fmt::format("not a JSON object; this {} is damaged", schema_.kind));
    if (lines_ == 1) {
      if (j.value("type", "") != "header" || j.value("format", "") != schema_.format)
        throw JournalError(
            path_, 1,
            fmt::format("not a {} (expected a header line with format \"{}\")", schema_.kind, schema_.format));
      header_ = std::move(j);
    } else {
      try {
        if (schema_.validate) schema_.validate(j);
      } catch (const std::exception& e) {
        throw JournalError(path_, lines_, fmt::format("malformed {} record: {}", schema_.kind, e.what()));
      }
      if (schema_.key) {
        const std::string k = schema_.key(j);
        if (!keys_.insert(k).second)
          throw JournalError(path_, lines_, fmt::format("duplicate {} record '{}'", schema_.kind, k));
      }
      records_.push_back(std::move(j));
    }
    start = end + 1;
  }
  if (torn_) {
    std::filesystem::resize_file(path_, start);
    if (lines_ == 0) {  // only a torn header: start afresh
      header_ = header;
      header_["type"] = "header";
      header_["format"] = schema_.format;
      write_text_durable(path_, dump_line(header_) + "\n");
      lines_ = 1;
    }
  }
}

void Journal::append(const nlohmann::json& record) {
  try {
    if (schema_.validate) schema_.validate(record);
  } catch (const std::exception& e) {
    throw JournalError(path_, lines_ + 1,
                       fmt::format("refusing to write a malformed {} record: {}", schema_.kind, e.what()));
  }
  std::string k;
  if (schema_.key) {
    k = schema_.key(record);
    if (keys_.count(k)) throw JournalError(path_, lines_ + 1, fmt::format("duplicate {} record '{}'", schema_.kind, k));
  }
  append_durable(path_, dump_line(record) + "\n");
  if (schema_.key) keys_.insert(k);
  records_.push_back(record);
  ++lines_;
}

}  // namespace hrsnn
