#include "tools/nir_args.hpp"

#include <filesystem>
#include <stdexcept>

namespace hrsnn::cli {

bool is_nir(const std::string& path) {
  const std::filesystem::path p(path);
  return !std::filesystem::is_directory(p) && p.extension() == ".nir";
}

void add_nir_import_options(CLI::App* sub, NirImportArgs& args, const std::string& input_help) {
  sub->add_option("--dt-ms", args.dt_ms, "NIR model: the step D in ms (required for a .nir model)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--nir-time-unit", args.time_unit, "NIR model: unit of the file's time constants (default ms)")
      ->check(CLI::IsMember({"ms", "s"}));
  sub->add_option(
         "--nir-convention", args.convention,
         "NIR model: discretization (hrsnn: forward Euler in hrsnn's step order; paper: refused, see docs/nir.md)")
      ->check(CLI::IsMember({"hrsnn", "paper"}));
  sub->add_option("--input", args.input_npy, input_help)->check(CLI::ExistingFile);
}

nir::ImportOptions nir_import_options(const NirImportArgs& args, const std::string& model, uint64_t seed) {
  if (!args.dt_ms)
    throw std::invalid_argument(model +
                                ": a NIR model needs the step: --dt-ms D (NIR parameters are continuous-time; "
                                "docs/nir.md)");
  nir::ImportOptions io;
  io.dt_ms = *args.dt_ms;
  io.time_unit = nir::parse_time_unit(args.time_unit);
  io.convention = nir::parse_convention(args.convention);
  io.seed = seed;
  return io;
}

void refuse_nir_import_options(const NirImportArgs& args) {
  if (args.any())
    throw std::invalid_argument("--dt-ms, --input, --nir-time-unit and --nir-convention apply to a NIR model (.nir)");
}

}  // namespace hrsnn::cli
