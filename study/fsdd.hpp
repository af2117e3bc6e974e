// Free Spoken Digit Dataset loader. The data lives outside the repository and its path comes
// from the command line (on a development machine: ../shared/data/fsdd/recordings).
//
// File names are {digit}_{speaker}_{index}.wav. The customary split (the dataset's README):
// recordings with index 0-4 of every speaker and digit are the test set, the rest training;
// with 6 speakers x 10 digits x 50 recordings that is 300 test and 2700 training files.
#pragma once

#include "study/audio.hpp"

#include <Eigen/Dense>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace hrsnn::study {

class FsddError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FsddRecording {
  int digit = 0;  // 0..9, the class label
  std::string speaker;
  int index = 0;  // take number, >= 0
  std::filesystem::path path;
};

struct FsddSplit {
  std::vector<FsddRecording> train;
  std::vector<FsddRecording> test;
};

// Parses "{digit}_{speaker}_{index}.wav" (digit 0-9, speaker non-empty [A-Za-z0-9-], index a
// non-negative integer); throws FsddError naming the file otherwise.
FsddRecording parse_fsdd_name(const std::filesystem::path& path);

// Every *.wav in `dir` (not recursive), parsed and sorted by (speaker, digit, index).
// Throws FsddError if the directory is missing, holds no .wav file, or a .wav name does not
// parse. Files with other extensions (README, .DS_Store) are ignored.
std::vector<FsddRecording> list_fsdd(const std::filesystem::path& dir);

// Index <= max_test_index goes to test, the rest to train (default 4: the customary split).
FsddSplit split_fsdd(const std::vector<FsddRecording>& recordings, int max_test_index = 4);

// list_fsdd + split_fsdd.
FsddSplit load_fsdd_split(const std::filesystem::path& dir);

struct FsddFeatures {
  std::vector<Eigen::MatrixXd> utterances;  // one frames x bands matrix per recording
  std::vector<int> labels;                  // digit of each recording
};

// Reads every recording (throws WavError for a malformed file, FsddError if its sample rate
// is not the front end's) and computes its log-mel features. No normalization is applied;
// use normalize_per_utterance or a BandNormalizer fitted on the training set.
FsddFeatures compute_fsdd_features(const std::vector<FsddRecording>& recordings, const MelFrontEnd& front_end);

}  // namespace hrsnn::study
