// libFuzzer target: the WAV reader on arbitrary bytes (read or refused with WavError).
#include "study/wav.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)hrsnn::study::parse_wav(std::span<const uint8_t>(data, size), "fuzz.wav");
  } catch (const std::exception&) {}
  return 0;
}
