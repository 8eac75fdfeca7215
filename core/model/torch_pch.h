#pragma once
// Precompiled header for every target that includes LibTorch: parsing torch's headers dominates
// compile time, so they are parsed once per build.
#include <torch/script.h>
#include <torch/torch.h>
