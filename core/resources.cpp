#include "core/resources.hpp"

#include "core/counters.hpp"

#include <fmt/core.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

namespace hrsnn {

double NetworkEstimate::synapses() const {
  double s = 0;
  for (const auto& p : projections) s += p.synapses;
  return s;
}

double NetworkEstimate::bytes() const {
  double b = neuron_bytes;
  for (const auto& p : projections) b += p.bytes;
  return b;
}

NetworkEstimate estimate_network(const NetworkSpec& spec) {
  NetworkEstimate e;
  uint32_t max_delay = 1;
  for (const auto& pr : spec.projections) max_delay = std::max(max_delay, pr.delay_steps);
  for (const auto& p : spec.populations) e.neurons += p.size;
  // About 16 values of state and parameters per neuron in either backend, the delay ring, and
  // the input wiring's and the projections' CSR offsets.
  e.neuron_bytes = e.neurons * (16.0 * 8.0 + 8.0 * (max_delay + 1.0) + 8.0 * spec.input.channels);
  for (size_t i = 0; i < spec.projections.size(); ++i) {
    const ProjectionSpec& pr = spec.projections[i];
    const int pre_i = spec.population_index(pr.pre), post_i = spec.population_index(pr.post);
    if (pre_i < 0 || post_i < 0) continue;
    const double pre = spec.populations[static_cast<size_t>(pre_i)].size;
    const double post = spec.populations[static_cast<size_t>(post_i)].size;
    const bool skip_self = pr.pre == pr.post && !pr.autapses;
    ProjectionEstimate p;
    p.key = fmt::format("projections[{}]", i);
    p.line = pr.line;
    p.synapses = pr.rule == ConnectRule::InDegree ? static_cast<double>(pr.in_degree) * post
                                                  : pr.p * pre * (skip_self ? post - 1.0 : post);
    p.bytes = p.synapses * static_cast<double>(pr.stdp ? kBytesPerPlasticSynapse : kBytesPerStaticSynapse) +
              8.0 * (pre + post + 2.0);
    e.projections.push_back(std::move(p));
  }
  return e;
}

double estimate_run_bytes(const NetworkSpec& spec, uint64_t steps, const SimOptions& options) {
  const auto s = static_cast<double>(steps);
  double b = 0;
  if (spec.input.signal != SignalKind::None)
    b += std::ceil(s / spec.input.steps_per_sample) * spec.input.channels * sizeof(double);
  if (!options.probes.empty())
    b += std::ceil(s / std::max<uint32_t>(1, options.probe_every)) *
         (sizeof(uint64_t) + 2.0 * sizeof(double) * static_cast<double>(options.probes.size()));
  if (options.per_step_counts) b += s * sizeof(EventCounts);
  return b;
}

uint64_t parse_memory_size(const std::string& text) {
  std::string t;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (t == "NONE" || t == "0") return 0;
  size_t digits = 0;
  while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
  std::string suffix = t.substr(digits);
  if (!suffix.empty() && suffix.back() == 'B') suffix.pop_back();
  if (suffix.size() == 2 && suffix[1] == 'I') suffix.pop_back();  // KiB, MiB, ...
  int shift = -1;
  if (suffix.empty()) shift = 0;
  if (suffix == "K") shift = 10;
  if (suffix == "M") shift = 20;
  if (suffix == "G") shift = 30;
  if (suffix == "T") shift = 40;
  if (digits == 0 || digits > 15 || shift < 0)
    throw std::invalid_argument(
        fmt::format("HRSNN_MEMORY_LIMIT='{}': expected a size such as 8G, 512M, 1073741824 or "
                    "none",
                    text));
  const uint64_t n = std::strtoull(t.substr(0, digits).c_str(), nullptr, 10);
  if (n > (UINT64_MAX >> shift)) throw std::invalid_argument(fmt::format("HRSNN_MEMORY_LIMIT='{}' is too large", text));
  return n << shift;
}

MemoryLimit memory_limit() {
  if (const char* env = std::getenv("HRSNN_MEMORY_LIMIT")) return {parse_memory_size(env), "HRSNN_MEMORY_LIMIT"};
  MemoryLimit m;
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page > 0) {
    m.bytes = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2;
    m.source = "half of the physical memory";
  }
  rlimit as{};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY && (m.bytes == 0 || as.rlim_cur / 2 < m.bytes)) {
    m.bytes = static_cast<uint64_t>(as.rlim_cur / 2);
    m.source = "half of the address-space limit (ulimit -v)";
  }
  return m;
}

namespace {
std::string gib(double bytes) {
  if (bytes >= 0x1p30) return fmt::format("{:.3g} GiB", bytes / 0x1p30);
  return fmt::format("{:.3g} MiB", bytes / 0x1p20);
}

std::string how_to_change(const MemoryLimit& limit) {
  return fmt::format("the limit is {} ({}); set HRSNN_MEMORY_LIMIT (e.g. 64G, or none) to change it",
                     gib(static_cast<double>(limit.bytes)), limit.source);
}
}  // namespace

void check_network_resources(const NetworkSpec& spec, const MemoryLimit& limit) {
  const NetworkEstimate e = estimate_network(spec);
  for (const auto& p : e.projections)
    if (p.synapses > static_cast<double>(UINT32_MAX))
      throw ConfigError(spec.source, p.line, p.key,
                        fmt::format("expected {:.4g} synapses, above the 2^32 - 1 a projection can index; split it "
                                    "or lower p / in_degree",
                                    p.synapses));
  if (limit.bytes == 0 || e.bytes() <= static_cast<double>(limit.bytes)) return;
  // Blame the largest projection when synapses dominate, else the largest population.
  const ProjectionEstimate* worst = nullptr;
  for (const auto& p : e.projections)
    if (!worst || p.bytes > worst->bytes) worst = &p;
  const std::string what = fmt::format(
      "the network needs about {} ({} neurons, {:.4g} expected synapses at up to {} "
      "B each, {} B if plastic), above the memory limit: {}",
      gib(e.bytes()), e.neurons, e.synapses(), kBytesPerStaticSynapse, kBytesPerPlasticSynapse, how_to_change(limit));
  if (worst && worst->bytes >= e.neuron_bytes)
    throw ConfigError(spec.source, worst->line, worst->key,
                      fmt::format("{:.4g} expected synapses ({}): {}", worst->synapses, gib(worst->bytes), what));
  size_t largest = 0;
  for (size_t i = 0; i < spec.populations.size(); ++i)
    if (spec.populations[i].size > spec.populations[largest].size) largest = i;
  throw ConfigError(spec.source, spec.populations.empty() ? 0 : spec.populations[largest].line,
                    fmt::format("populations[{}].size", largest), what);
}

void check_run_resources(const NetworkSpec& spec, uint64_t steps, const SimOptions& options, const MemoryLimit& limit) {
  const double bytes = estimate_run_bytes(spec, steps, options);
  if (limit.bytes == 0 || bytes <= static_cast<double>(limit.bytes)) return;
  throw ConfigError(spec.source, spec.simulation_line, "simulation.steps",
                    fmt::format("{} steps record about {} (input signal, probes, per-step counts), above the memory "
                                "limit: {}",
                                steps, gib(bytes), how_to_change(limit)));
}

}  // namespace hrsnn
