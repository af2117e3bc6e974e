// Shared by the NIR tests: the test files' paths and a run of an imported model.
#pragma once

#include "core/run.hpp"
#include "nir/nir.hpp"

#include <string>
#include <utility>
#include <vector>

namespace hrsnn::test {

inline std::string nir_data(const std::string& name) { return std::string(HRSNN_TEST_DATA_DIR) + "/nir/" + name; }

// (step, neuron) pairs of a raster.
inline std::vector<std::pair<uint64_t, uint64_t>> pairs_of(const Raster& r) {
  std::vector<std::pair<uint64_t, uint64_t>> p;
  for (size_t k = 0; k < r.size(); ++k) p.emplace_back(r.step[k], r.neuron[k]);
  return p;
}

// The rows (step, neuron) of an expected-raster .npy written by make_nir_files.py.
inline std::vector<std::pair<uint64_t, uint64_t>> expected_raster(const std::string& name) {
  const nir::NpyArray a = nir::read_npy_2d(nir_data(name));
  std::vector<std::pair<uint64_t, uint64_t>> p;
  for (uint64_t k = 0; k < a.rows; ++k)
    p.emplace_back(static_cast<uint64_t>(a.values[2 * k]), static_cast<uint64_t>(a.values[2 * k + 1]));
  return p;
}

inline RunResult run_imported(const nir::Imported& imp, const std::vector<double>& columns, uint64_t rows,
                              uint64_t steps, Arith arith = Arith::Float64) {
  RunOptions opt;
  opt.arith = arith;
  opt.hardware = HardwareSpec{};
  return run_network(imp.net, nir::make_nir_signal(imp, columns, rows, steps), steps, opt);
}

}  // namespace hrsnn::test
