// Twin: hw_model/rtl/*.v port widths. Register-range checks of the datapath's inputs
// (datapath.hpp); the ranges are those of docs/arithmetic.md §1.
#include "core/fixed/datapath.hpp"

namespace hrsnn::fixed {

namespace {

void check(std::vector<std::string>& out, std::string_view name, int64_t value, int64_t lo, int64_t hi,
           std::string_view what) {
  if (value >= lo && value <= hi) return;
  out.push_back(std::string(name) + " = " + std::to_string(value) + " is out of range: expected [" +
                std::to_string(lo) + ", " + std::to_string(hi) + "] (" + std::string(what) + ")");
}

int64_t unsigned_max(int bits) { return low_mask(bits); }
int64_t signed_min(int bits) { return -pow2(bits - 1); }
int64_t signed_max(int bits) { return pow2(bits - 1) - 1; }

}  // namespace

std::vector<std::string> lif_params_problems(const LifParams& param, const HardwareFormat& fmt) {
  std::vector<std::string> out;
  check(out, "du", param.du, 0, unsigned_max(fmt.decay_bits), "unsigned decay_bits");
  check(out, "dv", param.dv, 0, unsigned_max(fmt.decay_bits), "unsigned decay_bits");
  check(out, "vth", param.vth, 0, unsigned_max(fmt.vth_bits), "unsigned vth_bits");
  check(out, "bias_mant", param.bias_mant, signed_min(fmt.bias_mant_bits), signed_max(fmt.bias_mant_bits),
        "signed bias_mant_bits");
  check(out, "bias_exp", param.bias_exp, 0, unsigned_max(fmt.bias_exp_bits), "unsigned bias_exp_bits");
  check(out, "t_ref", param.t_ref, 0, unsigned_max(fmt.ref_bits), "unsigned ref_bits");
  return out;
}

std::vector<std::string> lif_state_problems(const LifState& state, const HardwareFormat& fmt) {
  std::vector<std::string> out;
  check(out, "u", state.u, signed_min(fmt.u_bits), signed_max(fmt.u_bits), "signed u_bits");
  check(out, "v", state.v, signed_min(fmt.v_bits), signed_max(fmt.v_bits), "signed v_bits");
  check(out, "ref_count", state.ref_count, 0, unsigned_max(fmt.ref_bits), "unsigned ref_bits");
  return out;
}

std::vector<std::string> trace_params_problems(const TraceParams& param, const HardwareFormat& fmt) {
  std::vector<std::string> out;
  check(out, "dx", param.dx, 0, unsigned_max(fmt.decay_bits), "unsigned decay_bits");
  check(out, "impulse_int", param.impulse_int, 0, unsigned_max(fmt.trace_bits), "unsigned trace_bits");
  check(out, "impulse_frac", param.impulse_frac, 0, unsigned_max(fmt.trace_frac_bits), "unsigned trace_frac_bits");
  return out;
}

std::vector<std::string> projection_params_problems(const ProjectionParams& proj, const HardwareFormat& fmt) {
  std::vector<std::string> out;
  check(out, "sign_mode", static_cast<int64_t>(proj.sign_mode), 0, 2, "0 excitatory, 1 inhibitory, 2 mixed");
  check(out, "num_weight_bits", proj.num_weight_bits, 1, fmt.weight_bits, "1..weight_bits");
  check(out, "weight_exp", proj.weight_exp, -fmt.weight_exp_max, fmt.weight_exp_max, "+-weight_exp_max");
  check(out, "eta_plus_exp", proj.eta_plus_exp, -fmt.learn_frac_bits, fmt.lr_exp_max, "-learn_frac_bits..lr_exp_max");
  check(out, "eta_minus_exp", proj.eta_minus_exp, -fmt.learn_frac_bits, fmt.lr_exp_max, "-learn_frac_bits..lr_exp_max");
  return out;
}

std::vector<std::string> synapse_learn_params_problems(const SynapseLearnParams& param, const HardwareFormat& fmt) {
  std::vector<std::string> out;
  check(out, "eta_plus_mant", param.eta_plus_mant, 0, unsigned_max(fmt.lr_mant_bits), "unsigned lr_mant_bits");
  check(out, "eta_minus_mant", param.eta_minus_mant, 0, unsigned_max(fmt.lr_mant_bits), "unsigned lr_mant_bits");
  return out;
}

}  // namespace hrsnn::fixed
