// libFuzzer harness: model and training configs (YAML, docs/formats/model-config.md and
// train-config.md), each with its validation and written back. The configs' paths point into an
// empty scratch folder, so what they name does not exist. An espalier::Error is a clean refusal.
#include "core/model/model_config.h"
#include "core/runtime/error.h"
#include "core/train/train_config.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace espalier;
    const std::string yaml = fuzzutil::text(data, size);
    const std::string& base = fuzzutil::scratchDir();
    try {
        const model::ModelConfig config = model::ModelConfig::fromYaml(yaml, "model.yaml", base);
        (void)config.problems();
        (void)model::ModelConfig::fromYaml(config.toYaml(), "written.yaml", base);
    } catch (const Error&) {
    }
    try {
        const train::TrainConfig config = train::TrainConfig::fromYaml(yaml, "train.yaml", base, {}, false);
        (void)config.problems();
        (void)config.toYaml();
    } catch (const Error&) {
    }
    return 0;
}
