// The network spec: populations, projections, input and simulation, in physical units, as
// read from TOML. It is the only input of every model (the float reference reads it directly,
// the fixed core through quantize(), the RTL through the register image).
#pragma once

#include "core/distribution.hpp"
#include "core/foundation/config_error.hpp"
#include "core/foundation/register_format.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hrsnn {

// A spec error names the file, the line, the key path and what is allowed (the one
// configuration error of core/foundation/config.hpp, under the name spec code has used).
using SpecError = ConfigError;

enum class PopulationKind { Excitatory, Inhibitory };

// LIF parameters of a population, each a constant or a heterogeneity distribution.
struct LifSpec {
  Distribution tau_mem_ms = Distribution::constant(20.0);
  Distribution tau_syn_ms = Distribution::constant(5.0);
  Distribution v_thresh = Distribution::constant(1.0);
  Distribution v_reset = Distribution::constant(0.0);
  Distribution bias = Distribution::constant(0.0);
  Distribution t_ref_steps = Distribution::constant(0.0);  // sampled values are rounded to integers
};

struct PopulationSpec {
  std::string name;
  uint32_t size = 0;
  PopulationKind kind = PopulationKind::Excitatory;  // sign of its outgoing weights (Dale's law)
  LifSpec lif;
  int line = 0;  // where the spec gives it (for errors found after parsing)
};

struct StdpSpec {
  Distribution eta_plus = Distribution::constant(1e-3);      // per synapse, potentiation rate
  Distribution eta_minus = Distribution::constant(1e-3);     // per synapse, depression rate
  Distribution tau_plus_ms = Distribution::constant(20.0);   // per presynaptic neuron
  Distribution tau_minus_ms = Distribution::constant(20.0);  // per postsynaptic neuron
  double w_min = 0.0;                                        // signed weight bounds
  double w_max = 1.0;
};

enum class ConnectRule { Probability, InDegree };

struct ProjectionSpec {
  std::string name;
  std::string pre;
  std::string post;
  ConnectRule rule = ConnectRule::Probability;
  double p = 0.1;
  uint32_t in_degree = 0;
  bool autapses = false;
  Distribution weight = Distribution::constant(0.1);  // magnitude; the sign is the pre population's
  uint32_t delay_steps = 1;
  std::optional<StdpSpec> stdp;
  int line = 0;  // where the spec gives it (for errors found after parsing)
};

enum class EncoderKind { Current, Poisson, Delta };
enum class SignalKind { None, Uniform, Sine, Constant };

struct InputSpec {
  EncoderKind encoder = EncoderKind::Current;
  uint32_t channels = 1;
  std::vector<std::string> populations;               // driven populations; empty = all
  double fraction = 1.0;                              // fraction of neurons of those populations driven
  Distribution weight = Distribution::constant(1.0);  // input weight per (driven neuron, channel), signed
  uint32_t steps_per_sample = 1;
  double rate_max_hz = 100.0;    // poisson: rate at input value 1
  double delta_threshold = 0.1;  // delta: send-on-delta step
  // The signal `hrsnn run` feeds when no task supplies one.
  SignalKind signal = SignalKind::None;
  double signal_low = 0.0;
  double signal_high = 1.0;
  double signal_period_samples = 50.0;
};

struct SimulationSpec {
  double dt_ms = 1.0;
  uint64_t steps = 1000;
  uint64_t seed = 1;
};

struct PlasticitySpec {
  double impulse_x = 1.0;  // presynaptic trace impulse A_x
  double impulse_y = 1.0;  // postsynaptic trace impulse A_y
};

enum class ProfileMethod { KMeans, Quantile };

// The [hardware] table: the fixed-point core's register format (a named profile plus field
// overrides) and how quantize() maps the physical spec onto it.
struct HardwareSpec {
  std::string profile = "loihi";
  fixed::HardwareFormat format;  // the profile's preset with the table's overrides applied
  uint32_t tau_profiles = 0;     // K shared decay values per decay register (0 = per-neuron registers)
  ProfileMethod profile_method = ProfileMethod::KMeans;
  int voltage_headroom_bits = 3;  // v register range above the largest threshold, in bits
  double trace_scale = 32.0;      // trace register units per unit of physical trace (impulse 1 -> 32)
  std::vector<std::pair<std::string, std::string>> sign_modes;  // projection name -> sign mode override
};

struct NetworkSpec {
  std::string source;  // file name (or "<string>") for messages
  SimulationSpec simulation;
  std::vector<PopulationSpec> populations;
  std::vector<ProjectionSpec> projections;
  InputSpec input;
  PlasticitySpec plasticity;
  HardwareSpec hardware;
  int simulation_line = 0;  // line of [simulation] (0 when absent)

  uint32_t total_neurons() const;
  int population_index(std::string_view name) const;  // -1 when absent
};

// Parse and validate. Throws SpecError (file, line, key path, allowed range).
NetworkSpec load_spec(const std::string& path);
NetworkSpec parse_spec(std::string_view toml_text, const std::string& source_name);

}  // namespace hrsnn
