// What every backend shares besides the network: the simulator options, the monitors (raster,
// state probes) and the recording of step 6 of the step order (monitors and counters), so the
// float reference, the fixed core and the RTL driver record in one way and neither simulator
// includes the other.
#pragma once

#include "core/counters.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace hrsnn {

// Asks the kernel to back [data, data + bytes) with transparent huge pages where the range
// covers whole 2 MiB pages (madvise(MADV_HUGEPAGE); nothing elsewhere, and nothing when the
// kernel declines). A first touch of a 4 KiB page costs about 11 us in a VM (measured: 34 MB in
// 96 ms), and a raster of a million spikes grows through tens of MB.
void advise_huge_pages(void* data, size_t bytes);

// Room for `extra` more elements: capacity grows by doubling (at least 64 Ki elements) into a
// new buffer that is advised huge pages (advise_huge_pages) before anything is copied into it.
template <typename T>
void grow_for(std::vector<T>& v, size_t extra) {
  if (v.size() + extra <= v.capacity()) return;
  std::vector<T> bigger;
  bigger.reserve(std::max({v.size() + extra, 2 * v.capacity(), size_t{1} << 16}));
  advise_huge_pages(bigger.data(), bigger.capacity() * sizeof(T));
  bigger.insert(bigger.end(), v.begin(), v.end());
  v.swap(bigger);
}

inline constexpr uint64_t kColumnPrefetchMinBytes = uint64_t{1} << 20;

struct SimOptions {
  bool record_spikes = true;     // keep the whole raster (step, neuron)
  std::vector<uint32_t> probes;  // neurons whose u and v are recorded
  uint32_t probe_every = 1;      // record probes every k steps
  bool per_step_counts = false;  // keep an EventCounts per step
  // The post-spike walks prefetch a plastic projection's weights when they take at least this
  // many bytes.
  uint64_t column_prefetch_min_bytes = kColumnPrefetchMinBytes;
  // Threads that simulate this one network together (core/partition.hpp): every result (raster,
  // weights, counters, probes) is bit-identical for every count.
  uint32_t threads = 1;
};

// The spike raster: (step, neuron) pairs in step order, neurons ascending within a step.
struct Raster {
  std::vector<uint64_t> step;
  std::vector<uint32_t> neuron;
  uint64_t size() const { return step.size(); }
  // FNV-1a over the (step, neuron) pairs: the golden-hash regression guard.
  uint64_t hash() const;
};

// Sampled u and v of the probed neurons, in each backend's own units (physical for the float
// reference, register units for the fixed core and the RTL).
struct ProbeTrace {
  std::vector<uint64_t> step;
  std::vector<double> u, v;  // sample-major: u[k * probes + p]
};

// Step 6 of the step order (core/float_sim.hpp): the raster, the probes and the counters.
class Recorder {
 public:
  explicit Recorder(SimOptions options) : opt_(std::move(options)) {}

  // Records step `t`: the neurons that spiked, the probed neurons' state (read through
  // u_of(id), v_of(id), converted to double) every probe_every steps, and the step's counts
  // (added to the run's totals, and kept per step when asked).
  template <typename UOf, typename VOf>
  void record(uint64_t t, const std::vector<uint32_t>& spiked, const UOf& u_of, const VOf& v_of,
              const EventCounts& step_counts, RunCounts& counts) {
    if (opt_.record_spikes && !spiked.empty()) {
      grow_for(raster_.step, spiked.size());
      grow_for(raster_.neuron, spiked.size());
      raster_.step.insert(raster_.step.end(), spiked.size(), t);
      raster_.neuron.insert(raster_.neuron.end(), spiked.begin(), spiked.end());
    }
    if (!opt_.probes.empty() && t % opt_.probe_every == 0) {
      probes_.step.push_back(t);
      for (uint32_t id : opt_.probes) {
        probes_.u.push_back(static_cast<double>(u_of(id)));
        probes_.v.push_back(static_cast<double>(v_of(id)));
      }
    }
    counts.total += step_counts;
    if (opt_.per_step_counts) counts.per_step.push_back(step_counts);
  }

  const Raster& raster() const { return raster_; }
  const ProbeTrace& probes() const { return probes_; }

 private:
  SimOptions opt_;
  Raster raster_;
  ProbeTrace probes_;
};

}  // namespace hrsnn
