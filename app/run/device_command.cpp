// espalier-run device and selfcheck: what this machine is, and whether its kernels compute correctly.
#include "app/run/device_json.h"
#include "app/run/run_args.h"
#include "app/run/run_commands.h"
#include "core/runtime/device_info.h"
#include "core/runtime/json_writer.h"
#include "core/runtime/spmm.h"
#include "core/runtime/thread_pool.h"

#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

namespace espalier::run {

int runDevice(const Args& args)
{
    ArgParser p("device", "espalier-run device [--json]");
    p.flag("--json");
    if (!p.parse(args)) {
        std::cout << kHelp;
        return kExitOk;
    }
    p.requirePositional({});
    const runtime::DeviceInfo info = runtime::readDeviceInfo();
    const runtime::MachineState state = runtime::readMachineState();
    if (p.has("--json")) {
        runtime::JsonWriter j;
        j.beginObject().field("runner", "espalier-run " ESPALIER_VERSION).field("kernel", runtime::spmmKernelName());
        j.key("device");
        writeDeviceInfo(j, info);
        j.key("state");
        writeMachineState(j, state);
        j.endObject();
        std::cout << j.str() << "\n";
        return kExitOk;
    }
    std::ostringstream out;
    out << "arch:     " << info.arch << " (sparse kernel " << runtime::spmmKernelName() << ")\n"
        << "cpu:      " << info.cpu << "\n";
    for (const runtime::CpuCluster& c : info.clusters)
        out << "cluster:  CPUs " << runtime::cpuListText(c.cpus) << " (mask " << runtime::cpuMaskHex(c.cpus) << "), "
            << c.core << (c.maxKHz > 0 ? ", max " + std::to_string(c.maxKHz / 1000) + " MHz" : std::string()) << "\n";
    out << "memory:   " << info.memoryKb / 1024 << " MiB\n"
        << "os:       " << info.os << " (kernel " << info.kernel << ")\n";
    for (const runtime::ThermalReading& t : state.temperatures)
        out << "thermal:  " << t.zone << " " << t.celsius << " °C\n";
    std::cout << out.str();
    return kExitOk;
}

namespace {

struct CheckCase {
    int rows, cols;
    double density;
    bool wide;
    std::vector<int> frames;  // the few-frames path, whole frame blocks, the narrower blocks and tails
};

std::vector<float> randomMatrix(int rows, int cols, double density, std::mt19937& rng)
{
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    std::bernoulli_distribution keep(density);
    std::vector<float> w(size_t(rows) * size_t(cols));
    for (float& v : w)
        v = keep(rng) ? value(rng) : 0.0f;
    return w;
}

// The largest error relative to what float accumulation can be expected to lose: sum |w||x| · 1e-5.
double worstError(const std::vector<float>& got, const std::vector<float>& want, const std::vector<float>& w,
                  const std::vector<float>& x, int rows, int cols, int frames)
{
    double worst = 0.0;
    for (int m = 0; m < rows; ++m)
        for (int t = 0; t < frames; ++t) {
            double scale = 1.0;
            for (int k = 0; k < cols; ++k)
                scale += std::abs(double(w[size_t(m) * cols + k]) * double(x[size_t(k) * frames + t]));
            const size_t i = size_t(m) * frames + t;
            worst = std::max(worst, std::abs(double(got[i]) - double(want[i])) / (scale * 1e-5));
        }
    return worst;  // above 1: a mismatch
}

} // namespace

int runSelfcheck(const Args& args)
{
    ArgParser p("selfcheck", "espalier-run selfcheck [--json]");
    p.flag("--json");
    if (!p.parse(args)) {
        std::cout << kHelp;
        return kExitOk;
    }
    p.requirePositional({});
    const std::vector<CheckCase> cases = {
        {37, 53, 0.3, false, {1, 3, 4, 7, 16, 17, 32, 40, 151}},
        {256, 1024, 0.1, false, {2, 16, 37}},  // wide enough for the column panels
        {144, 576, 0.3, false, {5, 33}},
        {65, 300, 0.5, true, {3, 19}},         // 32-bit column indices
        {16, 70000, 0.001, false, {1, 17}},    // more columns than 16 bits address
        {8, 9, 1.0, false, {4, 8, 151}},       // a subsampling GEMM's shape
    };
    std::mt19937 rng(7);
    int checks = 0, failures = 0;
    std::ostringstream report;
    for (const int threads : {1, 3}) {
        runtime::setComputeThreads(threads);
        for (const CheckCase& c : cases) {
            const std::vector<float> w = randomMatrix(c.rows, c.cols, c.density, rng);
            const runtime::CsrMatrix csr = runtime::CsrMatrix::fromDense(w.data(), c.rows, c.cols, c.wide);
            std::vector<float> bias(size_t(c.rows));
            for (float& b : bias)
                b = float(rng() % 100) / 50.0f - 1.0f;
            for (const int frames : c.frames) {
                std::vector<float> x(size_t(c.cols) * frames);
                std::normal_distribution<float> d;
                for (float& v : x)
                    v = d(rng);
                std::vector<float> want(size_t(c.rows) * frames), got(want.size());
                runtime::denseLinearReference(w.data(), c.rows, c.cols, x.data(), frames, bias.data(), want.data());
                auto check = [&](const std::string& what) {
                    const double e = worstError(got, want, w, x, c.rows, c.cols, frames);
                    ++checks;
                    if (!(e <= 1.0)) {
                        ++failures;
                        report << "mismatch: " << what << " " << c.rows << "x" << c.cols << " density " << c.density
                               << (c.wide ? " 32-bit indices" : "") << ", " << frames << " frames, " << threads
                               << " thread(s): error " << e << " x the tolerance\n";
                    }
                };
                for (const std::string& kernel : runtime::availableSpmmKernels()) {
                    runtime::spmmUsing(kernel, csr, x.data(), frames, bias.data(), got.data());
                    check("csr/" + kernel);
                    if (c.cols <= 4096) {
                        runtime::denseMatmulUsing(kernel, w.data(), c.rows, c.cols, x.data(), frames, bias.data(),
                                                  got.data());
                        check("dense/" + kernel);
                    }
                }
            }
        }
    }
    // The subsampling's convolution, its input gathered per block, against an explicit unfolding.
    for (const int threads : {1, 3}) {
        runtime::setComputeThreads(threads);
        const int channels = 5, rows = 31, cols = 19, out = 12, outRows = (rows - 1) / 2, outCols = (cols - 1) / 2;
        const int positions = outRows * outCols;
        std::normal_distribution<float> d;
        std::vector<float> h(size_t(channels) * rows * cols), bias(static_cast<size_t>(out));
        for (float& v : h)
            v = d(rng);
        for (float& v : bias)
            v = d(rng);
        const std::vector<float> w = randomMatrix(out, channels * 9, 0.4, rng);
        std::vector<float> unfolded(size_t(channels) * 9 * positions);
        for (int c = 0; c < channels; ++c)
            for (int i = 0; i < 9; ++i)
                for (int p = 0; p < positions; ++p)
                    unfolded[size_t(c * 9 + i) * positions + p] =
                        h[(size_t(c) * rows + 2 * (p / outCols) + i / 3) * cols + 2 * (p % outCols) + i % 3];
        std::vector<float> want(size_t(out) * positions), got(want.size());
        runtime::denseLinearReference(w.data(), out, channels * 9, unfolded.data(), positions, bias.data(), want.data());
        const runtime::ConvInput input{h.data(), channels, rows, cols};
        for (const bool sparse : {true, false}) {
            if (sparse)
                runtime::spmmConv3x3s2(runtime::CsrMatrix::fromDense(w.data(), out, channels * 9), input, bias.data(),
                                       got.data());
            else
                runtime::denseConv3x3s2(w.data(), out, input, bias.data(), got.data());
            const double e = worstError(got, want, w, unfolded, out, channels * 9, positions);
            ++checks;
            if (!(e <= 1.0)) {
                ++failures;
                report << "mismatch: " << (sparse ? "csr" : "dense") << " 3x3 convolution, " << threads
                       << " thread(s): error " << e << " x the tolerance\n";
            }
        }
    }
    runtime::setComputeThreads(1);
    std::string kernels;
    for (const std::string& k : runtime::availableSpmmKernels())
        kernels += (kernels.empty() ? "" : ",") + k;
    if (p.has("--json")) {
        runtime::JsonWriter j;
        j.beginObject()
            .field("kernels", kernels)
            .field("checks", checks)
            .field("failures", failures)
            .field("report", report.str())
            .endObject();
        std::cout << j.str() << "\n";
    } else {
        std::cout << report.str() << (failures ? "FAILED: " : "ok: ") << checks - failures << " of " << checks
                  << " products agree with the reference (kernels " << kernels << ", 1 and 3 threads)\n";
    }
    return failures ? kExitFailure : kExitOk;
}

} // namespace espalier::run
