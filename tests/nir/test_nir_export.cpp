// NIR export (nir/nir.hpp): spec -> NIR -> hrsnn gives the same network and the same raster;
// what has no NIR form is refused, or omitted from a weight snapshot and listed.
#include "core/float_sim.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"
#include "nir/h5.hpp"
#include "nir/nir.hpp"
#include "tests/nir/nir_test_util.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

using namespace hrsnn;
using hrsnn::test::pairs_of;
using hrsnn::test::run_imported;
using hrsnn::test::ScratchDir;

namespace {

// E/I, heterogeneous tau_mem and thresholds, a bias, v_reset != 0, a sine current input: no
// STDP, no refractory period.
constexpr const char* kStaticSpec = R"(
[simulation]
dt_ms = 1.0
steps = 600
seed = 3
[[populations]]
name = "E"
size = 40
tau_mem_ms = { dist = "gamma", mean = 20.0, cv = 0.5, min = 2.0, max = 200.0 }
tau_syn_ms = { dist = "uniform", low = 2.0, high = 8.0 }
v_thresh = { dist = "uniform", low = 0.8, high = 1.2 }
v_reset = -0.1
bias = 0.01
[[populations]]
name = "I"
size = 10
kind = "inhibitory"
tau_mem_ms = 10.0
tau_syn_ms = 5.0
[[projections]]
name = "EE"
pre = "E"
post = "E"
p = 0.2
weight = { dist = "uniform", low = 0.0, high = 0.3 }
[[projections]]
name = "EI"
pre = "E"
post = "I"
p = 0.3
weight = 0.2
[[projections]]
name = "IE"
pre = "I"
post = "E"
p = 0.3
weight = 0.4
DELAY
[input]
channels = 2
fraction = 0.6
weight = { dist = "uniform", low = 0.0, high = 0.6 }
signal = "sine"
signal_low = 0.0
signal_high = 1.0
)";

std::string spec_text(uint32_t ie_delay = 1) {
  std::string s = kStaticSpec;
  s.replace(s.find("DELAY"), 5, ie_delay > 1 ? "delay_steps = " + std::to_string(ie_delay) : "");
  return s;
}

// The spec's signal as the NIR model's input columns (steps x channels; steps_per_sample = 1).
std::vector<double> columns_of(const InputSignal& s, uint64_t steps) {
  return std::vector<double>(s.values.begin(), s.values.begin() + static_cast<std::ptrdiff_t>(steps * s.channels));
}

void round_trip(uint32_t ie_delay) {
  const NetworkSpec spec = parse_spec(spec_text(ie_delay), "<nir round trip>");
  const uint64_t steps = spec.simulation.steps;
  const Network net = build_network(spec);
  const InputSignal signal = make_spec_signal(spec, steps);
  ScratchDir dir("nir_round_trip");
  const std::string file = dir / "net.nir";
  const nir::ExportReport rep = nir::export_nir(net, &signal, file, {});
  CHECK(rep.omitted.empty());

  nir::ImportOptions io;
  io.dt_ms = spec.simulation.dt_ms;
  const nir::Imported imp = nir::import_nir(file, io);
  REQUIRE(imp.net.size() == net.size());
  REQUIRE(imp.input_columns == 2);
  CHECK_FALSE(imp.bias_channel);
  CHECK(imp.net.synapse_count() == net.synapse_count());
  CHECK(imp.net.max_delay == net.max_delay);
  double max_rel = 0.0;
  auto rel = [&](double a, double b) { max_rel = std::max(max_rel, std::abs(a - b) / std::max(std::abs(b), 1e-300)); };
  for (uint32_t i = 0; i < net.size(); ++i) {
    rel(imp.net.du[i], net.du[i]);
    rel(imp.net.dv[i], net.dv[i]);
    if (net.bias[i] != 0.0) rel(imp.net.bias[i], net.bias[i]);
    CHECK(imp.net.v_thresh[i] == net.v_thresh[i]);
    CHECK(imp.net.v_reset[i] == net.v_reset[i]);
  }
  // Each hrsnn projection is one (pre, post, delay) triple here, so the imported projections are
  // the same synapses (sorted by name) with the same weights up to rounding.
  for (const Projection& a : imp.net.projections) {
    const auto it = std::find_if(net.projections.begin(), net.projections.end(), [&](const Projection& b) {
      return b.pre_population == a.pre_population && b.post_population == a.post_population;
    });
    REQUIRE(it != net.projections.end());
    CHECK(a.delay_steps == it->delay_steps);
    REQUIRE(a.post == it->post);
    for (size_t s = 0; s < a.weight.size(); ++s) rel(a.weight[s], it->weight[s]);
  }
  CHECK(max_rel < 1e-13);  // a few ulp from tau = D/d and back

  RunOptions opt;
  const RunResult direct = run_network(net, signal, steps, opt);
  const RunResult via_nir = run_imported(imp, columns_of(signal, steps), steps, steps);
  REQUIRE(direct.raster.size() > 500);
  CHECK(pairs_of(via_nir.raster) == pairs_of(direct.raster));
}

std::string export_error(const Network& net, const std::string& file) {
  try {
    nir::export_nir(net, nullptr, file, {});
  } catch (const nir::NirError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("NIR round trip: spec to NIR to hrsnn gives the same network and an identical raster") { round_trip(1); }

TEST_CASE("NIR round trip: a delay of 3 steps becomes a Delay node of 2 steps and comes back") { round_trip(3); }

TEST_CASE("NIR export: STDP, refractoriness and spike encoders are refused, or omitted from a snapshot and listed") {
  std::string text = spec_text();
  text.replace(text.find("bias = 0.01"), 11, "bias = 0.01\nt_ref_steps = 2");
  const std::string ei = "[[projections]]\nname = \"EI\"";
  text.replace(text.find(ei), ei.size(),
               "[projections.stdp]\nw_min = 0.0\nw_max = 0.5\neta_plus = 0.01\neta_minus = 0.005\n" + ei);
  text.replace(text.find("[input]"), 7, "[input]\nencoder = \"poisson\"\nrate_max_hz = 200.0");
  const NetworkSpec spec = parse_spec(text, "<nir stdp>");
  const Network net = build_network(spec);
  const InputSignal signal = make_spec_signal(spec, 300);
  ScratchDir dir("nir_export_refused");
  const std::string file = dir / "net.nir";

  const std::string e = export_error(net, file);
  CHECK_THAT(e, Catch::Contains("projection 'EE': STDP"));
  CHECK_THAT(e, Catch::Contains("population 'E': refractory period (t_ref_steps up to 2)"));
  CHECK_THAT(e, Catch::Contains("input encoder 'poisson'"));
  CHECK_THAT(e, Catch::Contains("--snapshot-after N"));
  CHECK_FALSE(std::filesystem::exists(file));

  nir::ExportOptions eo;
  eo.snapshot_after_steps = 300;
  const nir::ExportReport rep = nir::export_nir(net, &signal, file, eo);
  REQUIRE(rep.omitted.size() == 4);
  CHECK_THAT(rep.omitted[0], Catch::Contains("STDP"));
  CHECK_THAT(rep.omitted[3], Catch::Contains("state after 300 steps"));

  // The metadata group lists the same omissions.
  {
    namespace h5 = nir::h5;
    h5::Handle f = h5::open_file(file);
    h5::Handle meta = h5::open_group(f.get(), "node/metadata");
    REQUIRE(meta.valid());
    std::vector<uint64_t> dims;
    CHECK(h5::read_strings(meta.get(), "omitted", file, "omitted", dims) == rep.omitted);
    CHECK(h5::read_numeric(meta.get(), "snapshot_after_steps", file, "x").values.at(0) == 300.0);
  }

  // The snapshot's weights are the float reference's after 300 steps (STDP moved them).
  FloatSimulator<double> sim(net, &signal);
  sim.run(300);
  nir::ImportOptions io;
  const nir::Imported imp = nir::import_nir(file, io);
  const Projection* ee = nullptr;
  for (const auto& p : imp.net.projections)
    if (p.name == "E->E") ee = &p;
  REQUIRE(ee != nullptr);
  const std::vector<double>& w = sim.weights(0);
  REQUIRE(ee->weight.size() <= w.size());  // weights STDP drove to exactly 0 are no synapse
  size_t moved = 0, k = 0;
  for (size_t s = 0; s < w.size(); ++s) {
    if (w[s] == 0.0) continue;
    CHECK(ee->weight[k] == Approx(w[s]).epsilon(1e-12));
    moved += w[s] != net.projections[0].weight[s];
    ++k;
  }
  CHECK(k == ee->weight.size());
  CHECK(moved > 0);
  for (uint32_t t : imp.net.t_ref_steps) CHECK(t == 0);
}
