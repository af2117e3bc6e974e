// Hostile input (issue 18) for the study's readers: mutated WAV bytes, study configurations and
// quantization sweeps end in a clear error or a valid result, never a crash; a non-finite value
// in a configuration is always refused at its line. Deterministic and bounded (seconds).
#include "core/foundation/config_error.hpp"
#include "core/foundation/random.hpp"
#include "study/quant_config.hpp"
#include "study/study_config.hpp"
#include "study/wav.hpp"
#include "tests/support/mutation.hpp"
#include "tests/support/scratch_dir.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace hrsnn;
using namespace hrsnn::study;
using namespace hrsnn::test;

namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void put_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int k = 0; k < 4 && at + static_cast<size_t>(k) < b.size(); ++k)
    b[at + static_cast<size_t>(k)] = static_cast<uint8_t>(v >> (8 * k));
}

}  // namespace

TEST_CASE("mutated WAV bytes are read or refused with a clear error (issue 18)", "[fuzz][wav]") {
  const ScratchDir dir("fuzz_wav");
  std::vector<int16_t> samples(800);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<int16_t>((i * 37) % 2000 - 1000);
  write_wav(dir.path() / "a.wav", 8000, samples);
  const std::string text = read_text(dir.path() / "a.wav");
  const std::vector<uint8_t> good(text.begin(), text.end());
  Rng rng(18, "fuzz/wav");
  std::map<std::string, int> outcomes;
  const int kCases = 400;
  for (int i = 0; i < kCases; ++i) {
    std::vector<uint8_t> b = good;
    switch (rng.below(4)) {
      case 0: b[rng.below(b.size())] ^= static_cast<uint8_t>(1u << rng.below(8)); break;
      case 1: b.resize(rng.below(b.size())); break;
      case 2: {  // a hostile 32-bit field in the header (sizes, rate, byte rate)
        const uint32_t values[] = {0u, 1u, 0x7fffffffu, 0xffffffffu, 0x80000000u, 44u, 3u};
        put_u32(b, 4 * rng.below(11), values[rng.below(7)]);
        break;
      }
      default: {  // a hostile 16-bit field (format, channels, block align, bits)
        const size_t at = 20 + 2 * rng.below(8);
        const uint16_t values[] = {0, 1, 2, 3, 8, 24, 0xffff, 0xfffe};
        const uint16_t v = values[rng.below(8)];
        if (at + 1 < b.size()) {
          b[at] = static_cast<uint8_t>(v);
          b[at + 1] = static_cast<uint8_t>(v >> 8);
        }
        break;
      }
    }
    try {
      const WavAudio a = parse_wav(b, "m.wav");
      CHECK(a.samples.size() <= b.size() / 2);
      ++outcomes["read"];
    } catch (const std::exception& e) {
      INFO(e.what());
      CHECK(clear_message(e.what()));
      CHECK_THAT(e.what(), Catch::Contains("m.wav"));
      ++outcomes["refused"];
    }
  }
  WARN(fmt::format("{} mutated WAVs:\n{}", kCases, outcome_summary(outcomes)));
}

TEST_CASE("mutated study configurations and sweeps are read or refused at file:line (issue 18)", "[fuzz]") {
  const ScratchDir dir("fuzz_configs");
  const std::filesystem::path examples = std::filesystem::path(HRSNN_SOURCE_DIR) / "examples";
  Rng rng(18, "fuzz/configs");
  std::map<std::string, int> outcomes;
  int cases = 0;
  struct Kind {
    const char* file;
    bool sweep;
  };
  for (const Kind k : {Kind{"study.toml", false}, Kind{"study_fsdd_frozen.toml", false},
                       Kind{"protocol_slow.toml", false}, Kind{"quant_sweep.toml", true}}) {
    const std::string text = read_text(examples / k.file);
    REQUIRE(!text.empty());
    for (const Case& c : mutants(text, rng, 50)) {
      INFO(k.file << ": " << c.what);
      ++cases;
      const std::filesystem::path path = dir.path() / k.file;
      {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << c.text;
      }
      classify_mutant(
          c,
          [&] {
            if (k.sweep)
              (void)parse_quant_sweep(c.text, path.string(), examples);
            else
              (void)load_study_config(path.string());
          },
          outcomes);
    }
  }
  WARN(fmt::format("{} mutated configurations:\n{}", cases, outcome_summary(outcomes)));
  CHECK(cases == 200);
}
