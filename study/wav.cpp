#include "study/wav.hpp"

#include "core/foundation/durable.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <iterator>
#include <string_view>

namespace hrsnn::study {

namespace {

constexpr std::uint16_t kFormatPcm = 0x0001;
constexpr std::uint16_t kFormatIeeeFloat = 0x0003;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;
// The tail of KSDATAFORMAT_SUBTYPE_PCM after its first two bytes (which repeat the tag):
// {00000001-0000-0010-8000-00AA00389B71}.
constexpr std::array<std::uint8_t, 14> kGuidTail = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                                    0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

std::uint16_t read_u16le(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8U));
}

std::uint32_t read_u32le(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8U) |
         (static_cast<std::uint32_t>(b[at + 2]) << 16U) | (static_cast<std::uint32_t>(b[at + 3]) << 24U);
}

std::string fourcc(std::span<const std::uint8_t> b, std::size_t at) {
  std::string id;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto c = static_cast<char>(b[at + i]);
    id += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return id;
}

std::string format_name(std::uint16_t tag) {
  switch (tag) {
    case kFormatPcm: return "integer PCM";
    case kFormatIeeeFloat: return "IEEE float";
    case 0x0006: return "A-law";
    case 0x0007: return "mu-law";
    case 0x0002: return "Microsoft ADPCM";
    case 0x0011: return "IMA ADPCM";
    case 0x0055: return "MPEG layer 3";
    default: return fmt::format("format tag 0x{:04X}", tag);
  }
}

struct Format {
  std::uint16_t channels = 0;
  std::uint32_t sample_rate_hz = 0;
  std::uint16_t bits_per_sample = 0;
};

Format parse_fmt(std::span<const std::uint8_t> body, const std::string& source) {
  if (body.size() < 16) {
    throw WavError(source, fmt::format("fmt chunk is {} bytes, needs at least 16", body.size()));
  }
  std::uint16_t tag = read_u16le(body, 0);
  Format f;
  f.channels = read_u16le(body, 2);
  f.sample_rate_hz = read_u32le(body, 4);
  const std::uint32_t byte_rate = read_u32le(body, 8);
  const std::uint16_t block_align = read_u16le(body, 12);
  f.bits_per_sample = read_u16le(body, 14);

  if (tag == kFormatExtensible) {
    // cbSize(2) validBits(2) channelMask(4) subFormat GUID(16) follow the 16 basic bytes.
    if (body.size() < 40) {
      throw WavError(source, fmt::format("WAVE_FORMAT_EXTENSIBLE fmt chunk is {} bytes, needs 40", body.size()));
    }
    const std::uint16_t sub_tag = read_u16le(body, 24);
    for (std::size_t i = 0; i < kGuidTail.size(); ++i) {
      if (body[26 + i] != kGuidTail[i]) {
        throw WavError(source,
                       "WAVE_FORMAT_EXTENSIBLE with a non-standard sub-format GUID; "
                       "only integer PCM is supported");
      }
    }
    tag = sub_tag;
  }
  if (tag != kFormatPcm) {
    throw WavError(source, fmt::format("sample format is {}, only integer PCM is supported", format_name(tag)));
  }
  if (f.bits_per_sample != 16) {
    throw WavError(source, fmt::format("{} bits per sample, only 16-bit PCM is supported", f.bits_per_sample));
  }
  if (f.channels != 1) {
    throw WavError(source, fmt::format("{} channels, only mono (1 channel) is supported", f.channels));
  }
  if (f.sample_rate_hz == 0) throw WavError(source, "sample rate is 0 Hz");
  if (block_align != 2) {
    throw WavError(source, fmt::format("block align is {}, mono 16-bit PCM needs 2", block_align));
  }
  if (byte_rate != f.sample_rate_hz * 2U) {
    throw WavError(source,
                   fmt::format("byte rate {} disagrees with sample rate {} Hz x 2 bytes", byte_rate, f.sample_rate_hz));
  }
  return f;
}

}  // namespace

WavError::WavError(std::string source, const std::string& problem)
    : std::runtime_error(fmt::format("{}: invalid WAV file: {}", source, problem)), source_(std::move(source)) {}

std::vector<double> WavAudio::normalized() const {
  std::vector<double> out(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) out[i] = samples[i] / 32768.0;
  return out;
}

double WavAudio::duration_s() const {
  return sample_rate_hz == 0 ? 0.0 : static_cast<double>(samples.size()) / sample_rate_hz;
}

WavAudio parse_wav(std::span<const std::uint8_t> bytes, const std::string& source) {
  if (bytes.size() < 12) {
    throw WavError(source, fmt::format("file is {} bytes, shorter than the 12-byte RIFF header", bytes.size()));
  }
  if (fourcc(bytes, 0) != "RIFF") {
    throw WavError(source, fmt::format("starts with '{}', not 'RIFF'", fourcc(bytes, 0)));
  }
  if (fourcc(bytes, 8) != "WAVE") {
    throw WavError(source, fmt::format("RIFF form type is '{}', not 'WAVE'", fourcc(bytes, 8)));
  }
  // The RIFF size counts the bytes after the 8-byte header. A file shorter than declared is
  // truncated; bytes beyond it (some tools append junk) are ignored.
  const std::uint64_t riff_end = std::uint64_t{read_u32le(bytes, 4)} + 8U;
  if (riff_end > bytes.size()) {
    throw WavError(source,
                   fmt::format("truncated: RIFF header declares {} bytes, file has {}", riff_end, bytes.size()));
  }
  const auto end = static_cast<std::size_t>(riff_end);

  bool have_fmt = false;
  Format format;
  std::size_t at = 12;
  while (at < end) {
    if (end - at < 8) {
      throw WavError(source, fmt::format("truncated: {} stray bytes at offset {} where a chunk "
                                         "header (8 bytes) should be",
                                         end - at, at));
    }
    const std::string id = fourcc(bytes, at);
    const std::uint32_t size = read_u32le(bytes, at + 4);
    const std::size_t body_at = at + 8;
    if (size > end - body_at) {
      throw WavError(source, fmt::format("truncated: chunk '{}' at offset {} declares {} bytes, "
                                         "only {} remain",
                                         id, at, size, end - body_at));
    }
    const auto body = bytes.subspan(body_at, size);
    if (id == "fmt ") {
      if (have_fmt) throw WavError(source, "more than one fmt chunk");
      format = parse_fmt(body, source);
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) throw WavError(source, "data chunk comes before the fmt chunk");
      if (size % 2U != 0) {
        throw WavError(source, fmt::format("data chunk is {} bytes, not a whole number of "
                                           "2-byte samples",
                                           size));
      }
      WavAudio audio;
      audio.sample_rate_hz = format.sample_rate_hz;
      audio.samples.resize(size / 2U);
      for (std::size_t i = 0; i < audio.samples.size(); ++i) {
        audio.samples[i] = static_cast<std::int16_t>(read_u16le(body, 2 * i));
      }
      return audio;
    }
    // Unknown chunk: skip it and its pad byte (RIFF chunks are word-aligned).
    at = body_at + size + (size % 2U);
  }
  throw WavError(source, have_fmt ? "no data chunk" : "no fmt chunk");
}

WavAudio read_wav(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WavError(path.string(), "cannot open file");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw WavError(path.string(), "read error");
  return parse_wav(bytes, path.string());
}

void write_wav(const std::filesystem::path& path, std::uint32_t sample_rate_hz, std::span<const std::int16_t> samples) {
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2U);
  std::vector<std::uint8_t> out;
  out.reserve(44 + data_bytes);
  // Byte by byte: GCC 12 at -O2 misreports vector::insert of a 4-byte range after reserve()
  // as an overflow (-Wstringop-overflow).
  auto put_id = [&](const char* id) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(id[i]));
  };
  auto put_u16 = [&](std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v & 0xFFU));
    out.push_back(static_cast<std::uint8_t>(v >> 8U));
  };
  auto put_u32 = [&](std::uint32_t v) {
    for (unsigned s = 0; s < 32; s += 8) out.push_back(static_cast<std::uint8_t>((v >> s) & 0xFFU));
  };
  put_id("RIFF");
  put_u32(36U + data_bytes);
  put_id("WAVE");
  put_id("fmt ");
  put_u32(16);
  put_u16(kFormatPcm);
  put_u16(1);
  put_u32(sample_rate_hz);
  put_u32(sample_rate_hz * 2U);
  put_u16(2);
  put_u16(16);
  put_id("data");
  put_u32(data_bytes);
  for (const std::int16_t s : samples) put_u16(static_cast<std::uint16_t>(s));

  // Durably (a temporary name unique to the process, fsync, rename): an interrupted or
  // concurrent write never leaves a partial file.
  write_text_durable(path, std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
}

}  // namespace hrsnn::study
