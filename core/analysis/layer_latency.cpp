#include "core/analysis/layer_latency.h"

#include "core/prune/masks.h"
#include "core/runtime/csr_matrix.h"
#include "core/runtime/device_info.h"
#include "core/runtime/layout_timing.h"
#include "core/runtime/spmm.h"

#include <torch/torch.h>

#include <algorithm>

namespace espalier::analysis {

std::vector<double> rowLatencyMs(const model::NamedTensors& params, const std::vector<std::string>& tensors,
                                 const std::vector<double>& levels, int frames)
{
    std::vector<double> out;
    torch::NoGradGuard noGrad;
    for (const std::string& name : tensors) {
        const torch::Tensor w = params[name].detach().to(torch::kCPU, torch::kFloat).contiguous();
        if (w.dim() != 2)
            continue;
        out.resize(levels.size(), 0.0);
        const int rows = int(w.size(0)), cols = int(w.size(1));
        double denseUs = 0.0;
        for (size_t l = 0; l < levels.size(); ++l) {
            const torch::Tensor pruned =
                levels[l] > 0.0 ? (w * prune::layerMagnitudeMasks({{name, w}}, {levels[l]}).at(name)).contiguous() : w;
            const runtime::CsrMatrix csr = runtime::CsrMatrix::fromDense(pruned.data_ptr<float>(), rows, cols);
            const runtime::LayoutTiming t = runtime::timeLayouts(w.data_ptr<float>(), csr, std::max(1, frames));
            if (l == 0)
                denseUs = t.denseUs;
            out[l] += (l == 0 ? denseUs : std::min(denseUs, t.sparseUs)) / 1000.0;
        }
    }
    return out;
}

std::string latencyCpuDescription()
{
    return runtime::readDeviceInfo().cpu + " (" + runtime::spmmKernelName() + ")";
}

} // namespace espalier::analysis
