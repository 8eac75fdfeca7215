#pragma once
// The runtime's optional compute threads (espalier-run --threads N): the matrix products split their
// output rows, attention its heads. One pool per process; with one thread (the default) work runs on
// the caller and nothing is started.
#include <functional>

namespace espalier::runtime {

// Sets the number of threads (1 to 256, the caller included). Not while a parallelFor runs.
void setComputeThreads(int threads);
int computeThreads();

// Calls body(part, parts) for part = 0 .. parts - 1, parts = min(computeThreads(), maxParts), on the
// pool's threads and the caller; returns when all are done. The first exception is rethrown. Called
// from inside a body, it runs inline as one part (parallel sections do not nest).
void parallelFor(int maxParts, const std::function<void(int part, int parts)>& body);

} // namespace espalier::runtime
