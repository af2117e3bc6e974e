#include "core/foundation/durable.hpp"

#include <fmt/core.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace hrsnn {

namespace {

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path) {
  throw std::runtime_error(fmt::format("{}: {}: {}", path.string(), what, std::strerror(errno)));
}

void write_all(int fd, std::string_view text, const std::filesystem::path& path) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot write", path);
    }
    done += static_cast<size_t>(n);
  }
}

// Makes a rename or a file creation in `dir` itself durable.
void fsync_directory(const std::filesystem::path& file) {
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return;  // some file systems refuse to open a directory; the data is synced already
  ::fsync(dfd);
  ::close(dfd);
}

std::filesystem::path temporary_name(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter.fetch_add(1));
  return tmp;
}

// Renames the synced `tmp` over `path` and makes the rename durable; removes `tmp` on failure.
void commit_temporary(const std::filesystem::path& tmp, const std::filesystem::path& path) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    throw_errno("cannot rename the finished file into place", path);
  }
  fsync_directory(path);
}

}  // namespace

void write_text_durable(const std::filesystem::path& path, std::string_view text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  const std::filesystem::path tmp = temporary_name(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot create a temporary file", tmp);
  try {
    write_all(fd, text, tmp);
    if (::fsync(fd) != 0) throw_errno("cannot fsync", tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  commit_temporary(tmp, path);
}

// Streams through an ofstream (a raster can be larger than is worth holding in memory), then
// syncs the closed file through a descriptor of its own.
void write_file_durable(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  const std::filesystem::path tmp = temporary_name(path);
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw_errno("cannot create a temporary file", tmp);
      writer(out);
      out.flush();
      if (!out) throw std::runtime_error(fmt::format("{}: write failed", path.string()));
    }
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_errno("cannot reopen the temporary file", tmp);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw_errno("cannot fsync", tmp);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  commit_temporary(tmp, path);
}

void append_durable(const std::filesystem::path& path, std::string_view text) {
  const bool existed = std::filesystem::exists(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot open for appending", path);
  try {
    write_all(fd, text, path);
    if (::fsync(fd) != 0) throw_errno("cannot fsync", path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (!existed) fsync_directory(path);
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open for reading", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw std::runtime_error(fmt::format("{}: cannot read", path.string()));
  return ss.str();
}

}  // namespace hrsnn
