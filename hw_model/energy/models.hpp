// Energy models as data (docs/energy.md): the types of data/energy/models.toml and its reader.
//
// A model is a list of published figures ("terms"), each charged to one counted event type
// and carrying its chip, node, voltage, scope (per-operation increment or all-in), evidence
// and citation. Event types no figure prices are declared "included" (inside another
// figure) or "not_priced" (no figure exists; the total is then a lower bound and says so).
// A model with an all-in figure has only that figure. Several models are reported side by
// side and never averaged. Each figure's source: its entry's `source` in
// data/energy/models.toml; the models and caveats for users: docs/energy.md.
#pragma once

#include "core/foundation/config_error.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hrsnn::energy {

// A bad models file or run summary: the one configuration error (file, line (0 when unknown),
// key path, message), under the name the energy code has always used.
using EnergyError = ConfigError;

// Per-operation increment (this operation's own cost) or all-in (total chip energy divided by
// events at one operating point, so every other cost is already inside it).
enum class Scope { PerOp, AllIn };
// P primary text seen; S secondary; S+ >= 3 agreeing transcriptions; U unverified.
enum class Evidence { Primary, Secondary, SecondaryAgreed, Unverified };
enum class ObtainedBy { Simulated, Measured, Derived, NotStated };

std::string_view to_string(Scope s);
std::string_view to_string(Evidence e);
std::string_view to_string(ObtainedBy o);

// Where a figure holds and where it comes from.
struct Provenance {
  std::string chip;
  std::string node;
  std::string voltage;
  Scope scope = Scope::PerOp;
  Evidence evidence = Evidence::Secondary;
  ObtainedBy obtained_by = ObtainedBy::NotStated;
  std::string citation;
  std::string note;  // optional
};

struct SramLevel {
  uint64_t size_bytes = 0;
  double read_pj_per_64b = 0.0;
};

// What to do with an array larger than the largest tabulated level.
enum class LargerArrays { BankOfLargest, NotPriced };

// SRAM access energy by array size (Horowitz 2014 tabulates 8 KB, 32 KB, 1 MB).
struct SramTable {
  std::string name;
  std::string what;
  std::vector<SramLevel> levels;  // strictly increasing size_bytes
  LargerArrays larger_arrays = LargerArrays::NotPriced;
  Provenance provenance;
};

// The memory an SRAM term reads: weights (spiking: one per synapse; dense: N*N) or neuron
// state records (one per neuron).
enum class SramArray { Weights, NeuronState };

struct SramAccess {
  std::string table;
  SramArray array = SramArray::Weights;
  uint32_t word_bits = 8;  // access width; priced at word_bits/64 of the 64-bit figure
};

// The conditions an all-in figure was measured at; rates and fan-in are compared with the run.
struct OperatingPoint {
  std::string description;
  std::optional<double> rate_hz;
  std::optional<double> synapses_per_neuron;
};

// One published figure charged to one event type.
struct Term {
  std::string event;  // an EventCounts field name (spiking models) or a dense event name
  std::string what;
  std::optional<double> energy_pj;  // a fixed figure, or
  std::optional<SramAccess> sram;   // an SRAM access priced by the array's size
  uint32_t ops_per_event = 1;       // operations of this figure per counted event
  Provenance provenance;
  std::string charged_because;
  std::optional<OperatingPoint> operating_point;  // present exactly for all-in figures
};

enum class UnchargedStatus { Included, NotPriced };

struct UnchargedEvent {
  std::string event;
  UnchargedStatus status = UnchargedStatus::NotPriced;
  std::string reason;
};

enum class ModelKind { Spiking, Dense };

struct Model {
  std::string name;
  std::string description;
  ModelKind kind = ModelKind::Spiking;
  std::vector<Term> terms;                // file order
  std::vector<UnchargedEvent> uncharged;  // every event type no term prices
  bool all_in() const;
};

// A published break-even density: below it, spiking beats an equivalent ANN (paper's terms).
struct Crossover {
  std::string name;
  double low = 0.0;
  double high = 0.0;
  Evidence evidence = Evidence::Secondary;
  std::string citation;
};

struct ModelLibrary {
  std::string source;            // the file the models came from
  std::vector<Model> models;     // spiking-chip models, file order
  std::vector<Model> baselines;  // dense non-spiking RNN baselines, file order
  std::vector<SramTable> sram_tables;
  std::vector<Crossover> crossovers;

  // Throws EnergyError listing the known names when `name` is not a model.
  const Model& model(std::string_view name) const;
  const SramTable& sram_table(std::string_view name) const;
  std::vector<std::string> model_names() const;
};

// The shipped models file: <source_dir()>/data/energy/models.toml.
std::filesystem::path default_models_file();
// Loads and validates a models file; every error names file, line, key and the allowed values.
ModelLibrary load_models(const std::filesystem::path& file);
// Same, from text (`source_name` appears in error messages).
ModelLibrary parse_models(std::string_view toml_text, std::string_view source_name);

// Event type names a spiking model may charge (the for_each_count names of EventCounts), and
// the names of the dense baseline's events.
const std::vector<std::string>& spiking_event_names();
const std::vector<std::string>& dense_event_names();

}  // namespace hrsnn::energy
