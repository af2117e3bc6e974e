// WAV reader for the study's real-data loaders (FSDD: mono, 8 kHz, 16-bit PCM).
//
// Accepts RIFF/WAVE files whose format is integer PCM (format tag 1, or
// WAVE_FORMAT_EXTENSIBLE with the PCM sub-format), 16 bits per sample, one channel, any
// sample rate. Unknown chunks (LIST, fact, cue, ...) are skipped, with the RIFF pad byte
// after odd-sized chunks. Anything else (a short or non-RIFF header, a missing fmt or data
// chunk, a chunk running past the end of the file, float or compressed samples, another
// bit depth, several channels, inconsistent block alignment) is rejected with a WavError
// whose message names the file and what is wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace hrsnn::study {

class WavError : public std::runtime_error {
 public:
  WavError(std::string source, const std::string& problem);
  // The file (or buffer name) the error is about.
  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

struct WavAudio {
  std::uint32_t sample_rate_hz = 0;
  std::vector<std::int16_t> samples;  // mono PCM as stored

  // Samples scaled to [-1, 1) by 1/32768 (the full-scale convention of 16-bit PCM).
  std::vector<double> normalized() const;
  double duration_s() const;
};

// Reads and validates a WAV file; throws WavError (unreadable or malformed file).
WavAudio read_wav(const std::filesystem::path& path);

// Parses WAV bytes already in memory; `source` names them in error messages.
WavAudio parse_wav(std::span<const std::uint8_t> bytes, const std::string& source);

// Writes mono 16-bit PCM (for tests and for exporting synthetic signals), durably
// (core/foundation/durable.hpp: the file is whole or absent, never half-written).
void write_wav(const std::filesystem::path& path, std::uint32_t sample_rate_hz, std::span<const std::int16_t> samples);

}  // namespace hrsnn::study
