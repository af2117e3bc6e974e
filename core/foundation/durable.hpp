// Durable output: every result file and every checkpoint goes through here, so an interrupted
// run (a kill, a power cut) never leaves a half-written file and never loses a finished one.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace hrsnn {

// Writes `path` through `writer` into a temporary name unique to this process and call
// (`path`.tmp.<pid>.<n>), fsyncs it, renames it over `path` and fsyncs the directory, so the
// file is either the old one or the whole new one. Creates missing parent directories. Throws
// std::runtime_error naming the file (and the system's reason) on any failure; the temporary
// file is removed.
void write_file_durable(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer);
void write_text_durable(const std::filesystem::path& path, std::string_view text);

// Appends `text` to `path` (created if absent) with a single write() and an fsync, so a kill
// leaves at most a torn last line.
void append_durable(const std::filesystem::path& path, std::string_view text);

// The whole file; throws std::runtime_error naming it when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace hrsnn
