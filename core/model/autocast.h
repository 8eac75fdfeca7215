#pragma once
// Scoped control of LibTorch's autocast (mixed precision), as torch.autocast does in Python.
#include <ATen/autocast_mode.h>
#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>

namespace espalier::model {

// Runs the scope under autocast for one device type: bf16 on CPU, fp16 (or bf16) on CUDA.
// Restores the previous state on exit and clears the cast cache when the outermost scope ends.
class AutocastScope {
public:
    explicit AutocastScope(c10::DeviceType device, c10::ScalarType dtype, bool enabled = true)
        : cuda_(device == c10::DeviceType::CUDA), enabled_(enabled)
    {
        previous_ = cuda_ ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
        previousType_ = cuda_ ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
        if (!enabled_)
            return;
        if (cuda_) {
            at::autocast::set_enabled(true);
            at::autocast::set_autocast_gpu_dtype(dtype);
        } else {
            at::autocast::set_cpu_enabled(true);
            at::autocast::set_autocast_cpu_dtype(dtype);
        }
        at::autocast::increment_nesting();
    }
    ~AutocastScope()
    {
        if (!enabled_)
            return;
        if (at::autocast::decrement_nesting() == 0)
            at::autocast::clear_cache();
        if (cuda_) {
            at::autocast::set_enabled(previous_);
            at::autocast::set_autocast_gpu_dtype(previousType_);
        } else {
            at::autocast::set_cpu_enabled(previous_);
            at::autocast::set_autocast_cpu_dtype(previousType_);
        }
    }
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool cuda_;
    bool enabled_;
    bool previous_ = false;
    c10::ScalarType previousType_ = c10::ScalarType::Float;
};

// Turns autocast off (CPU and CUDA) for the scope: the float32 islands of the precision policy.
class NoAutocastScope {
public:
    NoAutocastScope() : cpu_(at::autocast::is_cpu_enabled()), cuda_(at::autocast::is_enabled())
    {
        at::autocast::set_cpu_enabled(false);
        at::autocast::set_enabled(false);
    }
    ~NoAutocastScope()
    {
        at::autocast::set_cpu_enabled(cpu_);
        at::autocast::set_enabled(cuda_);
    }
    NoAutocastScope(const NoAutocastScope&) = delete;
    NoAutocastScope& operator=(const NoAutocastScope&) = delete;

private:
    bool cpu_;
    bool cuda_;
};

// Whether autocast is on for tensors of this device type.
inline bool autocastActive(c10::DeviceType device)
{
    return device == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}

// The lower precision autocast uses for this device type.
inline c10::ScalarType autocastDtype(c10::DeviceType device)
{
    return device == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype()
                                           : at::autocast::get_autocast_cpu_dtype();
}

} // namespace espalier::model
