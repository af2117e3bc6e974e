#include "study/fsdd.hpp"

#include "study/wav.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <tuple>

namespace hrsnn::study {

namespace {

// Canonical decimal only: "00" and "0" would both be index 0, so two files would claim one
// recording; FSDD writes no leading zeros.
bool parse_non_negative(const std::string& text, int& value) {
  if (text.empty() || text.size() > 9 || (text.size() > 1 && text[0] == '0')) return false;
  for (const char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc();
}

}  // namespace

FsddRecording parse_fsdd_name(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  const auto fail = [&](const std::string& why) -> FsddError {
    return FsddError(
        fmt::format("{}: not an FSDD recording name ({}); expected "
                    "{{digit}}_{{speaker}}_{{index}}.wav, e.g. 3_theo_12.wav",
                    path.string(), why));
  };
  if (path.extension() != ".wav") throw fail("extension is not .wav");
  const std::string stem = path.stem().string();
  const auto first = stem.find('_');
  const auto last = stem.rfind('_');
  if (first == std::string::npos || first == last) throw fail("needs exactly two '_'");
  const std::string digit_text = stem.substr(0, first);
  const std::string speaker = stem.substr(first + 1, last - first - 1);
  const std::string index_text = stem.substr(last + 1);
  FsddRecording r;
  if (!parse_non_negative(digit_text, r.digit) || r.digit > 9) {
    throw fail(fmt::format("digit '{}' is not 0-9", digit_text));
  }
  if (speaker.empty()) throw fail("empty speaker");
  for (const char c : speaker) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') {
      throw fail(fmt::format("speaker '{}' has a character other than letters, digits, '-'", speaker));
    }
  }
  if (!parse_non_negative(index_text, r.index)) {
    throw fail(fmt::format("index '{}' is not a non-negative integer without leading zeros", index_text));
  }
  r.speaker = speaker;
  r.path = path;
  return r;
}

std::vector<FsddRecording> list_fsdd(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw FsddError(
        fmt::format("{}: FSDD recordings directory does not exist or is not a "
                    "directory (pass the path to .../fsdd/recordings)",
                    dir.string()));
  }
  std::vector<FsddRecording> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".wav") continue;
    // A recording that cannot be read is an error, not a silently smaller data set.
    std::error_code status_ec;
    if (!std::filesystem::is_regular_file(entry.path(), status_ec))
      throw FsddError(
          fmt::format("{}: named .wav but not a readable regular file (a dangling symlink, a FIFO, a "
                      "device or a directory)",
                      entry.path().string()));
    out.push_back(parse_fsdd_name(entry.path()));
  }
  if (out.empty()) {
    throw FsddError(fmt::format("{}: no .wav files in the FSDD recordings directory", dir.string()));
  }
  std::sort(out.begin(), out.end(), [](const FsddRecording& a, const FsddRecording& b) {
    return std::tie(a.speaker, a.digit, a.index) < std::tie(b.speaker, b.digit, b.index);
  });
  for (size_t i = 1; i < out.size(); ++i)
    if (std::tie(out[i].speaker, out[i].digit, out[i].index) ==
        std::tie(out[i - 1].speaker, out[i - 1].digit, out[i - 1].index))
      throw FsddError(fmt::format("{} and {}: two files for one recording (digit {}, speaker {}, index {})",
                                  out[i - 1].path.string(), out[i].path.string(), out[i].digit, out[i].speaker,
                                  out[i].index));
  return out;
}

FsddSplit split_fsdd(const std::vector<FsddRecording>& recordings, int max_test_index) {
  FsddSplit split;
  for (const auto& r : recordings) {
    (r.index <= max_test_index ? split.test : split.train).push_back(r);
  }
  return split;
}

FsddSplit load_fsdd_split(const std::filesystem::path& dir) { return split_fsdd(list_fsdd(dir)); }

FsddFeatures compute_fsdd_features(const std::vector<FsddRecording>& recordings, const MelFrontEnd& front_end) {
  FsddFeatures out;
  out.utterances.reserve(recordings.size());
  out.labels.reserve(recordings.size());
  const double rate = front_end.config().sample_rate_hz;
  for (const auto& r : recordings) {
    const WavAudio audio = read_wav(r.path);
    if (static_cast<double>(audio.sample_rate_hz) != rate) {
      throw FsddError(fmt::format("{}: sample rate {} Hz, the front end expects {} Hz", r.path.string(),
                                  audio.sample_rate_hz, rate));
    }
    const std::vector<double> signal = audio.normalized();
    out.utterances.push_back(front_end.log_mel(signal));
    out.labels.push_back(r.digit);
  }
  return out;
}

}  // namespace hrsnn::study
