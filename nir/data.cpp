// Recorded data as NIR's NIRGraphData (nir/nir.hpp, docs/nir.md): the layout of nir.write_data,
// which carries the types and scalars as attributes and the arrays as gzip datasets.
#include "nir/h5.hpp"
#include "nir/nir.hpp"

#include <fmt/core.h>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <limits>

namespace hrsnn::nir {
namespace {

constexpr uint64_t kMaxGridded = uint64_t{1} << 26;

void write_observable(hid_t group, const std::string& where, const Observable& o) {
  if (o.type == Observable::Type::EventData) {
    if (o.idx.size() != o.time.size())
      throw NirError(fmt::format("{}: {} event indices but {} event times", where, o.idx.size(), o.time.size()));
    h5::write_attr_string(group, "__type__", "EventData");
    const std::vector<uint64_t> dims = {1, o.idx.size()};
    h5::write_int64s_chunked(group, "idx", o.idx, dims);
    h5::write_doubles_chunked(group, "time", o.time, dims);
    h5::write_attr_int64(group, "n_neurons", o.n_neurons);
    h5::write_attr_double(group, "t_max", o.t_max);
    return;
  }
  if (o.values.size() != o.steps * o.neurons)
    throw NirError(
        fmt::format("{}: {} values are not {} steps x {} neurons", where, o.values.size(), o.steps, o.neurons));
  h5::write_attr_string(group, "__type__", "TimeGriddedData");
  const std::vector<uint64_t> dims = {1, o.steps, o.neurons};
  if (o.binary) {
    std::vector<uint8_t> bits(o.values.size());
    for (size_t k = 0; k < bits.size(); ++k) bits[k] = o.values[k] != 0.0 ? 1 : 0;
    h5::write_bools_chunked(group, "data", bits, dims);
  } else {
    h5::write_doubles_chunked(group, "data", o.values, dims);
  }
  h5::write_attr_double(group, "dt", o.dt);
}

// A child group carrying the attribute __type__; its value.
std::string type_of(hid_t group, const std::string& file, const std::string& path) {
  if (!h5::has_attr(group, "__type__"))
    throw NirError(fmt::format("{}: {}: no __type__ attribute (a NIR data file types every group)", file, path));
  return h5::read_attr_string(group, "__type__", file, path);
}

h5::Handle child_group(hid_t loc, const std::string& name, const std::string& file, const std::string& path) {
  if (h5::kind_of(loc, name) != h5::Kind::Group)
    throw NirError(fmt::format("{}: {}: missing group (expected by the NIR data layout)", file, path));
  h5::Handle g = h5::open_group(loc, name);
  if (!g.valid()) throw NirError(fmt::format("{}: {}: cannot open the group", file, path));
  return g;
}

h5::Array dataset(hid_t group, const std::string& name, const std::string& file, const std::string& path) {
  if (h5::kind_of(group, name) != h5::Kind::Dataset) throw NirError(fmt::format("{}: {}: missing dataset", file, path));
  if (h5::dataset_class(group, name) == H5T_ENUM) return h5::read_bools(group, name, file, path);
  return h5::read_numeric(group, name, file, path);
}

void check_dims(const h5::Array& a, const std::vector<uint64_t>& rank_prefix, size_t rank, const std::string& file,
                const std::string& path, const std::string& layout) {
  bool ok = a.dims.size() == rank;
  for (size_t k = 0; ok && k < rank_prefix.size(); ++k) ok = a.dims[k] == rank_prefix[k];
  if (!ok) {
    std::string shape;
    for (uint64_t d : a.dims) shape += fmt::format("{}{}", shape.empty() ? "" : ", ", d);
    throw NirError(fmt::format("{}: {}: shape ({}) is not {} (hrsnn reads one sample)", file, path, shape, layout));
  }
}

Observable read_observable(hid_t g, const std::string& file, const std::string& path) {
  const std::string type = type_of(g, file, path);
  Observable o;
  if (type == "EventData") {
    o.type = Observable::Type::EventData;
    const h5::Array idx = dataset(g, "idx", file, path + "/idx");
    const h5::Array time = dataset(g, "time", file, path + "/time");
    check_dims(idx, {1}, 2, file, path + "/idx", "(1, n_events)");
    check_dims(time, {1, idx.dims[1]}, 2, file, path + "/time", "(1, n_events) like idx");
    o.n_neurons = static_cast<int64_t>(h5::read_attr_number(g, "n_neurons", file, path));
    o.t_max = h5::read_attr_number(g, "t_max", file, path);
    for (size_t k = 0; k < idx.values.size(); ++k) {
      const double i = idx.values[k];
      if (i == -1) continue;  // NIR's padding of a sample with fewer events (time inf)
      if (!(i >= 0 && i < static_cast<double>(o.n_neurons)) || i != std::floor(i))
        throw NirError(
            fmt::format("{}: {}/idx[0, {}]: {} is not a neuron index in [0, {})", file, path, k, i, o.n_neurons));
      if (!std::isfinite(time.values[k]))
        throw NirError(fmt::format("{}: {}/time[0, {}]: {} is not a finite time", file, path, k, time.values[k]));
      o.idx.push_back(static_cast<int64_t>(i));
      o.time.push_back(time.values[k]);
    }
    return o;
  }
  if (type == "TimeGriddedData") {
    o.type = Observable::Type::TimeGriddedData;
    h5::Array data = dataset(g, "data", file, path + "/data");
    check_dims(data, {1}, 3, file, path + "/data", "(1, n_steps, n_neurons)");
    o.binary = h5::dataset_class(g, "data") == H5T_ENUM;
    o.steps = data.dims[1];
    o.neurons = data.dims[2];
    o.values = std::move(data.values);
    o.dt = h5::read_attr_number(g, "dt", file, path);
    return o;
  }
  throw NirError(
      fmt::format("{}: {}: observable type '{}': hrsnn reads EventData and TimeGriddedData", file, path, type));
}

}  // namespace

void write_nir_data(const std::string& path, const GraphData& data) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  try {
    h5::Handle file = h5::create_file(tmp);
    h5::write_attr_string(file.get(), "__type__", "NIRGraphData");
    h5::Handle nodes = h5::create_group(file.get(), "nodes");
    for (const NodeData& n : data.nodes) {
      h5::Handle node = h5::create_group(nodes.get(), n.name);
      h5::write_attr_string(node.get(), "__type__", "NIRNodeData");
      h5::Handle obs = h5::create_group(node.get(), "observables");
      for (const auto& [name, o] : n.observables) {
        h5::Handle g = h5::create_group(obs.get(), name);
        write_observable(g.get(), fmt::format("{}: node '{}' observable '{}'", path, n.name, name), o);
      }
    }
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw NirError(fmt::format("cannot write {}: {}", path, ec.message()));
  }
}

GraphData read_nir_data(const std::string& path) {
  h5::Handle file;
  try {
    file = h5::open_file(path);
  } catch (const h5::Error& e) {
    throw NirError(e.what());
  }
  try {
    const std::string root = h5::has_attr(file.get(), "__type__")
                                 ? h5::read_attr_string(file.get(), "__type__", path, "/")
                                 : std::string("(none)");
    if (root != "NIRGraphData")
      throw NirError(fmt::format(
          "{}: /: attribute __type__ is '{}', not 'NIRGraphData': not a NIR data file (a NIR graph file has /node)",
          path, root));
    GraphData data;
    h5::Handle nodes = child_group(file.get(), "nodes", path, "/nodes");
    for (const std::string& name : h5::children(nodes.get())) {
      const std::string npath = "/nodes/" + name;
      h5::Handle node = child_group(nodes.get(), name, path, npath);
      const std::string type = type_of(node.get(), path, npath);
      if (type != "NIRNodeData")
        throw NirError(
            fmt::format("{}: {}: type '{}': hrsnn reads NIRNodeData (no nested NIRGraphData)", path, npath, type));
      NodeData n;
      n.name = name;
      h5::Handle obs = child_group(node.get(), "observables", path, npath + "/observables");
      for (const std::string& oname : h5::children(obs.get())) {
        const std::string opath = npath + "/observables/" + oname;
        h5::Handle g = child_group(obs.get(), oname, path, opath);
        n.observables.emplace_back(oname, read_observable(g.get(), path, opath));
      }
      data.nodes.push_back(std::move(n));
    }
    return data;
  } catch (const h5::Error& e) {
    throw NirError(e.what());
  }
}

GraphData recorded_data(const Network& net, const RunResult& result, const RecordOptions& options) {
  GraphData data;
  const double dt = options.dt;
  const uint64_t steps = result.steps;
  const size_t probes = options.probes.size();
  const uint64_t samples = result.probes.step.size();
  for (const PopulationRange& pop : net.populations) {
    NodeData n;
    n.name = pop.name;
    Observable s;
    if (options.spikes_gridded) {
      if (steps > 0 && pop.size > kMaxGridded / steps)
        throw NirError(fmt::format(
            "--nir-data: population '{}': {} steps x {} neurons is more than 2^26 values for one TimeGriddedData; "
            "write the spikes as EventData (--nir-data-spikes events)",
            pop.name, steps, pop.size));
      s.type = Observable::Type::TimeGriddedData;
      s.binary = true;
      s.dt = dt;
      s.steps = steps;
      s.neurons = pop.size;
      s.values.assign(steps * pop.size, 0.0);
    } else {
      s.type = Observable::Type::EventData;
      s.n_neurons = pop.size;
      s.t_max = static_cast<double>(steps) * dt;
    }
    for (size_t k = 0; k < result.raster.size(); ++k) {
      const uint64_t id = result.raster.neuron[k];
      if (id < pop.first || id >= uint64_t{pop.first} + pop.size) continue;
      const uint64_t i = id - pop.first, t = result.raster.step[k];
      if (options.spikes_gridded) {
        s.values[t * pop.size + i] = 1.0;
      } else {
        s.idx.push_back(static_cast<int64_t>(i));
        s.time.push_back((static_cast<double>(t) + 0.5) * dt);
      }
    }
    n.observables.emplace_back("spikes", std::move(s));

    std::vector<std::pair<size_t, uint32_t>> probed;  // (probe column, index in the population)
    for (size_t q = 0; q < probes; ++q)
      if (options.probes[q] >= pop.first && options.probes[q] < pop.first + pop.size)
        probed.emplace_back(q, options.probes[q] - pop.first);
    if (!probed.empty()) {
      if (samples > 0 && pop.size > kMaxGridded / samples)
        throw NirError(
            fmt::format("--nir-data: population '{}': {} probe samples x {} neurons is more than 2^26 values for one "
                        "TimeGriddedData; probe less often (--probe-every)",
                        pop.name, samples, pop.size));
      for (const char* field : {"u", "v"}) {
        Observable g;
        g.type = Observable::Type::TimeGriddedData;
        g.dt = dt * options.probe_every;
        g.steps = samples;
        g.neurons = pop.size;
        g.values.assign(samples * pop.size, std::numeric_limits<double>::quiet_NaN());
        const std::vector<double>& src = field[0] == 'u' ? result.probes.u : result.probes.v;
        for (uint64_t k = 0; k < samples; ++k)
          for (const auto& [q, i] : probed) g.values[k * pop.size + i] = src[k * probes + q] / result.voltage_scale;
        n.observables.emplace_back(field, std::move(g));
      }
    }
    data.nodes.push_back(std::move(n));
  }
  return data;
}

}  // namespace hrsnn::nir
