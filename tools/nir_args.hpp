// The options that import a NIR model, shared by `hrsnn run`, `energy`, `quantize` and `verify`
// (MODEL.nir --dt-ms D [--nir-time-unit U] [--nir-convention C] [--input X.npy], docs/nir.md).
#pragma once

#include "nir/nir.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace hrsnn::cli {

struct NirImportArgs {
  std::optional<double> dt_ms;
  std::string time_unit = "ms";
  std::string convention = "hrsnn";
  std::string input_npy;
  // Any of them set: they apply to a NIR model only.
  bool any() const { return dt_ms || !input_npy.empty() || time_unit != "ms" || convention != "hrsnn"; }
};

// A target is a NIR model when its name ends in .nir (and it is not a directory).
bool is_nir(const std::string& path);

// Adds --dt-ms, --nir-time-unit, --nir-convention and --input (described by `input_help`).
void add_nir_import_options(CLI::App* sub, NirImportArgs& args, const std::string& input_help);

// The import options for `model` with `seed`; throws std::invalid_argument naming the model when
// --dt-ms is missing (NIR files carry no step).
nir::ImportOptions nir_import_options(const NirImportArgs& args, const std::string& model, uint64_t seed);

// For a spec target: throws std::invalid_argument if any NIR import option was given.
void refuse_nir_import_options(const NirImportArgs& args);

}  // namespace hrsnn::cli
