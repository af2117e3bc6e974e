// Audio front end: windows, mel filterbank geometry, FFT power spectrum against a direct DFT,
// framing arithmetic, normalization and pooling.
#include "study/audio.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <thread>
#include <vector>

using namespace hrsnn::study;

namespace {

std::vector<double> tone(double freq_hz, double rate_hz, std::size_t n, double amplitude = 0.5) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = amplitude * std::sin(2.0 * std::numbers::pi * freq_hz * static_cast<double>(i) / rate_hz);
  }
  return x;
}

}  // namespace

TEST_CASE("Hann and Hamming windows are symmetric with the textbook end and centre values", "[study][audio]") {
  const auto hann = make_window(WindowKind::hann, 201);
  const auto hamming = make_window(WindowKind::hamming, 201);
  CHECK(hann.front() == Approx(0.0).margin(1e-15));
  CHECK(hann[100] == Approx(1.0));
  CHECK(hamming.front() == Approx(0.08));
  CHECK(hamming[100] == Approx(1.0));
  for (std::size_t i = 0; i < 201; ++i) CHECK(hann[i] == Approx(hann[200 - i]).margin(1e-15));
}

TEST_CASE("Mel scale conversion is the HTK formula and inverts", "[study][audio]") {
  CHECK(hz_to_mel(700.0) == Approx(2595.0 * std::log10(2.0)));
  CHECK(hz_to_mel(1000.0) == Approx(1000.0).epsilon(0.001));  // ~1000 mel at 1 kHz by design
  for (double f : {0.0, 100.0, 1234.5, 4000.0}) CHECK(mel_to_hz(hz_to_mel(f)) == Approx(f).margin(1e-9));
}

TEST_CASE("Peak-one mel triangles peak at their centre bins and sum to one between centres", "[study][audio]") {
  const std::size_t n_fft = 512;
  const double rate = 8000.0;
  const std::size_t n_mels = 20;
  const double fmin = 100.0;
  const double fmax = 3800.0;
  const Eigen::MatrixXd fb = make_mel_filterbank(n_mels, n_fft, rate, fmin, fmax, MelScaling::peak_one);
  REQUIRE(fb.rows() == 20);
  REQUIRE(fb.cols() == 257);
  const double bin_hz = rate / static_cast<double>(n_fft);
  const double mel_step = (hz_to_mel(fmax) - hz_to_mel(fmin)) / static_cast<double>(n_mels + 1);
  for (Eigen::Index m = 0; m < fb.rows(); ++m) {
    const double centre = mel_to_hz(hz_to_mel(fmin) + mel_step * static_cast<double>(m + 1));
    Eigen::Index peak = 0;
    fb.row(m).maxCoeff(&peak);
    CHECK(std::abs(static_cast<double>(peak) * bin_hz - centre) <= bin_hz);  // nearest bin or next
    CHECK(fb.row(m).maxCoeff() <= 1.0);
    CHECK(fb.row(m).maxCoeff() > 0.5);
    CHECK(fb.row(m).minCoeff() >= 0.0);
  }
  // Partition of unity: every bin between the first and the last centre is covered with total 1.
  const double first_centre = mel_to_hz(hz_to_mel(fmin) + mel_step);
  const double last_centre = mel_to_hz(hz_to_mel(fmin) + mel_step * static_cast<double>(n_mels));
  for (Eigen::Index k = 0; k < fb.cols(); ++k) {
    const double f = static_cast<double>(k) * bin_hz;
    if (f >= first_centre && f <= last_centre) {
      CHECK(fb.col(k).sum() == Approx(1.0).margin(1e-12));
    }
    if (f <= fmin || f >= fmax) CHECK(fb.col(k).sum() == 0.0);
  }
}

TEST_CASE("Unit-sum mel filters have rows summing to one", "[study][audio]") {
  const Eigen::MatrixXd fb = make_mel_filterbank(32, 256, 8000.0, 20.0, 4000.0, MelScaling::unit_sum);
  for (Eigen::Index m = 0; m < fb.rows(); ++m) CHECK(fb.row(m).sum() == Approx(1.0));
}

TEST_CASE("Too many mel bands for the FFT resolution is an error naming the empty band", "[study][audio]") {
  CHECK_THROWS_WITH(make_mel_filterbank(200, 64, 8000.0, 0.0, 4000.0, MelScaling::peak_one),
                    Catch::Contains("covers no FFT bin"));
  FrontEndConfig bad;
  bad.hop_ms = 0.0;
  CHECK_THROWS_WITH(MelFrontEnd(bad), Catch::Contains("hop_ms"));
}

TEST_CASE("Framing: 25 ms / 10 ms at 8 kHz gives 200-sample windows every 80 samples", "[study][audio]") {
  const MelFrontEnd fe(FrontEndConfig{});
  CHECK(fe.window_length() == 200);
  CHECK(fe.hop_length() == 80);
  CHECK(fe.n_fft() == 256);
  CHECK(fe.frame_count(0) == 1);
  CHECK(fe.frame_count(200) == 1);
  CHECK(fe.frame_count(279) == 1);
  CHECK(fe.frame_count(280) == 2);
  CHECK(fe.frame_count(8000) == 1 + (8000 - 200) / 80);
  const Eigen::MatrixXd silent = fe.log_mel(std::vector<double>(50, 0.0));
  CHECK(silent.rows() == 1);
  CHECK(silent.cols() == 32);
  CHECK(silent.allFinite());
}

TEST_CASE("The FFTW power spectrum equals a direct DFT of the windowed frame", "[study][audio]") {
  FrontEndConfig c;
  c.sample_rate_hz = 1000.0;
  c.window_ms = 20.0;  // 20 samples
  c.hop_ms = 10.0;
  c.n_fft = 32;
  c.n_mels = 4;
  c.pre_emphasis = 0.0;
  c.window = WindowKind::hann;
  const MelFrontEnd fe(c);
  std::vector<double> x(20);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.7 * static_cast<double>(i * i)) + 0.1;
  const Eigen::MatrixXd p = fe.power_spectrogram(x);
  REQUIRE(p.rows() == 1);
  const auto w = make_window(WindowKind::hann, 20);
  for (std::size_t k = 0; k <= 16; ++k) {
    double re = 0.0;
    double im = 0.0;
    for (std::size_t n = 0; n < 20; ++n) {
      const double angle = -2.0 * std::numbers::pi * static_cast<double>(k * n) / 32.0;
      re += x[n] * w[n] * std::cos(angle);
      im += x[n] * w[n] * std::sin(angle);
    }
    CHECK(p(0, static_cast<Eigen::Index>(k)) == Approx(re * re + im * im).margin(1e-12));
  }
}

TEST_CASE("A pure tone's energy lands in the mel band centred nearest its frequency", "[study][audio]") {
  FrontEndConfig c;
  c.n_mels = 24;
  c.pre_emphasis = 0.0;
  const MelFrontEnd fe(c);
  const double freq = 1000.0;
  const Eigen::MatrixXd logmel = fe.log_mel(tone(freq, 8000.0, 4000));
  const Eigen::RowVectorXd mean = logmel.colwise().mean();
  Eigen::Index loudest = 0;
  mean.maxCoeff(&loudest);
  // Band centres: c.n_mels + 2 edges equally spaced in mel from fmin to Nyquist.
  const double step = (hz_to_mel(4000.0) - hz_to_mel(c.fmin_hz)) / static_cast<double>(c.n_mels + 1);
  Eigen::Index nearest = 0;
  double best = 1e300;
  for (Eigen::Index m = 0; m < 24; ++m) {
    const double centre = mel_to_hz(hz_to_mel(c.fmin_hz) + step * static_cast<double>(m + 1));
    if (std::abs(centre - freq) < best) {
      best = std::abs(centre - freq);
      nearest = m;
    }
  }
  CHECK(loudest == nearest);
}

TEST_CASE("Per-utterance and global normalization give zero mean and unit variance per band", "[study][audio]") {
  const MelFrontEnd fe(FrontEndConfig{});
  std::vector<double> x = tone(440.0, 8000.0, 3000);
  const auto y = tone(1500.0, 8000.0, 3000, 0.2);
  for (std::size_t i = 1500; i < 3000; ++i) x[i] += y[i];
  Eigen::MatrixXd a = fe.log_mel(x);
  Eigen::MatrixXd b = a;
  normalize_per_utterance(a);
  CHECK(a.colwise().mean().cwiseAbs().maxCoeff() < 1e-10);
  const Eigen::RowVectorXd var = a.array().square().colwise().mean();
  for (Eigen::Index c = 0; c < var.size(); ++c) CHECK(var(c) == Approx(1.0));

  const std::vector<Eigen::MatrixXd> train = {b, b.topRows(10)};
  const BandNormalizer norm = BandNormalizer::fit(train);
  Eigen::MatrixXd stacked(b.rows() + 10, b.cols());
  stacked << b, b.topRows(10);
  norm.apply(stacked);
  CHECK(stacked.colwise().mean().cwiseAbs().maxCoeff() < 1e-10);
  CHECK((stacked.array().square().colwise().mean() - 1.0).abs().maxCoeff() < 1e-9);
}

TEST_CASE("pool_frames averages equal stretches of time into a fixed-length vector", "[study][audio]") {
  Eigen::MatrixXd f(6, 2);
  f << 1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60;
  const Eigen::RowVectorXd p = pool_frames(f, 3);
  REQUIRE(p.size() == 6);
  CHECK(p(0) == Approx(1.5));
  CHECK(p(1) == Approx(15.0));
  CHECK(p(4) == Approx(5.5));
  // Fewer frames than bins: every bin still gets a frame.
  const Eigen::RowVectorXd q = pool_frames(f.topRows(2), 4);
  CHECK(q.size() == 8);
  CHECK(q.allFinite());
  const std::vector<Eigen::MatrixXd> utterances = {f, f.topRows(3)};
  const Eigen::MatrixXd rows = pool_utterances(utterances, 3);
  CHECK(rows.rows() == 2);
  CHECK(rows.row(0) == p);
  CHECK(rows(1, 0) == Approx(1.0));
}

TEST_CASE("Front ends planned and run on two threads at once give identical features", "[study][audio]") {
  const auto x = tone(700.0, 8000.0, 4000);
  const Eigen::MatrixXd reference = MelFrontEnd(FrontEndConfig{}).log_mel(x);
  Eigen::MatrixXd results[2];
  std::thread threads[2];
  for (int t = 0; t < 2; ++t) {
    threads[t] = std::thread([&, t] {
      for (int i = 0; i < 5; ++i) results[t] = MelFrontEnd(FrontEndConfig{}).log_mel(x);
    });
  }
  for (auto& th : threads) th.join();
  CHECK(results[0] == reference);
  CHECK(results[1] == reference);
}
