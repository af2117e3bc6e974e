// quantize(): the only path from the physical network to the fixed-point core. It returns the
// register image (every per-neuron and per-synapse register the core and the RTL load) and
// the quantization error of every field; dequantize() gives the physical values the integer
// core actually simulates. No parameter means a fraction in one model and register units in
// the other: the two scales below are the whole dictionary.
#pragma once

#include "core/fixed/datapath.hpp"
#include "core/foundation/register_format.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hrsnn::fixed {

// Quantization error of one field over all its elements, in physical units.
struct FieldError {
  std::string field;         // e.g. "dv", "v_thresh", "weight[EE]"
  uint64_t count = 0;        // number of values
  double max_abs_error = 0;  // max |dequantized - physical|
  double max_rel_error = 0;  // max of that relative to |physical| (0-valued entries excluded)
  double rms_error = 0;
  uint32_t distinct = 0;  // distinct register values used
};

struct ProjectionImage {
  ProjectionParams params;
  std::vector<int32_t> w;              // weight mantissa per synapse (row order), on the grid
  std::vector<SynapseLearnParams> lr;  // plastic projections: per synapse learning-rate mantissas
  double weight_unit = 0;  // physical weight of one mantissa LSB: 2^(act_shift + weight_exp) / voltage_scale
};

struct RegisterImage {
  HardwareFormat format;
  double voltage_scale = 0;      // integer u, v units per physical unit (v_int = v_phys * voltage_scale)
  double trace_scale = 0;        // trace register units per physical trace unit
  std::vector<LifParams> lif;    // per neuron
  std::vector<uint32_t> dx, dy;  // per neuron trace decays (0 where there is no trace)
  std::vector<uint8_t> has_x, has_y;
  TraceParams x_impulse, y_impulse;          // impulse_int / impulse_frac (dx, dy come per neuron)
  std::vector<ProjectionImage> projections;  // parallel to Network::projections
  int32_t input_weight_exp = 0;              // exponent of the input port's weights
  std::vector<int32_t> input_w;              // input weight mantissas, parallel to InputWiring::weight
  uint32_t decay_profiles = 0;               // K when the decays are shared profiles, 0 when per neuron
  std::vector<FieldError> errors;

  nlohmann::json errors_json() const;
};

// Throws std::invalid_argument naming the field, the value and the register range when the
// network cannot be represented (e.g. a threshold beyond the threshold register).
RegisterImage quantize(const Network& net, const HardwareSpec& hardware);

// The physical network the integer core simulates: every value recomputed from the registers.
Network dequantize(const Network& net, const RegisterImage& image);

// The input port's sum per neuron (the drive times the weight mantissas, before the exponent) is
// a 32-bit signed value (the RTL's external-input word). Throws std::invalid_argument when a
// current-encoder signal is large enough to leave it (e.g. signal_high = 1e308), instead of
// letting the conversion wrap or be undefined. Spiking encoders drive 0 or +-1 and always fit.
void check_input_port(const Network& net, const RegisterImage& image, const InputSignal* signal);

// 1-D K-means (Lloyd, initialised at quantiles) or quantile midpoints: the K shared values
// that replace `values` (returned per element). Deterministic.
std::vector<double> share_values(const std::vector<double>& values, uint32_t k, ProfileMethod method);

}  // namespace hrsnn::fixed
