// hrsnn synapse: the weight path of the fixed-point core at register level. Weight mantissas
// (rows = post neurons, columns = pre neurons) go through the chip's weight loader (clip by
// sign mode, drop the low bits of num_weight_bits); each spike of pre neuron j at step t adds
// column j to the dendritic sums that reach the post neurons at step t + 1, shifted once by
// weight_exp. Prints CSV step,post,a.
#include "core/fixed/datapath.hpp"
#include "core/foundation/register_format.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>

#include <map>
#include <sstream>

namespace hrsnn::cli {
namespace {

struct SynapseArgs {
  std::string weights;
  std::string sign_mode = "auto";
  int64_t weight_bits = 8;
  int64_t weight_exp = 0;
  std::string spikes;
  uint64_t steps = 10;
  std::string profile = "loihi";
};

std::vector<std::vector<int64_t>> parse_matrix(const std::string& text) {
  std::vector<std::vector<int64_t>> rows;
  std::stringstream rs(text);
  std::string row;
  while (std::getline(rs, row, ';')) {
    std::vector<int64_t> values;
    std::stringstream cs(row);
    std::string cell;
    while (std::getline(cs, cell, ',')) {
      const auto b = cell.find_first_not_of(" \t"), e = cell.find_last_not_of(" \t");
      values.push_back(parse_int("--weights", b == std::string::npos ? "" : cell.substr(b, e - b + 1)));
    }
    rows.push_back(std::move(values));
  }
  if (rows.empty() || rows[0].empty()) throw std::invalid_argument("--weights: empty matrix");
  for (size_t r = 1; r < rows.size(); ++r)
    if (rows[r].size() != rows[0].size())
      throw std::invalid_argument(
          fmt::format("--weights: row {} has {} columns, row 0 has {}", r, rows[r].size(), rows[0].size()));
  return rows;
}

void synapse(const SynapseArgs& a) {
  const fixed::HardwareProfile* prof = fixed::find_hardware_profile(a.profile);
  if (!prof) throw std::invalid_argument(fmt::format("--profile: unknown hardware profile '{}'", a.profile));
  const fixed::HardwareFormat& fmt = prof->format;
  const auto w = parse_matrix(a.weights);
  const size_t n_post = w.size(), n_pre = w[0].size();
  if (a.weight_bits < 1 || a.weight_bits > fmt.weight_bits)
    throw std::invalid_argument(
        fmt::format("--weight-bits = {} is out of range (allowed: [1, {}])", a.weight_bits, fmt.weight_bits));
  if (a.weight_exp < -fmt.weight_exp_max || a.weight_exp > fmt.weight_exp_max)
    throw std::invalid_argument(fmt::format("--weight-exp = {} is out of range (allowed: [{}, {}])", a.weight_exp,
                                            -fmt.weight_exp_max, fmt.weight_exp_max));
  // Lava's determine_sign_mode for "auto": all >= 0 excitatory, all <= 0 inhibitory, else mixed.
  fixed::SignMode mode = fixed::SignMode::mixed;
  if (a.sign_mode == "auto") {
    bool pos = false, neg = false;
    for (const auto& r : w)
      for (int64_t x : r) {
        pos = pos || x > 0;
        neg = neg || x < 0;
      }
    mode =
        neg && !pos ? fixed::SignMode::inhibitory : (pos && neg ? fixed::SignMode::mixed : fixed::SignMode::excitatory);
  } else {
    mode = *fixed::parse_sign_mode(a.sign_mode);
  }
  const auto nwb = static_cast<uint32_t>(a.weight_bits);
  std::vector<std::vector<int32_t>> loaded(n_post, std::vector<int32_t>(n_pre));
  const int64_t lim = 1LL << 30;
  for (size_t i = 0; i < n_post; ++i) {
    for (size_t j = 0; j < n_pre; ++j) {
      if (w[i][j] < -lim || w[i][j] > lim)
        throw std::invalid_argument(
            fmt::format("--weights: {} at row {}, column {} is not a plausible mantissa", w[i][j], i, j));
      loaded[i][j] = fixed::clip_weight_mantissa(static_cast<int32_t>(w[i][j]), mode, nwb, fmt);
      if (loaded[i][j] != w[i][j])
        fmt::print(stderr, "warning: weight[{}][{}] = {} loaded as {} ({} sign mode, {} weight bits)\n", i, j, w[i][j],
                   loaded[i][j], fixed::to_string(mode), nwb);
    }
  }
  std::map<uint64_t, std::vector<size_t>> spikes;
  for (auto [step, pre] : parse_step_ints("--spikes", a.spikes)) {
    if (pre < 0 || static_cast<size_t>(pre) >= n_pre)
      throw std::invalid_argument(
          fmt::format("--spikes: pre neuron {} at step {} is out of range (allowed: [0, {}])", pre, step, n_pre - 1));
    spikes[step].push_back(static_cast<size_t>(pre));
  }
  // One-step delay: the sums built from step t's spikes are read at step t + 1.
  std::vector<int32_t> pending(n_post, 0);
  fmt::print("step,post,a\n");
  for (uint64_t t = 0; t < a.steps; ++t) {
    for (size_t i = 0; i < n_post; ++i)
      fmt::print("{},{},{}\n", t, i, fixed::apply_weight_exp(pending[i], static_cast<int32_t>(a.weight_exp), fmt));
    std::fill(pending.begin(), pending.end(), 0);
    if (auto it = spikes.find(t); it != spikes.end())
      for (size_t j : it->second)
        for (size_t i = 0; i < n_post; ++i) pending[i] = fixed::accumulate_dendrite(pending[i], loaded[i][j], fmt);
  }
}

const RegisterCommand reg{[](CLI::App& app) {
  auto a = std::make_shared<SynapseArgs>();
  CLI::App* sub = app.add_subcommand("synapse", "Probe the fixed-point weight path (CSV step,post,a)");
  sub->add_option("--weights", a->weights, "Mantissas \"w00,w01,...;w10,...\" (rows = post, columns = pre)")
      ->required();
  sub->add_option("--sign-mode", a->sign_mode, "Sign mode")
      ->check(CLI::IsMember({"excitatory", "inhibitory", "mixed", "auto"}));
  sub->add_option("--weight-bits", a->weight_bits, "num_weight_bits (low bits dropped below the profile's width)");
  sub->add_option("--weight-exp", a->weight_exp, "Exponent applied once to each step's dendritic sum");
  sub->add_option("--spikes", a->spikes, "Presynaptic spikes \"STEP:PRE,...\"");
  sub->add_option("--steps", a->steps, "Number of steps");
  sub->add_option("--profile", a->profile, "Hardware profile (loihi, narrow)");
  sub->callback([a] { synapse(*a); });
}};

}  // namespace
}  // namespace hrsnn::cli
