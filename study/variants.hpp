// The study's network variants: the 2 x 2 ablation of the paper (MRSNN, heterogeneous neurons
// only, heterogeneous STDP only, HRSNN) derived from one homogeneous and one heterogeneous spec,
// and the scaling of a network's size.
#pragma once

#include "core/spec.hpp"

#include <array>
#include <string>

namespace hrsnn::study {

// Neurons homogeneous or heterogeneous (the LIF parameter distributions of every population but
// the synaptic time constant) x STDP homogeneous or heterogeneous (the STDP tables of every
// projection); and heterogeneous synapses (the synaptic time constant's distribution) alone.
// hrsnn takes every heterogeneity of the heterogeneous spec.
enum class Variant { mrsnn, het_neurons, het_stdp, hrsnn, het_synapses };
inline constexpr std::array<Variant, 5> kAllVariants{Variant::mrsnn, Variant::het_neurons, Variant::het_stdp,
                                                     Variant::hrsnn, Variant::het_synapses};
// The paper's 2 x 2 ablation: the study's default models.
inline constexpr std::array<Variant, 4> kPaperVariants{Variant::mrsnn, Variant::het_neurons, Variant::het_stdp,
                                                       Variant::hrsnn};
const char* to_string(Variant v);  // "mrsnn", "het-neurons", "het-stdp", "hrsnn", "het-synapses"
Variant parse_variant(const std::string& name);

// The variant built from the homogeneous (MRSNN) and heterogeneous (HRSNN) specs: everything
// from `homogeneous` except the populations' LIF distributions other than tau_syn (het_neurons,
// hrsnn), their tau_syn distributions (het_synapses, hrsnn) and the projections' STDP tables
// (het_stdp, hrsnn), taken from `heterogeneous`. The two specs must
// have the same populations (names, sizes, kinds) and projections (names, pre, post); since
// core/network.cpp draws every parameter from its own named stream, the same seed then gives
// the same connectivity, weights and input wiring in all four variants.
NetworkSpec make_variant(const NetworkSpec& homogeneous, const NetworkSpec& heterogeneous, Variant v);

// The study's model v: make_variant(), or with as_written the specs themselves (mrsnn = the
// homogeneous spec, hrsnn = the heterogeneous spec, each exactly as written; e.g. two specs
// optimized apart, which the ablation would mix). as_written refuses the mixed variants.
NetworkSpec make_model(const NetworkSpec& homogeneous, const NetworkSpec& heterogeneous, Variant v, bool as_written);

// Scales every population by `scale` (rounded, at least 1 neuron) and divides connection
// probabilities by it (capped at 1), so the expected in-degree, and with it the recurrent drive,
// stays the same. In-degree projections keep their in-degree (capped at the new pre size).
NetworkSpec scale_network(const NetworkSpec& spec, double scale);

}  // namespace hrsnn::study
