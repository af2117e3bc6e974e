// The split of one network's work between the threads of one simulation (SimOptions::threads).
//
// Each member owns a contiguous range of neurons and does everything that writes them or their
// incoming synapses: the input gather and neuron update of its neurons, their traces, the
// post-spike columns of its spiking neurons, and, for every spike of the step (all members'
// lists, in neuron order), the part of the spiking row whose postsynaptic neurons it owns. So a
// post neuron receives its sums in exactly the serial order (spikes ascending, projections in
// order, synapses in row order) and every result equals the one-thread run bit for bit. Rows are
// stored with ascending post ids (core/network.cpp), so a member's part of a row is one
// contiguous slice, found once here.
//
// The same ownership is the unit a later partition across machines would use (NEST-style: each
// process owns a neuron range and receives every spike once per minimum delay).
#pragma once

#include "core/counters.hpp"
#include "core/network.hpp"

#include <cstdint>
#include <vector>

namespace hrsnn {

struct NeuronPartition {
  std::vector<uint32_t> bound;  // parts + 1 entries: member k owns [bound[k], bound[k+1])
  // Per projection, per row (pre-local j): the synapse index where member k's slice starts,
  // (parts + 1) entries per row (the last is the row's end). Empty with one member.
  std::vector<std::vector<uint64_t>> row_split;
  // The simulators store the synapses of a projection member-major with more than one member:
  // member 0's slices of every row (rows ascending), then member 1's, and so on, so that what one
  // member writes (weights of its posts) never shares a cache line with another's except at the
  // ends of its block. Per projection: slice[k * (pre_size + 1) + j] is where member k's slice of
  // row j starts in that order (and the next entry where it ends); order[q] is the synapse (CSR
  // index) stored at position q. Both empty with one member: the order is the CSR order.
  std::vector<std::vector<uint64_t>> slice;
  std::vector<std::vector<uint32_t>> order;

  unsigned parts() const { return static_cast<unsigned>(bound.size() - 1); }
  uint64_t row_begin(size_t projection, uint32_t pre_local, unsigned member) const {
    return row_split[projection][static_cast<size_t>(pre_local) * (parts() + 1) + member];
  }
  // Member k's slice offsets in the stored order: its slice of row j is [s[j], s[j + 1]).
  const uint64_t* slices(const Projection& pr, size_t projection, unsigned member) const {
    return parts() == 1 ? pr.row_offset.data() : slice[projection].data() + member * (uint64_t{pr.pre_size} + 1);
  }
  // Where synapse s (CSR index) of a projection is stored.
  uint64_t position(const Projection& pr, size_t projection, uint64_t s) const;
  // The stored position of every column entry (col_synapse through the order); empty with one
  // member. Reads `order`, so before a simulator drops it.
  std::vector<uint32_t> stored_columns(const Projection& pr, size_t projection) const;
};

// What one member of a step's team counts and finds, merged after the step. Each on its own
// cache lines: members write their counters for every spike and trace, and two members' counters
// on one line would bounce it between the cores.
struct alignas(64) StepMember {
  EventCounts counts;
  std::vector<EventCounts> per_population;  // one spare entry: two members' arrays never share a line
  std::vector<uint32_t> spiked;             // spikes it found this step, ascending
};

// `parts` members for a network of `populations` populations, each ready for a step.
std::vector<StepMember> make_step_members(unsigned parts, size_t populations, uint32_t neurons);
// Clears a member's counters before a step (each member its own: a line another core wrote would
// cost the member a transfer).
void reset_step_member(StepMember& member);
// After a step: the spikes of every member in neuron order into `spiked` (swapped, not copied,
// with one member), their counts into `step` and the run's per-population counts.
void merge_step_members(std::vector<StepMember>& members, std::vector<uint32_t>& spiked, EventCounts& step,
                        std::vector<EventCounts>& per_population);

// Contiguous ranges balanced by an estimate of each neuron's work (one unit for the update plus
// one per incoming synapse), each boundary a multiple of `align` (chip cores; 1 otherwise)
// except the last. Throws std::invalid_argument if a row's post ids are not ascending and
// parts > 1.
NeuronPartition partition_network(const Network& net, unsigned parts, uint32_t align = 1);

}  // namespace hrsnn
