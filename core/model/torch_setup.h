#pragma once
// Process-wide LibTorch settings, applied once at start-up by the executables.

namespace espalier::model {

// Sets LibTorch's intra-op thread count (it defaults to 1 in Debian's build). threads <= 0 means
// one per available core. Returns the count in force afterwards.
int configureTorchThreads(int threads = 0);

// Whether LibTorch here can use a CUDA device: asked where a device is chosen (the trainer, the
// training form), never by config validation, so a config means the same on every machine.
bool cudaAvailable();

// LibTorch's version string, e.g. "1.13.1".
const char* torchVersion();

} // namespace espalier::model
