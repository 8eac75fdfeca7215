#include "core/runtime/layout_timing.h"

#include "core/runtime/spmm.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace espalier::runtime {

namespace {

// Median microseconds of fn over five timed batches, after one warm-up call.
template <typename Fn>
double medianUs(Fn&& fn)
{
    fn();
    std::vector<double> us;
    for (int r = 0; r < 5; ++r) {
        const int inner = 8;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < inner; ++i)
            fn();
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / inner);
    }
    std::sort(us.begin(), us.end());
    return us[us.size() / 2];
}

} // namespace

LayoutTiming timeLayouts(const float* dense, const CsrMatrix& csr, int frames)
{
    std::vector<float> x(size_t(csr.cols) * size_t(frames), 0.5f), y(size_t(csr.rows) * size_t(frames));
    LayoutTiming t;
    t.denseUs = medianUs([&] { denseMatmul(dense, csr.rows, csr.cols, x.data(), frames, nullptr, y.data()); });
    t.sparseUs = medianUs([&] { spmm(csr, x.data(), frames, nullptr, y.data()); });
    return t;
}

} // namespace espalier::runtime
