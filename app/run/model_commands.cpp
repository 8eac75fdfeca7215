// espalier-run info and transcribe: check a model file, and run it on one utterance.
#include "app/run/run_args.h"
#include "app/run/run_commands.h"
#include "core/runtime/asr_runtime.h"
#include "core/runtime/error.h"
#include "core/runtime/espm.h"
#include "core/runtime/json_writer.h"
#include "core/runtime/layout_timing.h"
#include "core/runtime/spmm.h"
#include "core/runtime/thread_pool.h"
#include "core/runtime/wav_reader.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace espalier::run {

int runInfo(const Args& args)
{
    ArgParser p("info", "espalier-run info MODEL.espm");
    if (!p.parse(args)) {
        std::cout << kHelp;
        return kExitOk;
    }
    p.requirePositional({"MODEL.espm"});
    const std::string path = p.positional()[0];
    const runtime::EspmModel model = runtime::readEspm(path);
    std::cout << path << ": " << model.metaValue("graph", "unknown graph") << ", " << model.vocabulary.size()
              << " units, " << model.tensors.size() << " tensors; sparse kernel here: " << runtime::spmmKernelName()
              << "\n";
    for (const auto& [key, value] : model.meta)
        std::cout << "  " << key << " " << value << "\n";
    long long sparse = 0, nonzeros = 0, elements = 0;
    for (const auto& t : model.tensors) {
        elements += t.numel();
        if (t.sparse) {
            ++sparse;
            nonzeros += t.csr.nonzeros();
            std::cout << "  csr   " << t.name << " " << t.csr.rows << "x" << t.csr.cols << " density "
                      << 100.0 * t.csr.density() << " %" << (t.csr.narrowIndices() ? "" : " (32-bit indices)") << "\n";
        } else {
            nonzeros += t.numel();
        }
    }
    std::cout << "  " << sparse << " of " << model.tensors.size() << " tensors stored CSR; " << nonzeros << " of "
              << elements << " values stored\n";
    return kExitOk;
}

// Writes T x V float32 values, little-endian (the runner's only targets are little-endian), atomically.
static void writeLogProbs(const std::string& path, const runtime::Activations& probs)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw IoError("cannot write '" + path + "'");
        for (int t = 0; t < probs.rows(); ++t)
            for (int v = 0; v < probs.cols(); ++v) {
                const float value = probs(t, v);
                out.write(reinterpret_cast<const char*>(&value), sizeof value);
            }
        if (!out.flush())
            throw IoError("cannot write '" + path + "'");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw IoError("cannot write '" + path + "'");
}

int runTranscribe(const Args& args)
{
    const char* usage = "espalier-run transcribe MODEL.espm WAV [--threads N] [--logprobs OUT.f32] [--json]";
    ArgParser p("transcribe", usage);
    p.option("--threads");
    p.option("--logprobs");
    p.flag("--json");
    if (!p.parse(args)) {
        std::cout << kHelp;
        return kExitOk;
    }
    p.requirePositional({"MODEL.espm", "WAV"});
    runtime::setComputeThreads(int(p.integer("--threads", 1, 1, 256)));
    const std::string modelPath = p.positional()[0], wavPath = p.positional()[1];
    runtime::AsrRuntime rt(runtime::readEspm(modelPath), modelPath);
    const runtime::WavData wav = runtime::readWav(wavPath);
    if (wav.sampleRate != rt.frontEnd().sampleRate)
        throw InputError("'" + wavPath + "' is " + std::to_string(wav.sampleRate) + " Hz; the model expects "
                         + std::to_string(rt.frontEnd().sampleRate) + " Hz (espalier-run cannot resample)");
    runtime::Activations probs;
    std::string text;
    try {
        text = rt.transcribe(wav.samples, &probs);
    } catch (const InputError&) {
        throw InputError("'" + wavPath + "' is too short to transcribe");
    }
    if (p.has("--logprobs"))
        writeLogProbs(p.value("--logprobs"), probs);
    if (p.has("--json")) {
        runtime::JsonWriter j;
        j.beginObject()
            .field("model", modelPath)
            .field("wav", wavPath)
            .field("text", text)
            .field("frames", int(probs.rows()))
            .field("vocab", int(probs.cols()))
            .endObject();
        std::cout << j.str() << "\n";
    } else {
        std::cout << text << "\n";
    }
    return kExitOk;
}

int runLayout(const Args& args)
{
    ArgParser p("layout", "espalier-run layout MODEL.espm [--frames T] [--json]");
    p.option("--frames");
    p.flag("--json");
    if (!p.parse(args)) {
        std::cout << kHelp;
        return kExitOk;
    }
    p.requirePositional({"MODEL.espm"});
    const int frames = int(p.integer("--frames", runtime::kLayoutTimingFrames, 1, 4096));
    const runtime::EspmModel model = runtime::readEspm(p.positional()[0]);
    runtime::JsonWriter j;
    j.beginObject().field("kernel", runtime::spmmKernelName()).field("frames", frames).key("tensors").beginArray();
    std::ostringstream text;
    text << "dense and CSR at " << frames << " frames on this CPU (kernel " << runtime::spmmKernelName() << "):\n";
    for (const runtime::EspmTensor& t : model.tensors) {
        if (!t.sparse)
            continue;
        std::vector<float> dense(size_t(t.csr.rows) * size_t(t.csr.cols));
        t.csr.toDense(dense.data());
        const runtime::LayoutTiming timing = runtime::timeLayouts(dense.data(), t.csr, frames);
        j.beginObject()
            .field("name", t.name)
            .field("rows", t.csr.rows)
            .field("cols", t.csr.cols)
            .field("density", t.csr.density())
            .field("dense_us", timing.denseUs)
            .field("csr_us", timing.sparseUs)
            .endObject();
        text << "  " << t.name << " " << t.csr.rows << "x" << t.csr.cols << " density " << 100.0 * t.csr.density()
             << " %: dense " << timing.denseUs << " us, csr " << timing.sparseUs << " us -> "
             << (timing.sparseFaster() ? "csr" : "dense") << "\n";
    }
    j.endArray().endObject();
    std::cout << (p.has("--json") ? j.str() + "\n" : text.str());
    return kExitOk;
}

} // namespace espalier::run
