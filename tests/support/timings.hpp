// Test support: JSON results without their timings, for comparing runs that must agree in
// everything else (a resumed study and an uninterrupted one).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace hrsnn::test {

// Removes every key ending in "time_s" (wall_time_s, cpu_time_s, the metric sim_time_s and its
// table entries, the ESN's tuning_time_s), recursively.
inline void erase_timings(nlohmann::json& j) {
  if (j.is_array())
    for (auto& e : j) erase_timings(e);
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end();) {
    const std::string& k = it.key();
    if (k.size() >= 6 && k.compare(k.size() - 6, 6, "time_s") == 0)
      it = j.erase(it);
    else
      erase_timings(*it++);
  }
}

}  // namespace hrsnn::test
