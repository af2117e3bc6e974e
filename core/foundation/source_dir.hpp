// Where the checkout lives: the shipped data (examples/, data/energy/, tools/) is found from
// here. One translation unit carries the path, so no other object file depends on where the
// tree was cloned (and a compiler cache can serve two checkouts).
#pragma once

#include <string>

namespace hrsnn {

// The repository's root directory, as configured by CMake (no trailing slash).
const std::string& source_dir();

}  // namespace hrsnn
