// Audio front end for spoken-digit classification: framing, window, FFT power spectrum,
// mel filterbank, log compression, normalization. Output is an Eigen matrix with one row
// per frame and one column per mel band, the layout every readout in study/ takes.
//
// Pipeline for a signal x[n] (already scaled to [-1, 1)):
//   1. pre-emphasis  y[n] = x[n] - a * x[n-1]  (a = pre_emphasis; 0 disables it)
//   2. frames of window_length samples every hop_length samples; a signal shorter than one
//      window gives one zero-padded frame; a trailing partial frame is dropped
//   3. multiply by a Hann or Hamming window (symmetric form, as in MFCC front ends)
//   4. zero-pad to n_fft, real FFT (FFTW3), power |X_k|^2 for k = 0..n_fft/2
//   5. mel filterbank: triangles with centres equally spaced on the HTK mel scale
//      mel(f) = 2595 log10(1 + f / 700), evaluated at each bin's frequency
//   6. log(energy + log_floor)
#pragma once

#include <Eigen/Dense>

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace hrsnn::study {

enum class WindowKind { hann, hamming };

// How each mel triangle is scaled.
//  peak_one: every triangle is 1 at its centre frequency; between the first and last centre
//            the triangles sum to 1 at every frequency (a partition of unity).
//  unit_sum: every filter's weights sum to 1 over the FFT bins (a band average).
enum class MelScaling { peak_one, unit_sum };

struct FrontEndConfig {
  double sample_rate_hz = 8000.0;  // FSDD's rate
  double window_ms = 25.0;         // 200 samples at 8 kHz: the usual speech frame
  double hop_ms = 10.0;            // 80 samples at 8 kHz
  WindowKind window = WindowKind::hamming;
  std::size_t n_fft = 0;  // 0: the next power of two >= the window length
  std::size_t n_mels = 32;
  double fmin_hz = 20.0;
  double fmax_hz = 0.0;  // 0: the Nyquist frequency
  MelScaling mel_scaling = MelScaling::peak_one;
  double pre_emphasis = 0.97;  // the customary MFCC value
  double log_floor = 1e-10;    // added before log(); keeps silent frames finite
};

double hz_to_mel(double hz);
double mel_to_hz(double mel);

// The window of `length` samples (symmetric: w[0] = w[length-1]).
std::vector<double> make_window(WindowKind kind, std::size_t length);

// Mel filterbank, n_mels x (n_fft/2 + 1), for the given FFT size and rate.
Eigen::MatrixXd make_mel_filterbank(std::size_t n_mels, std::size_t n_fft, double sample_rate_hz, double fmin_hz,
                                    double fmax_hz, MelScaling scaling);

class MelFrontEnd {
 public:
  // Validates the configuration (throws std::invalid_argument naming the field) and plans the
  // FFT once. Plan creation is serialized by a process-wide mutex (FFTW's planner is not
  // thread-safe); compute() may then be called from several threads at once.
  explicit MelFrontEnd(const FrontEndConfig& config);

  const FrontEndConfig& config() const { return config_; }
  std::size_t window_length() const { return window_length_; }
  std::size_t hop_length() const { return hop_length_; }
  std::size_t n_fft() const { return n_fft_; }
  std::size_t frame_count(std::size_t n_samples) const;
  const Eigen::MatrixXd& filterbank() const { return filterbank_; }

  // Power spectrum |X_k|^2 of each frame (frames x (n_fft/2+1)), after pre-emphasis and window.
  Eigen::MatrixXd power_spectrogram(std::span<const double> signal) const;
  // Log mel energies, frames x n_mels.
  Eigen::MatrixXd log_mel(std::span<const double> signal) const;

 private:
  struct Plan;
  FrontEndConfig config_;
  std::size_t window_length_ = 0;
  std::size_t hop_length_ = 0;
  std::size_t n_fft_ = 0;
  std::vector<double> window_;
  Eigen::MatrixXd filterbank_;
  std::shared_ptr<const Plan> plan_;
};

// Per-utterance normalization: each band to zero mean and unit standard deviation over the
// utterance's frames (a constant band becomes 0).
void normalize_per_utterance(Eigen::MatrixXd& features);

// Global normalization: band mean and standard deviation fitted on the training utterances'
// frames, then applied to any utterance (train or test) unchanged.
struct BandNormalizer {
  Eigen::RowVectorXd mean;
  Eigen::RowVectorXd inverse_std;  // 1/std, 1 for a constant band

  static BandNormalizer fit(std::span<const Eigen::MatrixXd> utterances);
  void apply(Eigen::MatrixXd& features) const;
};

// Average-pools frames into `bins` equal stretches of time (bin b covers frames
// [b*F/bins, (b+1)*F/bins), at least one frame each), giving a fixed-length row vector of
// bins * bands values, bin-major. Used for readouts that need one vector per utterance.
Eigen::RowVectorXd pool_frames(const Eigen::MatrixXd& features, std::size_t bins);

// pool_frames of every utterance, one row each: the design matrix of a per-utterance readout.
Eigen::MatrixXd pool_utterances(std::span<const Eigen::MatrixXd> utterances, std::size_t bins);

}  // namespace hrsnn::study
