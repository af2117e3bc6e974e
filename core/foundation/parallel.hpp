// The one worker pool: independent jobs (study cells, sweep points, BO evaluations, seeds) on
// a few threads. Indices are taken in order, so a caller that sorts its jobs longest-first gets
// longest-first scheduling; results belong in slots indexed by job, so nothing that is computed
// depends on the scheduling.
#pragma once

#include <cstddef>
#include <functional>

namespace hrsnn {

// `requested` threads, or the machine's hardware threads when 0 (at least 1).
unsigned resolve_threads(unsigned requested);

// Runs body(i) for every i in [0, n) on min(threads, n) threads (the calling thread is one of
// them; threads = 0 means resolve_threads(0)). The first exception a body throws stops the
// others from taking new indices; it is rethrown here once every thread has finished.
void parallel_for(size_t n, unsigned threads, const std::function<void(size_t)>& body);

}  // namespace hrsnn
