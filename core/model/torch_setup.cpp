#include "core/model/torch_setup.h"

#include <torch/torch.h>

#include <thread>

namespace espalier::model {

int configureTorchThreads(int threads)
{
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
    return torch::get_num_threads();
}

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

const char* torchVersion()
{
    return TORCH_VERSION;
}

} // namespace espalier::model
