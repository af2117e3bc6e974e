// read_npy_2d: the input array of `hrsnn run MODEL.nir --input FILE.npy` (NumPy format 1.0-3.0).
#include "nir/nir.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

namespace hrsnn::nir {
namespace {

[[noreturn]] void bad(const std::string& path, const std::string& msg) {
  throw NirError(fmt::format("{}: {}", path, msg));
}

template <typename T>
double load(const char* p) {
  T x;
  std::memcpy(&x, p, sizeof x);
  return static_cast<double>(x);
}

}  // namespace

NpyArray read_npy_2d(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) bad(path, "cannot open the input array");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 10 || data.compare(0, 6, "\x93NUMPY") != 0) bad(path, "not a NumPy .npy file");
  const auto major = static_cast<unsigned char>(data[6]);
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(data[8]) | (static_cast<size_t>(static_cast<unsigned char>(data[9])) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (data.size() < 12) bad(path, "truncated .npy header");
    header_len = 0;
    for (int k = 3; k >= 0; --k)
      header_len = (header_len << 8) | static_cast<unsigned char>(data[8 + static_cast<size_t>(k)]);
    offset = 12;
  } else {
    bad(path, fmt::format(".npy format version {} is not supported", major));
  }
  if (data.size() < offset + header_len) bad(path, "truncated .npy header");
  const std::string header = data.substr(offset, header_len);
  // The header is a Python dict literal: {'descr': '<f8', 'fortran_order': False, 'shape': (R, C), }
  auto value_of = [&](const std::string& key) -> std::string {
    const size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) bad(path, "the .npy header has no '" + key + "'");
    size_t v = header.find(':', k);
    if (v == std::string::npos) bad(path, "malformed .npy header");
    ++v;
    while (v < header.size() && header[v] == ' ') ++v;
    const char open = v < header.size() ? header[v] : '\0';
    const char close = open == '\'' ? '\'' : open == '(' ? ')' : ',';
    const size_t start = (open == '\'' || open == '(') ? v + 1 : v;
    const size_t end = header.find(close, start);
    if (end == std::string::npos) bad(path, "malformed .npy header");
    return header.substr(start, end - start);
  };
  const std::string descr = value_of("descr");
  if (descr.size() < 3 || descr.find_first_not_of("0123456789", 2) != std::string::npos)
    bad(path, "unsupported .npy dtype '" + descr + "'");
  const char order = descr[0];
  const char kind = descr[1];
  const int width = std::stoi(descr.substr(2));
  if (order == '>' && width > 1) bad(path, "big-endian .npy arrays are not supported");
  if (value_of("fortran_order").find("True") != std::string::npos)
    bad(path, "a Fortran-order .npy array is not supported (save it C-ordered)");
  const std::string shape = value_of("shape");
  uint64_t dims[2] = {0, 0};
  int ndims = 0;
  for (size_t k = 0; k < shape.size();) {
    if (shape[k] == ' ' || shape[k] == ',') {
      ++k;
      continue;
    }
    const size_t e = shape.find_first_not_of("0123456789", k);
    if (e == k || ndims == 2) bad(path, "the input array must be 2-D (steps x input columns)");
    const std::string digits = shape.substr(k, e == std::string::npos ? std::string::npos : e - k);
    if (digits.size() > 12) bad(path, "the input array is too large");
    dims[ndims++] = std::stoull(digits);
    k = e == std::string::npos ? shape.size() : e;
  }
  if (ndims != 2) bad(path, "the input array must be 2-D (steps x input columns)");
  NpyArray a;
  a.rows = dims[0];
  a.cols = dims[1];
  if (a.cols != 0 && a.rows > (uint64_t{1} << 32) / a.cols) bad(path, "the input array is too large");
  const uint64_t count = a.rows * a.cols;
  const size_t body = offset + header_len;
  const auto w = static_cast<size_t>(width);
  if (data.size() - body < count * w) bad(path, "the .npy file is shorter than its shape says");
  a.values.resize(count);
  const char* p = data.data() + body;
  for (uint64_t k = 0; k < count; ++k, p += w) {
    double x = 0;
    if (kind == 'f' && w == 8)
      x = load<double>(p);
    else if (kind == 'f' && w == 4)
      x = load<float>(p);
    else if (kind == 'i' && w == 8)
      x = load<int64_t>(p);
    else if (kind == 'i' && w == 4)
      x = load<int32_t>(p);
    else if (kind == 'i' && w == 1)
      x = load<int8_t>(p);
    else if (kind == 'u' && w == 8)
      x = load<uint64_t>(p);
    else if (kind == 'u' && w == 4)
      x = load<uint32_t>(p);
    else if ((kind == 'u' || kind == 'b') && w == 1)
      x = load<uint8_t>(p);
    else
      bad(path,
          fmt::format("dtype {}{} is not supported (float64, float32, int64, int32, int8, uint64, uint32, uint8, bool)",
                      kind, w));
    if (!std::isfinite(x)) bad(path, fmt::format("element {} is not finite", k));
    a.values[k] = x;
  }
  return a;
}

}  // namespace hrsnn::nir
