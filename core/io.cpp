#include "core/io.hpp"

#include "core/foundation/durable.hpp"

#include <fmt/core.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace hrsnn {

void write_file_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer) {
  write_file_durable(path, writer);
}

void write_text_atomic(const std::filesystem::path& path, const std::string& text) { write_text_durable(path, text); }

namespace {
void write_npy(const std::filesystem::path& path, const char* descr, const void* data, size_t bytes, uint64_t rows,
               uint64_t cols) {
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}, {}), }}", descr, rows, cols);
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in '\n'.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  write_file_atomic(path, [&](std::ostream& out) {
    out.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<uint16_t>(header.size());
    const char len_bytes[2] = {static_cast<char>(len & 0xFF), static_cast<char>(len >> 8)};
    out.write(len_bytes, 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  });
}
}  // namespace

void write_npy_u64_2d(const std::filesystem::path& path, const std::vector<uint64_t>& data, uint64_t rows,
                      uint64_t cols) {
  write_npy(path, "<u8", data.data(), data.size() * sizeof(uint64_t), rows, cols);
}

void write_npy_f64_2d(const std::filesystem::path& path, const std::vector<double>& data, uint64_t rows,
                      uint64_t cols) {
  write_npy(path, "<f8", data.data(), data.size() * sizeof(double), rows, cols);
}

}  // namespace hrsnn
