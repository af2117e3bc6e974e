#include "core/backend.hpp"

#include <fmt/core.h>

namespace hrsnn {

Arith parse_arith(const std::string& name) {
  if (name == "float" || name == "float64" || name == "double") return Arith::Float64;
  if (name == "float32") return Arith::Float32;
  if (name == "fixed") return Arith::Fixed;
  throw std::invalid_argument(fmt::format("unknown arithmetic '{}' (allowed: float, float64, float32, fixed)", name));
}

const char* to_string(Arith arith) {
  switch (arith) {
    case Arith::Float64: return "float64";
    case Arith::Float32: return "float32";
    case Arith::Fixed: return "fixed";
  }
  return "?";
}

}  // namespace hrsnn
