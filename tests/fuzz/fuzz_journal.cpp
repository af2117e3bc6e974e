// libFuzzer target: opening a checkpoint journal of arbitrary bytes (read back or refused).
#include "core/foundation/journal.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("hrsnn_fuzz_journal_" + std::to_string(getpid()) + ".jsonl");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  hrsnn::JournalSchema schema;
  schema.kind = "fuzz checkpoint";
  schema.format = "hrsnn-fuzz/1";
  schema.validate = [](const nlohmann::json& j) {
    if (!j.contains("job") || !j.at("job").is_string()) throw std::invalid_argument("expected {job: string}");
  };
  schema.key = [](const nlohmann::json& j) { return j.at("job").get<std::string>(); };
  try {
    const hrsnn::Journal journal(path, schema, {{"sweep", "x"}});
  } catch (const std::exception&) {}
  return 0;
}
