#include "core/partition.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

namespace hrsnn {

NeuronPartition partition_network(const Network& net, unsigned parts, uint32_t align) {
  const uint32_t n = net.size();
  parts = std::max(1U, parts);
  align = std::max(1U, align);
  NeuronPartition out;
  out.bound.assign(parts + 1, n);
  out.bound[0] = 0;
  if (parts == 1) return out;

  // Work per neuron: the update, plus per incoming synapse one unit for a static one (its share
  // of the emission) and two for a plastic one (the row walk's update and the post-spike
  // column walk). Measured on the example HRSNN with 2 threads: the emission phase takes 40.3
  // and 40.4 us a step on the two members with 2, 42.7 and 34.9 with 1.
  std::vector<double> cost(n, 1.0);
  for (const Projection& pr : net.projections)
    for (uint32_t post : pr.post) cost[post] += pr.plastic ? 2.0 : 1.0;
  double total = 0.0;
  for (double c : cost) total += c;
  double running = 0.0;
  unsigned k = 1;
  for (uint32_t i = 0; i < n && k < parts; ++i) {
    running += cost[i];
    const uint32_t next = i + 1;
    if (running >= total * k / parts && next % align == 0) {
      out.bound[k++] = next;
    }
  }
  for (; k < parts; ++k) out.bound[k] = n;  // members left with nothing (more members than work)
  for (unsigned m = 1; m <= parts; ++m) out.bound[m] = std::max(out.bound[m], out.bound[m - 1]);

  out.row_split.resize(net.projections.size());
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const Projection& pr = net.projections[p];
    std::vector<uint64_t>& split = out.row_split[p];
    split.resize(static_cast<size_t>(pr.pre_size) * (parts + 1));
    for (uint32_t j = 0; j < pr.pre_size; ++j) {
      const auto first = pr.post.begin() + static_cast<std::ptrdiff_t>(pr.row_offset[j]);
      const auto last = pr.post.begin() + static_cast<std::ptrdiff_t>(pr.row_offset[j + 1]);
      if (!std::is_sorted(first, last))
        throw std::invalid_argument(fmt::format(
            "projection '{}': row {} is not stored with ascending post ids, which threads need", pr.name, j));
      uint64_t* row = &split[static_cast<size_t>(j) * (parts + 1)];
      for (unsigned m = 0; m < parts; ++m)
        row[m] = static_cast<uint64_t>(std::lower_bound(first, last, out.bound[m]) - pr.post.begin());
      row[parts] = pr.row_offset[j + 1];
    }
    // Member-major order: member k's slices of rows 0, 1, ..., then member k + 1's.
    std::vector<uint64_t>& slice = out.slice.emplace_back(static_cast<size_t>(parts) * (pr.pre_size + 1));
    std::vector<uint32_t>& order = out.order.emplace_back();
    order.reserve(pr.post.size());
    for (unsigned m = 0; m < parts; ++m) {
      uint64_t* at = &slice[static_cast<size_t>(m) * (pr.pre_size + 1)];
      for (uint32_t j = 0; j < pr.pre_size; ++j) {
        at[j] = order.size();
        const uint64_t* row = &split[static_cast<size_t>(j) * (parts + 1)];
        for (uint64_t s = row[m]; s < row[m + 1]; ++s) order.push_back(static_cast<uint32_t>(s));
      }
      at[pr.pre_size] = order.size();
    }
  }
  return out;
}

std::vector<uint32_t> NeuronPartition::stored_columns(const Projection& pr, size_t projection) const {
  if (parts() == 1) return {};
  const std::vector<uint32_t>& at = order[projection];
  std::vector<uint32_t> position(at.size());
  for (size_t q = 0; q < at.size(); ++q) position[at[q]] = static_cast<uint32_t>(q);
  std::vector<uint32_t> columns(pr.col_synapse.size());
  for (size_t c = 0; c < columns.size(); ++c) columns[c] = position[pr.col_synapse[c]];
  return columns;
}

uint64_t NeuronPartition::position(const Projection& pr, size_t projection, uint64_t s) const {
  if (parts() == 1) return s;
  const auto row = static_cast<uint32_t>(std::upper_bound(pr.row_offset.begin(), pr.row_offset.end(), s) -
                                         pr.row_offset.begin() - 1);
  const auto member =
      static_cast<unsigned>(std::upper_bound(bound.begin(), bound.end(), pr.post[s]) - bound.begin() - 1);
  return slices(pr, projection, member)[row] + (s - row_begin(projection, row, member));
}

std::vector<StepMember> make_step_members(unsigned parts, size_t populations, uint32_t neurons) {
  std::vector<StepMember> members(std::max(1U, parts));
  for (StepMember& m : members) {
    m.per_population.assign(populations + 1, {});
    m.spiked.reserve(neurons);
  }
  return members;
}

void reset_step_member(StepMember& m) {
  m.counts = EventCounts{};
  std::fill(m.per_population.begin(), m.per_population.end(), EventCounts{});
}

void merge_step_members(std::vector<StepMember>& members, std::vector<uint32_t>& spiked, EventCounts& step,
                        std::vector<EventCounts>& per_population) {
  if (members.size() == 1) {
    spiked.swap(members[0].spiked);
  } else {
    spiked.clear();
    for (const StepMember& m : members) spiked.insert(spiked.end(), m.spiked.begin(), m.spiked.end());
  }
  for (const StepMember& m : members) {
    step += m.counts;
    for (size_t p = 0; p < per_population.size(); ++p) per_population[p] += m.per_population[p];
  }
}

}  // namespace hrsnn
