// Shared helpers for the core tests: building small specs from TOML text.
#pragma once

#include "core/spec.hpp"

#include <string>

namespace hrsnn::test {

// Two-population spec used by several tests: a pre population driving a post population.
inline std::string pair_spec(const std::string& extra_projection = "", const std::string& lif = "") {
  return R"(
[simulation]
dt_ms = 1.0
steps = 100
seed = 7
[[populations]]
name = "Pre"
size = 1
v_thresh = 100.0
t_ref_steps = 10000
)" + lif + R"(
[[populations]]
name = "Post"
size = 1
v_thresh = 100.0
t_ref_steps = 10000
)" + lif + R"(
[[projections]]
name = "PP"
pre = "Pre"
post = "Post"
p = 1.0
weight = 0.5
)" + extra_projection;
}

}  // namespace hrsnn::test
