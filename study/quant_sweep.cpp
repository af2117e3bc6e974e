#include "study/quant_sweep.hpp"

#include "core/io.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace hrsnn::study {

namespace {

constexpr const char* kCheckpointFormat = "hrsnn-quant-checkpoint/1";

// ---- the checkpoint ----

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path) {
  throw std::runtime_error(fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

// Appends one line with a single write() and an fsync: a kill leaves at most a torn last line,
// which the reader drops.
void append_line(const std::filesystem::path& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot open checkpoint", path);
  std::string text = line + "\n";
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw_errno("cannot write checkpoint", path);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    throw_errno("cannot fsync checkpoint", path);
  }
  ::close(fd);
}

// FNV-1a of a text (the checkpoint's record of which spec file it was run on).
std::string fnv1a_hex(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : text) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

std::string spec_digest(const NetworkSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.source, ec)) return "";
  return fnv1a_hex(read_text_file(spec.source));
}

// What a checkpoint was run with: a resume must match it exactly.
nlohmann::json fingerprint(const NetworkSpec& spec, const QuantSweepConfig& c, const QuantRunOptions& o) {
  nlohmann::json tasks = {{"enabled", static_cast<bool>(o.tasks)},
                          {"memory", c.tasks.memory},
                          {"prediction", c.tasks.prediction},
                          {"fsdd", c.tasks.fsdd},
                          {"samples", c.tasks.samples},
                          {"max_delay", c.tasks.max_delay},
                          {"washout_samples", c.tasks.washout_samples},
                          {"fsdd_data", c.tasks.fsdd_data},
                          {"fsdd_per_group",
                           {c.tasks.fsdd_test_per_group, c.tasks.fsdd_val_per_group, c.tasks.fsdd_fit_per_group}}};
  return {{"spec", spec.source},
          {"spec_digest", spec_digest(spec)},
          {"baseline_spec", c.baseline_spec},
          {"fidelity_steps", c.fidelity_steps},
          {"probes", c.probes},
          {"coincidence_window_steps", c.coincidence_window_steps},
          {"vp_cost_per_step", c.vp_cost_per_step},
          {"tasks", tasks},
          {"energy", {{"models", c.energy_models}, {"models_file", c.energy_models_file}, {"scale_sram_words", c.scale_sram_words}}},
          {"base", quant_hardware_json(c.points.front().hardware)}};
}

// Records of an existing checkpoint by job key (a torn last line is dropped).
std::map<std::string, QuantRecord> read_checkpoint(const std::filesystem::path& path, const nlohmann::json& header) {
  std::map<std::string, QuantRecord> out;
  std::ifstream in(path);
  if (!in) throw_errno("cannot read checkpoint", path);
  std::string line;
  size_t number = 0;
  bool have_header = false;
  uint64_t good_bytes = 0;  // end of the last complete line
  bool torn = false;
  while (std::getline(in, line)) {
    ++number;
    const bool complete = !in.eof();  // the line ended with a newline
    nlohmann::json j;
    if (!line.empty()) {
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception&) {
        if (!complete) {  // torn last line (a kill during its write): cut it off, the job reruns
          torn = true;
          break;
        }
        throw std::runtime_error(fmt::format("{}:{}: not a JSON line", path.string(), number));
      }
    }
    if (!complete) {  // a whole record without its newline: keep it, cut it off, and rerun the job
      torn = true;
      break;
    }
    good_bytes += line.size() + 1;
    if (line.empty()) continue;
    if (!have_header) {
      if (j.value("type", "") != "header" || j.value("format", "") != kCheckpointFormat)
        throw std::runtime_error(fmt::format("{}: not a {} file", path.string(), kCheckpointFormat));
      if (j.at("sweep") != header) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : header.items())
          if (!j.at("sweep").contains(k) || j.at("sweep").at(k) != v) keys.push_back(k);
        throw std::runtime_error(fmt::format("{} belongs to a different sweep (differs in: {}); choose another --out",
                                             path.string(), fmt::join(keys, ", ")));
      }
      have_header = true;
      continue;
    }
    if (j.value("type", "") == "record") {
      QuantRecord r = quant_record_from_json(j);
      out[r.job] = std::move(r);
    }
  }
  in.close();
  if (torn) std::filesystem::resize_file(path, good_bytes);
  if (!have_header && good_bytes > 0)
    throw std::runtime_error(fmt::format("{}: no header line; not a {} file", path.string(), kCheckpointFormat));
  return out;
}

}  // namespace

// ---- the run ----

QuantResult run_quant_sweep(const NetworkSpec& spec, const QuantSweepConfig& config, const QuantRunOptions& options) {
  if (config.points.empty()) throw std::invalid_argument("run_quant_sweep: no points (call make_points first)");
  if (!config.baseline_spec.empty() && !options.baseline)
    throw std::invalid_argument("run_quant_sweep: the sweep names a baseline spec; load it into options.baseline");
  const std::vector<QuantJob> jobs = make_quant_jobs(config, options.baseline.has_value());
  std::filesystem::create_directories(options.out_dir);
  const std::filesystem::path path = options.out_dir / "quant.jsonl";
  const nlohmann::json header = fingerprint(spec, config, options);
  const std::filesystem::path& ckpt = path;

  std::map<std::string, QuantRecord> done;
  if (std::filesystem::exists(ckpt)) {
    if (!options.resume)
      throw std::runtime_error(fmt::format("{} exists: pass --resume to continue that sweep, or choose another --out",
                                           ckpt.string()));
    done = read_checkpoint(ckpt, header);
  }
  if (!std::filesystem::exists(ckpt) || std::filesystem::file_size(ckpt) == 0)  // new, or only a torn header
    append_line(ckpt, nlohmann::json{{"type", "header"}, {"format", kCheckpointFormat}, {"sweep", header}}.dump());

  QuantResult result;
  std::vector<size_t> pending;
  for (size_t k = 0; k < jobs.size(); ++k)
    if (done.count(jobs[k].key)) ++result.resumed;
    else pending.push_back(k);
  if (options.max_jobs > 0 && pending.size() > options.max_jobs) pending.resize(options.max_jobs);

  QuantEvaluator evaluator(spec, config, options.baseline ? &*options.baseline : nullptr, options.tasks);
  std::mutex mu;
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  auto worker = [&] {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= pending.size()) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (failure) return;
      }
      const QuantJob& job = jobs[pending[i]];
      QuantRecord r = evaluator.run(job);
      // Keep exactly what a resumed run would read back.
      const nlohmann::json j = to_json(r);
      r = quant_record_from_json(j);
      std::lock_guard<std::mutex> lock(mu);
      try {
        append_line(ckpt, j.dump());
      } catch (...) {
        failure = std::current_exception();
        return;
      }
      ++result.computed;
      if (options.progress)
        options.progress(fmt::format("[{}/{}] {}{} ({:.1f} s)", result.resumed + result.computed, jobs.size(), job.key,
                                     r.error.empty() ? "" : "  ERROR: " + r.error, r.wall_time_s));
      done[r.job] = std::move(r);
    }
  };
  const unsigned threads = std::max(1u, options.threads ? options.threads : config.threads);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::min<size_t>(threads, pending.size()); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);

  result.complete = true;
  for (const QuantJob& job : jobs) {
    auto it = done.find(job.key);
    if (it == done.end()) {
      result.complete = false;
      continue;
    }
    result.records.push_back(it->second);
  }
  if (result.complete) {
    result.summary = quant_summary(spec, config, result.records);
    write_text_atomic(options.out_dir / "quant.json", result.summary.dump(1) + "\n");
    write_text_atomic(options.out_dir / "quant.csv", quant_csv(result.records));
  }
  return result;
}

}  // namespace hrsnn::study
