// NIR (Neuromorphic Intermediate Representation, an HDF5 file) in and out (docs/nir.md).
//
// Import: a NIR graph of Input, Output, Affine, Linear, Scale, Delay, LIF and CubaLIF nodes
// becomes an hrsnn Network: one population per neuron node (named after it, neuron ids its
// indices), one projection per (pre node, post node, delay), the paths from Input nodes (and
// every Affine bias) as the current-injection input wiring. The continuous-time parameters are
// discretized at the step D by forward Euler in hrsnn's step order:
//     I_t = (1 - du) I_(t-1) + du * w_in * S_t,        du = D / tau_syn   (LIF: du = 1, w_in = 1)
//     v_t = (1 - dv) v_(t-1) + dv * (v_leak + r * I_t), dv = D / tau_mem
//     spike if v_t > v_threshold; then v_t = v_reset (0 when the file has none)
// i.e. u = dv * r * I, weight = dv * r * du * w_in * W[i, j], bias = dv * v_leak. Every edge
// path from a neuron node to a neuron node carries step t's spikes to step t + 1 (+ a Delay's
// steps); a path from an Input acts within the step.
//
// Export: an hrsnn Network (no STDP, no refractory period, delays of one step, current input)
// as CubaLIF populations, Linear projections and an Input; what has no NIR form is refused, or
// omitted in a weight snapshot (ExportOptions::snapshot_after_steps) and listed.
#pragma once

#include "core/input.hpp"
#include "core/network.hpp"
#include "core/run.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hrsnn::nir {

// Any problem of a NIR file or of a mapping: the message names the file, the node (and its
// type) or dataset, and what hrsnn supports.
class NirError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class TimeUnit { Milliseconds, Seconds };
TimeUnit parse_time_unit(const std::string& text);  // "ms" | "s"

// How the continuous-time equations become steps. hrsnn's forward Euler (above) is the only
// one hrsnn's step can express; "paper" (NIR paper's reference: the previous step's current in
// the voltage update and reset by subtraction) is refused with the reason.
enum class Convention { Hrsnn, Paper };
Convention parse_convention(const std::string& text);  // "hrsnn" | "paper"

struct ImportOptions {
  double dt_ms = 1.0;                           // the step D, in ms
  TimeUnit time_unit = TimeUnit::Milliseconds;  // unit of the file's time constants and delays
  Convention convention = Convention::Hrsnn;
  uint64_t seed = 1;
};

struct InputPort {
  std::string name;    // the Input node
  uint32_t first = 0;  // first input column (channel)
  uint32_t size = 0;
};

struct Imported {
  std::string source;   // the file
  std::string version;  // the file's NIR version string
  Network net;
  std::vector<InputPort> inputs;                    // in name order; columns of the input array
  uint32_t input_columns = 0;                       // sum of the Input sizes
  bool bias_channel = false;                        // channel input_columns carries 1 at every step (Affine biases)
  std::vector<std::string> outputs;                 // Output node names
  std::vector<std::vector<std::string>> output_of;  // per Output: the neuron nodes feeding it
  std::vector<std::string> notes;                   // facts of the mapping worth stating (e.g. the time unit)
};

// Reads and maps a NIR file. Throws NirError.
Imported import_nir(const std::string& path, const ImportOptions& options);

// The input signal of a run of `steps` steps: `columns` (steps_given x input_columns, row-major,
// may be empty = zeros) plus the bias channel. Rows past steps_given are zeros.
InputSignal make_nir_signal(const Imported& imp, const std::vector<double>& columns, uint64_t steps_given,
                            uint64_t steps);

// A 2-D .npy array (float64/float32/integers/bool, little-endian, C order) as doubles.
struct NpyArray {
  uint64_t rows = 0, cols = 0;
  std::vector<double> values;
};
NpyArray read_npy_2d(const std::string& path);

// What `hrsnn run` and `hrsnn energy` simulate for a NIR model: the imported network, its input
// signal from `input_npy` (empty: zeros) and the number of steps (`steps`, default the input's
// rows). Throws NirError when the input's columns do not match the Input nodes or neither the
// steps nor an input is given.
struct NirRun {
  Imported imp;
  InputSignal signal;
  uint64_t steps = 0;
};
NirRun prepare_nir_run(const std::string& model, const ImportOptions& options, const std::string& input_npy,
                       std::optional<uint64_t> steps);

struct ExportOptions {
  // Weight snapshot: simulate the network (float64) for this many steps on `signal`, then export
  // the weights as static ones; what has no NIR form is omitted and listed instead of refused.
  std::optional<uint64_t> snapshot_after_steps;
};

struct ExportReport {
  std::vector<std::string> omitted;  // empty unless a snapshot
};

// Writes `net` as a NIR file (layout of NIR's reference writer; time constants in ms). Throws
// NirError naming what cannot be exported (STDP, refractory periods, spike encoders, delays > 1)
// unless snapshot_after_steps is set, in which case those are listed in the report and in the
// graph's metadata group.
ExportReport export_nir(const Network& net, const InputSignal* signal, const std::string& path,
                        const ExportOptions& options);

// ---- Recorded data: NIR's NIRGraphData (the layout of nir.write_data / nir.read_data) ----
//
// /                       attribute __type__ = "NIRGraphData"
// /nodes/<node>/          attribute __type__ = "NIRNodeData"
//   observables/<name>/   attribute __type__ = "EventData": datasets idx (int64), time (float64),
//                           both (n_samples, n_events); attributes n_neurons (int64), t_max (float64)
//                         or "TimeGriddedData": dataset data (n_samples, n_steps, n_neurons), bool
//                           or float64; attribute dt (float64)
// Datasets gzip-compressed. hrsnn writes and reads one sample (n_samples = 1).

struct Observable {
  enum class Type { EventData, TimeGriddedData };
  Type type = Type::EventData;
  // EventData: event k is neuron idx[k] (index within the node) at time[k].
  std::vector<int64_t> idx;
  std::vector<double> time;
  int64_t n_neurons = 0;
  double t_max = 0;
  // TimeGriddedData: steps x neurons values, row-major; binary (stored as bool) or float64.
  double dt = 0;
  uint64_t steps = 0, neurons = 0;
  bool binary = false;
  std::vector<double> values;
};

struct NodeData {
  std::string name;
  std::vector<std::pair<std::string, Observable>> observables;  // in name order when read
};

struct GraphData {
  std::vector<NodeData> nodes;  // in name order when read
};

// Writes `data` (atomically: a temporary file renamed). Throws NirError naming the node and
// observable whose arrays disagree with their shape.
void write_nir_data(const std::string& path, const GraphData& data);
// Reads a data file of one sample. Throws NirError naming the file, the group and the missing or
// malformed dataset or attribute (this reader has no crash guard: libhdf5 itself may fail on a
// corrupt file, see docs/nir.md).
GraphData read_nir_data(const std::string& path);

struct RecordOptions {
  double dt = 1.0;               // the step, in the data's time unit
  bool spikes_gridded = false;   // spikes as TimeGriddedData (bool) instead of EventData
  std::vector<uint32_t> probes;  // the run's probed neuron ids (SimOptions::probes)
  uint32_t probe_every = 1;      // the run's probe interval
};

// A run's raster and probes per population (node = population name): "spikes" (EventData,
// event time (step + 1/2) * dt, or TimeGriddedData of 0/1), and for a population with probed
// neurons "v" and "u" (TimeGriddedData, dt * probe_every, the population's width, NaN for
// neurons not probed; values in the units of `hrsnn run --probe`). Throws NirError when a
// TimeGriddedData would exceed 2^26 values.
GraphData recorded_data(const Network& net, const RunResult& result, const RecordOptions& options);

}  // namespace hrsnn::nir
