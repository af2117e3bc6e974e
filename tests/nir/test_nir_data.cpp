// Recorded data as NIR's NIRGraphData (nir::write_nir_data, read_nir_data, recorded_data;
// `hrsnn run --nir-data`): a file written by the independent h5py writer of
// tests/data/nir/make_nir_files.py in the layout of NIR's write_data is read as written, a run's
// raster and probes come back from hrsnn's own file exactly, and malformed files are refused
// naming the file and the key. (tests/nir/test_nir_data_h5py.py reads hrsnn's files with h5py.)
#include "nir/nir.hpp"
#include "tests/nir/nir_test_util.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>

using hrsnn::nir::GraphData;
using hrsnn::nir::NirError;
using hrsnn::nir::Observable;
using hrsnn::test::nir_data;
using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;

namespace {

const Observable& find(const GraphData& d, const std::string& node, const std::string& name) {
  for (const auto& n : d.nodes)
    if (n.name == node)
      for (const auto& [k, o] : n.observables)
        if (k == name) return o;
  FAIL("no observable " << node << "/" << name);
  throw std::logic_error("unreachable");
}

void refused(const std::string& file, const std::string& message) {
  INFO(file);
  try {
    (void)hrsnn::nir::read_nir_data(nir_data(file));
    FAIL("read_nir_data accepted " << file);
  } catch (const NirError& e) {
    CHECK_THAT(e.what(), Catch::Contains(file) && Catch::Contains(message));
  }
}

}  // namespace

TEST_CASE("NIR data: a file in the layout of NIR's write_data is read as written") {
  const GraphData d = hrsnn::nir::read_nir_data(nir_data("recorded_data.nir"));
  REQUIRE(d.nodes.size() == 2);
  CHECK(d.nodes[0].name == "hidden");
  CHECK(d.nodes[1].name == "out");
  const Observable& ev = find(d, "hidden", "spikes");
  CHECK(ev.type == Observable::Type::EventData);
  CHECK(ev.idx == std::vector<int64_t>{0, 2, 1, 2});  // NIR's padding (-1, inf) dropped
  CHECK(ev.time == std::vector<double>{0.25, 0.75, 1.25, 3.75});
  CHECK(ev.n_neurons == 3);
  CHECK(ev.t_max == 2.0);
  const Observable& v = find(d, "hidden", "v");
  CHECK(v.type == Observable::Type::TimeGriddedData);
  CHECK_FALSE(v.binary);
  CHECK(v.steps == 2);
  CHECK(v.neurons == 3);
  CHECK(v.dt == 1.0);
  for (size_t k = 0; k < 6; ++k) CHECK(v.values[k] == static_cast<double>(k) / 4.0);
  const Observable& grid = find(d, "out", "spikes");
  CHECK(grid.binary);
  CHECK(grid.dt == 0.5);
  REQUIRE(grid.values.size() == 8);
  const std::vector<double> expected = {0, 0, 1, 0, 0, 0, 1, 1};  // (1, 0), (3, 0), (3, 1)
  CHECK(grid.values == expected);
}

TEST_CASE("NIR data: malformed data files are refused naming the file and the key") {
  refused("bad_data_no_dt.nir", "/nodes/hidden/observables/v: missing attribute 'dt'");
  refused("bad_data_two_samples.nir", "/nodes/out/observables/spikes/data: shape (2, 4, 2) is not (1, n_steps");
  refused("bad_data_index.nir", "/nodes/hidden/observables/spikes/idx[0, 1]: 3 is not a neuron index in [0, 3)");
  refused("bad_data_root.nir", "attribute __type__ is 'NIRNodeData', not 'NIRGraphData'");
  refused("cuba_recurrent.nir", "not a NIR data file");  // a graph, not data
  refused("not_hdf5.nir", "not an HDF5 file");
}

TEST_CASE("NIR data: a run's raster and probes come back exactly, as events and on the grid") {
  ScratchDir dir("nir_data_roundtrip");
  hrsnn::nir::ImportOptions io;
  const auto run = hrsnn::nir::prepare_nir_run(nir_data("cuba_recurrent.nir"), io, nir_data("cuba_recurrent.input.npy"),
                                               std::nullopt);
  const auto& net = run.imp.net;
  hrsnn::RunOptions opt;
  opt.sim.probes = {0, 23, 24, 29};  // hidden 0 and 23, readout 0 and 5
  opt.sim.probe_every = 3;
  const hrsnn::RunResult r = hrsnn::run_network(net, run.signal, run.steps, opt);
  REQUIRE(r.raster.size() > 100);
  std::set<std::tuple<std::string, uint64_t, uint64_t>> expected;  // (node, step, index)
  for (size_t k = 0; k < r.raster.size(); ++k) {
    const uint32_t id = r.raster.neuron[k];
    const auto& pop = net.populations[id < 24 ? 0 : 1];
    expected.emplace(pop.name, r.raster.step[k], id - pop.first);
  }
  for (bool gridded : {false, true}) {
    INFO("gridded " << gridded);
    hrsnn::nir::RecordOptions ro;
    ro.dt = 0.1;  // not a binary fraction: t * 0.1 / 0.1 rounds below t for some t
    ro.spikes_gridded = gridded;
    ro.probes = opt.sim.probes;
    ro.probe_every = opt.sim.probe_every;
    const std::string file = dir / (gridded ? "grid.nir" : "events.nir");
    hrsnn::nir::write_nir_data(file, hrsnn::nir::recorded_data(net, r, ro));
    const GraphData d = hrsnn::nir::read_nir_data(file);
    REQUIRE(d.nodes.size() == 2);
    std::set<std::tuple<std::string, uint64_t, uint64_t>> got;
    for (const auto& n : d.nodes) {
      const Observable& s = find(d, n.name, "spikes");
      if (gridded) {
        CHECK(s.binary);
        CHECK(s.steps == run.steps);
        CHECK(s.dt == 0.1);
        for (uint64_t t = 0; t < s.steps; ++t)
          for (uint64_t i = 0; i < s.neurons; ++i)
            if (s.values[t * s.neurons + i] != 0) got.emplace(n.name, t, i);
      } else {
        CHECK(s.t_max == static_cast<double>(run.steps) * 0.1);
        // NIR's EventData -> TimeGriddedData: step = floor(time / dt).
        for (size_t k = 0; k < s.idx.size(); ++k)
          got.emplace(n.name, static_cast<uint64_t>(std::floor(s.time[k] / 0.1)), static_cast<uint64_t>(s.idx[k]));
      }
    }
    CHECK(got == expected);
    // Probes: u and v at every third step, the population's width, NaN where not probed.
    const std::map<std::string, std::vector<std::pair<size_t, uint32_t>>> probed = {{"hidden", {{0, 0}, {1, 23}}},
                                                                                    {"readout", {{2, 0}, {3, 5}}}};
    for (const auto& [node, columns] : probed) {
      const Observable& v = find(d, node, "v");
      const Observable& u = find(d, node, "u");
      CHECK(v.dt == 0.1 * 3);
      REQUIRE(v.steps == r.probes.step.size());
      uint64_t nan = 0;
      for (double x : v.values) nan += std::isnan(x) ? 1U : 0U;
      CHECK(nan == v.steps * (v.neurons - 2));
      for (uint64_t k = 0; k < v.steps; ++k)
        for (const auto& [q, i] : columns) {
          CHECK(v.values[k * v.neurons + i] == r.probes.v[k * 4 + q]);
          CHECK(u.values[k * u.neurons + i] == r.probes.u[k * 4 + q]);
        }
    }
  }
}

TEST_CASE("hrsnn run --nir-data writes the raster the CLI writes as .npy, and refuses a lone --nir-data-spikes") {
  ScratchDir dir("nir_data_cli");
  auto r =
      run_cli("run " + nir_data("cuba_recurrent.nir") + " --dt-ms 1 --input " + nir_data("cuba_recurrent.input.npy") +
              " --spikes npy --quiet --out " + dir.string() + " --nir-data " + (dir / "data.nir"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  const hrsnn::nir::NpyArray s = hrsnn::nir::read_npy_2d(dir / "spikes.npy");
  const GraphData d = hrsnn::nir::read_nir_data(dir / "data.nir");
  const Observable& hidden = find(d, "hidden", "spikes");
  const Observable& readout = find(d, "readout", "spikes");
  CHECK(hidden.idx.size() + readout.idx.size() == s.rows);
  CHECK(readout.n_neurons == 6);
  r = run_cli("run " + nir_data("cuba_recurrent.nir") + " --dt-ms 1 --steps 5 --quiet --out " + dir.string() +
              " --nir-data-spikes grid");
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("--nir-data-spikes goes with --nir-data FILE"));
  r = run_cli("run " + nir_data("cuba_recurrent.nir") + " --dt-ms 1 --steps 5 --quiet --out " + dir.string() +
              " --nir-data " + (dir / "no/such/dir/data.nir"));
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("no/such/dir/data.nir"));
}
