// The one configuration error (core/foundation/config.hpp reads every configuration file), in a
// header of its own so that code which only throws or catches it does not parse TOML headers.
#pragma once

#include <stdexcept>
#include <string>

namespace hrsnn {

// "file:line: key.path: message". Line 0 means the whole file (it could not be opened).
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, std::string key_path, const std::string& message);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& key_path() const { return key_path_; }
  // The message without the "file:line: key: " prefix.
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  std::string key_path_;
  std::string message_;
};

}  // namespace hrsnn
