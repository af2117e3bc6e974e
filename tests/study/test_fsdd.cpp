// FSDD loader: name parsing, the customary 2700 / 300 split of the real recordings, and
// errors for a missing directory, an empty one and an unparsable name.
#include "study/fsdd.hpp"
#include "study/wav.hpp"
#include "tests/support/scratch_dir.hpp"

#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace hrsnn::study;
using hrsnn::test::ScratchDir;

namespace {

std::filesystem::path fsdd_dir() { return std::filesystem::path(HRSNN_SOURCE_DIR) / "../shared/data/fsdd/recordings"; }

}  // namespace

TEST_CASE("FSDD names parse into digit, speaker and index", "[study][fsdd]") {
  const auto r = parse_fsdd_name("/x/7_yweweler_49.wav");
  CHECK(r.digit == 7);
  CHECK(r.speaker == "yweweler");
  CHECK(r.index == 49);
  for (const char* bad : {"a_george_1.wav", "10_george_1.wav", "1__1.wav", "1_george.wav", "1_george_x.wav",
                          "1_george_-1.wav", "1_geo rge_1.wav", "1_george_1.mp3"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_fsdd_name(bad), FsddError);
  }
}

TEST_CASE("The real FSDD splits into 2700 training and 300 test recordings by index 0-4", "[study][fsdd]") {
  INFO("FSDD is expected at " << fsdd_dir() << " (see ../shared/data/fsdd/SOURCE.md)");
  REQUIRE(std::filesystem::is_directory(fsdd_dir()));
  const FsddSplit split = load_fsdd_split(fsdd_dir());
  CHECK(split.train.size() == 2700);
  CHECK(split.test.size() == 300);
  std::map<std::pair<std::string, int>, int> test_per_speaker_digit;
  std::set<std::string> speakers;
  for (const auto& r : split.test) {
    CHECK(r.index <= 4);
    ++test_per_speaker_digit[{r.speaker, r.digit}];
    speakers.insert(r.speaker);
  }
  for (const auto& r : split.train) CHECK(r.index >= 5);
  CHECK(speakers.size() == 6);
  CHECK(test_per_speaker_digit.size() == 60);
  for (const auto& [key, count] : test_per_speaker_digit) CHECK(count == 5);
}

TEST_CASE("FSDD features of real recordings are finite frames x bands matrices", "[study][fsdd][audio]") {
  REQUIRE(std::filesystem::is_directory(fsdd_dir()));
  const FsddSplit split = load_fsdd_split(fsdd_dir());
  const std::vector<FsddRecording> few(split.test.begin(), split.test.begin() + 3);
  const MelFrontEnd fe(FrontEndConfig{});
  const FsddFeatures f = compute_fsdd_features(few, fe);
  REQUIRE(f.utterances.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(f.labels[i] == few[i].digit);
    CHECK(f.utterances[i].cols() == 32);
    CHECK(f.utterances[i].rows() > 10);
    CHECK(f.utterances[i].allFinite());
  }
}

TEST_CASE("FSDD loading fails clearly for a missing directory, no files, or a bad name", "[study][fsdd]") {
  const ScratchDir dir("fsdd");
  CHECK_THROWS_WITH(list_fsdd(dir.path() / "nope"), Catch::Contains("does not exist"));
  CHECK_THROWS_WITH(list_fsdd(dir.path()), Catch::Contains("no .wav files"));

  const std::vector<std::int16_t> samples(400, 0);
  write_wav(dir.path() / "3_theo_7.wav", 8000, samples);
  std::ofstream(dir.path() / "README.md") << "ignored";
  CHECK(list_fsdd(dir.path()).size() == 1);

  write_wav(dir.path() / "three_theo_7.wav", 8000, samples);
  CHECK_THROWS_WITH(list_fsdd(dir.path()), Catch::Contains("three_theo_7.wav") && Catch::Contains("digit 'three'"));
  std::filesystem::remove(dir.path() / "three_theo_7.wav");

  // Issue 18 F7: leading zeros would map two names to one recording; an entry named .wav that is
  // not a regular file is an error naming it, never skipped.
  write_wav(dir.path() / "3_theo_07.wav", 8000, samples);
  CHECK_THROWS_WITH(list_fsdd(dir.path()), Catch::Contains("3_theo_07.wav") && Catch::Contains("leading zeros"));
  std::filesystem::remove(dir.path() / "3_theo_07.wav");
  write_wav(dir.path() / "03_theo_7.wav", 8000, samples);
  CHECK_THROWS_WITH(list_fsdd(dir.path()), Catch::Contains("03_theo_7.wav"));
  std::filesystem::remove(dir.path() / "03_theo_7.wav");
  std::filesystem::create_symlink(dir.path() / "missing.wav", dir.path() / "5_theo_1.wav");
  CHECK_THROWS_WITH(list_fsdd(dir.path()), Catch::Contains("5_theo_1.wav: named .wav but not a readable regular file"));
  std::filesystem::remove(dir.path() / "5_theo_1.wav");
  REQUIRE(mkfifo((dir.path() / "5_theo_2.wav").c_str(), 0600) == 0);
  CHECK_THROWS_WITH(list_fsdd(dir.path()), Catch::Contains("5_theo_2.wav: named .wav but not"));
  std::filesystem::remove(dir.path() / "5_theo_2.wav");
  std::filesystem::create_directory(dir.path() / "5_theo_3.wav");
  CHECK_THROWS_WITH(list_fsdd(dir.path()), Catch::Contains("5_theo_3.wav: named .wav but not"));
  std::filesystem::remove(dir.path() / "5_theo_3.wav");
  CHECK(list_fsdd(dir.path()).size() == 1);

  // A recording at another sample rate is refused by the feature step, naming the file.
  write_wav(dir.path() / "4_theo_1.wav", 16000, samples);
  const auto recordings = list_fsdd(dir.path());
  CHECK_THROWS_WITH(compute_fsdd_features(recordings, MelFrontEnd(FrontEndConfig{})),
                    Catch::Contains("4_theo_1.wav") && Catch::Contains("16000 Hz"));
}
