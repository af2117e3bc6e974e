// Output files are written atomically (temporary file, flush, rename), so an interrupted
// run never leaves a half-written result behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace hrsnn {

// Writes through `writer` into `path`.tmp.<pid>, then renames over `path`. Throws
// std::runtime_error naming the file on any failure.
void write_file_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer);
void write_text_atomic(const std::filesystem::path& path, const std::string& text);

// NumPy .npy (format 1.0), little-endian, C order.
void write_npy_u64_2d(const std::filesystem::path& path, const std::vector<uint64_t>& data, uint64_t rows, uint64_t cols);
void write_npy_f64_2d(const std::filesystem::path& path, const std::vector<double>& data, uint64_t rows, uint64_t cols);

std::string read_text_file(const std::filesystem::path& path);

}  // namespace hrsnn
