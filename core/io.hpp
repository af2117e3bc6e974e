// Output files: every one is written durably (core/foundation/durable.hpp: a temporary name
// unique per process, fsync, rename, fsync of the directory), so an interrupted run never
// leaves a half-written result behind.
#pragma once

#include "core/foundation/durable.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace hrsnn {

// write_file_durable / write_text_durable under the names the writers of results use.
void write_file_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer);
void write_text_atomic(const std::filesystem::path& path, const std::string& text);

// NumPy .npy (format 1.0), little-endian, C order.
void write_npy_u64_2d(const std::filesystem::path& path, const std::vector<uint64_t>& data, uint64_t rows,
                      uint64_t cols);
void write_npy_f64_2d(const std::filesystem::path& path, const std::vector<double>& data, uint64_t rows, uint64_t cols);

}  // namespace hrsnn
