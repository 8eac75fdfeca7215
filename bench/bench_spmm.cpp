// The sparse linear layer against the best dense and the other sparse products, side by side in one
// run: y = W·x for W of 256×1024, 1024×256 and 256×256 at 70 % and 90 % sparsity, x of T = 16 frames
// (feature-major), one thread. Compared: Espalier's CSR kernel (16-bit indices), dense sgemm of the BLAS
// the loader picked (OpenBLAS when installed), the runtime's own dense kernel, Eigen dense, Eigen's
// sparse × dense product and LibTorch's CSR matmul. Prints each median and the speed-ups, with the
// bandwidth ceiling of reference.md (4 / (d·(4 + 2)) for 16-bit indices) and the fraction of it
// reached. Not a test.
//   espalier_bench_spmm [--frames 16] [--shapes 256x1024,1024x256,256x256] [--benchmark_repetitions=5]
#include "bench/bench_report.h"
#include "core/runtime/spmm.h"

#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace espalier;

namespace {

int g_frames = 16;
std::map<std::string, double> g_medianUs;  // microseconds

struct Problem {
    int rows, cols;
    double sparsity;
    std::vector<float> dense;  // row-major
    runtime::CsrMatrix csr;
    std::vector<float> x;      // [cols][frames]
    std::vector<float> bias;
};

Problem makeProblem(int rows, int cols, double sparsity)
{
    Problem p{rows, cols, sparsity, {}, {}, {}, {}};
    std::mt19937 rng(unsigned(rows * 31 + cols + int(sparsity * 100)));
    std::normal_distribution<float> value;
    // Magnitude pruning of a random matrix: the kept positions are spread like a pruned layer's.
    p.dense.resize(size_t(rows) * size_t(cols));
    for (float& v : p.dense)
        v = value(rng);
    std::vector<float> magnitudes(p.dense.size());
    for (size_t i = 0; i < magnitudes.size(); ++i)
        magnitudes[i] = std::abs(p.dense[i]);
    std::nth_element(magnitudes.begin(), magnitudes.begin() + long(sparsity * double(magnitudes.size())), magnitudes.end());
    const float threshold = magnitudes[size_t(sparsity * double(magnitudes.size()))];
    for (float& v : p.dense)
        if (std::abs(v) < threshold)
            v = 0.0f;
    p.csr = runtime::CsrMatrix::fromDense(p.dense.data(), rows, cols);
    p.x.resize(size_t(cols) * size_t(g_frames));
    for (float& v : p.x)
        v = value(rng);
    p.bias.assign(size_t(rows), 0.5f);
    return p;
}

std::string key(const Problem& p, const char* method)
{
    return std::to_string(p.rows) + "x" + std::to_string(p.cols) + "/s" + std::to_string(int(p.sparsity * 100 + 0.5)) + "/" + method;
}

void espalierSpmm(benchmark::State& state, const Problem* p, std::string kernel)
{
    std::vector<float> y(size_t(p->rows) * size_t(g_frames));
    for (auto _ : state) {
        runtime::spmmUsing(kernel, p->csr, p->x.data(), g_frames, p->bias.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
    state.SetLabel(kernel + ", " + std::to_string(p->csr.bytes() / 1024) + " KiB");
}

// The runtime's own dense kernel (register-blocked GEMM) on the same weights: the dense baseline the
// runner's models are timed against.
void espalierDense(benchmark::State& state, const Problem* p)
{
    std::vector<float> y(size_t(p->rows) * size_t(g_frames));
    for (auto _ : state) {
        runtime::denseMatmul(p->dense.data(), p->rows, p->cols, p->x.data(), g_frames, p->bias.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
}

void blasSgemm(benchmark::State& state, const Problem* p)
{
    std::vector<float> y(size_t(p->rows) * size_t(g_frames));
    for (auto _ : state) {
        for (int m = 0; m < p->rows; ++m)  // the bias, as the layer adds it
            std::fill_n(y.data() + size_t(m) * size_t(g_frames), g_frames, p->bias[size_t(m)]);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, p->rows, g_frames, p->cols, 1.0f, p->dense.data(), p->cols,
                    p->x.data(), g_frames, 1.0f, y.data(), g_frames);
        benchmark::DoNotOptimize(y.data());
    }
}

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// y = w·x + b with Eigen, for a dense map or a sparse matrix w.
template <typename Weights>
void eigenProduct(benchmark::State& state, const Problem* p, const Weights& w)
{
    const Eigen::Map<const RowMatrix> x(p->x.data(), p->cols, g_frames);
    const Eigen::Map<const Eigen::VectorXf> b(p->bias.data(), p->rows);
    RowMatrix y(p->rows, g_frames);
    for (auto _ : state) {
        y.noalias() = w * x;
        y.colwise() += b;
        benchmark::DoNotOptimize(y.data());
    }
}

void eigenDense(benchmark::State& state, const Problem* p)
{
    eigenProduct(state, p, Eigen::Map<const RowMatrix>(p->dense.data(), p->rows, p->cols));
}

void eigenSparse(benchmark::State& state, const Problem* p)
{
    const Eigen::SparseMatrix<float, Eigen::RowMajor> w =
        Eigen::Map<const RowMatrix>(p->dense.data(), p->rows, p->cols).sparseView();
    eigenProduct(state, p, w);
}

void torchCsr(benchmark::State& state, const Problem* p)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor dense = torch::from_blob(const_cast<float*>(p->dense.data()), {p->rows, p->cols}).clone();
    const torch::Tensor w = dense.to_sparse_csr();
    const torch::Tensor x = torch::from_blob(const_cast<float*>(p->x.data()), {p->cols, g_frames}).clone();
    const torch::Tensor b = torch::from_blob(const_cast<float*>(p->bias.data()), {p->rows, 1}).clone();
    for (auto _ : state) {
        torch::Tensor y = torch::matmul(w, x) + b;
        benchmark::DoNotOptimize(y.data_ptr<float>());
    }
}

std::string blasLibrary()
{
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&cblas_sgemm), &info) && info.dli_fname) {
        std::error_code ec;
        const auto real = std::filesystem::canonical(info.dli_fname, ec);  // through Debian's alternatives
        return ec ? info.dli_fname : real.string();
    }
    return "unknown";
}

// "384x96,96x384": weight shapes (rows x cols).
std::vector<std::pair<int, int>> parseShapes(const std::string& text)
{
    std::vector<std::pair<int, int>> out;
    size_t start = 0;
    while (start < text.size()) {
        const size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const size_t x = item.find('x');
        if (x != std::string::npos)
            out.emplace_back(std::stoi(item.substr(0, x)), std::stoi(item.substr(x + 1)));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<char*> rest = {argv[0]};
    bool repetitionsGiven = false;
    std::vector<std::pair<int, int>> shapes = {{256, 1024}, {1024, 256}, {256, 256}};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--frames" && i + 1 < argc)
            g_frames = std::stoi(argv[++i]);
        else if (a == "--shapes" && i + 1 < argc)
            shapes = parseShapes(argv[++i]);
        else {
            repetitionsGiven = repetitionsGiven || a.rfind("--benchmark_repetitions", 0) == 0;
            rest.push_back(argv[i]);
        }
    }
    // One thread everywhere: the comparison is per core.
    if (auto setThreads = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        setThreads(1);
    torch::set_num_threads(1);
    Eigen::setNbThreads(1);

    static std::vector<Problem> problems;
    for (auto [rows, cols] : shapes)
        for (double s : {0.7, 0.9})
            problems.push_back(makeProblem(rows, cols, s));
    for (const Problem& p : problems) {
        auto reg = [&](const std::string& name, auto fn) {
            auto* b = benchmark::RegisterBenchmark(name.c_str(), fn)->Unit(benchmark::kMicrosecond)->MinTime(0.3);
            if (!repetitionsGiven)
                b->Repetitions(3)->ReportAggregatesOnly(true);
        };
        reg(key(p, "espalier"), [&p](benchmark::State& s) { espalierSpmm(s, &p, runtime::spmmKernelName()); });
        for (const std::string& kernel : runtime::availableSpmmKernels())
            if (kernel != runtime::spmmKernelName())
                reg(key(p, ("espalier-" + kernel).c_str()), [&p, kernel](benchmark::State& s) { espalierSpmm(s, &p, kernel); });
        reg(key(p, "blas_sgemm"), [&p](benchmark::State& s) { blasSgemm(s, &p); });
        reg(key(p, "espalier_dense"), [&p](benchmark::State& s) { espalierDense(s, &p); });
        reg(key(p, "eigen_dense"), [&p](benchmark::State& s) { eigenDense(s, &p); });
        reg(key(p, "eigen_sparse"), [&p](benchmark::State& s) { eigenSparse(s, &p); });
        reg(key(p, "torch_csr"), [&p](benchmark::State& s) { torchCsr(s, &p); });
    }
    g_medianUs = benchreport::runInterleaved(rest);

    std::printf("\nT = %d frames, one thread, kernel %s, dense BLAS %s\n", g_frames, runtime::spmmKernelName().c_str(),
                blasLibrary().c_str());
    // "best dense": the faster of OpenBLAS and the runtime's own GEMM; "reached": the speed-up over it
    // as a fraction of the bandwidth ceiling.
    std::printf("%-14s %9s %9s %9s %9s %9s %9s  %8s %8s %8s %8s %8s  %8s %6s\n", "shape/sparsity", "espalier", "sgemm",
                "our dense", "eigen", "eigen_sp", "torch_csr", "vs sgemm", "vs best", "vs eigen", "vs e_sp", "vs torch",
                "ceiling", "reached");
    for (const Problem& p : problems) {
        auto us = [&](const char* m) {
            const auto it = g_medianUs.find(key(p, m));
            return it == g_medianUs.end() ? 0.0 : it->second;
        };
        const double ours = us("espalier");
        if (ours <= 0.0)
            continue;
        const double density = p.csr.density();
        const double ceiling = 4.0 / (density * (4.0 + (p.csr.narrowIndices() ? 2.0 : 4.0)));
        const double bestDense = std::min(us("blas_sgemm"), us("espalier_dense"));
        std::printf("%4dx%-4d %3.0f%% %8.2fus %8.2fus %8.2fus %8.2fus %8.2fus %8.1fus  %7.2fx %7.2fx %7.2fx %7.2fx %7.1fx  "
                    "%7.2fx %5.0f%%\n",
                    p.rows, p.cols, 100.0 * p.sparsity, ours, us("blas_sgemm"), us("espalier_dense"), us("eigen_dense"),
                    us("eigen_sparse"), us("torch_csr"), us("blas_sgemm") / ours, bestDense / ours, us("eigen_dense") / ours,
                    us("eigen_sparse") / ours, us("torch_csr") / ours, ceiling, 100.0 * (bestDense / ours) / ceiling);
    }
    return 0;
}
