#include "core/foundation/source_dir.hpp"

namespace hrsnn {

const std::string& source_dir() {
  static const std::string dir = HRSNN_SOURCE_DIR;
  return dir;
}

}  // namespace hrsnn
