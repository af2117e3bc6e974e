// NIR import (nir/nir.hpp): files written by an independent h5py writer (tests/data/nir/
// make_nir_files.py) against the raster of its independent NumPy simulation, the mapping's
// values, and the refusals of malformed files.
#include "core/io.hpp"
#include "nir/nir.hpp"
#include "tests/nir/nir_test_util.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

using namespace hrsnn;
using hrsnn::test::expected_raster;
using hrsnn::test::nir_data;
using hrsnn::test::pairs_of;
using hrsnn::test::run_imported;

namespace {

nir::Imported import_ms(const std::string& name, double dt_ms) {
  nir::ImportOptions o;
  o.dt_ms = dt_ms;
  return nir::import_nir(nir_data(name), o);
}

std::string import_error(const std::string& name, double dt_ms = 1.0,
                         nir::Convention convention = nir::Convention::Hrsnn) {
  nir::ImportOptions o;
  o.dt_ms = dt_ms;
  o.convention = convention;
  try {
    nir::import_nir(nir_data(name), o);
  } catch (const nir::NirError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("NIR import: a recurrent CubaLIF graph (gzip) spikes as the independent NumPy simulation") {
  const nir::Imported imp = import_ms("cuba_recurrent.nir", 1.0);
  REQUIRE(imp.net.populations.size() == 2);
  CHECK(imp.net.populations[0].name == "hidden");
  CHECK(imp.net.populations[0].size == 24);
  CHECK(imp.net.populations[1].name == "readout");
  CHECK(imp.net.populations[1].first == 24);
  CHECK(imp.input_columns == 3);
  CHECK(imp.bias_channel);  // fc_in's bias
  REQUIRE(imp.net.projections.size() == 2);
  CHECK(imp.net.projections[0].name == "hidden->hidden");  // the recurrence, one step
  CHECK(imp.net.projections[0].delay_steps == 1);
  CHECK(imp.net.projections[1].name == "hidden->readout");
  REQUIRE(imp.outputs == std::vector<std::string>{"output"});
  CHECK(imp.output_of[0] == std::vector<std::string>{"readout"});

  const nir::NpyArray in = nir::read_npy_2d(nir_data("cuba_recurrent.input.npy"));
  REQUIRE(in.cols == 3);
  const RunResult r = run_imported(imp, in.values, in.rows, in.rows);
  const auto expected = expected_raster("cuba_recurrent.expected.npy");
  REQUIRE(expected.size() > 300);  // both populations active: the comparison has something to compare
  CHECK(r.counts.per_population[1].spikes > 50);
  CHECK(pairs_of(r.raster) == expected);
}

TEST_CASE("NIR import: an older LIF file without v_reset, times in seconds, fixed-length strings") {
  nir::ImportOptions o;
  o.dt_ms = 0.5;
  o.time_unit = nir::TimeUnit::Seconds;
  const nir::Imported imp = nir::import_nir(nir_data("old_lif_no_reset.nir"), o);
  CHECK(imp.version == "0.1.1");
  REQUIRE(imp.net.size() == 5);
  for (uint32_t i = 0; i < 5; ++i) {
    CHECK(imp.net.v_reset[i] == 0.0);  // absent: 0
    CHECK(imp.net.du[i] == 1.0);       // LIF: no synaptic current
    CHECK(imp.net.t_ref_steps[i] == 0);
  }
  const nir::NpyArray in = nir::read_npy_2d(nir_data("old_lif_no_reset.input.npy"));
  const RunResult r = run_imported(imp, in.values, in.rows, in.rows);
  const auto expected = expected_raster("old_lif_no_reset.expected.npy");
  REQUIRE(expected.size() > 100);
  CHECK(pairs_of(r.raster) == expected);

  // The same file read as milliseconds: every tau (5..20 "ms" = 0.005..0.02) is shorter than D.
  const std::string e = import_error("old_lif_no_reset.nir", 0.5);
  CHECK_THAT(e, Catch::Contains("node 'lif' (LIF) tau[0]") && Catch::Contains("shorter than the step") &&
                    Catch::Contains("--dt-ms"));
}

TEST_CASE("NIR import: a Delay on a recurrent path adds its steps, and an Affine bias drives from step 0") {
  const nir::Imported imp = import_ms("delay_recurrent.nir", 1.0);
  REQUIRE(imp.net.projections.size() == 1);
  const Projection& pr = imp.net.projections[0];
  CHECK(pr.delay_steps == 4);  // one step for the neuron-to-neuron path + Delay 3 ms / 1 ms
  CHECK(imp.net.max_delay == 4);
  // Constant parameters: du = 1/2, dv = 1/10, r = w_in = 1, W = 4: weight = dv r du w_in W = 0.2.
  for (uint32_t i = 0; i < 8; ++i) {
    CHECK(imp.net.du[i] == Approx(0.5).epsilon(1e-15));
    CHECK(imp.net.dv[i] == Approx(0.1).epsilon(1e-15));
    CHECK(imp.net.bias[i] == 0.0);
  }
  for (double w : pr.weight) CHECK(w == Approx(0.2).epsilon(1e-15));
  CHECK(imp.input_columns == 0);
  REQUIRE(imp.bias_channel);
  // The bias 6 on neuron 0 enters its current as dv r du w_in * 6 = 0.3, on channel 0 (no Input node).
  REQUIRE(imp.net.input.offset[1] == 1);
  CHECK(imp.net.input.channel[0] == 0);
  CHECK(imp.net.input.weight[0] == Approx(0.3).epsilon(1e-15));
  CHECK(imp.net.input.offset[8] == 1);

  const RunResult r = run_imported(imp, {}, 0, 200);
  const auto expected = expected_raster("delay_recurrent.expected.npy");
  REQUIRE(expected.size() > 50);
  CHECK(pairs_of(r.raster) == expected);
  CHECK(r.raster.step.front() > 0);  // the bias charges the first neuron over several steps
}

TEST_CASE("NIR import: the float32 and fixed backends run an imported model") {
  const nir::Imported imp = import_ms("delay_recurrent.nir", 1.0);
  const RunResult f64 = run_imported(imp, {}, 0, 200);
  const RunResult f32 = run_imported(imp, {}, 0, 200, Arith::Float32);
  CHECK(f32.raster.size() == f64.raster.size());
  const RunResult fx = run_imported(imp, {}, 0, 200, Arith::Fixed);
  CHECK(fx.raster.size() > 0);
  CHECK(fx.quantization.contains("fields"));
}

TEST_CASE("NIR import: malformed files are refused naming the node, its type and the reason") {
  struct Case {
    const char* file;
    std::vector<std::string> says;
  };
  const std::vector<Case> cases = {
      {"bad_missing_dataset.nir", {"/node/nodes/hidden/tau_syn", "missing", "CubaLIF"}},
      {"bad_wrong_shape.nir", {"/node/nodes/fc_in/bias", "has shape (5)", "expected (24)"}},
      {"bad_unknown_type.nir", {"node 'conv'", "type 'Conv2d' is not supported", "Input, Output, Affine"}},
      {"bad_cycle_without_neuron.nir", {"cycle without a neuron", "'loop_a' (Linear)", "'loop_b' (Scale)"}},
      {"bad_nan.nir", {"/node/nodes/hidden/tau_mem", "element 3 is nan", "finite"}},
      {"bad_inf.nir", {"/node/nodes/w_rec/weight", "element 53 is inf"}},
      {"bad_edge_size.nir", {"edge ('readout', 'w_rec')", "outputs 6 values", "takes 24"}},
      {"bad_unknown_node_in_edge.nir", {"edge ('hidden', 'nowhere')", "no node named 'nowhere'"}},
      {"not_hdf5.nir", {"not an HDF5 file"}},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    const std::string e = import_error(c.file);
    CHECK_THAT(e, Catch::Contains(c.file));
    for (const auto& s : c.says) CHECK_THAT(e, Catch::Contains(s));
  }
  CHECK_THAT(import_error("no_such_file.nir"), Catch::Contains("no_such_file.nir: /: no such file"));
}

TEST_CASE("NIR import: a step longer than a time constant and the paper convention are refused") {
  // tau_syn of `hidden` is drawn in [2, 8] ms.
  CHECK_THAT(import_error("cuba_recurrent.nir", 9.0),
             Catch::Contains("node 'hidden' (CubaLIF) tau_syn[") && Catch::Contains("forward Euler needs D <= tau"));
  CHECK_THAT(import_error("cuba_recurrent.nir", 1.0, nir::Convention::Paper),
             Catch::Contains("reset") && Catch::Contains("subtraction") && Catch::Contains("not supported"));
  CHECK_THAT(import_error("cuba_recurrent.nir", 0.0), Catch::Contains("--dt-ms"));
  CHECK_THROWS_AS(nir::parse_time_unit("us"), nir::NirError);
}

TEST_CASE("NIR import: a Delay that is not a whole number of steps is refused") {
  // delay_recurrent's Delay is 3 ms: at D = 2 ms it is 1.5 steps.
  CHECK_THAT(import_error("delay_recurrent.nir", 2.0),
             Catch::Contains("node 'lag' (Delay) delay[0]") && Catch::Contains("whole number of steps"));
}

TEST_CASE("NIR input arrays: .npy read back as written, and malformed ones refused") {
  hrsnn::test::ScratchDir dir("nir_npy");
  write_npy_f64_2d(dir / "a.npy", {1.5, -2.0, 0.0, 3.25, 7.0, 1e-3}, 3, 2);
  const nir::NpyArray a = nir::read_npy_2d(dir / "a.npy");
  CHECK(a.rows == 3);
  CHECK(a.cols == 2);
  CHECK(a.values == std::vector<double>{1.5, -2.0, 0.0, 3.25, 7.0, 1e-3});
  write_npy_u64_2d(dir / "b.npy", {4, 5}, 1, 2);
  CHECK(nir::read_npy_2d(dir / "b.npy").values == std::vector<double>{4.0, 5.0});

  auto write_raw = [&](const std::string& name, const std::string& header) {
    std::string h = header;
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    std::ofstream o(dir / name, std::ios::binary);
    o << "\x93NUMPY" << '\x01' << '\x00' << static_cast<char>(h.size() & 0xff) << static_cast<char>(h.size() >> 8) << h
      << std::string(64, '\0');
  };
  auto error_of = [&](const std::string& name) {
    try {
      nir::read_npy_2d(dir / name);
    } catch (const nir::NirError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  write_raw("c.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2), }");
  CHECK_THAT(error_of("c.npy"), Catch::Contains("must be 2-D"));
  write_raw("d.npy", "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }");
  CHECK_THAT(error_of("d.npy"), Catch::Contains("Fortran-order"));
  write_raw("e.npy", "{'descr': '<c16', 'fortran_order': False, 'shape': (1, 1), }");
  CHECK_THAT(error_of("e.npy"), Catch::Contains("dtype c16 is not supported"));
  write_raw("f.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (100, 100), }");
  CHECK_THAT(error_of("f.npy"), Catch::Contains("shorter than its shape"));
  {
    std::ofstream o(dir / "g.npy");
    o << "not numpy";
  }
  CHECK_THAT(error_of("g.npy"), Catch::Contains("not a NumPy .npy file"));
}

TEST_CASE("NIR import: corrupt files that crash libhdf5 itself are refused, not a crash of hrsnn") {
  // Byte-flipped copies of cuba_recurrent.nir (make_nir_files.py): libhdf5 1.10 segfaults in
  // H5Dread on them; the reading child process takes the crash.
  for (const char* f : {"corrupt_28.nir", "corrupt_96.nir"}) {
    INFO(f);
    const std::string e = import_error(f);
    CHECK_THAT(e, Catch::Contains(f));
    CHECK(e != "(no error)");
  }
}
