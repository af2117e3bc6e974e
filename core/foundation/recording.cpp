#include "core/foundation/recording.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace hrsnn {

void advise_huge_pages(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{1} << 21;
  const auto begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t last = (begin + bytes) & ~(kHuge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // advice only
#else
  (void)data;
  (void)bytes;
#endif
}

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
