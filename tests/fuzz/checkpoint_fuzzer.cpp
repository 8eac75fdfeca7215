// libFuzzer harness: a checkpoint's metadata (the JSON "meta" entry of a .pt, docs/formats/run.md),
// as loading a checkpoint reads it before any tensor: the metadata, then the model config and the
// vocabulary it carries; a parsed one is written and read back unchanged. An espalier::Error is a
// clean refusal.
#include "core/model/model_config.h"
#include "core/runtime/error.h"
#include "core/train/checkpoint_meta.h"
#include "tests/fuzz/fuzz_util.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace espalier;
    try {
        const train::CheckpointMeta meta = train::parseCheckpointMeta(fuzzutil::text(data, size), "fuzz.pt");
        const train::CheckpointMeta back = train::parseCheckpointMeta(train::checkpointMetaJson(meta), "written.pt");
        if (back.step != meta.step || back.units != meta.units || back.modelConfigYaml != meta.modelConfigYaml)
            std::abort();  // the writer and the reader disagree
        if (!meta.modelConfigYaml.empty())
            (void)model::ModelConfig::fromYaml(meta.modelConfigYaml, "fuzz.pt", fuzzutil::scratchDir()).problems();
        const data::CharTokenizer tokenizer = train::checkpointTokenizer(meta, "fuzz.pt");
        (void)tokenizer.decode(tokenizer.encode("今天天气很好"));
    } catch (const Error&) {
    }
    return 0;
}
