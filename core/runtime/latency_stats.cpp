#include "core/runtime/latency_stats.h"

#include <algorithm>
#include <cmath>

namespace espalier::runtime {

LatencySummary summarize(std::vector<double> samples)
{
    LatencySummary s;
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    const size_t n = samples.size();
    s.count = int(n);
    s.min = samples.front();
    s.max = samples.back();
    s.median = n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
    const size_t rank = size_t(std::ceil(0.9 * double(n)));
    s.p90 = samples[std::min(n, std::max<size_t>(rank, 1)) - 1];
    for (const double v : samples)
        s.mean += v / double(n);
    double var = 0.0;
    for (const double v : samples)
        var += (v - s.mean) * (v - s.mean) / double(n);
    s.std = std::sqrt(var);
    return s;
}

} // namespace espalier::runtime
