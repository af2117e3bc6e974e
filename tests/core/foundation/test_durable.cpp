// Durable writes and the append-only journal: a result file is the old one or the whole new
// one; a checkpoint survives a torn last line and refuses anything else that is wrong, at its line.
#include "core/foundation/durable.hpp"
#include "core/foundation/journal.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <stdexcept>

using namespace hrsnn;
using hrsnn::test::ScratchDir;

namespace {

void write_raw(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

JournalSchema keyed_schema() {
  JournalSchema s;
  s.kind = "test journal";
  s.format = "hrsnn-test/1";
  s.validate = [](const nlohmann::json& j) {
    if (!j.contains("job") || !j.at("job").is_string()) throw std::invalid_argument("missing string field 'job'");
  };
  s.key = [](const nlohmann::json& j) { return j.at("job").get<std::string>(); };
  return s;
}

}  // namespace

TEST_CASE("a durable write replaces the file whole and leaves no temporary behind") {
  const ScratchDir dir("durable");
  const auto path = dir.path() / "sub" / "result.json";
  write_text_durable(path, "first\n");
  write_text_durable(path, "second\n");
  write_file_durable(dir.path() / "streamed.txt", [](std::ostream& out) { out << "a" << 1 << "\n"; });
  CHECK(read_text_file(path) == "second\n");
  CHECK(read_text_file(dir.path() / "streamed.txt") == "a1\n");
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path())) {
    if (e.is_regular_file()) ++files;
    CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
  }
  CHECK(files == 2);
}

TEST_CASE("a durable write into an impossible place names the file and leaves nothing") {
  const ScratchDir dir("durable_fail");
  write_raw(dir.path() / "plain", "x");
  CHECK_THROWS_WITH(write_text_durable(dir.path() / "plain" / "inside.txt", "y"), Catch::Contains("plain"));
  CHECK_THROWS_WITH(read_text_file(dir.path() / "absent.txt"), Catch::Contains("absent.txt"));
}

TEST_CASE("a journal writes its header, appends records and reads them back") {
  const ScratchDir dir("journal");
  const auto path = dir.path() / "ckpt.jsonl";
  {
    Journal j(path, keyed_schema(), {{"sweep", 7}});
    CHECK(j.records().empty());
    j.append({{"job", "a"}, {"value", 1}});
    j.append({{"job", "b"}, {"value", 2}});
  }
  const Journal again(path, keyed_schema(), {{"sweep", 7}});
  CHECK(again.header().at("sweep") == 7);
  CHECK(again.header().at("format") == "hrsnn-test/1");
  REQUIRE(again.records().size() == 2);
  CHECK(again.records()[1].at("value") == 2);
  CHECK(again.contains("a"));
  CHECK_FALSE(again.recovered_torn_line());
}

TEST_CASE("a torn last line is cut off and the journal goes on") {
  const ScratchDir dir("journal_torn");
  const auto path = dir.path() / "ckpt.jsonl";
  write_raw(path, "{\"format\":\"hrsnn-test/1\",\"type\":\"header\"}\n{\"job\":\"a\"}\n{\"job\":\"b\",\"val");
  {
    Journal j(path, keyed_schema(), {});
    CHECK(j.recovered_torn_line());
    REQUIRE(j.records().size() == 1);
    j.append({{"job", "b"}});
  }
  CHECK(read_text_file(path) ==
        "{\"format\":\"hrsnn-test/1\",\"type\":\"header\"}\n{\"job\":\"a\"}\n{\"job\":\"b\"}\n");
}

TEST_CASE("a duplicate, a malformed record and a damaged line are refused at their line") {
  const ScratchDir dir("journal_bad");
  const auto path = dir.path() / "ckpt.jsonl";
  const std::string header = "{\"format\":\"hrsnn-test/1\",\"type\":\"header\"}\n";
  write_raw(path, header + "{\"job\":\"a\"}\n{\"job\":\"a\"}\n");
  CHECK_THROWS_WITH(Journal(path, keyed_schema(), {}),
                    Catch::Contains("ckpt.jsonl:3: duplicate test journal record 'a'"));
  write_raw(path, header + "{\"job\":\"a\"}\n{\"jobs\":1}\n");
  CHECK_THROWS_WITH(Journal(path, keyed_schema(), {}), Catch::Contains("ckpt.jsonl:3: malformed test journal record"));
  write_raw(path, header + "not json\n{\"job\":\"a\"}\n");
  CHECK_THROWS_WITH(Journal(path, keyed_schema(), {}), Catch::Contains("ckpt.jsonl:2: not a JSON object"));
  write_raw(path, "{\"format\":\"other/1\",\"type\":\"header\"}\n");
  CHECK_THROWS_WITH(Journal(path, keyed_schema(), {}), Catch::Contains("ckpt.jsonl:1: not a test journal"));
  write_raw(path, header);
  Journal j(path, keyed_schema(), {});
  j.append({{"job", "x"}});
  CHECK_THROWS_WITH(j.append({{"job", "x"}}), Catch::Contains("duplicate test journal record 'x'"));
  CHECK_THROWS_WITH(j.append({{"other", 1}}), Catch::Contains("malformed"));
  CHECK(j.records().size() == 1);
}
