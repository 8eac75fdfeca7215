// libFuzzer harness: augmentation pipelines (YAML, docs/formats/augment.md) read, written back and
// run on a quarter second of a tone, so every op meets the parameters a user could give it.
#include "core/augment/pipeline.h"
#include "core/runtime/error.h"
#include "tests/fuzz/fuzz_util.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace espalier;
    try {
        const augment::Pipeline pipeline = augment::Pipeline::fromYaml(fuzzutil::text(data, size), "pipeline.yaml",
                                                                       fuzzutil::scratchDir());
        (void)augment::Pipeline::fromYaml(pipeline.toYaml(), "written.yaml", fuzzutil::scratchDir());
        augment::Signal signal;
        signal.sampleRate = 16000;
        for (int i = 0; i < 4000; ++i)
            signal.samples.push_back(0.3f * std::sin(float(i) * 0.2f));
        (void)pipeline.run(signal, 7);
    } catch (const Error&) {
    }
    return 0;
}
