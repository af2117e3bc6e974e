// WAV reader: valid mono 16-bit PCM is read exactly (unknown and odd-sized chunks skipped);
// malformed files are rejected with a message naming the file and the problem.
#include "study/wav.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

using hrsnn::study::parse_wav;
using hrsnn::study::read_wav;
using hrsnn::study::WavError;
using hrsnn::test::ScratchDir;

namespace {

// Builds WAV bytes piece by piece, so each test can break exactly one thing.
struct WavBuilder {
  std::vector<std::uint8_t> bytes;

  void id(const char* s) { bytes.insert(bytes.end(), s, s + 4); }
  void u16(std::uint16_t v) {
    bytes.push_back(static_cast<std::uint8_t>(v & 0xFFU));
    bytes.push_back(static_cast<std::uint8_t>(v >> 8U));
  }
  void u32(std::uint32_t v) {
    for (unsigned s = 0; s < 32; s += 8) bytes.push_back(static_cast<std::uint8_t>((v >> s) & 0xFFU));
  }
  void chunk(const char* name, const std::vector<std::uint8_t>& body, bool pad = true) {
    id(name);
    u32(static_cast<std::uint32_t>(body.size()));
    bytes.insert(bytes.end(), body.begin(), body.end());
    if (pad && body.size() % 2 == 1) bytes.push_back(0);
  }
  // fmt chunk body with consistent byte rate and block align for the given layout.
  static std::vector<std::uint8_t> fmt_body(std::uint16_t tag, std::uint16_t channels, std::uint32_t rate,
                                            std::uint16_t bits) {
    WavBuilder b;
    const auto align = static_cast<std::uint16_t>(channels * bits / 8);
    b.u16(tag);
    b.u16(channels);
    b.u32(rate);
    b.u32(rate * align);
    b.u16(align);
    b.u16(bits);
    return b.bytes;
  }
  static std::vector<std::uint8_t> pcm16(const std::vector<std::int16_t>& samples) {
    WavBuilder b;
    for (auto s : samples) b.u16(static_cast<std::uint16_t>(s));
    return b.bytes;
  }
  // RIFF header around the chunks already in `body`.
  static std::vector<std::uint8_t> riff(const std::vector<std::uint8_t>& body) {
    WavBuilder b;
    b.id("RIFF");
    b.u32(static_cast<std::uint32_t>(body.size() + 4));
    b.id("WAVE");
    b.bytes.insert(b.bytes.end(), body.begin(), body.end());
    return b.bytes;
  }
};

std::filesystem::path write_bytes(const ScratchDir& dir, const std::string& name,
                                  const std::vector<std::uint8_t>& bytes) {
  const auto path = dir.path() / name;
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// Checks that reading `path` throws a WavError naming the file and containing `problem`.
void require_rejected(const std::filesystem::path& path, const std::string& problem) {
  try {
    (void)read_wav(path);
    FAIL("no error for " << path);
  } catch (const WavError& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find(path.string()) != std::string::npos);
    CHECK(what.find(problem) != std::string::npos);
    CHECK(e.source() == path.string());
  }
}

const std::vector<std::int16_t> kSamples = {0, 1, -1, 32767, -32768, 1234, -4321};

}  // namespace

TEST_CASE("A mono 16-bit PCM file round-trips through write_wav and read_wav exactly", "[study][wav]") {
  const ScratchDir dir("wav_roundtrip");
  const auto path = dir.path() / "tone.wav";
  hrsnn::study::write_wav(path, 8000, kSamples);
  const auto audio = read_wav(path);
  CHECK(audio.sample_rate_hz == 8000);
  CHECK(audio.samples == kSamples);
  CHECK(audio.duration_s() == Approx(7.0 / 8000.0));
  const auto x = audio.normalized();
  CHECK(x[3] == Approx(32767.0 / 32768.0));
  CHECK(x[4] == -1.0);
}

TEST_CASE("Unknown chunks, odd-size pad bytes and WAVE_FORMAT_EXTENSIBLE PCM are accepted", "[study][wav]") {
  WavBuilder body;
  body.chunk("fmt ", WavBuilder::fmt_body(1, 1, 16000, 16));
  body.chunk("LIST", {'I', 'N', 'F', 'O', 'x'});  // 5 bytes: followed by one pad byte
  body.chunk("junk", {});
  body.chunk("data", WavBuilder::pcm16(kSamples));
  const auto bytes = WavBuilder::riff(body.bytes);
  const auto audio = parse_wav(bytes, "memory");
  CHECK(audio.sample_rate_hz == 16000);
  CHECK(audio.samples == kSamples);

  // Extensible: 16 basic bytes, cbSize 22, valid bits, channel mask, PCM sub-format GUID.
  WavBuilder fmt_ext;
  fmt_ext.bytes = WavBuilder::fmt_body(0xFFFE, 1, 8000, 16);
  fmt_ext.u16(22);
  fmt_ext.u16(16);
  fmt_ext.u32(4);
  fmt_ext.u16(1);
  const std::vector<std::uint8_t> tail = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                          0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
  fmt_ext.bytes.insert(fmt_ext.bytes.end(), tail.begin(), tail.end());
  WavBuilder ext;
  ext.chunk("fmt ", fmt_ext.bytes);
  ext.chunk("data", WavBuilder::pcm16(kSamples));
  CHECK(parse_wav(WavBuilder::riff(ext.bytes), "ext").samples == kSamples);
}

TEST_CASE("Malformed WAV files are rejected with the file name and the problem", "[study][wav]") {
  const ScratchDir dir("wav_bad");
  const auto good_fmt = WavBuilder::fmt_body(1, 1, 8000, 16);
  const auto data = WavBuilder::pcm16(kSamples);

  SECTION("empty file") { require_rejected(write_bytes(dir, "empty.wav", {}), "shorter than"); }
  SECTION("not RIFF") {
    auto bytes = WavBuilder::riff({});
    bytes[0] = 'R';
    bytes[1] = 'I';
    bytes[2] = 'F';
    bytes[3] = 'X';
    require_rejected(write_bytes(dir, "notriff.wav", bytes), "not 'RIFF'");
  }
  SECTION("not WAVE") {
    auto bytes = WavBuilder::riff({});
    bytes[8] = 'A';
    require_rejected(write_bytes(dir, "notwave.wav", bytes), "not 'WAVE'");
  }
  SECTION("truncated data chunk") {
    WavBuilder b;
    b.chunk("fmt ", good_fmt);
    b.chunk("data", data);
    auto bytes = WavBuilder::riff(b.bytes);
    bytes.resize(bytes.size() - 4);
    // Keep the RIFF size consistent with the shortened file: only the data chunk lies.
    const auto riff_size = static_cast<std::uint32_t>(bytes.size() - 8);
    for (unsigned i = 0; i < 4; ++i) bytes[4 + i] = static_cast<std::uint8_t>(riff_size >> (8 * i));
    require_rejected(write_bytes(dir, "trunc_data.wav", bytes), "truncated: chunk 'data'");
  }
  SECTION("file shorter than the RIFF size") {
    WavBuilder b;
    b.chunk("fmt ", good_fmt);
    b.chunk("data", data);
    auto bytes = WavBuilder::riff(b.bytes);
    bytes.resize(30);
    require_rejected(write_bytes(dir, "trunc_riff.wav", bytes), "truncated: RIFF header");
  }
  SECTION("float samples") {
    WavBuilder b;
    b.chunk("fmt ", WavBuilder::fmt_body(3, 1, 8000, 32));
    b.chunk("data", {0, 0, 0, 0});
    require_rejected(write_bytes(dir, "float.wav", WavBuilder::riff(b.bytes)), "IEEE float");
  }
  SECTION("mu-law samples") {
    WavBuilder b;
    b.chunk("fmt ", WavBuilder::fmt_body(7, 1, 8000, 8));
    b.chunk("data", {0, 0});
    require_rejected(write_bytes(dir, "ulaw.wav", WavBuilder::riff(b.bytes)), "mu-law");
  }
  SECTION("8-bit PCM") {
    WavBuilder b;
    b.chunk("fmt ", WavBuilder::fmt_body(1, 1, 8000, 8));
    b.chunk("data", {128, 128});
    require_rejected(write_bytes(dir, "pcm8.wav", WavBuilder::riff(b.bytes)), "8 bits per sample");
  }
  SECTION("24-bit PCM") {
    WavBuilder b;
    b.chunk("fmt ", WavBuilder::fmt_body(1, 1, 8000, 24));
    b.chunk("data", {0, 0, 0});
    require_rejected(write_bytes(dir, "pcm24.wav", WavBuilder::riff(b.bytes)), "24 bits per sample");
  }
  SECTION("stereo") {
    WavBuilder b;
    b.chunk("fmt ", WavBuilder::fmt_body(1, 2, 8000, 16));
    b.chunk("data", data);
    require_rejected(write_bytes(dir, "stereo.wav", WavBuilder::riff(b.bytes)), "2 channels");
  }
  SECTION("inconsistent byte rate") {
    auto fmt_bytes = good_fmt;
    fmt_bytes[8] = 1;  // byte rate low byte
    WavBuilder b;
    b.chunk("fmt ", fmt_bytes);
    b.chunk("data", data);
    require_rejected(write_bytes(dir, "rate.wav", WavBuilder::riff(b.bytes)), "byte rate");
  }
  SECTION("short fmt chunk") {
    WavBuilder b;
    b.chunk("fmt ", {1, 0, 1, 0});
    b.chunk("data", data);
    require_rejected(write_bytes(dir, "shortfmt.wav", WavBuilder::riff(b.bytes)), "fmt chunk is 4 bytes");
  }
  SECTION("no data chunk") {
    WavBuilder b;
    b.chunk("fmt ", good_fmt);
    b.chunk("LIST", {1, 2, 3, 4});
    require_rejected(write_bytes(dir, "nodata.wav", WavBuilder::riff(b.bytes)), "no data chunk");
  }
  SECTION("data before fmt") {
    WavBuilder b;
    b.chunk("data", data);
    b.chunk("fmt ", good_fmt);
    require_rejected(write_bytes(dir, "order.wav", WavBuilder::riff(b.bytes)), "before the fmt");
  }
  SECTION("odd-sized data chunk") {
    WavBuilder b;
    b.chunk("fmt ", good_fmt);
    b.chunk("data", {1, 2, 3});
    require_rejected(write_bytes(dir, "odd.wav", WavBuilder::riff(b.bytes)), "whole number");
  }
  SECTION("missing file") { require_rejected(dir.path() / "does_not_exist.wav", "cannot open"); }
}

TEST_CASE("An FSDD recording reads as 8 kHz mono with a plausible length", "[study][wav][fsdd]") {
  const std::filesystem::path path =
      std::filesystem::path(HRSNN_SOURCE_DIR) / "../shared/data/fsdd/recordings/0_george_0.wav";
  INFO("FSDD is expected at ../shared/data/fsdd beside the project (data/fsdd/SOURCE.md)");
  REQUIRE(std::filesystem::exists(path));
  const auto audio = read_wav(path);
  CHECK(audio.sample_rate_hz == 8000);
  CHECK(audio.duration_s() > 0.1);
  CHECK(audio.duration_s() < 3.0);
}
