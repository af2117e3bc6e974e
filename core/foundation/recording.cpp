#include "core/foundation/recording.hpp"

namespace hrsnn {

uint64_t Raster::hash() const {
  uint64_t h = 0xCBF29CE484222325ULL;
  auto mix = [&h](uint64_t x) {
    for (int b = 0; b < 8; ++b) {
      h ^= (x >> (8 * b)) & 0xFF;
      h *= 0x100000001B3ULL;
    }
  };
  for (size_t k = 0; k < step.size(); ++k) {
    mix(step[k]);
    mix(neuron[k]);
  }
  return h;
}

}  // namespace hrsnn
