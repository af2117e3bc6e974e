// The models file: reads and validates data/energy/models.toml into a ModelLibrary, and looks
// models up in it. See models.hpp.
#include "hw_model/energy/models.hpp"

#include "core/counters.hpp"
#include "core/foundation/config.hpp"
#include "core/foundation/source_dir.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <utility>

namespace hrsnn::energy {

std::string_view to_string(Scope s) { return s == Scope::PerOp ? "per_op" : "all_in"; }

std::string_view to_string(Evidence e) {
  switch (e) {
    case Evidence::Primary: return "P";
    case Evidence::Secondary: return "S";
    case Evidence::SecondaryAgreed: return "S+";
    case Evidence::Unverified: return "U";
  }
  return "?";
}

std::string_view to_string(ObtainedBy o) {
  switch (o) {
    case ObtainedBy::Simulated: return "simulated";
    case ObtainedBy::Measured: return "measured";
    case ObtainedBy::Derived: return "derived";
    case ObtainedBy::NotStated: return "not_stated";
  }
  return "?";
}

bool Model::all_in() const {
  return std::any_of(terms.begin(), terms.end(), [](const Term& t) { return t.provenance.scope == Scope::AllIn; });
}

const std::vector<std::string>& spiking_event_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for_each_count(EventCounts{}, [&](std::string_view name, uint64_t) { v.emplace_back(name); });
    return v;
  }();
  return names;
}

const std::vector<std::string>& dense_event_names() {
  static const std::vector<std::string> names = {"macs", "neuron_updates", "weight_reads", "state_reads",
                                                 "state_writes"};
  return names;
}

// --- Loading --------------------------------------------------------------------------------

namespace {

// The entries of a table in file order (toml++ iterates a table in key order).
std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& t) {
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (auto&& [key, node] : t) entries.emplace_back(std::string(key.str()), &node);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& sa = a.second->source().begin;
    const auto& sb = b.second->source().begin;
    return sa.line != sb.line ? sa.line < sb.line : sa.column < sb.column;
  });
  return entries;
}

// Keys every figure (term or SRAM table) carries, appended to a table's own keys.
std::vector<std::string> with_provenance_keys(std::vector<std::string> keys) {
  for (const char* k : {"chip", "node", "voltage", "scope", "evidence", "obtained_by", "citation", "note"})
    keys.emplace_back(k);
  return keys;
}

// The models file's reader: the shared ConfigTable (its wording, its file:line: key errors)
// with the keys of each table checked up front, required keys that say why they are required,
// non-blank strings, finite numbers and choices returned by index.
class TableReader : public ConfigTable {
 public:
  TableReader(std::string file, const toml::table& table, std::string path, const std::vector<std::string>& allowed)
      : ConfigTable(std::move(file), table, std::move(path)) {
    only_keys(allowed);
  }

  using ConfigTable::fail;
  int line() const { return line_of_table(); }
  // At the key's line, or the table's when the key is absent.
  [[noreturn]] void fail(std::string_view key, const std::string& message) const { fail(get(key), key, message); }

  const toml::node& required(std::string_view key, std::string_view allowed) const {
    const toml::node* n = get(key);
    if (!n) fail(nullptr, key, fmt::format("missing required key '{}' ({})", key, allowed));
    return *n;
  }

  std::string str(std::string_view key, std::string_view why = {}) const {
    return non_blank(key, required(key, why.empty() ? std::string("a string") : "a string: " + std::string(why)));
  }
  std::string opt_str(std::string_view key) const {
    const toml::node* n = get(key);
    return n ? non_blank(key, *n) : std::string{};
  }

  double number(std::string_view key) const { return finite(key, required(key, "a number")); }
  std::optional<double> opt_number(std::string_view key) const {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    return finite(key, *n);
  }

  uint64_t uint(std::string_view key, const ConfigRange& range) const {
    return static_cast<uint64_t>(integer_of(&required(key, range.describe()), key, range));
  }
  uint64_t opt_uint(std::string_view key, const ConfigRange& range, uint64_t dflt) const {
    return static_cast<uint64_t>(integer(key, static_cast<int64_t>(dflt), range));
  }

  // A string that must be one of `choices`; returns its index.
  size_t choice(std::string_view key, std::initializer_list<std::string_view> choices) const {
    const std::string v = string_of(&required(key, fmt::format("one of: {}", fmt::join(choices, ", "))), key, choices);
    return static_cast<size_t>(std::find(choices.begin(), choices.end(), v) - choices.begin());
  }

  const toml::table& table(std::string_view key) const { return as_table(key, required(key, "a table")); }
  const toml::table* opt_table(std::string_view key) const { return subtable(key); }
  const toml::table& as_table(std::string_view key, const toml::node& n) const {
    if (!n.is_table()) fail(&n, key, fmt::format("expected a table, got {}", config_type_name(n)));
    return *n.as_table();
  }
  const toml::array& array(std::string_view key) const {
    const toml::node& n = required(key, "an array");
    if (!n.is_array()) fail(&n, key, fmt::format("expected an array, got {}", config_type_name(n)));
    return *n.as_array();
  }

 private:
  std::string non_blank(std::string_view key, const toml::node& n) const {
    std::string v = string_of(&n, key);
    if (v.find_first_not_of(" \t") == std::string::npos)
      fail(&n, key, fmt::format("expected a non-empty string, got \"{}\"", v));
    return v;
  }
  double finite(std::string_view key, const toml::node& n) const {
    const double v = number_of(&n, key, ConfigRange::any());
    if (!std::isfinite(v)) fail(&n, key, fmt::format("value {} out of range (allowed: a finite number)", v));
    return v;
  }
};

Provenance read_provenance(const TableReader& r) {
  Provenance p;
  p.chip = r.str("chip", "the chip the figure was obtained on");
  p.node = r.str("node", "the process node (\"not stated\" if the source is silent)");
  p.voltage = r.str("voltage", "the supply voltage (\"not stated\" if the source is silent)");
  p.scope = r.choice("scope", {"per_op", "all_in"}) == 0 ? Scope::PerOp : Scope::AllIn;
  static constexpr Evidence kEvidence[] = {Evidence::Primary, Evidence::Secondary, Evidence::SecondaryAgreed,
                                           Evidence::Unverified};
  p.evidence = kEvidence[r.choice("evidence", {"P", "S", "S+", "U"})];
  static constexpr ObtainedBy kObtained[] = {ObtainedBy::Simulated, ObtainedBy::Measured, ObtainedBy::Derived,
                                             ObtainedBy::NotStated};
  p.obtained_by = kObtained[r.choice("obtained_by", {"simulated", "measured", "derived", "not_stated"})];
  p.citation = r.str("citation", "every figure must say where it comes from");
  p.note = r.opt_str("note");
  return p;
}

SramTable read_sram_table(const std::string& file, const std::string& name, const toml::table& t) {
  TableReader r(file, t, "sram_tables." + name, with_provenance_keys({"what", "levels", "larger_arrays"}));
  SramTable s;
  s.name = name;
  s.what = r.str("what");
  s.provenance = read_provenance(r);
  if (s.provenance.scope != Scope::PerOp)
    r.fail("scope", "an SRAM access energy is a per-operation figure; allowed values: per_op");
  s.larger_arrays = r.choice("larger_arrays", {"bank_of_largest", "not_priced"}) == 0 ? LargerArrays::BankOfLargest
                                                                                      : LargerArrays::NotPriced;
  const toml::array& levels = r.array("levels");
  if (levels.empty()) r.fail("levels", "needs at least one { size_bytes, read_pj_per_64b } level");
  for (size_t i = 0; i < levels.size(); ++i) {
    const std::string key = fmt::format("levels[{}]", i);
    const toml::table& lt = r.as_table(key, levels[i]);
    TableReader lr(file, lt, r.join(key), {"size_bytes", "read_pj_per_64b"});
    SramLevel level;
    level.size_bytes = lr.uint("size_bytes", ConfigRange::integers(1, std::numeric_limits<double>::infinity()));
    level.read_pj_per_64b = lr.number("read_pj_per_64b");
    if (level.read_pj_per_64b <= 0.0)
      lr.fail("read_pj_per_64b", fmt::format("must be > 0 pJ, got {}", level.read_pj_per_64b));
    if (!s.levels.empty() && level.size_bytes <= s.levels.back().size_bytes)
      lr.fail("size_bytes", "levels must be in strictly increasing size_bytes");
    s.levels.push_back(level);
  }
  return s;
}

Term read_term(const std::string& file, const std::string& path, const toml::table& t,
               const std::vector<std::string>& events, const std::vector<SramTable>& sram_tables) {
  TableReader r(file, t, path,
                with_provenance_keys(
                    {"event", "what", "energy_pj", "sram", "ops_per_event", "charged_because", "operating_point"}));
  Term term;
  term.event = r.str("event");
  if (std::find(events.begin(), events.end(), term.event) == events.end())
    r.fail("event", fmt::format("'{}' is not one of the event types here: {}", term.event, fmt::join(events, ", ")));
  term.what = r.str("what", "what the figure is, in the source's words");
  term.provenance = read_provenance(r);
  term.charged_because = r.str("charged_because", "why this figure is charged to this event type");
  term.ops_per_event = static_cast<uint32_t>(r.opt_uint("ops_per_event", ConfigRange::integers(1, 1'000'000), 1));

  const bool has_energy = r.get("energy_pj") != nullptr;
  const bool has_sram = r.get("sram") != nullptr;
  if (has_energy == has_sram)
    r.fail_table("a term needs exactly one of energy_pj (a figure in pJ) or sram (an SRAM access priced by size)");
  if (has_energy) {
    const double e = r.number("energy_pj");
    if (e <= 0.0)
      r.fail("energy_pj", fmt::format("must be > 0 pJ, got {} (an event with no cost of its own goes in the "
                                      "model's uncharged table with a reason)",
                                      e));
    term.energy_pj = e;
  } else {
    const toml::table& st = r.table("sram");
    TableReader sr(file, st, r.join("sram"), {"table", "array", "word_bits"});
    SramAccess access;
    access.table = sr.str("table");
    const bool known =
        std::any_of(sram_tables.begin(), sram_tables.end(), [&](const SramTable& s) { return s.name == access.table; });
    if (!known) {
      std::vector<std::string> names;
      for (const auto& s : sram_tables) names.push_back(s.name);
      sr.fail("table", fmt::format("'{}' is not one of the SRAM tables of this file: {}", access.table,
                                   names.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(names, ", "))));
    }
    access.array = sr.choice("array", {"weights", "neuron_state"}) == 0 ? SramArray::Weights : SramArray::NeuronState;
    access.word_bits = static_cast<uint32_t>(sr.uint("word_bits", ConfigRange::integers(1, 4096)));
    term.sram = access;
  }

  const toml::node* op = r.get("operating_point");
  if (term.provenance.scope == Scope::AllIn) {
    if (!op)
      r.fail(nullptr, "operating_point",
             "required key is missing: an all-in figure holds only at its operating point "
             "(operating_point = { description, rate_hz, synapses_per_neuron })");
    if (term.sram) r.fail("sram", "an all-in figure is a fixed energy_pj, not an SRAM access");
    if (term.ops_per_event != 1) r.fail("ops_per_event", "an all-in figure is charged once per event; allowed: 1");
    const toml::table& ot = r.as_table("operating_point", *op);
    TableReader orr(file, ot, r.join("operating_point"), {"description", "rate_hz", "synapses_per_neuron"});
    OperatingPoint point;
    point.description = orr.str("description");
    point.rate_hz = orr.opt_number("rate_hz");
    point.synapses_per_neuron = orr.opt_number("synapses_per_neuron");
    if (point.rate_hz && *point.rate_hz <= 0.0) orr.fail("rate_hz", "must be > 0");
    if (point.synapses_per_neuron && *point.synapses_per_neuron <= 0.0) orr.fail("synapses_per_neuron", "must be > 0");
    term.operating_point = point;
  } else if (op) {
    r.fail("operating_point", "only all-in figures (scope = \"all_in\") have an operating point");
  }
  return term;
}

Model read_model(const std::string& file, const std::string& section, const std::string& name, const toml::table& t,
                 ModelKind kind, const std::vector<SramTable>& sram_tables) {
  const std::string path = section + "." + name;
  TableReader r(file, t, path, {"description", "terms", "uncharged"});
  const std::vector<std::string>& events = kind == ModelKind::Spiking ? spiking_event_names() : dense_event_names();
  Model m;
  m.name = name;
  m.kind = kind;
  m.description = r.str("description");
  const toml::array& terms = r.array("terms");
  if (terms.empty()) r.fail("terms", "a model needs at least one [[" + path + ".terms]]");
  std::vector<int> term_lines;
  for (size_t i = 0; i < terms.size(); ++i) {
    const std::string key = fmt::format("terms[{}]", i);
    const toml::table& tt = r.as_table(key, terms[i]);
    m.terms.push_back(read_term(file, r.join(key), tt, events, sram_tables));
    term_lines.push_back(ConfigTable::line_of(tt));
  }

  // An all-in figure already contains every other cost: it must be the model's only term.
  for (size_t i = 0; i < m.terms.size(); ++i) {
    if (m.terms[i].provenance.scope != Scope::AllIn || m.terms.size() == 1) continue;
    std::vector<std::string> others;
    for (size_t j = 0; j < m.terms.size(); ++j)
      if (j != i)
        others.push_back(fmt::format("terms[{}] ({}, {}, line {})", j, m.terms[j].event,
                                     to_string(m.terms[j].provenance.scope), term_lines[j]));
    throw ConfigError(file, term_lines[i], path,
                      fmt::format("mixes an all-in figure (terms[{}], {}) with other terms: {}; an all-in figure "
                                  "already contains every other cost, so it must be the model's only term "
                                  "(put per-operation figures in a separate model)",
                                  i, m.terms[i].event, fmt::join(others, ", ")));
  }

  if (const toml::table* ut = r.opt_table("uncharged")) {
    for (auto&& [key, node] : *ut) {
      const std::string ev(key.str());
      const std::string kpath = r.join("uncharged");
      if (std::find(events.begin(), events.end(), ev) == events.end())
        throw ConfigError(
            file, ConfigTable::line_of(node), kpath + "." + ev,
            fmt::format("'{}' is not an event type here; allowed keys here: {}", ev, fmt::join(events, ", ")));
      const auto priced = std::find_if(m.terms.begin(), m.terms.end(), [&](const Term& x) { return x.event == ev; });
      if (priced != m.terms.end())
        throw ConfigError(file, ConfigTable::line_of(node), kpath + "." + ev,
                          "this event type is priced by a term; it cannot also be uncharged");
      if (!node.is_table())
        throw ConfigError(file, ConfigTable::line_of(node), kpath + "." + ev,
                          fmt::format("expected a table {{ status, reason }}, got {}", config_type_name(node)));
      TableReader er(file, *node.as_table(), kpath + "." + ev, {"status", "reason"});
      UnchargedEvent u;
      u.event = ev;
      u.status =
          er.choice("status", {"included", "not_priced"}) == 0 ? UnchargedStatus::Included : UnchargedStatus::NotPriced;
      u.reason = er.str("reason", "why this event type has no figure of its own");
      m.uncharged.push_back(std::move(u));
    }
  }

  // Every event type is accounted for: priced, included in another figure, or not priced.
  std::vector<std::string> missing;
  for (const auto& ev : events) {
    const bool priced = std::any_of(m.terms.begin(), m.terms.end(), [&](const Term& x) { return x.event == ev; });
    const bool declared =
        std::any_of(m.uncharged.begin(), m.uncharged.end(), [&](const UnchargedEvent& u) { return u.event == ev; });
    if (!priced && !declared) missing.push_back(ev);
  }
  if (!missing.empty())
    throw ConfigError(file, r.line(), path,
                      fmt::format("event type(s) {} neither priced by a term nor listed in [{}.uncharged] as "
                                  "{{ status = \"included\" | \"not_priced\", reason = \"...\" }}",
                                  fmt::join(missing, ", "), path));
  // Keep uncharged entries in counter order, whatever the file order.
  std::sort(m.uncharged.begin(), m.uncharged.end(), [&](const UnchargedEvent& a, const UnchargedEvent& b) {
    return std::find(events.begin(), events.end(), a.event) < std::find(events.begin(), events.end(), b.event);
  });
  return m;
}

Crossover read_crossover(const std::string& file, const std::string& path, const toml::table& t) {
  TableReader r(file, t, path,
                {"name", "spikes_per_synapse_per_inference_low", "spikes_per_synapse_per_inference_high", "evidence",
                 "citation"});
  Crossover c;
  c.name = r.str("name");
  c.low = r.number("spikes_per_synapse_per_inference_low");
  c.high = r.number("spikes_per_synapse_per_inference_high");
  if (c.low <= 0.0) r.fail("spikes_per_synapse_per_inference_low", "must be > 0");
  if (c.high < c.low) r.fail("spikes_per_synapse_per_inference_high", "must be >= the low end");
  static constexpr Evidence kEvidence[] = {Evidence::Primary, Evidence::Secondary, Evidence::SecondaryAgreed,
                                           Evidence::Unverified};
  c.evidence = kEvidence[r.choice("evidence", {"P", "S", "S+", "U"})];
  c.citation = r.str("citation");
  return c;
}

ModelLibrary read_models(const std::string& file, const toml::table& root) {
  TableReader r(file, root, "", {"format", "models", "baselines", "sram_tables", "crossovers"});
  r.choice("format", {"hrsnn-energy-models/1"});

  ModelLibrary lib;
  lib.source = file;
  if (const toml::table* st = r.opt_table("sram_tables")) {
    for (const auto& [name, node] : in_file_order(*st)) {
      if (!node->is_table())
        throw ConfigError(file, ConfigTable::line_of(*node), "sram_tables." + name,
                          fmt::format("expected a table, got {}", config_type_name(*node)));
      lib.sram_tables.push_back(read_sram_table(file, name, *node->as_table()));
    }
  }
  const auto read_section = [&](std::string_view section, ModelKind kind, std::vector<Model>& out) {
    const toml::table* t = r.opt_table(section);
    if (!t) return;
    for (const auto& [name, node] : in_file_order(*t)) {
      const std::string path = std::string(section) + "." + name;
      if (!node->is_table())
        throw ConfigError(file, ConfigTable::line_of(*node), path,
                          fmt::format("expected a table, got {}", config_type_name(*node)));
      out.push_back(read_model(file, std::string(section), name, *node->as_table(), kind, lib.sram_tables));
    }
  };
  read_section("models", ModelKind::Spiking, lib.models);
  read_section("baselines", ModelKind::Dense, lib.baselines);
  if (lib.models.empty()) r.fail("models", "the file defines no [models.NAME]");
  for (const auto& b : lib.baselines) {
    const bool clash =
        std::any_of(lib.models.begin(), lib.models.end(), [&](const Model& m) { return m.name == b.name; });
    if (clash) throw ConfigError(file, r.line(), "baselines." + b.name, "a baseline cannot have the name of a model");
  }
  if (const toml::node* cn = r.get("crossovers")) {
    if (!cn->is_array())
      r.fail(cn, "crossovers",
             fmt::format("expected an array of tables ([[crossovers]]), got {}", config_type_name(*cn)));
    const toml::array& arr = *cn->as_array();
    for (size_t i = 0; i < arr.size(); ++i) {
      const std::string key = fmt::format("crossovers[{}]", i);
      lib.crossovers.push_back(read_crossover(file, key, r.as_table(key, arr[i])));
    }
  }
  return lib;
}

}  // namespace

ModelLibrary parse_models(std::string_view toml_text, std::string_view source_name) {
  const std::string file(source_name);
  return read_models(file, parse_config_text(toml_text, file));
}

ModelLibrary load_models(const std::filesystem::path& file) {
  return read_models(file.string(), parse_config_file(file.string()));
}

std::filesystem::path default_models_file() {
  return std::filesystem::path(source_dir()) / "data" / "energy" / "models.toml";
}

const Model& ModelLibrary::model(std::string_view name) const {
  for (const auto& m : models)
    if (m.name == name) return m;
  throw ConfigError(source, 0, "models",
                    fmt::format("unknown energy model '{}'; known models: {} (dense baselines are always reported)",
                                name, fmt::join(model_names(), ", ")));
}

const SramTable& ModelLibrary::sram_table(std::string_view name) const {
  for (const auto& s : sram_tables)
    if (s.name == name) return s;
  throw ConfigError(source, 0, "sram_tables", fmt::format("unknown SRAM table '{}'", name));
}

std::vector<std::string> ModelLibrary::model_names() const {
  std::vector<std::string> names;
  for (const auto& m : models) names.push_back(m.name);
  return names;
}

}  // namespace hrsnn::energy
