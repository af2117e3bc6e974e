// The extension `hrsnn._hrsnn` (docs/python.md): the library's spec reader, `hrsnn run` and
// `hrsnn energy` for Python. It hands out plain buffers (the buffer protocol) and JSON text; the
// package python/hrsnn/__init__.py builds the NumPy arrays and dicts from them. It never
// includes pybind11/numpy.h, whose NumPy C-API use breaks with NumPy 2 under pybind11 < 2.12.
#include "core/backend.hpp"
#include "core/spec.hpp"
#include "core/spec_run.hpp"
#include "hw_model/energy/estimate.hpp"
#include "hw_model/energy/models.hpp"
#include "hw_model/energy/run_summary.hpp"

#ifdef HRSNN_HAVE_NIR
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "nir/nir.hpp"
#endif

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <Python.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace hrsnn::python {
namespace {

// A contiguous one-dimensional array that owns its elements and lends them through the buffer
// protocol: numpy.asarray(memoryview(array)) wraps them without a copy and keeps this alive.
class Buffer {
 public:
  template <typename T>
  static Buffer of(std::vector<T> values) {
    auto owned = std::make_shared<std::vector<T>>(std::move(values));
    Buffer b;
    b.size_ = owned->size();
    b.data_ = owned->data();
    b.itemsize_ = sizeof(T);
    b.format_ = py::format_descriptor<T>::format();
    b.owner_ = std::move(owned);
    return b;
  }

  py::buffer_info info() {
    // An empty vector may have no storage; the buffer still needs a valid address.
    void* data = size_ == 0 ? static_cast<void*>(&empty_) : data_;
    return py::buffer_info(data, static_cast<py::ssize_t>(itemsize_), format_, 1, {static_cast<py::ssize_t>(size_)},
                           {static_cast<py::ssize_t>(itemsize_)});
  }
  size_t size() const { return size_; }

 private:
  std::shared_ptr<void> owner_;  // the std::vector<T> the elements live in
  void* data_ = nullptr;
  size_t size_ = 0;
  size_t itemsize_ = 1;
  std::string format_;
  uint64_t empty_ = 0;
};

const char* kind_name(PopulationKind k) { return k == PopulationKind::Excitatory ? "excitatory" : "inhibitory"; }

// Every error reading a configuration (spec, energy models, run summary) is a ConfigError; in
// Python an hrsnn.ConfigError, a subclass of ValueError, with the message "file:line: key: what"
// and its parts as attributes.
void register_config_error(py::module_& m) {
  // Held for the life of the process (never released, so nothing touches it after the
  // interpreter has finalized).
  static py::handle config_error = py::exception<ConfigError>(m, "ConfigError", PyExc_ValueError).release();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      py::object exc = py::reinterpret_borrow<py::object>(config_error)(e.what());
      exc.attr("file") = e.file();
      exc.attr("line") = e.line();
      exc.attr("key") = e.key_path();
      exc.attr("detail") = e.message();
      PyErr_SetObject(config_error.ptr(), exc.ptr());
    }
  });
}

RunOptions run_options(const std::string& arith, std::optional<uint64_t> steps, std::optional<uint64_t> seed,
                       std::vector<uint32_t> probes, uint32_t probe_every, uint32_t threads, bool record_spikes) {
  if (probe_every == 0) throw std::invalid_argument("probe_every must be >= 1");
  if (threads < 1 || threads > 256) throw std::invalid_argument("threads must be in 1..256");
  RunOptions opt;
  opt.arith = parse_arith(arith);
  opt.steps = steps;
  opt.seed = seed;
  opt.sim.probes = std::move(probes);
  opt.sim.probe_every = probe_every;
  opt.sim.threads = threads;
  opt.sim.record_spikes = record_spikes;
  // Between steps, with the GIL taken back for a moment: a pending signal (Ctrl-C) ends the run
  // with its Python exception (KeyboardInterrupt).
  opt.progress_every = 256;
  opt.progress = [](uint64_t, uint64_t) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  };
  return opt;
}

// Runs with the GIL released: other Python threads run while the network is simulated.
SpecRun run_released(const NetworkSpec& spec, const RunOptions& options) {
  py::gil_scoped_release nogil;
  return run_spec_summarized(spec, options);
}

// hrsnn.run(): the raster, the probes (physical units, as `hrsnn run` writes probes.csv) and the
// hrsnn-run/1 summary as JSON text.
py::dict result_dict(RunResult& res, const nlohmann::json& summary) {
  const double scale = res.voltage_scale;
  for (double& u : res.probes.u) u /= scale;
  for (double& v : res.probes.v) v /= scale;
  py::dict out;
  out["spike_steps"] = Buffer::of(std::move(res.raster.step));
  out["spike_neurons"] = Buffer::of(std::move(res.raster.neuron));
  out["probe_ids"] = res.probe_ids;
  out["probe_steps"] = Buffer::of(std::move(res.probes.step));
  out["probe_u"] = Buffer::of(std::move(res.probes.u));
  out["probe_v"] = Buffer::of(std::move(res.probes.v));
  out["voltage_scale"] = scale;
  out["summary"] = summary.dump();
  return out;
}

py::dict run(const NetworkSpec& spec, const std::string& arith, std::optional<uint64_t> steps,
             std::optional<uint64_t> seed, std::vector<uint32_t> probes, uint32_t probe_every, uint32_t threads,
             bool record_spikes) {
  const RunOptions opt = run_options(arith, steps, seed, std::move(probes), probe_every, threads, record_spikes);
  SpecRun r = run_released(spec, opt);
  return result_dict(r.result, r.summary);
}

energy::ModelLibrary models_of(const std::optional<std::string>& models_file) {
  return energy::load_models(models_file ? std::filesystem::path(*models_file) : energy::default_models_file());
}

std::string energy_report(const energy::RunFacts& facts, const std::vector<std::string>& models,
                          const std::optional<std::string>& models_file) {
  const energy::ModelLibrary lib = models_of(models_file);
  return energy::estimate_energy(lib, models, facts.counts, facts.workload).to_json().dump();
}

}  // namespace
}  // namespace hrsnn::python

PYBIND11_MODULE(_hrsnn, m) {
  using namespace hrsnn;
  using namespace hrsnn::python;
  m.doc() = "hrsnn's C++ library for Python (use the package hrsnn, not this extension)";
  register_config_error(m);

  py::class_<Buffer>(m, "Buffer", py::buffer_protocol(), "An owned array lent to NumPy through the buffer protocol")
      .def_buffer(&Buffer::info)
      .def("__len__", &Buffer::size);

  py::class_<NetworkSpec>(m, "Spec", "A parsed and validated network spec (read it with hrsnn.load_spec)")
      .def_property_readonly("source", [](const NetworkSpec& s) { return s.source; })
      .def_property_readonly("neurons", &NetworkSpec::total_neurons)
      .def_property_readonly("steps", [](const NetworkSpec& s) { return s.simulation.steps; })
      .def_property_readonly("dt_ms", [](const NetworkSpec& s) { return s.simulation.dt_ms; })
      .def_property_readonly("seed", [](const NetworkSpec& s) { return s.simulation.seed; })
      .def_property_readonly("hardware_profile", [](const NetworkSpec& s) { return s.hardware.profile; })
      .def_property_readonly("populations",
                             [](const NetworkSpec& s) {
                               py::list pops;
                               uint32_t first = 0;
                               for (const auto& p : s.populations) {
                                 py::dict d;
                                 d["name"] = p.name;
                                 d["size"] = p.size;
                                 d["first"] = first;
                                 d["kind"] = kind_name(p.kind);
                                 pops.append(std::move(d));
                                 first += p.size;
                               }
                               return pops;
                             })
      .def_property_readonly("projections", [](const NetworkSpec& s) {
        py::list projs;
        for (const auto& p : s.projections) {
          py::dict d;
          d["name"] = p.name;
          d["pre"] = p.pre;
          d["post"] = p.post;
          d["plastic"] = p.stdp.has_value();
          d["delay_steps"] = p.delay_steps;
          projs.append(std::move(d));
        }
        return projs;
      });

  m.def("load_spec", &load_spec, py::arg("path"), "Read and validate a spec file (raises ConfigError)");
  m.def("parse_spec", &parse_spec, py::arg("text"), py::arg("source_name") = "<string>",
        "Parse and validate spec TOML text (raises ConfigError naming source_name)");
  m.def("run", &run, py::arg("spec"), py::arg("arith"), py::arg("steps"), py::arg("seed"), py::arg("probes"),
        py::arg("probe_every"), py::arg("threads"), py::arg("record_spikes"),
        "Run a spec as `hrsnn run` does (GIL released); buffers and the summary as JSON text");
  m.def(
      "energy_of_spec",
      [](const NetworkSpec& spec, const std::string& arith, std::optional<uint64_t> steps, std::optional<uint64_t> seed,
         uint32_t threads, const std::vector<std::string>& models, const std::optional<std::string>& models_file) {
        const energy::ModelLibrary lib = models_of(models_file);  // a bad models file fails before the run
        const RunOptions opt = run_options(arith, steps, seed, {}, 1, threads, false);
        const SpecRun r = run_released(spec, opt);
        const energy::RunFacts facts = energy::run_facts(r.net, r.result);
        return energy::estimate_energy(lib, models, facts.counts, facts.workload).to_json().dump();
      },
      py::arg("spec"), py::arg("arith"), py::arg("steps"), py::arg("seed"), py::arg("threads"), py::arg("models"),
      py::arg("models_file"), "Run a spec (as `hrsnn energy SPEC`) and price its counts: hrsnn-energy/1 JSON text");
  m.def(
      "energy_of_summary",
      [](const std::string& summary_json, const std::string& source_name, const std::vector<std::string>& models,
         const std::optional<std::string>& models_file) {
        nlohmann::json summary;
        try {
          summary = nlohmann::json::parse(summary_json);
        } catch (const nlohmann::json::parse_error& e) {
          throw ConfigError(source_name, 0, "<file>", std::string("not valid JSON: ") + e.what());
        }
        return energy_report(energy::run_facts_from_summary(summary, source_name), models, models_file);
      },
      py::arg("summary_json"), py::arg("source_name"), py::arg("models"), py::arg("models_file"),
      "Price the counts of an hrsnn-run/1 summary (JSON text): hrsnn-energy/1 JSON text");
  m.def(
      "energy_of_run_dir",
      [](const std::string& path, const std::vector<std::string>& models,
         const std::optional<std::string>& models_file) {
        return energy_report(energy::load_run_summary(path), models, models_file);
      },
      py::arg("path"), py::arg("models"), py::arg("models_file"),
      "Price the counts of RUN_DIR/summary.json (as `hrsnn energy RUN_DIR`): hrsnn-energy/1 JSON text");
  m.def("default_models_file", [] { return energy::default_models_file().string(); });
  m.def(
      "energy_model_names",
      [](const std::optional<std::string>& models_file) { return models_of(models_file).model_names(); },
      py::arg("models_file") = py::none());

  // NIR (DESIGN.md section 11; the nir/ library, target hrsnn_nir): python/CMakeLists.txt
  // links it and defines HRSNN_HAVE_NIR when it is built. Bind from_nir / to_nir inside this
  // block; the package's hrsnn.from_nir / hrsnn.to_nir call them when present and raise
  // NotImplementedError otherwise.
#ifdef HRSNN_HAVE_NIR
  // A NIR model run as `hrsnn run MODEL.nir --dt-ms D` does (docs/nir.md); errors are NirError
  // (RuntimeError in Python) naming the file, node and reason.
  m.def(
      "run_nir",
      [](const std::string& path, double dt_ms, const std::string& time_unit, const std::string& input_npy,
         std::optional<uint64_t> steps, const std::string& arith, std::optional<uint64_t> seed,
         std::vector<uint32_t> probes, uint32_t probe_every, uint32_t threads, bool record_spikes) {
        nir::ImportOptions io;
        io.dt_ms = dt_ms;
        io.time_unit = nir::parse_time_unit(time_unit);
        io.seed = seed.value_or(1);
        const nir::NirRun nr = nir::prepare_nir_run(path, io, input_npy, steps);
        for (uint32_t id : probes)
          if (id >= nr.imp.net.size())
            throw std::invalid_argument("probe: neuron " + std::to_string(id) + " out of range (network has " +
                                        std::to_string(nr.imp.net.size()) + " neurons)");
        RunOptions opt = run_options(arith, nr.steps, seed, std::move(probes), probe_every, threads, record_spikes);
        opt.hardware = HardwareSpec{};
        RunResult res;
        {
          py::gil_scoped_release nogil;
          res = run_network(nr.imp.net, nr.signal, nr.steps, opt);
        }
        NetworkSpec spec;
        spec.source = path;
        nlohmann::json summary = run_summary(spec, nr.imp.net, res);
        summary["nir"] = {{"version", nr.imp.version}, {"time_unit", time_unit}, {"notes", nr.imp.notes}};
        return result_dict(res, summary);
      },
      py::arg("path"), py::arg("dt_ms"), py::arg("time_unit"), py::arg("input_npy"), py::arg("steps"), py::arg("arith"),
      py::arg("seed"), py::arg("probes"), py::arg("probe_every"), py::arg("threads"), py::arg("record_spikes"),
      "Run a NIR model (as `hrsnn run MODEL.nir`); buffers and the summary as JSON text");
  m.def(
      "to_nir",
      [](const NetworkSpec& spec, const std::string& path, std::optional<uint64_t> snapshot_after) {
        const Network net = build_network(spec);
        const InputSignal signal = make_spec_signal(spec, spec.simulation.steps);
        nir::ExportOptions eo;
        eo.snapshot_after_steps = snapshot_after;
        py::gil_scoped_release nogil;
        return nir::export_nir(net, &signal, path, eo).omitted;
      },
      py::arg("spec"), py::arg("path"), py::arg("snapshot_after"),
      "Write a spec's network as NIR (as `hrsnn run SPEC --export-nir`); the omissions of a snapshot");
#endif
}
