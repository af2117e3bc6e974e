#include "core/io.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

namespace hrsnn {

void write_file_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  const std::filesystem::path tmp = path.string() + fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("{}: cannot open for writing", tmp.string()));
    writer(out);
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw std::runtime_error(fmt::format("{}: write failed", path.string()));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error(fmt::format("{}: cannot rename the finished file into place", path.string()));
  }
}

void write_text_atomic(const std::filesystem::path& path, const std::string& text) {
  write_file_atomic(path, [&text](std::ostream& out) { out << text; });
}

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

void write_npy_u64_2d(const std::filesystem::path& path, const std::vector<uint64_t>& data, uint64_t rows, uint64_t cols) {
  write_npy(path, "<u8", data.data(), data.size() * sizeof(uint64_t), rows, cols);
}

void write_npy_f64_2d(const std::filesystem::path& path, const std::vector<double>& data, uint64_t rows, uint64_t cols) {
  write_npy(path, "<f8", data.data(), data.size() * sizeof(double), rows, cols);
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace hrsnn
